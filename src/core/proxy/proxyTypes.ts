// The public face of proxy mode: the options that create a proxy, the session, its peers, and the
// controls a panel drives to pause, edit, drop and inject messages. Everything here is plain data or an
// interface; the implementations live in tcpProxy.ts, wsProxy.ts and proxyPair.ts.
//
// A proxy peer's log holds both legs in one timeline:
//   Direction.Out  client→server (as received from the client; forwarded unless a note says otherwise)
//   Direction.In   server→client (as received from the upstream; same rule)
//   Direction.Meta events of either leg (connecting, handshakes, open, FIN/close, errors) and notes
//                  (Kind.Note) about holding, releasing, editing, dropping and injecting.
import type { HandshakeInfo, Kind } from '../../../shared/logModel';
import type { RetentionOptions, TcpConnection, TlsOptions, WebSocketConnection } from '../connection/connectionTypes';
import type { Event } from '../base/dispose';
import type { ServerPeer, ServerSession } from '../connection/serverTypes';
import type { HoldLimits, ProxyDirection } from './holdQueue';

export type { HoldLimits, ProxyDirection } from './holdQueue';

/**
 * A payload the user supplies (replacement or injection). WebSocket: `text` is sent as a text message,
 * `bytes` as a binary one. TCP: both are raw bytes (text as UTF-8).
 */
export type ProxyPayload = { readonly text: string } | { readonly bytes: Uint8Array };

/** A message a paused pair holds back, as listed to the user. */
export interface HeldMessage {
  /** 1, 2, 3… per pair, never reused; notes in the log name it as "#id". */
  readonly id: number;
  readonly direction: ProxyDirection;
  /** Kind.Text or Kind.Binary (WebSocket), Kind.Data (TCP chunk). */
  readonly kind: Kind;
  /** The bytes as received (do not modify). */
  readonly payload: Uint8Array;
  /** Seq of the log entry that recorded its arrival (it may have been evicted since). */
  readonly seq: number;
  /** Wall-clock time it was held, ms since the epoch. */
  readonly heldAt: number;
}

/**
 * What a data entry of a proxy log is beyond "received and forwarded":
 * - held:      received, and still held back (a note after it says "Held #id")
 * - released:  received, held, then forwarded as it was
 * - replaced:  received and held, but an edited version was forwarded instead (the next role)
 * - edited:    not received: the replacement the user forwarded instead of a held message
 * - dropped:   received and held, never forwarded (dropped by the user, or the pair closed first)
 * - injected:  not received: the user sent it as if the other side had
 */
export type ProxyEntryRole = 'held' | 'released' | 'replaced' | 'edited' | 'dropped' | 'injected';

/**
 * When an entry of a proxy pair's log went out to its destination: undefined as it was logged (forwarded
 * at once, injected, edited), 'never' (held still, dropped, or replaced by an edit), or the seq of the
 * note logged when it was released (it left then, after everything logged before that note).
 */
export type ProxyDelivery = number | 'never' | undefined;

/** Paused flag of each direction. */
export interface ProxyPauseState {
  readonly toServer: boolean;
  readonly toClient: boolean;
}

/** What a panel drives on one proxy pair. Methods throw a SocketInspectorError with a readable message. */
export interface ProxyPeerControls {
  /** Whether messages of each direction are held instead of forwarded. */
  readonly paused: ProxyPauseState;
  /**
   * Pauses or resumes one direction, or both when `direction` is omitted. Resuming forwards everything
   * held in that direction first, oldest first, as received.
   */
  setPaused(paused: boolean, direction?: ProxyDirection): void;
  /** Held messages, oldest first (a snapshot). */
  readonly held: readonly HeldMessage[];
  /** Caps of the hold queue, per direction; at a cap the pair stops reading from that side. */
  readonly limits: HoldLimits;
  /**
   * Forwards a held message now, as received or, with `replacement`, edited (the replacement is logged
   * as an entry of role 'edited'). Throws NOT_OPEN when there is no such held message or its
   * destination is closed (then drop it).
   */
  release(id: number, replacement?: ProxyPayload): void;
  /** Discards a held message; it is never forwarded. Throws NOT_OPEN when there is no such held message. */
  drop(id: number): void;
  /** Forwards every held message of a direction (or both), oldest first, without changing `paused`. */
  releaseAll(direction?: ProxyDirection): void;
  /** Discards every held message of a direction (or both). */
  dropAll(direction?: ProxyDirection): void;
  /**
   * Sends a message as if the other side had sent it: 'toServer' as if from the client, 'toClient' as if
   * from the server. Goes out at once, even while paused. Throws NOT_OPEN when that side is not open.
   */
  inject(direction: ProxyDirection, payload: ProxyPayload): void;
  /** The role of a log entry of this pair, or undefined for one received and forwarded as is. */
  entryRole(seq: number): ProxyEntryRole | undefined;
  /** When a log entry of this pair went out to its destination (exports put it on the wire there). */
  delivery(seq: number): ProxyDelivery;
  /** Fires when the held list or a paused flag changes. */
  readonly onDidChangeHeld: Event<void>;
}

/** What a proxy pair adds to its connection: the two ends it joins. */
export interface ProxyPairInfo {
  /** The client's address, host:port. */
  readonly client: string;
  /** The upstream as configured (tcp://…, tls://…, ws://…, wss://…; for WebSocket with the client's path). */
  readonly upstream: string;
}

/**
 * A TCP pair as a connection. sendText/sendBytes inject toward the server; halfClose() sends FIN to the
 * server as if the client had; reset() aborts both legs with RST; close() sends FIN both ways.
 */
export interface TcpProxyConnection extends TcpConnection, ProxyPairInfo {}

/**
 * A WebSocket pair as a connection. sendText/sendBytes/sendFragmented/ping/pong go to the server as if
 * from the client (logged as injected); close(code, reason) closes both legs with that code (any code
 * 0-65535). `handshake`, `tls`, `wireFrames` and framesOf() describe the upstream leg (the wire the
 * server sees); `clientHandshake` the client's upgrade and the proxy's answer to it. `autoPong` is
 * always false: pings are passed on and answered by the other side (setAutoPong(true) throws).
 */
export interface WsProxyConnection extends WebSocketConnection, ProxyPairInfo {
  readonly clientHandshake: HandshakeInfo | undefined;
}

/** One accepted client of a proxy: its connection (both legs) and the controls over it. */
export interface ProxyPeer extends ServerPeer {
  readonly connection: TcpProxyConnection | WsProxyConnection;
  readonly controls: ProxyPeerControls;
}

/**
 * A running proxy. Unlike a listener's peers, a proxy peer starts in state 'connecting' (its upstream is
 * being opened) and may end in 'error' without ever opening, with the reason in its log.
 */
export interface ProxySession extends ServerSession {
  readonly mode: 'proxy';
  /** The upstream as configured. */
  readonly upstream: string;
  readonly peers: readonly ProxyPeer[];
  readonly onDidAcceptPeer: Event<ProxyPeer>;
  /** The paused flags new pairs start with (setPaused sets them on every live pair too). */
  readonly paused: ProxyPauseState;
  /** Pauses or resumes one direction (or both) on every live pair and on pairs accepted later. */
  setPaused(paused: boolean, direction?: ProxyDirection): void;
}

/** Whether a server session is a proxy (and has proxy peers with controls). */
export function isProxySession(session: ServerSession): session is ProxySession {
  return session.mode === 'proxy';
}

/** Options shared by TCP and WebSocket proxies. */
export interface ProxyOptions {
  /** Where to listen: "9000", "127.0.0.1:0", "[::1]:9000", optionally with tcp:// or ws://. */
  listen: string;
  /** TLS settings of a tls:// or wss:// upstream (e.g. allowSelfSigned). */
  tls?: TlsOptions;
  /** Caps of each pair's hold queue. */
  hold?: Partial<HoldLimits>;
  /** Limits of each pair's log. */
  retention?: RetentionOptions;
  /** Pairs start paused in these directions (default: forwarding). */
  startPaused?: Partial<ProxyPauseState>;
}

export interface TcpProxyOptions extends ProxyOptions {
  /** "host:port", "tcp://host:port" or "tls://host:port". */
  upstream: string;
  /** Milliseconds to wait for the upstream TCP (and TLS) connection (default 10000). */
  connectTimeoutMs?: number;
  /** Milliseconds close() waits for both peers' FIN before destroying the sockets (default 5000). */
  closeTimeoutMs?: number;
}

export interface WsProxyOptions extends ProxyOptions {
  /**
   * ws:// or wss:// URL. The client's request path is appended to its path (a client asking for "/" gets
   * the URL's own path) and the client's query to its query.
   */
  upstream: string;
  /** Headers sent upstream in addition to (or instead of, same name) the ones forwarded from the client. */
  headers?: Record<string, string>;
  /** Offer permessage-deflate to the upstream (default true); the client leg never compresses. */
  perMessageDeflate?: boolean;
  /** Milliseconds to wait for the upstream's upgrade response (default 10000). */
  handshakeTimeoutMs?: number;
  /** Largest message accepted on either leg, in bytes (default 100 MiB). */
  maxPayload?: number;
}
