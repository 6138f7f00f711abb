// The client leg's opening handshake in a WebSocket proxy pair: the client's upgrade as the session
// received it, what the pair answered (the 101 ws writes once the upstream accepted, or the proxy's own
// HTTP error answer), recorded as HandshakeInfo and logged with its exact bytes.
import type { IncomingMessage } from 'node:http';
import type * as net from 'node:net';
import type WebSocket from 'ws';
import type { HandshakeInfo } from '../../../shared/logModel';
import { headOfRequest, statusOf, type HttpHead } from '../connection/handshakeCapture';

/** The client's upgrade as the session received it. */
export interface ClientUpgrade {
  readonly req: IncomingMessage;
  readonly socket: net.Socket;
  readonly head: Buffer;
  /** The request head as read from the socket, when the tap saw it. */
  readonly requestHead: HttpHead | undefined;
  /** Subscribes to the head of the response the proxy writes to the client (the 101, via ws). */
  readonly onResponseHead: (listener: (head: HttpHead) => void) => void;
  /** Completes the upgrade with this subprotocol and extra response headers; `done` gets the client's socket. */
  readonly complete: (protocol: string, headers: string[], done: (ws: WebSocket) => void) => void;
}

/** The client's request and the pair's answer to it. */
export class ClientHandshake {
  private handshakeInfo: HandshakeInfo;
  /** The request head, as read or as Node parsed it. */
  readonly request: HttpHead;
  /** The client got its answer (the 101 is under way, or an error answer was written). */
  answered = false;

  constructor(
    readonly upgrade: ClientUpgrade,
    /** Appends a Handshake entry with these bytes, unless the pair's log is finished. */
    private readonly logHead: (raw: Uint8Array) => void,
  ) {
    this.request = upgrade.requestHead ?? headOfRequest(upgrade.req);
    this.handshakeInfo = { requestLine: this.request.startLine, requestHeaders: this.request.headers };
    upgrade.onResponseHead((head) => this.onResponseHead(head));
  }

  get info(): HandshakeInfo {
    return this.handshakeInfo;
  }

  private onResponseHead(head: HttpHead): void {
    // Error answers are logged (with their body) where they are written.
    if (statusOf(head.startLine) !== 101) return;
    this.record(head);
    this.logHead(head.raw);
  }

  private record(head: HttpHead, body?: Uint8Array): void {
    const status = statusOf(head.startLine);
    this.handshakeInfo = {
      requestLine: this.handshakeInfo.requestLine,
      requestHeaders: this.handshakeInfo.requestHeaders,
      statusLine: head.startLine,
      ...(status !== undefined ? { status } : {}),
      responseHeaders: head.headers,
      ...(body ? { responseBody: Uint8Array.prototype.slice.call(body), responseBodyTruncated: false } : {}),
    };
  }

  /**
   * Records and logs the proxy's own HTTP answer (a complete response) to a client whose upgrade cannot go
   * through; returns its status line when the socket can still take it, and then writes it and closes.
   */
  answer(response: Buffer): string | undefined {
    if (this.answered) return undefined;
    this.answered = true;
    const socket = this.upgrade.socket;
    const end = response.indexOf('\r\n\r\n');
    const lines = response.subarray(0, end + 4).toString('latin1').split('\r\n').filter(Boolean);
    this.record(
      {
        startLine: lines[0] ?? '',
        headers: lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as const),
        raw: response.subarray(0, end + 4),
      },
      response.subarray(end + 4),
    );
    this.logHead(response);
    if (socket.destroyed || !socket.writable) return undefined;
    socket.end(response);
    socket.destroySoon();
    return lines[0] ?? '';
  }
}
