// The contract every connection (TCP, TLS, WebSocket) fulfils, and the options that create one.
import type { ConnectionState, HandshakeInfo, TlsInfo } from '../../shared/logModel';
import type { Event, IDisposable } from './dispose';
import type { SocketInspectorError } from './errors';
import type { FrameLog } from './frameLog';

/** TLS settings shared by tls:// and wss:// connections. */
export interface TlsOptions {
  /** SNI name; defaults to the host when it is a name (not an IP). */
  servername?: string;
  /** Accept certificates that do not verify (self-signed, wrong host, expired). Still reported. */
  allowSelfSigned?: boolean;
  /** Extra trusted CA certificates, PEM. */
  ca?: string | string[];
  /**
   * Append this session's TLS secrets to this file (SSLKEYLOGFILE format) so Wireshark can decrypt a
   * capture of it. Absolute; a relative path is taken from the process's working directory.
   */
  keyLogFile?: string;
}

export interface WebSocketOptions {
  /** ws:// or wss:// URL. */
  url: string;
  /** Extra request headers, sent as given. */
  headers?: Record<string, string>;
  /** Subprotocols for Sec-WebSocket-Protocol. */
  protocols?: string[];
  /** Offer permessage-deflate (default true, as browsers do). */
  perMessageDeflate?: boolean;
  /** Milliseconds to wait for the upgrade response (default 10000). */
  handshakeTimeoutMs?: number;
  /** Largest message accepted, in bytes (default 100 MiB). */
  maxPayload?: number;
  tls?: TlsOptions;
}

export interface TcpOptions {
  host: string;
  port: number;
  /** Wrap the socket in TLS (tls://). */
  tls?: boolean | TlsOptions;
  /** Milliseconds to wait for the TCP (and TLS) connection (default 10000). */
  connectTimeoutMs?: number;
}

/** Limits of the per-connection log. */
export interface RetentionOptions {
  /** Most entries kept; older ones are evicted and counted as dropped. */
  maxEntries?: number;
  /** Most payload bytes kept. */
  maxBytes?: number;
}

export type ConnectionKind = 'ws' | 'tcp';

/** A connection to one peer, with its own ordered log. Dispose it to close and free everything. */
export interface Connection extends IDisposable {
  readonly kind: ConnectionKind;
  /** Human-readable target: the URL, or tcp://host:port / tls://host:port. */
  readonly target: string;
  readonly log: FrameLog;
  readonly state: ConnectionState;
  /** Set when the connection failed; the same error connect() rejected with or the socket raised. */
  readonly lastError: SocketInspectorError | undefined;
  /** WebSocket only: the opening handshake, set as soon as the request is sent and completed on reply. */
  readonly handshake: HandshakeInfo | undefined;
  /** For TLS connections once the TLS handshake completed. */
  readonly tls: TlsInfo | undefined;
  readonly onDidChangeState: Event<ConnectionState>;

  /** Opens the connection. Resolves when open; rejects with a SocketInspectorError (also logged). */
  connect(): Promise<void>;
  /** Sends text (WebSocket: a text message; TCP: its UTF-8 bytes). Throws NOT_OPEN when not open. */
  sendText(text: string): void;
  /** Sends bytes (WebSocket: a binary message; TCP: raw bytes). */
  sendBytes(bytes: Uint8Array): void;
  /** Gracefully closes: WebSocket close handshake with code and reason; TCP: end(). */
  close(code?: number, reason?: string): void;
}

export interface WebSocketConnection extends Connection {
  readonly kind: 'ws';
  /** The subprotocol the server chose, if any. */
  readonly protocol: string;
  /** The extensions the server accepted (e.g. "permessage-deflate"). */
  readonly extensions: string;
  ping(payload?: Uint8Array): void;
  pong(payload?: Uint8Array): void;
}

export interface TcpConnection extends Connection {
  readonly kind: 'tcp';
  /** Sends FIN (half-close): we stop writing, and keep reading until the peer closes. */
  halfClose(): void;
  /** Aborts with a TCP RST. */
  reset(): void;
}
