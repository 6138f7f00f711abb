// The panel slice of the protocol: the ready handshake and the snapshot a webview draws itself from,
// the user's settings and session file, and problems inside the webview. Host side: the coordinator,
// src/panel/panelController.ts.
import type { FramerSpecJson } from '../framerSpec';
import type { ConnectionState, HandshakeInfo, TlsInfo } from '../logModel';
import type { ComposerFormat } from '../codecs/composerInput';
import type { PanelStats } from './log';
import type { Done, ErrorInfo } from './messages';
import type { ProxyHoldInfo } from './proxy';
import type { ComposerMessage, SavedMessage } from './send';
import type { AutoRepliesInfo, PeerListInfo } from './server';

/** User settings the webview applies (socketInspector.composer.defaultFormat and .tcpEscapes, socketInspector.log.autoscroll). */
export interface PanelSettings {
  /** Format the composer starts in when it has no draft. */
  readonly defaultFormat: ComposerFormat;
  /** Whether a TCP panel's composer starts with Escapes ticked (default true). */
  readonly tcpEscapes?: boolean;
  /** Whether the log follows new entries when the panel opens. */
  readonly autoscroll: boolean;
}

/** The session file a panel shows, for its Save and Replay buttons. */
export interface PanelSessionInfo {
  /** The file's name, when the panel was opened from or saved to one. */
  readonly fileName?: string;
  /** The file holds a recorded log with sent messages to replay. */
  readonly canReplay: boolean;
  /** Untrusted workspace: the file is not written. */
  readonly readOnly: boolean;
  /** The log changed since it was saved to `fileName`. */
  readonly unsaved?: boolean;
}

/** Everything the webview needs to draw itself from nothing. */
export interface PanelSnapshot {
  readonly connectionKind: 'ws' | 'tcp';
  readonly target: string;
  readonly state: ConnectionState;
  /** TCP: the peer sent its FIN while our side is open (see Connection.peerHalfClosed). */
  readonly halfClosed?: 'peer';
  readonly error?: ErrorInfo;
  readonly handshake?: HandshakeInfo;
  readonly tls?: TlsInfo;
  /** WebSocket subprotocol and extensions the server accepted. */
  readonly protocol?: string;
  readonly extensions?: string;
  /** WebSocket: whether received pings are answered automatically. */
  readonly autoPong?: boolean;
  readonly stats: PanelStats;
  /** Sent messages, oldest first. */
  readonly history: readonly ComposerMessage[];
  readonly saved: readonly SavedMessage[];
  /** Preview bytes per entry in batches and pages; longer payloads are fetched with getPayload. */
  readonly previewBytes: number;
  /** User settings; absent means the webview's defaults. */
  readonly settings?: PanelSettings;
  /** Session file details; absent in panels that cannot save (tests, benches, servers). */
  readonly session?: PanelSessionInfo;
  /** TCP only: the framer the log is shown (and may be sent) with; absent means raw chunks. */
  readonly framing?: FramerSpecJson;
  /** Present when the panel shows a server session; the fields above describe the log on screen. */
  readonly peers?: PeerListInfo;
  /** A listener's auto-reply rules. */
  readonly autoReplies?: AutoRepliesInfo;
  /** The log shown holds auto-replies (e.g. a session file of a listener's peer), though no listener sends them now. */
  readonly autoReplyMarks?: true;
  /** Present when the log shown is a proxy pair: Out reads client → server, In server → client. */
  readonly proxy?: ProxyHoldInfo;
  /** An entry to select and scroll to once drawn (a failed test's message), as the `reveal` event says. */
  readonly reveal?: number;
}

/** What a panel's session buttons do. */
export type SessionCommand = 'save' | 'replay' | 'recordTest';

/** The rows from one seq to another, both included. */
export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

/** Panel requests the webview sends. */
export type PanelRequests = {
  /** Sent once the webview has loaded (and again after it was recreated); answered with a snapshot. */
  ready: { params: Done; result: PanelSnapshot };
  /**
   * Runs a session command for this panel: Save Session, Replay Sent Messages, or Record as Test of the
   * rows from seq `range.from` to `range.to` (the whole log without a range).
   */
  sessionCommand: { params: { command: SessionCommand; range?: SeqRange }; result: Done };
};

/** Panel events the webview sends. */
export type PanelWebviewEvents = {
  /** Something failed inside the webview; the host logs it. */
  webviewError: { message: string };
};

/** Panel events the host sends. */
export type PanelEvents = {
  /** The panel now shows a different connection (reconnect, another peer); start over from this snapshot. */
  snapshot: { snapshot: PanelSnapshot };
  /** Select entry `seq` of the log on screen and scroll to it (a failed test's message). */
  reveal: { seq: number };
  /** The session file details changed (Save Session As linked the tab to a file; the log changed since a save). */
  session: { session: PanelSessionInfo };
};
