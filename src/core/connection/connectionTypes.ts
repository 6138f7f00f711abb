// The contract every connection (TCP, TLS, WebSocket) fulfils, and the options that create one.
import type { ConnectionState, HandshakeInfo, TlsInfo } from '../../../shared/logModel';
import type { Event, IDisposable } from '../base/dispose';
import type { SocketInspectorError } from '../../../shared/errors';
import type { EntryLog } from '../log/entryLog';
import type { WireFrame, WireFrameStore } from '../wireFrames/wireFrameStore';

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
  /** Answer every ping with a pong (default true); see WebSocketConnection.setAutoPong. */
  autoPong?: boolean;
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
  /** WebSocket only: most wire frames kept (default maxEntries, else 1,000,000). */
  maxFrames?: number;
  /** The log starts with a segment this small and grows with what it holds (EntryLogOptions.firstSegmentBytes). */
  firstSegmentBytes?: number;
}

export type ConnectionKind = 'ws' | 'tcp';

/** A connection to one peer, with its own ordered log. Dispose it to close and free everything. */
export interface Connection extends IDisposable {
  readonly kind: ConnectionKind;
  /** Human-readable target: the URL, or tcp://host:port / tls://host:port. */
  readonly target: string;
  readonly log: EntryLog;
  readonly state: ConnectionState;
  /** Set when the connection failed; the same error connect() rejected with or the socket raised. */
  readonly lastError: SocketInspectorError | undefined;
  /** WebSocket only: the opening handshake, set as soon as the request is sent and completed on reply. */
  readonly handshake: HandshakeInfo | undefined;
  /** For TLS connections once the TLS handshake completed. */
  readonly tls: TlsInfo | undefined;
  /** 'server' for a peer a listener accepted (its Out entries go to a client); absent for connections we open. */
  readonly end?: 'client' | 'server';
  /** Bytes sent but not yet written to the socket (queued in Node and ws); absent where not known. */
  readonly queuedBytes?: number;
  /** TCP: the peer sent its FIN and our side is still open (it sends nothing more; we still can). onDidChangeDetail fires when it turns true. */
  readonly peerHalfClosed?: boolean;
  /** Fires on transitions only: layer sessions greet the peer on each 'open' they hear. */
  readonly onDidChangeState: Event<ConnectionState>;
  /** Something shown beside the state changed while the state did not (peerHalfClosed). */
  readonly onDidChangeDetail?: Event<void>;

  /** Opens the connection. Resolves when open; rejects with a SocketInspectorError (also logged). */
  connect(): Promise<void>;
  /** Sends text (WebSocket: a text message; TCP: its UTF-8 bytes). Throws NOT_OPEN when not open. */
  sendText(text: string): void;
  /** Sends bytes (WebSocket: a binary message; TCP: raw bytes). */
  sendBytes(bytes: Uint8Array): void;
  /**
   * Gracefully closes: WebSocket close handshake with code and reason (any code 0-65535, even those
   * RFC 6455 forbids on the wire, for testing servers); TCP: end().
   */
  close(code?: number, reason?: string): void;
}

export interface WebSocketConnection extends Connection {
  readonly kind: 'ws';
  /** The subprotocol the server chose, if any. */
  readonly protocol: string;
  /** The extensions the server accepted (e.g. "permessage-deflate"). */
  readonly extensions: string;
  /** Whether a received ping is answered with a pong at once (the pong is logged like any frame sent). */
  readonly autoPong: boolean;
  /** The frame headers as they crossed the wire, both directions, linked to the log's entries. */
  readonly wireFrames: WireFrameStore;
  ping(payload?: Uint8Array): void;
  /** Sends a pong by hand (unsolicited, or as the answer while automatic pongs are off). */
  pong(payload?: Uint8Array): void;
  /** Turns the automatic answer to pings on or off. */
  setAutoPong(enabled: boolean): void;
  /**
   * Sends one message cut into `fragments` frames (1 to 10,000; frames may be empty when the
   * payload is shorter), logged as one entry. Text payloads are UTF-8 bytes.
   */
  sendFragmented(payload: Uint8Array, options: { binary: boolean; fragments: number }): void;
  /** The retained wire frames of the log entry `seq`, in wire order; empty for entries without frames. */
  framesOf(seq: number): WireFrame[];
}

export interface TcpConnection extends Connection {
  readonly kind: 'tcp';
  /** Sends FIN (half-close): we stop writing, and keep reading until the peer closes. */
  halfClose(): void;
  /** Aborts with a TCP RST. */
  reset(): void;
}
