// One WebSocket client joined to its own upstream WebSocket. The client's upgrade waits until the
// upstream accepted (so the client gets the upstream's subprotocol, or its refusal); then messages,
// pings, pongs and close frames pass both ways, each logged once, in the direction it travels.
import type { ClientRequest, IncomingMessage } from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import WebSocket from 'ws';
import { Direction, Kind, type HandshakeInfo, type TlsInfo } from '../../../shared/logModel';
import type { TlsOptions } from '../connection/connectionTypes';
import { SocketInspectorError } from '../../../shared/errors';
import { HandshakeCapture, statusOf, type HttpHead } from '../connection/handshakeCapture';
import { formatHostPort } from '../listen/listenAddress';
import { timeoutError, toSocketInspectorError, upgradeRefusedMessage, type ErrorContext } from '../errors/systemErrors';
import { describeTls, summarizeTls } from '../tls/tlsSummary';
import { splitEvenly, validateClose } from '../connection/wsFrameRules';
import { closeWithAnyCode } from '../wireFrames/anyCodeClose';
import { WireFrameTap } from '../wireFrames/wireFrameTap';
import { WireFrameStore, type WireFrame } from '../wireFrames/wireFrameStore';
import { MAX_FRAGMENTS } from '../../../shared/wireFrames';
import type { ProxyDirection } from './holdQueue';
import { ProxyPair, type ProxyPairSettings } from './proxyPair';
import type { AbortablePair } from './proxySession';
import type { WsProxyConnection } from './proxyTypes';
import {
  downstreamResponseHeaders,
  headerPairs,
  httpResponse,
  offeredProtocols,
  proxyErrorResponse,
  upgradeRequestProblem,
  upstreamRequestHeaders,
} from './wsProxyHeaders';

/** Close code of a close frame without a status (RFC 6455 §7.1.5): nothing to put on the wire. */
const NO_STATUS = 1005;
/** How much of a refused upgrade's body is kept and passed on to the client. */
const MAX_BODY_BYTES = 64 * 1024;
/** How long to wait for the rest of a refused upgrade's body. */
const BODY_WAIT_MS = 2000;

/** How the upstream leg is opened (shared by every pair of a session). */
export interface WsUpstreamSettings {
  readonly tls: TlsOptions | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly perMessageDeflate: boolean;
  readonly handshakeTimeoutMs: number;
  readonly maxPayload: number;
}

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

type Side = 'client' | 'server';

/** The ws internals read to see a close frame when it arrives rather than when the socket ends. */
interface WsCloseState {
  _closeFrameReceived?: boolean;
  _closeCode?: number;
  _closeMessage?: Buffer;
}

function addressOf(host: string | undefined, port: number | undefined): string {
  return host ? formatHostPort(host, port ?? '?') : '?';
}

/** The request head rebuilt from Node's parse, when the raw bytes were not captured. */
function headOfRequest(req: IncomingMessage): HttpHead {
  const startLine = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`;
  const headers = headerPairs(req.rawHeaders);
  const text = `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return { startLine, headers, raw: Buffer.from(text, 'latin1') };
}

function responseOfHead(res: IncomingMessage): HttpHead {
  const startLine = `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trimEnd();
  const headers = headerPairs(res.rawHeaders);
  const text = `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return { startLine, headers, raw: Buffer.from(text, 'latin1') };
}

function closeText(code: number, reason: Uint8Array): string {
  const text = Buffer.from(reason).toString('utf8');
  return `${code}${text ? ` "${text}"` : ''}`;
}

/** A client↔upstream WebSocket pair. */
export class WsProxyPair extends ProxyPair implements WsProxyConnection, AbortablePair {
  readonly kind = 'ws' as const;
  readonly target: string;
  readonly client: string;
  readonly upstream: string;
  protected readonly isTcp = false;
  /**
   * The frames of the upstream leg as they crossed its wire (Out: to the server, In: from it), linked to
   * the log's entries. The client leg's frames are not recorded.
   */
  readonly wireFrames: WireFrameStore;
  private readonly upstreamUrl: URL;
  private readonly upstreamContext: ErrorContext;
  private readonly clientContext: ErrorContext;
  private readonly secure: boolean;
  private upstreamWs: WebSocket | undefined;
  private upstreamSocket: net.Socket | undefined;
  private clientWs: WebSocket | undefined;
  private upstreamHandshake: HandshakeInfo | undefined;
  private clientHandshakeInfo: HandshakeInfo | undefined;
  private tlsInfo: TlsInfo | undefined;
  private tlsDone = false;
  private tcpConnected = false;
  private upstreamRequest: HttpHead | undefined;
  private upstreamRequestLogged = false;
  private upstreamResponseLogged = false;
  private upstreamResponseHeaders: readonly string[] = [];
  private upstreamOpen = false;
  private answered = false;
  private timer: NodeJS.Timeout | undefined;
  private bodyTimer: NodeJS.Timeout | undefined;
  /** A close frame arrived from this side. */
  private readonly closeFrom: Record<Side, { code: number; reason: Buffer } | undefined> = { client: undefined, server: undefined };
  /** This side's socket is gone. */
  private readonly legDone: Record<Side, boolean> = { client: false, server: false };
  private firstToClose: Side | 'us' | undefined;

  constructor(
    private readonly upgrade: ClientUpgrade,
    upstreamUrl: URL,
    private readonly settings: WsUpstreamSettings,
    pairSettings: ProxyPairSettings,
  ) {
    super(pairSettings);
    const retention = pairSettings.retention;
    const maxFrames = retention?.maxFrames ?? retention?.maxEntries;
    this.wireFrames = new WireFrameStore({ ...(maxFrames !== undefined ? { maxFrames } : {}), entries: this.log });
    this.register(this.log.onDidClear(() => this.wireFrames.clear()));
    const socket = upgrade.socket;
    this.client = addressOf(socket.remoteAddress, socket.remotePort);
    this.upstreamUrl = upstreamUrl;
    this.upstream = upstreamUrl.href;
    this.target = `${this.client} → ${this.upstream}`;
    this.secure = upstreamUrl.protocol === 'wss:';
    const host = upstreamUrl.hostname.startsWith('[') ? upstreamUrl.hostname.slice(1, -1) : upstreamUrl.hostname;
    const port = Number(upstreamUrl.port || (this.secure ? 443 : 80));
    const servername = this.secure ? settings.tls?.servername : undefined;
    this.upstreamContext = {
      peer: `upstream ${addressOf(host, port)}`,
      host,
      maxPayload: settings.maxPayload,
      ...(servername ? { servername } : {}),
    };
    this.clientContext = { peer: `client ${this.client}`, host: socket.remoteAddress ?? '', maxPayload: settings.maxPayload };
    const request = upgrade.requestHead ?? headOfRequest(upgrade.req);
    this.clientHandshakeInfo = { requestLine: request.startLine, requestHeaders: request.headers };
    upgrade.onResponseHead((head) => this.onClientResponseHead(head));
    this.listen(socket, 'error', (e) => this.onClientSocketError(e));
    this.listen(socket, 'drain', () => this.stopReading('toClient', 'drain', false));
    this.listen(socket, 'close', () => {
      // After the upgrade, ws's own 'close' (which comes after its last frames) ends the client leg.
      if (!this.clientWs) this.onLegDone('client');
    });
  }

  get handshake(): HandshakeInfo | undefined {
    return this.upstreamHandshake;
  }

  get clientHandshake(): HandshakeInfo | undefined {
    return this.clientHandshakeInfo;
  }

  get tls(): TlsInfo | undefined {
    return this.tlsInfo;
  }

  get protocol(): string {
    return this.upstreamWs?.protocol ?? '';
  }

  get extensions(): string {
    return this.upstreamWs?.extensions ?? '';
  }

  /** Always false: a proxy never answers pings itself; each ping is passed on and the other side answers. */
  get autoPong(): boolean {
    return false;
  }

  setAutoPong(enabled: boolean): void {
    if (enabled) {
      throw new SocketInspectorError(
        'PROTOCOL',
        'A proxy does not answer pings itself: each ping is passed on, and the pong comes from the other side',
      );
    }
  }

  framesOf(seq: number): WireFrame[] {
    return this.wireFrames.framesOf(seq);
  }

  protected toError(e: unknown): SocketInspectorError {
    return toSocketInspectorError(e, this.upstreamContext);
  }

  protected start(): void {
    const { req } = this.upgrade;
    this.meta(
      Kind.Connecting,
      `Client ${this.client} asks to upgrade ${req.url ?? '/'}; connecting to upstream ${this.upstream}`,
    );
    this.log.append(Direction.Meta, Kind.Handshake, (this.upgrade.requestHead ?? headOfRequest(req)).raw);
    this.notePausedAtStart();

    const problem = upgradeRequestProblem(req.method, req.headers);
    if (problem) {
      this.refuseClient(new SocketInspectorError('PROTOCOL', `The client's upgrade request is invalid: ${problem}`), 400);
      return;
    }
    let protocols: string[];
    try {
      protocols = offeredProtocols(req.headers['sec-websocket-protocol']);
    } catch (e) {
      this.refuseClient(e as SocketInspectorError, 400);
      return;
    }

    const ms = this.settings.handshakeTimeoutMs;
    this.timer = setTimeout(() => this.onHandshakeTimeout(ms), ms);
    const t = this.settings.tls;
    const servername = this.secure ? t?.servername : undefined;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.upstreamUrl, protocols, {
        headers: upstreamRequestHeaders(req.rawHeaders, this.settings.headers),
        perMessageDeflate: this.settings.perMessageDeflate,
        maxPayload: this.settings.maxPayload,
        // Pings are passed on to the client, whose pong comes back: the proxy answers nothing itself.
        autoPong: false,
        followRedirects: false,
        ...(this.secure
          ? { rejectUnauthorized: !t?.allowSelfSigned, ...(t?.ca ? { ca: t.ca } : {}), ...(servername ? { servername } : {}) }
          : {}),
        finishRequest: (request: ClientRequest) => {
          this.listen(request, 'socket', (socket: net.Socket) => this.tapUpstream(socket));
          request.end();
        },
      });
    } catch (e) {
      // Node's HTTP client throws at once on a header it cannot send (e.g. a bad value in `headers`).
      this.upstreamFailed(new SocketInspectorError('PROTOCOL', `The upstream request cannot be sent: ${(e as Error).message}`));
      return;
    }
    this.upstreamWs = ws;
    this.interceptClose(ws, 'server');
    this.listen(ws, 'upgrade', (res: IncomingMessage) => this.onUpstreamUpgrade(res));
    this.listen(ws, 'unexpected-response', (_r: ClientRequest, res: IncomingMessage) => this.onUpstreamRefused(res));
    this.listen(ws, 'open', () => this.onUpstreamOpen());
    this.listen(ws, 'message', (data: Buffer, isBinary: boolean) => {
      const seq = this.receive('toClient', isBinary ? Kind.Binary : Kind.Text, data);
      if (seq >= 0) this.wireFrames.noteEntry(Direction.In, seq);
    });
    this.listen(ws, 'ping', (data: Buffer) => this.passControl('toClient', Kind.Ping, data));
    this.listen(ws, 'pong', (data: Buffer) => this.passControl('toClient', Kind.Pong, data));
    this.listen(ws, 'error', (e: unknown) => this.onUpstreamError(e));
    this.listen(ws, 'close', () => this.onLegDone('server'));
  }

  // ---- upstream leg ----

  /** Taps whatever socket the upstream request gets: errors, TLS details and the handshake bytes. */
  private tapUpstream(socket: net.Socket): void {
    if (this.upstreamSocket) return;
    this.upstreamSocket = socket;
    this.listen(socket, 'error', (e: unknown) => this.onUpstreamError(e));
    this.listen(socket, 'drain', () => this.stopReading('toServer', 'drain', false));
    if (!socket.pending) this.tcpConnected = true;
    else this.listen(socket, 'connect', () => (this.tcpConnected = true));
    if (this.secure && socket instanceof tls.TLSSocket) this.listen(socket, 'secureConnect', () => this.onUpstreamSecure(socket));
    const capture = this.register(
      new HandshakeCapture(
        (head) => {
          this.upstreamRequest = head;
          this.upstreamHandshake = { requestLine: head.startLine, requestHeaders: head.headers };
          // Over TLS the request is written before the TLS handshake is done; log in wire order.
          if (!this.secure || this.tlsDone) this.logUpstreamRequest();
        },
        (head) => {
          this.recordUpstreamResponse(head);
          if (statusOf(head.startLine) === 101) this.logUpstreamResponse(head);
        },
      ),
    );
    capture.attach(socket);
  }

  private onUpstreamSecure(socket: tls.TLSSocket): void {
    if (this.tlsDone) return;
    this.tlsDone = true;
    this.tcpConnected = true;
    this.tlsInfo = summarizeTls(socket);
    this.meta(Kind.Handshake, `Upstream ${describeTls(this.tlsInfo)}`);
    this.logUpstreamRequest();
  }

  private logUpstreamRequest(): void {
    if (!this.upstreamRequest || this.upstreamRequestLogged) return;
    this.upstreamRequestLogged = true;
    if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, this.upstreamRequest.raw);
  }

  private logUpstreamResponse(head: HttpHead, body?: Uint8Array): void {
    if (this.upstreamResponseLogged) return;
    this.upstreamResponseLogged = true;
    if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, body ? Buffer.concat([head.raw, body]) : head.raw);
  }

  private recordUpstreamResponse(head: HttpHead, body?: { bytes: Uint8Array; truncated: boolean }): void {
    const request = this.upstreamHandshake ?? { requestLine: '', requestHeaders: [] };
    const status = statusOf(head.startLine);
    this.upstreamHandshake = {
      ...request,
      statusLine: head.startLine,
      ...(status !== undefined ? { status } : {}),
      responseHeaders: head.headers,
      ...(body ? { responseBody: body.bytes, responseBodyTruncated: body.truncated } : {}),
    };
  }

  private onUpstreamUpgrade(res: IncomingMessage): void {
    this.upstreamResponseHeaders = res.rawHeaders;
    if (!this.upstreamHandshake?.statusLine) {
      // The tap missed the head: fall back to Node's parse of it.
      const head = responseOfHead(res);
      this.recordUpstreamResponse(head);
      this.logUpstreamResponse(head);
    }
  }

  /** The upstream answered the upgrade with something other than 101: pass its answer on to the client. */
  private onUpstreamRefused(res: IncomingMessage): void {
    this.clearTimer();
    const head = this.upstreamHandshake?.statusLine ? undefined : responseOfHead(res);
    const status = res.statusCode ?? 0;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finishBody = () => {
      if (done) return;
      done = true;
      if (this.bodyTimer) clearTimeout(this.bodyTimer);
      this.bodyTimer = undefined;
      const bytes = Buffer.concat(chunks, size).subarray(0, MAX_BODY_BYTES);
      const responseHead = head ?? responseOfHead(res);
      this.recordUpstreamResponse(responseHead, { bytes: Uint8Array.prototype.slice.call(bytes), truncated: size > MAX_BODY_BYTES });
      this.logUpstreamResponse(responseHead, bytes);
      const error = new SocketInspectorError('UPGRADE_FAILED', `Upstream: ${upgradeRefusedMessage(status, res.statusMessage)}`, {
        status,
        systemCode: `HTTP_${status}`,
      });
      this.fail(error);
      this.answerClient(httpResponse(status, res.statusMessage, downstreamResponseHeaders(res.rawHeaders), bytes));
      this.upstreamWs?.terminate();
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
    this.upstreamFailed(timeoutError(what, this.upstreamContext.peer, ms));
    this.upstreamWs?.terminate();
  }

  private onUpstreamError(e: unknown): void {
    const error = this.toError(e);
    if (!this.upstreamOpen) this.upstreamFailed(error);
    else this.fail(error);
  }

  /** The upstream cannot be had: log why and answer the client with a gateway error. */
  private upstreamFailed(error: SocketInspectorError): void {
    this.clearTimer();
    this.fail(error);
    const status = error.code === 'TIMEOUT' ? 504 : 502;
    this.answerClient(proxyErrorResponse(status, error.message));
  }

  private onUpstreamOpen(): void {
    this.clearTimer();
    this.upstreamOpen = true;
    const ws = this.upstreamWs!;
    const socket = this.upstreamSocket;
    // ws has just taken the socket over: the first frame byte has not flowed yet (see WireFrameTap).
    const wsSocket = (ws as unknown as { _socket?: net.Socket })._socket ?? socket;
    if (wsSocket) {
      this.register(new WireFrameTap(this.wireFrames, () => ws.extensions.includes('permessage-deflate'))).attach(wsSocket);
    }
    const upstreamLeg = `${addressOf(socket?.localAddress, socket?.localPort)} → ${addressOf(socket?.remoteAddress, socket?.remotePort)}`;
    if (this.legDone.client || this.upgrade.socket.destroyed) {
      this.meta(Kind.Closed, 'The client left before the upgrade completed; closing the upstream (1001)');
      ws.close(1001, 'The client went away');
      return;
    }
    this.answered = true;
    this.upgrade.complete(ws.protocol, downstreamResponseHeaders(this.upstreamResponseHeaders), (clientWs) =>
      this.onClientOpen(clientWs, upstreamLeg),
    );
  }

  // ---- client leg ----

  private onClientOpen(clientWs: WebSocket, upstreamLeg: string): void {
    this.clientWs = clientWs;
    this.interceptClose(clientWs, 'client');
    this.listen(clientWs, 'message', (data: Buffer, isBinary: boolean) =>
      this.receive('toServer', isBinary ? Kind.Binary : Kind.Text, data),
    );
    this.listen(clientWs, 'ping', (data: Buffer) => this.passControl('toServer', Kind.Ping, data));
    this.listen(clientWs, 'pong', (data: Buffer) => this.passControl('toServer', Kind.Pong, data));
    this.listen(clientWs, 'error', (e: unknown) => this.fail(toSocketInspectorError(e, this.clientContext)));
    this.listen(clientWs, 'close', () => this.onLegDone('client'));
    const details = [
      this.protocol ? `subprotocol "${this.protocol}"` : '',
      this.extensions ? `upstream extensions: ${this.extensions}` : '',
    ].filter(Boolean);
    this.meta(
      Kind.Open,
      `Forwarding: client ${this.client} ⇄ upstream ${upstreamLeg}${details.length ? ` (${details.join(', ')})` : ''}`,
    );
    this.opened();
  }

  private onClientResponseHead(head: HttpHead): void {
    // Error answers are logged (with their body) where they are written.
    if (statusOf(head.startLine) !== 101) return;
    this.recordClientResponse(head);
    if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, head.raw);
  }

  private recordClientResponse(head: HttpHead, body?: Uint8Array): void {
    const request = this.clientHandshakeInfo ?? { requestLine: '', requestHeaders: [] };
    const status = statusOf(head.startLine);
    this.clientHandshakeInfo = {
      ...request,
      statusLine: head.startLine,
      ...(status !== undefined ? { status } : {}),
      responseHeaders: head.headers,
      ...(body ? { responseBody: Uint8Array.prototype.slice.call(body), responseBodyTruncated: false } : {}),
    };
  }

  /** Writes the proxy's own HTTP answer to a client whose upgrade cannot go through, then closes it. */
  private answerClient(response: Buffer): void {
    if (this.answered) return;
    this.answered = true;
    const socket = this.upgrade.socket;
    const end = response.indexOf('\r\n\r\n');
    const headText = response.subarray(0, end + 4).toString('latin1');
    const lines = headText.split('\r\n').filter(Boolean);
    this.recordClientResponse(
      {
        startLine: lines[0] ?? '',
        headers: lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as const),
        raw: response.subarray(0, end + 4),
      },
      response.subarray(end + 4),
    );
    if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, response);
    if (socket.destroyed || !socket.writable) return;
    this.meta(Kind.Closed, `Answered the client with ${lines[0]?.replace(/^HTTP\/1\.1 /, '') ?? 'an error'} and closed its connection`);
    socket.end(response);
    socket.destroySoon();
  }

  private refuseClient(error: SocketInspectorError, status: number): void {
    this.fail(error);
    this.answerClient(proxyErrorResponse(status, error.message));
  }

  private onClientSocketError(e: unknown): void {
    if (this.clientWs) return; // ws reports errors of an upgraded socket itself
    this.fail(toSocketInspectorError(e, this.clientContext));
  }

  // ---- frames both ways ----

  /** Pings and pongs are never held: they are forwarded at once (the log still shows each). */
  private passControl(direction: ProxyDirection, kind: Kind, data: Buffer): void {
    if (this.isFinished) return;
    const seq = this.log.append(direction === 'toServer' ? Direction.Out : Direction.In, kind, data);
    if (direction === 'toClient') this.wireFrames.noteEntry(Direction.In, seq);
    const target = this.destination(direction);
    if (target?.readyState !== WebSocket.OPEN) return;
    if (direction === 'toServer') this.wireFrames.noteEntry(Direction.Out, seq);
    if (kind === Kind.Ping) target.ping(data, undefined, () => {});
    else target.pong(data, undefined, () => {});
  }

  /**
   * Sees each close frame as ws handles it (ws answers a close frame by calling close() on itself), so
   * it is logged when it arrives and passed on, after whatever is held in its direction.
   */
  private interceptClose(ws: WebSocket, side: Side): void {
    const close = WebSocket.prototype.close;
    ws.close = (code?: number, data?: string | Buffer) => {
      const state = ws as unknown as WsCloseState;
      if (state._closeFrameReceived && !this.closeFrom[side]) {
        this.onCloseFrame(side, state._closeCode ?? NO_STATUS, state._closeMessage ?? Buffer.alloc(0));
      }
      close.call(ws, code, data);
    };
  }

  private onCloseFrame(side: Side, code: number, reason: Buffer): void {
    this.closeFrom[side] = { code, reason };
    this.firstToClose ??= side;
    const direction: ProxyDirection = side === 'client' ? 'toServer' : 'toClient';
    const seq = this.isFinished ? -1 : this.log.append(side === 'client' ? Direction.Out : Direction.In, Kind.Close, reason, code);
    if (side === 'server' && seq >= 0) this.wireFrames.noteEntry(Direction.In, seq);
    if (this.state === 'open') this.setState('closing');
    const to: Side = side === 'client' ? 'server' : 'client';
    const held = this.heldCount(direction);
    const now = this.afterHeld(direction, () => this.forwardClose(to, code, reason, seq));
    if (!now) this.note(`The ${side}'s close (${closeText(code, reason)}) is passed on to the ${to} after the ${held} held message${held === 1 ? '' : 's'}`);
  }

  private forwardClose(to: Side, code: number, reason: Buffer, seq: number): void {
    const target = to === 'server' ? this.upstreamWs : this.clientWs;
    if (target?.readyState !== WebSocket.OPEN) return;
    if (to === 'server' && seq >= 0) this.wireFrames.noteEntry(Direction.Out, seq);
    try {
      if (code === NO_STATUS) target.close();
      else target.close(code, reason);
    } catch {
      // A code that may not be sent (ws checks): close without one rather than not at all.
      target.close();
    }
  }

  /** One leg's socket is gone. A leg lost without a close frame takes the other one down the same way. */
  private onLegDone(side: Side): void {
    if (this.legDone[side]) return;
    this.legDone[side] = true;
    this.clearTimer();
    const other: Side = side === 'client' ? 'server' : 'client';
    const otherWs = other === 'server' ? this.upstreamWs : this.clientWs;
    const opened = this.upstreamOpen && !!this.clientWs;
    if (opened && !this.closeFrom[side] && !this.legDone[other]) {
      this.meta(Kind.Closed, `The ${side} connection was lost without a close frame (1006); dropping the ${other} connection too`);
      this.firstToClose ??= side;
      // What is held toward the surviving side can still be released before it goes; what is held
      // toward the lost side is discarded when the pair finishes.
      this.afterHeld(other === 'server' ? 'toServer' : 'toClient', () => otherWs?.terminate());
    } else if (!opened && side === 'client' && this.upstreamWs && !this.legDone.server) {
      if (!this.lastError) this.meta(Kind.Closed, 'The client left before the upgrade completed; closing the upstream');
      if (this.upstreamOpen) this.upstreamWs.close(1001, 'The client went away');
      else this.upstreamWs.terminate();
    } else if (!opened && side === 'server' && !this.answered) {
      // The upstream went away without an answer we could pass on (errors answer the client themselves).
      this.answerClient(proxyErrorResponse(502, this.lastError?.message ?? 'the upstream closed the connection during the upgrade'));
    }
    const serverDone = this.legDone.server || !this.upstreamWs;
    if (this.legDone.client && serverDone) this.onBothDone();
  }

  private onBothDone(): void {
    this.clearTimer();
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
    if (!this.clientWs) {
      this.finishPair('Not connected');
      return;
    }
    const first = this.firstToClose;
    const frame = first === 'client' || first === 'server' ? this.closeFrom[first] : undefined;
    let text: string;
    if (this.lastError) text = 'Closed after an error';
    else if (first === 'us') text = 'Closed by us';
    else if (first && frame) text = `Closed by the ${first}: ${closeText(frame.code, frame.reason)}`;
    else if (first) text = `Closed: the ${first} connection was lost (1006)`;
    else text = 'Closed';
    this.finishPair(text, 'the connection closed', frame?.code);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  // ---- transport of ProxyPair ----

  private destination(direction: ProxyDirection): WebSocket | undefined {
    return direction === 'toServer' ? this.upstreamWs : this.clientWs;
  }

  protected canDeliver(direction: ProxyDirection): boolean {
    if (this.isFinished || !this.clientWs) return false;
    return this.destination(direction)?.readyState === WebSocket.OPEN;
  }

  protected deliver(direction: ProxyDirection, kind: Kind, bytes: Buffer, seq: number): void {
    if (direction === 'toServer' && seq >= 0) this.wireFrames.noteEntry(Direction.Out, seq);
    // A failed send surfaces as the socket's error or close; nothing to add here.
    this.destination(direction)!.send(bytes, { binary: kind === Kind.Binary }, () => {});
    // The destination's socket buffer is full: stop reading this direction's source until it drains.
    const socket = direction === 'toServer' ? this.upstreamSocket : this.upgrade.socket;
    if (socket?.writableNeedDrain) this.stopReading(direction, 'drain', true);
  }

  protected pauseSource(direction: ProxyDirection): void {
    (direction === 'toServer' ? this.clientWs : this.upstreamWs)?.pause();
  }

  protected resumeSource(direction: ProxyDirection): void {
    (direction === 'toServer' ? this.clientWs : this.upstreamWs)?.resume();
  }

  // ---- Connection ----

  private get bothOpen(): boolean {
    return !this.isFinished && !!this.clientWs && this.upstreamWs?.readyState === WebSocket.OPEN;
  }

  sendText(text: string): void {
    this.requireOpen(this.bothOpen, 'send');
    this.inject('toServer', { text });
  }

  sendBytes(bytes: Uint8Array): void {
    this.requireOpen(this.bothOpen, 'send');
    this.inject('toServer', { bytes });
  }

  /** Injects one message toward the server, cut into `fragments` frames (logged as one entry). */
  sendFragmented(payload: Uint8Array, options: { binary: boolean; fragments: number }): void {
    const { binary, fragments } = options;
    if (!Number.isInteger(fragments) || fragments < 1 || fragments > MAX_FRAGMENTS) {
      throw new SocketInspectorError('PROTOCOL', `A message can be sent in 1 to ${MAX_FRAGMENTS} frames (not ${fragments})`);
    }
    this.requireOpen(this.bothOpen, 'send');
    const parts = splitEvenly(payload, fragments);
    const seq = this.logInjected('toServer', binary ? Kind.Binary : Kind.Text, Buffer.concat(parts));
    this.wireFrames.noteEntry(Direction.Out, seq);
    const ws = this.upstreamWs!;
    parts.forEach((part, i) => ws.send(part, { binary, fin: i === parts.length - 1 }, () => {}));
  }

  ping(payload?: Uint8Array): void {
    this.sendControlToServer(Kind.Ping, payload);
  }

  pong(payload?: Uint8Array): void {
    this.sendControlToServer(Kind.Pong, payload);
  }

  private sendControlToServer(kind: Kind, payload: Uint8Array | undefined): void {
    const bytes = payload ? Buffer.from(payload) : Buffer.alloc(0);
    const name = kind === Kind.Ping ? 'ping' : 'pong';
    if (bytes.length > 125) {
      throw new SocketInspectorError('PROTOCOL', `A ${name} payload can be at most 125 bytes (this one is ${bytes.length})`);
    }
    this.requireOpen(this.bothOpen, name);
    const seq = this.logInjected('toServer', kind, bytes);
    this.wireFrames.noteEntry(Direction.Out, seq);
    if (kind === Kind.Ping) this.upstreamWs!.ping(bytes, undefined, () => {});
    else this.upstreamWs!.pong(bytes, undefined, () => {});
  }

  close(code = 1000, reason = ''): void {
    const bytes = validateClose(code, reason);
    if (this.isFinished) return;
    if (!this.clientWs) {
      this.abort('closed by us before the upgrade completed');
      return;
    }
    this.firstToClose ??= 'us';
    for (const side of ['server', 'client'] as const) {
      const ws = side === 'server' ? this.upstreamWs : this.clientWs;
      if (ws?.readyState !== WebSocket.OPEN) continue;
      const seq = this.logInjected(side === 'server' ? 'toServer' : 'toClient', Kind.Close, bytes, code);
      if (side === 'server') this.wireFrames.noteEntry(Direction.Out, seq);
      // Any code 0-65535, as a client connection allows: this is a testing tool.
      closeWithAnyCode(ws, code, bytes);
    }
    if (this.state === 'open') this.setState('closing');
  }

  abort(why: string): void {
    if (this.isFinished) return;
    this.clearTimer();
    this.meta(Kind.Closed, `Both connections closed at once: ${why}`);
    this.finishPair('Closed by us', why);
    this.destroyAll();
  }

  private destroyAll(): void {
    const noop = () => {};
    for (const ws of [this.upstreamWs, this.clientWs]) {
      if (!ws) continue;
      ws.on('error', noop);
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    }
    for (const s of [this.upstreamSocket, this.upgrade.socket]) {
      if (!s) continue;
      s.on('error', noop);
      s.destroy();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.clearTimer();
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
    this.destroyAll();
    super.dispose();
  }
}
