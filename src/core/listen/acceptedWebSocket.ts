// A WebSocket client a listener accepted: open from the start, its opening handshake as it crossed the
// wire, every frame logged exactly as for one we open ourselves (webSocketConnectionBase.ts).
import type * as net from 'node:net';
import type WebSocket from 'ws';
import { Direction, Kind, type HandshakeInfo } from '../../../shared/logModel';
import type { RetentionOptions, WebSocketConnection } from '../connection/connectionTypes';
import type { SocketInspectorError } from '../../../shared/errors';
import { statusOf, type HttpHead } from '../connection/handshakeCapture';
import { formatAddress } from '../connection/socketAddress';
import { toSocketInspectorError, type ErrorContext } from '../errors/systemErrors';
import { WebSocketConnectionBase } from '../connection/webSocketConnectionBase';

/** Close code a server sends when it goes away (RFC 6455 §7.4.1). */
const GOING_AWAY = 1001;

/** The opening handshake as the listener saw it: the client's request and our 101 response. */
export interface AcceptedHandshake {
  readonly request: HttpHead;
  readonly response: HttpHead | undefined;
  /** The request's Origin header: the page that connected, when the client is a browser. */
  readonly origin?: string | undefined;
}

function handshakeInfo(h: AcceptedHandshake): HandshakeInfo {
  const status = h.response ? statusOf(h.response.startLine) : undefined;
  return {
    requestLine: h.request.startLine,
    requestHeaders: h.request.headers,
    ...(h.response ? { statusLine: h.response.startLine, responseHeaders: h.response.headers } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

/** Wraps a WebSocket `ws` accepted on `socket`; it is open once connect() (called by the listener at once) has run. */
export class AcceptedWebSocket extends WebSocketConnectionBase implements WebSocketConnection {
  readonly tls = undefined;
  readonly end = 'server';
  readonly handshake: HandshakeInfo;
  private readonly context: ErrorContext;

  constructor(
    private readonly accepted: WebSocket,
    socket: net.Socket,
    private readonly heads: AcceptedHandshake,
    /** How the panel names this peer, e.g. "Peer #2 127.0.0.1:51234 /chat". */
    readonly target: string,
    maxPayload: number,
    retention?: RetentionOptions,
  ) {
    super(retention, { role: 'server' });
    this.socket = socket;
    this.listen(socket, 'end', () => {
      this.peerEnded = true;
    });
    this.handshake = handshakeInfo(heads);
    this.context = { peer: formatAddress(socket.remoteAddress, socket.remotePort), host: socket.remoteAddress ?? '', maxPayload };
  }

  protected get peerName(): string {
    return this.context.peer;
  }

  protected toError(e: unknown): SocketInspectorError {
    return toSocketInspectorError(e, this.context);
  }

  protected start(): void {
    const s = this.socket!;
    this.log.append(Direction.Meta, Kind.Handshake, this.heads.request.raw);
    if (this.heads.response) this.log.append(Direction.Meta, Kind.Handshake, this.heads.response.raw);
    this.attachFrames(this.accepted);
    const origin = this.heads.origin;
    const details = [
      origin !== undefined ? `Origin ${origin}` : 'no Origin header',
      this.protocol ? `subprotocol "${this.protocol}"` : '',
      this.extensions ? `extensions: ${this.extensions}` : '',
    ].filter(Boolean);
    this.framesOpened(
      `Accepted ${formatAddress(s.remoteAddress, s.remotePort)} → ${formatAddress(s.localAddress, s.localPort)}` +
        (details.length ? ` (${details.join(', ')})` : ''),
    );
  }

  /** Closes with 1001 "Server stopped": the server is going away. */
  goAway(): void {
    this.closeFrame(GOING_AWAY, Buffer.from('Server stopped'));
  }
}
