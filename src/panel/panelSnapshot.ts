// What the webview is told about the connection on screen as a whole: the snapshot it starts from (after
// `ready`, another connection, another view of the log) and the `state` event when the connection's state
// changes. Built from the panel's parts; kept apart from panelController.ts, which decides when to send them.
import { framerSpecToJson, type FramerSpec } from '../../shared/framerSpec';
import { toErrorInfo } from '../../shared/messageHandler';
import type { HostEvents, PanelSessionInfo, PanelSettings, PanelSnapshot } from '../../shared/protocol';
import type { Connection } from '../core/connection/connectionTypes';
import type { ComposerLists } from './composerLists';
import { handshakeForWebview } from './connectionChanges';
import type { LogStream } from './logStream';
import { isWebSocket } from './panelContext';
import type { ProxyController } from './proxyController';
import type { ServerController } from './serverController';
import { frameRecorder } from './wireFrameQueries';

/** The panel's parts a snapshot is built from. */
export interface SnapshotParts {
  readonly conn: Connection;
  readonly stream: LogStream;
  readonly lists: ComposerLists;
  readonly settings: PanelSettings | undefined;
  readonly sessionInfo: (() => PanelSessionInfo) | undefined;
  readonly framer: FramerSpec | undefined;
  readonly server: ServerController | undefined;
  readonly proxy: ProxyController;
  /** An entry the webview is to select and scroll to. */
  readonly reveal: number | undefined;
}

/** Everything the webview starts from. */
export function panelSnapshot(parts: SnapshotParts): PanelSnapshot {
  const c = parts.conn;
  const ws = isWebSocket(c) ? c : undefined;
  return {
    connectionKind: c.kind,
    target: c.target,
    state: c.state,
    ...(c.peerHalfClosed ? { halfClosed: 'peer' as const } : {}),
    ...(c.lastError ? { error: toErrorInfo(c.lastError) } : {}),
    ...(c.handshake ? { handshake: handshakeForWebview(c.handshake) } : {}),
    ...(c.tls ? { tls: c.tls } : {}),
    ...(ws ? { protocol: ws.protocol, extensions: ws.extensions } : {}),
    ...(frameRecorder(c) ? { autoPong: frameRecorder(c)!.autoPong } : {}),
    stats: parts.stream.stats(),
    history: [...parts.lists.history],
    saved: [...parts.lists.saved],
    previewBytes: parts.stream.previewBytes,
    ...(parts.settings ? { settings: parts.settings } : {}),
    // Server sessions are not saved to session files (yet).
    ...(parts.sessionInfo && !parts.server ? { session: parts.sessionInfo() } : {}),
    ...(parts.framer ? { framing: framerSpecToJson(parts.framer) } : {}),
    ...(parts.server ? { peers: parts.server.info() } : {}),
    ...(parts.server?.autoReplies() ? { autoReplies: parts.server.autoReplies() } : {}),
    ...(parts.stream.holdsAutoReplies() ? { autoReplyMarks: true as const } : {}),
    ...(parts.proxy.info() ? { proxy: parts.proxy.info()! } : {}),
    ...(parts.reveal !== undefined ? { reveal: parts.reveal } : {}),
  };
}

/** The `state` event for the connection on screen. */
export function stateEvent(c: Connection): HostEvents['state'] {
  const ws = isWebSocket(c) ? c : undefined;
  return {
    state: c.state,
    ...(c.peerHalfClosed ? { halfClosed: 'peer' as const } : {}),
    ...(c.lastError ? { error: toErrorInfo(c.lastError) } : {}),
    ...(ws ? { protocol: ws.protocol, extensions: ws.extensions } : {}),
  };
}
