// A WebSocket client on `ws` that logs every frame with its exact bytes, and the opening handshake as it
// crossed the wire. Out entries are logged when handed to `ws`, in call order (which is wire order: ws
// queues frames behind a pending compression); an error entry follows if the socket fails afterwards.
//
// The socket is whatever the HTTP request gets: ws's own, or one an agent made. VS Code's extension host
// patches http(s).request to force its proxy agent, which ignores ws's createConnection; so everything
// this module needs from the socket is attached when the request receives it, never when it is created.
import type { ClientRequest, IncomingMessage } from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import WebSocket from 'ws';
import { Direction, Kind, type HandshakeInfo, type TlsInfo } from '../../shared/logModel';
import { ConnectionLifecycle } from './connectionLifecycle';
import { parseWebSocketUrl } from './connectionTarget';
import type { RetentionOptions, WebSocketConnection, WebSocketOptions } from './connectionTypes';
import { SocketInspectorError } from './errors';
import { SpanBatch } from './spanBatch';
import { HandshakeCapture, type HttpHead, statusOf } from './handshakeCapture';
import { timeoutError, toSocketInspectorError, upgradeRefusedMessage, type ErrorContext } from './systemErrors';
import { describeTls, summarizeTls } from './tlsSummary';

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;
/** How much of a refused upgrade's body is kept. */
const MAX_BODY_BYTES = 4096;
/** How long to wait for the rest of a refused upgrade's body before giving up on it. */
const BODY_WAIT_MS = 2000;
/** Close code of a close frame without a status: there is no code on the wire (RFC 6455 §7.1.5). */
const NO_STATUS = 1005;
/** Close code ws reports when the connection ended without a close frame. */
const ABNORMAL = 1006;
/** Longest WebSocket frame header: 2 bytes, 8 of extended length, 4 of mask (RFC 6455 §5.2). */
const MAX_FRAME_HEADER = 14;
/** Subprotocol names are HTTP tokens (RFC 6455 §4.1). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Creates a WebSocket connection; call connect() to open it. */
export function createWebSocketConnection(options: WebSocketOptions, retention?: RetentionOptions): WebSocketConnection {
  return new WebSocketConnectionImpl(options, retention);
}

function addressOf(host: string | undefined, port: number | undefined): string {
  if (!host) return '?';
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port ?? '?'}`;
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

function closeText(code: number, reason: Uint8Array): string {
  const text = new TextDecoder().decode(reason);
  return `${code}${text ? ` "${text}"` : ''}`;
}

/** Checks a close code and reason the user wants to send; returns the reason's bytes. */
export function validateClose(code: number, reason: string): Buffer {
  if (!Number.isInteger(code) || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    throw new SocketInspectorError(
      'PROTOCOL',
      `Close code ${code} cannot be sent: use 1000 (normal) or an application code from 3000 to 4999`,
    );
  }
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length > 123) {
    throw new SocketInspectorError(
      'PROTOCOL',
      `The close reason is ${bytes.length} bytes in UTF-8; a close frame allows at most 123`,
    );
  }
  return bytes;
}

function controlPayload(kind: 'ping' | 'pong', payload: Uint8Array | undefined): Buffer {
  const bytes = payload ? Buffer.from(payload) : Buffer.alloc(0);
  if (bytes.length > 125) {
    throw new SocketInspectorError('PROTOCOL', `A ${kind} payload can be at most 125 bytes (this one is ${bytes.length})`);
  }
  return bytes;
}

/** The ws internals read to log a received close frame when it arrives rather than when the socket ends. */
interface WsCloseState {
  _closeFrameReceived?: boolean;
  _closeCode?: number;
  _closeMessage?: Buffer;
}

class WebSocketConnectionImpl extends ConnectionLifecycle implements WebSocketConnection {
  readonly kind = 'ws' as const;
  readonly target: string;
  private ws: WebSocket | undefined;
  private socket: net.Socket | undefined;
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
  private wasOpen = false;
  private inCloseLogged = false;
  private outCloseLogged = false;
  private closeInitiator: 'us' | 'peer' | undefined;
  /**
   * When the socket's latest read arrived (performance.now()). Every message parsed from one read is
   * stamped with it: one clock call per read instead of one per message, and it is when the bytes
   * reached us rather than when ws got round to emitting them.
   */
  private readTime: number | undefined;
  /**
   * Received messages of the current socket read, logged together (one copy of the read's bytes, see
   * FrameLog.appendSpans) at the end of the read, or before anything else is logged. The gap allowed
   * between two payloads is the largest frame header.
   */
  private readonly received = new SpanBatch(
    (direction, kind, bytes, starts, ends, count) =>
      this.log.appendSpans(NaN, this.readTime ?? performance.now(), direction, kind, bytes, starts, ends, count),
    MAX_FRAME_HEADER,
  );
  private flushQueued = false;

  constructor(
    private readonly options: WebSocketOptions,
    retention?: RetentionOptions,
  ) {
    super(retention);
    this.target = options.url.trim();
    this.context = { peer: this.target, host: '' };
  }

  get handshake(): HandshakeInfo | undefined {
    return this.handshakeInfo;
  }

  get tls(): TlsInfo | undefined {
    return this.tlsInfo;
  }

  get protocol(): string {
    return this.ws?.protocol ?? '';
  }

  get extensions(): string {
    return this.ws?.extensions ?? '';
  }

  protected toError(e: unknown): SocketInspectorError {
    return toSocketInspectorError(e, this.context);
  }

  /** Logs one entry after the received messages waiting in the batch, so the log stays in order. */
  private record(direction: Direction, kind: Kind, payload: Uint8Array, code = 0, mono = performance.now()): void {
    this.received.flush();
    this.log.append(direction, kind, payload, code, mono);
  }

  private readonly flushReceived = (): void => {
    this.flushQueued = false;
    this.received.flush();
  };

  protected override flushPending(): void {
    this.received.flush();
  }

  protected start(): void {
    this.meta(Kind.Connecting, `Connecting to ${this.target}`);
    const url = parseWebSocketUrl(this.options.url);
    this.secure = url.protocol === 'wss:';
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = Number(url.port || (this.secure ? 443 : 80));
    const maxPayload = this.options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    const servername = this.secure ? this.options.tls?.servername : undefined;
    this.context = { peer: addressOf(host, port), host, maxPayload, ...(servername ? { servername } : {}) };

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
    this.ws = ws;
    this.interceptClose(ws);
    this.listen(ws, 'upgrade', (res: IncomingMessage) => this.onUpgrade(res));
    this.listen(ws, 'unexpected-response', (req: ClientRequest, res: IncomingMessage) => this.onRefused(req, res));
    this.listen(ws, 'open', () => this.onOpen());
    this.listen(ws, 'message', (data: Buffer, isBinary: boolean) => {
      // A view into ws's buffer (usually the socket read's), copied when the batch is written.
      this.received.add(Direction.In, isBinary ? Kind.Binary : Kind.Text, data, 0, data.length);
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(this.flushReceived);
      }
    });
    this.listen(ws, 'ping', (data: Buffer) => {
      this.record(Direction.In, Kind.Ping, data, 0, this.readTime ?? performance.now());
      if (ws.readyState === WebSocket.OPEN) this.sendControl('pong', data);
    });
    this.listen(ws, 'pong', (data: Buffer) => this.record(Direction.In, Kind.Pong, data, 0, this.readTime ?? performance.now()));
    this.listen(ws, 'error', (e: unknown) => this.fail(this.toError(e)));
    this.listen(ws, 'close', (code: number, reason: Buffer) => this.onClose(code, reason));
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
    // Added before ws adds its own reader (on upgrade), so it runs first for every read.
    this.listen(socket, 'data', () => {
      this.readTime = performance.now();
    });
    // An agent may hand over a socket that is already connected (kept alive, or through a proxy).
    if (!socket.pending) this.tcpConnected = true;
    else {
      this.listen(socket, 'connect', () => {
        this.tcpConnected = true;
      });
    }
    if (this.secure && socket instanceof tls.TLSSocket) {
      if (tlsEstablished(socket)) this.onSecure(socket);
      else this.listen(socket, 'secureConnect', () => this.onSecure(socket));
    }
    const capture = this.register(
      new HandshakeCapture(
        (head) => this.onRequestHead(head),
        (head) => this.onResponseHead(head),
      ),
    );
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
    if (!this.isFinished) this.record(Direction.Meta, Kind.Handshake, this.requestHead.raw);
  }

  private onResponseHead(head: HttpHead): void {
    this.responseHead = head;
    this.recordResponse(head);
    // A refused upgrade is logged with its body, once that has arrived (onRefused).
    if (statusOf(head.startLine) === 101 && !this.isFinished) this.record(Direction.Meta, Kind.Handshake, head.raw);
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
    if (!this.isFinished) this.record(Direction.Meta, Kind.Handshake, head.raw);
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
      if (!this.isFinished) this.record(Direction.Meta, Kind.Handshake, Buffer.concat([head.raw, bytes]));
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
    this.fail(timeoutError(what, this.context.peer, ms));
    this.ws?.terminate();
  }

  private onOpen(): void {
    this.clearTimer();
    this.wasOpen = true;
    const socket = this.socket;
    const details = [
      this.protocol ? `subprotocol "${this.protocol}"` : '',
      this.extensions ? `extensions: ${this.extensions}` : '',
    ].filter(Boolean);
    this.meta(
      Kind.Open,
      `Connected ${addressOf(socket?.localAddress, socket?.localPort)} → ${addressOf(socket?.remoteAddress, socket?.remotePort)}` +
        (details.length ? ` (${details.join(', ')})` : ''),
    );
    this.opened();
  }

  /**
   * Routes every close ws sends through the log: ours, the echo of a peer's close, and the 1009/1002
   * ws sends on a bad frame. Also logs a just-received close frame first, so In precedes its echo.
   */
  private interceptClose(ws: WebSocket): void {
    const close = WebSocket.prototype.close;
    ws.close = (code?: number, data?: string | Buffer) => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CLOSING) this.noteReceivedClose(ws);
      if (ws.readyState === WebSocket.OPEN) {
        const reason = data === undefined ? Buffer.alloc(0) : Buffer.from(data);
        this.logClose(Direction.Out, code ?? NO_STATUS, reason);
      }
      close.call(ws, code, data);
    };
  }

  private noteReceivedClose(ws: WebSocket): void {
    const state = ws as unknown as WsCloseState;
    if (state._closeFrameReceived && !this.inCloseLogged) {
      this.logClose(Direction.In, state._closeCode ?? NO_STATUS, state._closeMessage ?? Buffer.alloc(0));
    }
  }

  private logClose(direction: Direction, code: number, reason: Uint8Array): void {
    if (direction === Direction.In) this.inCloseLogged = true;
    else this.outCloseLogged = true;
    this.closeInitiator ??= direction === Direction.In ? 'peer' : 'us';
    if (this.isFinished) return;
    this.record(direction, Kind.Close, reason, code);
    if (this.state === 'open') this.setState('closing');
  }

  private onClose(code: number, reason: Buffer): void {
    this.clearTimer();
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
    // ws reports 1006 exactly when no close frame arrived; anything else is a frame we have not logged yet.
    if (this.wasOpen && !this.inCloseLogged && code !== ABNORMAL) this.logClose(Direction.In, code, reason);
    let text: string;
    if (!this.wasOpen) text = 'Not connected';
    else if (this.inCloseLogged && this.outCloseLogged) {
      text = `Closed by ${this.closeInitiator === 'us' ? 'us' : 'the peer'}: ${closeText(code, reason)}`;
    } else if (this.lastError) text = `Closed after an error (${closeText(code, reason)})`;
    else if (code === ABNORMAL) text = 'Connection lost without a close handshake (1006)';
    else text = `Closed: ${closeText(code, reason)}`;
    this.finish(text, this.wasOpen ? code : 0);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private get canSend(): boolean {
    return this.state === 'open' && this.ws?.readyState === WebSocket.OPEN;
  }

  sendText(text: string): void {
    this.requireOpen(this.canSend, 'send');
    // Encoded here so the log holds exactly the bytes ws frames.
    const bytes = Buffer.from(text, 'utf8');
    this.record(Direction.Out, Kind.Text, bytes);
    this.ws!.send(bytes, { binary: false }, () => {});
  }

  sendBytes(bytes: Uint8Array): void {
    this.requireOpen(this.canSend, 'send');
    // Our own copy: the caller may reuse its buffer while a compressed send is still queued.
    const copy = Buffer.from(bytes);
    this.record(Direction.Out, Kind.Binary, copy);
    this.ws!.send(copy, { binary: true }, () => {});
  }

  ping(payload?: Uint8Array): void {
    const bytes = controlPayload('ping', payload);
    this.requireOpen(this.canSend, 'ping');
    this.sendControl('ping', bytes);
  }

  pong(payload?: Uint8Array): void {
    const bytes = controlPayload('pong', payload);
    this.requireOpen(this.canSend, 'pong');
    this.sendControl('pong', bytes);
  }

  private sendControl(kind: 'ping' | 'pong', bytes: Buffer): void {
    this.record(Direction.Out, kind === 'ping' ? Kind.Ping : Kind.Pong, bytes);
    if (kind === 'ping') this.ws!.ping(bytes, undefined, () => {});
    else this.ws!.pong(bytes, undefined, () => {});
  }

  close(code = 1000, reason = ''): void {
    const bytes = validateClose(code, reason);
    if (this.state === 'idle') return;
    if (this.state === 'connecting') {
      this.dispose();
      return;
    }
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.close(code, bytes);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.clearTimer();
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
    const noop = () => {};
    // What ws and the sockets still raise while they die has no one to tell; our listeners go below.
    for (const emitter of [this.ws, this.socket]) emitter?.on('error', noop);
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    this.socket?.destroy();
    super.dispose();
  }
}
