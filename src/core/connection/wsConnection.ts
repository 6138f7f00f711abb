// A WebSocket client on `ws` that logs every frame with its exact bytes (webSocketConnectionBase.ts), and the
// opening handshake as it crossed the wire; an error entry follows if the socket fails after a send.
//
// The socket is whatever the HTTP request gets: ws's own, or one an agent made. VS Code's extension host
// patches http(s).request to force its proxy agent, which ignores ws's createConnection; so everything
// this module needs from the socket is attached when the request receives it, never when it is created.
import type { ClientRequest, IncomingMessage } from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import WebSocket from 'ws';
import { Direction, Kind, type HandshakeInfo, type TlsInfo } from '../../../shared/logModel';
import { parseWebSocketUrl } from './connectionTarget';
import type { RetentionOptions, WebSocketConnection, WebSocketOptions } from './connectionTypes';
import { SocketInspectorError } from '../../../shared/errors';
import { HandshakeCapture, type HttpHead, statusOf } from './handshakeCapture';
import { formatAddress } from './socketAddress';
import { timeoutError, toSocketInspectorError, upgradeRefusedMessage, type ErrorContext } from '../errors/systemErrors';
import { describeTls, summarizeTls } from '../tls/tlsSummary';
import { WebSocketConnectionBase } from './webSocketConnectionBase';

export { validateClose } from './wsFrameRules';

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;
/** ws keeps maxPayload as `maxPayload | 0`: a larger limit would wrap to no limit at all (or a negative one). */
const MAX_WS_PAYLOAD = 2 ** 31 - 1;
/** How much of a refused upgrade's body is kept. */
const MAX_BODY_BYTES = 4096;
/** How long to wait for the rest of a refused upgrade's body before giving up on it. */
const BODY_WAIT_MS = 2000;
/** Subprotocol names are HTTP tokens (RFC 6455 §4.1). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** WebSocketOptions plus how long close() waits for the server's close frame before dropping the socket. */
export interface WebSocketConnectionOptions extends WebSocketOptions {
  closeTimeoutMs?: number;
}

/** The maxPayload handed to ws: a whole number of bytes that ws's 32-bit arithmetic keeps as a limit. */
export function effectiveMaxPayload(maxPayload: number | undefined): number {
  if (maxPayload === undefined || !Number.isFinite(maxPayload)) return DEFAULT_MAX_PAYLOAD;
  return Math.min(MAX_WS_PAYLOAD, Math.max(1, Math.floor(maxPayload)));
}

/** A handshake timeout that says how far the server got: nothing at all, or part of a response. */
function withUpgradeProgress(error: SocketInspectorError, responseBytes: number): SocketInspectorError {
  const progress =
    responseBytes === 0
      ? 'the server accepted the connection but never answered the upgrade request'
      : `the server sent ${responseBytes} byte${responseBytes === 1 ? '' : 's'} of a response but never finished its headers`;
  return new SocketInspectorError(error.code, `${error.message}: ${progress}`, error.details);
}

/** Creates a WebSocket connection; call connect() to open it. */
export function createWebSocketConnection(options: WebSocketConnectionOptions, retention?: RetentionOptions): WebSocketConnection {
  return new WebSocketConnectionImpl(options, retention);
}

/** The head of a response rebuilt from Node's parse, when the raw bytes could not be captured. */
function headOfResponse(res: IncomingMessage): HttpHead {
  const startLine = `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trimEnd();
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
  const text = `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return { startLine, headers, raw: Buffer.from(text, 'latin1') };
}

/** The TLS settings of a wss:// connection as request options, which Node hands on to tls.connect. */
function secureOptions(
  t: WebSocketOptions['tls'],
  servername: string | undefined,
): { rejectUnauthorized: boolean; ca?: string | string[]; servername?: string } {
  return {
    rejectUnauthorized: !t?.allowSelfSigned,
    ...(t?.ca ? { ca: t.ca } : {}),
    // Unset, Node (and ws) send the host as SNI when it is a name, and none for an IP address.
    ...(servername ? { servername } : {}),
  };
}

/** Whether a TLS socket finished its handshake before we got it (an agent's kept-alive or proxied socket). */
function tlsEstablished(socket: tls.TLSSocket): boolean {
  // Node has no public flag for this; `_secureEstablished` is what it sets right before 'secureConnect'.
  return (socket as { _secureEstablished?: boolean })._secureEstablished === true;
}

class WebSocketConnectionImpl extends WebSocketConnectionBase implements WebSocketConnection {
  readonly target: string;
  private secure = false;
  private context: ErrorContext;
  private handshakeInfo: HandshakeInfo | undefined;
  private tlsInfo: TlsInfo | undefined;
  private requestHead: HttpHead | undefined;
  private requestLogged = false;
  private responseHead: HttpHead | undefined;
  private timer: NodeJS.Timeout | undefined;
  private bodyTimer: NodeJS.Timeout | undefined;
  private tcpConnected = false;
  private tlsDone = false;
  private capture: HandshakeCapture | undefined;

  constructor(
    private readonly options: WebSocketConnectionOptions,
    retention?: RetentionOptions,
  ) {
    super(retention, { ...(options.autoPong !== undefined ? { autoPong: options.autoPong } : {}), role: 'client' });
    this.target = options.url.trim();
    this.context = { peer: this.target, host: '' };
  }

  get handshake(): HandshakeInfo | undefined {
    return this.handshakeInfo;
  }

  get tls(): TlsInfo | undefined {
    return this.tlsInfo;
  }

  protected get peerName(): string {
    return this.context.peer;
  }

  protected override get closeTimeoutMs(): number {
    return this.options.closeTimeoutMs ?? super.closeTimeoutMs;
  }

  protected toError(e: unknown): SocketInspectorError {
    return toSocketInspectorError(e, { ...this.context, deflate: this.extensions.includes('permessage-deflate') });
  }

  protected start(): void {
    this.meta(Kind.Connecting, `Connecting to ${this.target}`);
    const url = parseWebSocketUrl(this.options.url);
    this.secure = url.protocol === 'wss:';
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = Number(url.port || (this.secure ? 443 : 80));
    const maxPayload = effectiveMaxPayload(this.options.maxPayload);
    const servername = this.secure ? this.options.tls?.servername : undefined;
    this.context = { peer: formatAddress(host, port), host, maxPayload, ...(servername ? { servername } : {}) };

    const protocols = this.options.protocols ?? [];
    const bad = protocols.find((p) => !TOKEN.test(p));
    if (bad !== undefined) {
      throw new SocketInspectorError('PROTOCOL', `"${bad}" is not a valid subprotocol name (no spaces, commas or quotes)`);
    }
    if (new Set(protocols).size !== protocols.length) {
      throw new SocketInspectorError('PROTOCOL', 'A subprotocol is listed twice');
    }

    const timeoutMs = this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.timer = setTimeout(() => this.onHandshakeTimeout(timeoutMs), timeoutMs);

    let ws: WebSocket;
    try {
      ws = new WebSocket(url, protocols, {
        headers: this.options.headers ?? {},
        perMessageDeflate: this.options.perMessageDeflate ?? true,
        maxPayload,
        // We answer pings ourselves so the pong is in the log like any frame we send.
        autoPong: false,
        // Our own close timer drops an unresponsive server first and logs why; ws's is only a backstop
        // (ws 8 supports the option; its typings do not list it yet).
        ...({ closeTimeout: 2 * this.closeTimeoutMs } as WebSocket.ClientOptions),
        followRedirects: false,
        // ws spreads these into the request options, so they reach tls.connect whoever calls it.
        ...(this.secure ? secureOptions(this.options.tls, servername) : {}),
        finishRequest: (req: ClientRequest) => {
          this.listen(req, 'socket', (socket: net.Socket) => this.tap(socket));
          req.end();
        },
      });
    } catch (e) {
      throw this.headerError(e);
    }
    // Ahead of the frames' own 'close' listener, which logs the end.
    this.listen(ws, 'close', () => this.clearTimers());
    this.attachFrames(ws);
    this.listen(ws, 'upgrade', (res: IncomingMessage) => this.onUpgrade(res));
    this.listen(ws, 'unexpected-response', (req: ClientRequest, res: IncomingMessage) => this.onRefused(req, res));
    this.listen(ws, 'open', () => this.onOpen());
  }

  /** Node's HTTP client throws synchronously on header names or values it cannot send. */
  private headerError(e: unknown): SocketInspectorError {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_INVALID_HTTP_TOKEN' || code === 'ERR_INVALID_CHAR' || code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
      return new SocketInspectorError('PROTOCOL', `A request header cannot be sent: ${(e as Error).message}`, {
        systemCode: code,
      });
    }
    return this.toError(e);
  }

  /**
   * Taps the socket the upgrade request was given, whoever created it: for socket errors ws swallows
   * after open, the phase a timeout hit, TLS details, addresses, and the handshake bytes. Node emits
   * 'socket' before it flushes the buffered request head, so the tap sees every byte.
   */
  private tap(socket: net.Socket): void {
    if (this.socket) return;
    this.socket = socket;
    this.listen(socket, 'error', (e: unknown) => this.fail(this.toError(e)));
    this.listen(socket, 'end', () => {
      this.peerEnded = true;
    });
    // An agent may hand over a socket that is already connected (kept alive, or through a proxy).
    if (!socket.pending) this.tcpConnected = true;
    else {
      this.listen(socket, 'connect', () => {
        this.tcpConnected = true;
      });
    }
    if (this.secure && socket instanceof tls.TLSSocket) {
      const keyLogFile = this.options.tls?.keyLogFile;
      if (keyLogFile) {
        const keyLog = this.openKeyLog(keyLogFile);
        if (tlsEstablished(socket)) {
          this.meta(Kind.Error, `The TLS session was set up before this connection got its socket (a kept-alive or proxied one), so its secrets are not in the key log ${keyLog.path}.`);
        } else this.attachKeyLog(keyLog, socket);
      }
      if (tlsEstablished(socket)) this.onSecure(socket);
      else this.listen(socket, 'secureConnect', () => this.onSecure(socket));
    }
    const capture = this.register(
      new HandshakeCapture(
        (head) => this.onRequestHead(head),
        (head) => this.onResponseHead(head),
      ),
    );
    this.capture = capture;
    capture.attach(socket);
  }

  private onSecure(socket: tls.TLSSocket): void {
    if (this.tlsDone) return;
    this.tcpConnected = true;
    this.tlsDone = true;
    this.tlsInfo = summarizeTls(socket);
    this.meta(Kind.Handshake, describeTls(this.tlsInfo));
    this.logRequest();
  }

  private onRequestHead(head: HttpHead): void {
    this.requestHead = head;
    this.handshakeInfo = { requestLine: head.startLine, requestHeaders: head.headers };
    // Over TLS the HTTP client writes before the TLS handshake is done; log in wire order.
    if (!this.secure || this.tlsDone) this.logRequest();
  }

  private logRequest(): void {
    if (!this.requestHead || this.requestLogged) return;
    this.requestLogged = true;
    if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, this.requestHead.raw);
  }

  private onResponseHead(head: HttpHead): void {
    this.responseHead = head;
    this.recordResponse(head);
    // A refused upgrade is logged with its body, once that has arrived (onRefused).
    if (statusOf(head.startLine) === 101 && !this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, head.raw);
  }

  private recordResponse(head: HttpHead, body?: { bytes: Uint8Array; truncated: boolean }): void {
    const request = this.handshakeInfo ?? { requestLine: '', requestHeaders: [] };
    const status = statusOf(head.startLine);
    this.handshakeInfo = {
      ...request,
      statusLine: head.startLine,
      ...(status !== undefined ? { status } : {}),
      responseHeaders: head.headers,
      ...(body ? { responseBody: body.bytes, responseBodyTruncated: body.truncated } : {}),
    };
  }

  private onUpgrade(res: IncomingMessage): void {
    if (this.responseHead) return;
    // The tap missed the head (it gave up on an oversized one): fall back to Node's parse.
    const head = headOfResponse(res);
    this.responseHead = head;
    this.recordResponse(head);
    if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, head.raw);
  }

  private onRefused(_req: ClientRequest, res: IncomingMessage): void {
    this.clearTimer();
    const head = this.responseHead ?? headOfResponse(res);
    const status = res.statusCode ?? statusOf(head.startLine) ?? 0;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finishBody = () => {
      if (done) return;
      done = true;
      if (this.bodyTimer) clearTimeout(this.bodyTimer);
      this.bodyTimer = undefined;
      const all = Buffer.concat(chunks, size);
      const bytes = Uint8Array.prototype.slice.call(all, 0, MAX_BODY_BYTES);
      this.recordResponse(head, { bytes, truncated: size > MAX_BODY_BYTES });
      if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, Buffer.concat([head.raw, bytes]));
      this.fail(
        new SocketInspectorError('UPGRADE_FAILED', upgradeRefusedMessage(status, res.statusMessage), {
          status,
          systemCode: `HTTP_${status}`,
        }),
      );
      this.ws?.terminate();
    };
    this.listen(res, 'data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_BODY_BYTES) finishBody();
    });
    this.listen(res, 'end', finishBody);
    this.listen(res, 'close', finishBody);
    this.listen(res, 'error', finishBody);
    this.bodyTimer = setTimeout(finishBody, BODY_WAIT_MS);
  }

  private onHandshakeTimeout(ms: number): void {
    this.timer = undefined;
    const what = !this.tcpConnected
      ? 'The TCP connection'
      : this.secure && !this.tlsDone
        ? 'The TLS handshake'
        : 'The WebSocket upgrade';
    const error = timeoutError(what, this.context.peer, ms);
    this.fail(what === 'The WebSocket upgrade' ? withUpgradeProgress(error, this.capture?.responseBytes ?? 0) : error);
    this.ws?.terminate();
  }

  private onOpen(): void {
    this.clearTimer();
    const socket = this.socket;
    const details = [
      this.protocol ? `subprotocol "${this.protocol}"` : '',
      this.extensions ? `extensions: ${this.extensions}` : '',
    ].filter(Boolean);
    this.framesOpened(
      `Connected ${formatAddress(socket?.localAddress, socket?.localPort)} → ${formatAddress(socket?.remoteAddress, socket?.remotePort)}` +
        (details.length ? ` (${details.join(', ')})` : ''),
    );
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private clearTimers(): void {
    this.clearTimer();
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.clearTimers();
    super.dispose();
  }
}
