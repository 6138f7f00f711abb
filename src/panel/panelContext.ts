// What the feature modules of a panel (sendHandlers, payloadHandlers, connectionHandlers, …) are given by
// the coordinator, PanelController: the connection and log on screen, the sub-controllers, the
// extension's callbacks, and a way to post. Each module registers the handlers of its slice of the
// protocol (shared/protocol/<feature>.ts) against this and nothing else.
import type { FramerSpec } from '../../shared/framerSpec';
import type { EventMap, HostEvents, SeqRange, SessionCommand } from '../../shared/protocol';
import type { Connection, WebSocketConnection } from '../core/connection/connectionTypes';
import type { EntryLog } from '../core/log/entryLog';
import type { ComposerLists } from './composerLists';
import type { ProxyController } from './proxyController';
import { ServerController } from './serverController';

/** What only the extension can do for the panel. */
export interface PanelCallbacks {
  /** Connects again (or for the first time). May return a new Connection, which the panel then shows. */
  connect(): Connection | void | Promise<Connection | void>;
  /** Drops the connection. */
  disconnect(): void | Promise<void>;
  /** Puts text on the system clipboard. */
  writeClipboard(text: string): void | Promise<void>;
  /** Runs Save Session, Replay Sent Messages or Record as Test for this panel; absent where sessions are not available. */
  sessionCommand?(command: SessionCommand, range?: SeqRange): void | Promise<void>;
  /** Runs Save Server for this panel's listener or proxy; absent where server files cannot be saved. */
  saveServer?(): void | Promise<void>;
  /**
   * Asks where to save an entry's full payload and writes it; false when the user cancelled. Absent
   * where files cannot be written. `payload` is the caller's own copy: it stays as it is while the
   * dialog is open.
   */
  savePayload?(payload: Uint8Array, suggestedName: string): boolean | Promise<boolean>;
}

/** Posts events of one slice of the protocol to the webview. */
export interface EventSink<E extends EventMap> {
  sendEvent<K extends keyof E & string>(type: K, params: E[K]): void;
}

/** The log on screen as the parts that stream and scan it read it, and where they post. */
export interface ShownLog<E extends EventMap> {
  /** The log the webview shows. */
  readonly log: EntryLog;
  /** The webview is ready and visible, and the panel not disposed: posting makes sense. */
  readonly live: boolean;
  readonly events: EventSink<E>;
}

/** The panel as its feature modules see it; `log` is the framed view when a framer is chosen. */
export interface PanelContext extends ShownLog<HostEvents> {
  /** The connection on screen (on a server panel: the peer shown, or the server's own). */
  readonly connection: Connection;
  /** The framer TCP data is shown (and may be sent) with; undefined shows raw chunks. */
  readonly framer: FramerSpec | undefined;
  /** Set while the panel shows a server session (Listen…, Proxy…). */
  readonly server: ServerController | undefined;
  /** The proxy pair on screen, if any. */
  readonly proxy: ProxyController;
  /** The composer's sent history and saved messages. */
  readonly lists: ComposerLists;
  readonly callbacks: PanelCallbacks;
  /** Shows another connection in the panel (after a reconnect); the webview starts over. */
  attach(connection: Connection): void;
  /** Keeps the user's automatic-pong choice for the connections a reconnect makes. */
  rememberAutoPong(enabled: boolean): void;
}

/** Whether `c` is one WebSocket (a server's own log, kind 'ws' for a WebSocket listener, is not). */
export function isWebSocket(c: Connection): c is WebSocketConnection {
  return c.kind === 'ws' && !ServerController.accepts(c);
}
