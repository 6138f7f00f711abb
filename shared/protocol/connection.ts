// The connection slice of the panel protocol: connect, disconnect, close, WebSocket control frames and
// wire frames, and the connection's state, handshake and TLS details. Host side: src/panel/connectionHandlers.ts.
import type { ConnectionState, HandshakeInfo, TlsInfo } from '../logModel';
import type { FramesResult } from '../wireFrames';
import type { Done, ErrorInfo } from './messages';

/** Connection requests the webview sends. */
export type ConnectionRequests = {
  /** Opens the connection again (or for the first time). */
  connect: { params: Done; result: Done };
  /** Drops the connection. */
  disconnect: { params: Done; result: Done };
  /** Closes gracefully: WebSocket close with code (any 0-65535) and reason, TCP end. */
  close: { params: { code: number; reason: string }; result: Done };
  /** WebSocket ping with an optional UTF-8 payload. */
  ping: { params: { payload: string }; result: Done };
  /** WebSocket pong, sent by hand, with an optional UTF-8 payload. */
  pong: { params: { payload: string }; result: Done };
  /** WebSocket: answer received pings automatically, or not. */
  setAutoPong: { params: { enabled: boolean }; result: Done };
  /** The wire frames of one entry (WebSocket). */
  getFrames: { params: { seq: number }; result: FramesResult };
};

/** Connection events the host sends. */
export type ConnectionEvents = {
  /** The connection changed state. */
  state: { state: ConnectionState; error?: ErrorInfo; protocol?: string; extensions?: string; halfClosed?: 'peer' };
  /** The WebSocket handshake was sent or completed. */
  handshake: { handshake: HandshakeInfo };
  /** The TLS handshake completed. */
  tls: { tls: TlsInfo };
};
