// The opening handshake of a WebSocket we connect ourselves, used by the client (wsConnection.ts) and by
// each proxy pair's upstream leg (wsProxyPair.ts): the ws WebSocket with our TLS options, the request and
// response heads as they crossed the wire (in wire order after the TLS summary), a refused upgrade read
// with its body, and a timeout that names the phase it hit (TCP, TLS or the upgrade).
//
// The socket is whatever the HTTP request gets: ws's own, or one an agent made. VS Code's extension host
// patches http(s).request to force its proxy agent, which ignores ws's createConnection; so everything
// this module needs from the socket is attached when the request receives it, never when it is created.
import type { EventEmitter } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type * as net from 'node:net';
import * as tls from 'node:tls';
import WebSocket from 'ws';
import { Kind, type HandshakeInfo, type TlsInfo } from '../../../shared/logModel';
import { SocketInspectorError } from '../../../shared/errors';
import { Disposable, toDisposable } from '../base/dispose';
import { timeoutError, upgradeRefusedMessage } from '../errors/systemErrors';
import { describeTls, summarizeTls } from '../tls/tlsSummary';
import type { TlsOptions } from './connectionTypes';
import { HandshakeCapture, headOfResponse, statusOf, type HttpHead } from './handshakeCapture';

/** How long the whole handshake (TCP, TLS and the upgrade) may take unless the caller says. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;
/** ws keeps maxPayload as `maxPayload | 0`: a larger limit would wrap to no limit at all (or a negative one). */
const MAX_WS_PAYLOAD = 2 ** 31 - 1;
/** How long to wait for the rest of a refused upgrade's body before giving up on it. */
const BODY_WAIT_MS = 2000;

/** The maxPayload handed to ws: a whole number of bytes that ws's 32-bit arithmetic keeps as a limit. */
export function effectiveMaxPayload(maxPayload: number | undefined): number {
  if (maxPayload === undefined || !Number.isFinite(maxPayload)) return DEFAULT_MAX_PAYLOAD;
  return Math.min(MAX_WS_PAYLOAD, Math.max(1, Math.floor(maxPayload)));
}

/** Where a ws:// or wss:// URL connects: host (no brackets), port, and for wss:// the SNI name set in `tls`. */
export function upgradeTarget(url: URL, tls: TlsOptions | undefined): { host: string; port: number; servername?: string } {
  const secure = url.protocol === 'wss:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port || (secure ? 443 : 80));
  const servername = secure ? tls?.servername : undefined;
  return { host, port, ...(servername ? { servername } : {}) };
}

/** Whether a TLS socket finished its handshake before we got it (an agent's kept-alive or proxied socket). */
export function tlsEstablished(socket: tls.TLSSocket): boolean {
  // Node has no public flag for this; `_secureEstablished` is what it sets right before 'secureConnect'.
  return (socket as { _secureEstablished?: boolean })._secureEstablished === true;
}

/** A handshake timeout that says how far the server got: nothing at all, or part of a response. */
export function withUpgradeProgress(error: SocketInspectorError, responseBytes: number): SocketInspectorError {
  const progress =
    responseBytes === 0
      ? 'the server accepted the connection but never answered the upgrade request'
      : `the server sent ${responseBytes} byte${responseBytes === 1 ? '' : 's'} of a response but never finished its headers`;
  return new SocketInspectorError(error.code, `${error.message}: ${progress}`, error.details);
}

/** How to open the WebSocket and what to call its side of the conversation. */
export interface UpstreamSettings {
  readonly url: URL;
  readonly protocols: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly perMessageDeflate: boolean;
  readonly maxPayload: number;
  /** TLS settings of a wss:// URL (ignored for ws://). */
  readonly tls: TlsOptions | undefined;
  readonly handshakeTimeoutMs: number;
  /** How much of a refused upgrade's body is kept. */
  readonly maxBodyBytes: number;
  /** ws's own close timeout, a backstop behind the owner's (ws 8 supports it; its typings do not list it yet). */
  readonly closeTimeoutMs?: number;
  /** Who we connect to, in timeout messages ("127.0.0.1:8080", "upstream 127.0.0.1:8080"). */
  readonly peer: string;
  /** Put before the TLS summary and the refusal's message ("Upstream" → "Upstream TLS …", "Upstream: …"). */
  readonly label?: string;
}

/** An upgrade the server answered with something other than 101, with the start of its body. */
export interface UpgradeRefusal {
  readonly error: SocketInspectorError;
  readonly status: number;
  readonly statusMessage: string | undefined;
  readonly rawHeaders: readonly string[];
  /** The body, up to maxBodyBytes (a view: copy it to keep it). */
  readonly body: Buffer;
}

/** Which part of the handshake a timeout hit. */
export type HandshakePhase = 'The TCP connection' | 'The TLS handshake' | 'The WebSocket upgrade';

/** What the handshake needs from the connection that owns it. */
export interface UpstreamHandshakeOwner {
  /** Appends a Handshake entry with these bytes (a head as it crossed the wire), unless the log is finished. */
  logHead(raw: Uint8Array): void;
  /** Appends a meta entry (the TLS summary). */
  logMeta(kind: Kind, text: string): void;
  /** The request got this socket; called before anything is written to it. */
  onSocket(socket: net.Socket): void;
  /** The server refused the upgrade; its head and body are logged and recorded. The WebSocket is terminated next. */
  onRefused(refusal: UpgradeRefusal): void;
  /** The handshake did not complete in time. The WebSocket is terminated next. */
  onTimeout(error: SocketInspectorError, phase: HandshakePhase, responseBytes: number): void;
}

/** One WebSocket handshake with a server: opens the WebSocket and records what crossed the wire until it is open. */
export class UpstreamHandshake extends Disposable {
  /** wss://: the request goes over TLS. */
  readonly secure: boolean;
  private ws: WebSocket | undefined;
  private socketGiven: net.Socket | undefined;
  private capture: HandshakeCapture | undefined;
  private handshakeInfo: HandshakeInfo | undefined;
  private tlsInfo: TlsInfo | undefined;
  private requestHead: HttpHead | undefined;
  private requestLogged = false;
  private responseHead: HttpHead | undefined;
  private responseLogged = false;
  private acceptedHeaders: readonly string[] = [];
  private tcpConnected = false;
  private tlsDone = false;
  private timer: NodeJS.Timeout | undefined;
  private bodyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: UpstreamSettings,
    private readonly owner: UpstreamHandshakeOwner,
  ) {
    super();
    this.secure = settings.url.protocol === 'wss:';
    this.register(toDisposable(() => this.clearTimers()));
  }

  /** The handshake so far: the request as written, then the response (and a refusal's body). */
  get info(): HandshakeInfo | undefined {
    return this.handshakeInfo;
  }

  get tls(): TlsInfo | undefined {
    return this.tlsInfo;
  }

  /** The socket the request got. */
  get socket(): net.Socket | undefined {
    return this.socketGiven;
  }

  /** The raw headers of the server's 101 (Node's rawHeaders). */
  get upgradeHeaders(): readonly string[] {
    return this.acceptedHeaders;
  }

  /**
   * Starts the handshake timer and creates the WebSocket; throws what ws throws (Node's HTTP client
   * rejects a header it cannot send at once). Subscribe to the WebSocket's other events after this.
   */
  open(): WebSocket {
    const { settings } = this;
    const ms = settings.handshakeTimeoutMs;
    this.timer = setTimeout(() => this.onTimeout(ms), ms);
    const t = settings.tls;
    let ws: WebSocket;
    try {
      ws = new WebSocket(settings.url, [...settings.protocols], {
        headers: { ...settings.headers },
        perMessageDeflate: settings.perMessageDeflate,
        maxPayload: settings.maxPayload,
        // Pings are answered (or passed on) by the owner, so that every pong is in the log.
        autoPong: false,
        ...(settings.closeTimeoutMs !== undefined ? ({ closeTimeout: settings.closeTimeoutMs } as WebSocket.ClientOptions) : {}),
        followRedirects: false,
        // ws spreads these into the request options, so they reach tls.connect whoever calls it. Unset,
        // Node (and ws) send the host as SNI when it is a name, and none for an IP address.
        ...(this.secure
          ? { rejectUnauthorized: !t?.allowSelfSigned, ...(t?.ca ? { ca: t.ca } : {}), ...(t?.servername ? { servername: t.servername } : {}) }
          : {}),
        finishRequest: (req: ClientRequest) => {
          this.listen(req, 'socket', (socket: net.Socket) => this.tap(socket));
          req.end();
        },
      });
    } catch (e) {
      this.clearTimers();
      throw e;
    }
    this.ws = ws;
    // Ahead of the owner's own 'close' listeners, which log the end.
    this.listen(ws, 'close', () => this.clearTimers());
    this.listen(ws, 'upgrade', (res: IncomingMessage) => this.onUpgrade(res));
    this.listen(ws, 'unexpected-response', (_req: ClientRequest, res: IncomingMessage) => this.onRefused(res));
    this.listen(ws, 'open', () => this.clearTimer());
    return ws;
  }

  /** Stops the handshake timer (the owner gave up on the handshake for a reason of its own). */
  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private clearTimers(): void {
    this.clearTimer();
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
  }

  private listen(emitter: EventEmitter, event: string, listener: (...args: any[]) => void): void {
    emitter.on(event, listener);
    this.register(toDisposable(() => emitter.off(event, listener)));
  }

  /**
   * Taps the socket the upgrade request was given, whoever created it: the phase a timeout hit, TLS
   * details, and the handshake bytes. Node emits 'socket' before it flushes the buffered request head,
   * so the tap sees every byte.
   */
  private tap(socket: net.Socket): void {
    if (this.socketGiven) return;
    this.socketGiven = socket;
    this.owner.onSocket(socket);
    // An agent may hand over a socket that is already connected (kept alive, or through a proxy).
    if (!socket.pending) this.tcpConnected = true;
    else this.listen(socket, 'connect', () => (this.tcpConnected = true));
    if (this.secure && socket instanceof tls.TLSSocket) {
      if (tlsEstablished(socket)) this.onSecure(socket);
      else this.listen(socket, 'secureConnect', () => this.onSecure(socket));
    }
    this.capture = this.register(
      new HandshakeCapture(
        (head) => this.onRequestHead(head),
        (head) => this.onResponseHead(head),
      ),
    );
    this.capture.attach(socket);
  }

  private onSecure(socket: tls.TLSSocket): void {
    if (this.tlsDone) return;
    this.tcpConnected = true;
    this.tlsDone = true;
    this.tlsInfo = summarizeTls(socket);
    const label = this.settings.label;
    this.owner.logMeta(Kind.Handshake, `${label ? `${label} ` : ''}${describeTls(this.tlsInfo)}`);
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
    this.owner.logHead(this.requestHead.raw);
  }

  private onResponseHead(head: HttpHead): void {
    this.responseHead = head;
    this.recordResponse(head);
    // A refused upgrade is logged with its body, once that has arrived (onRefused).
    if (statusOf(head.startLine) === 101) this.logResponse(head.raw);
  }

  private logResponse(raw: Uint8Array): void {
    if (this.responseLogged) return;
    this.responseLogged = true;
    this.owner.logHead(raw);
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
    this.acceptedHeaders = res.rawHeaders;
    if (this.responseHead) return;
    // The tap missed the head (it gave up on an oversized one): fall back to Node's parse.
    const head = headOfResponse(res);
    this.responseHead = head;
    this.recordResponse(head);
    this.logResponse(head.raw);
  }

  private onRefused(res: IncomingMessage): void {
    this.clearTimer();
    const head = this.responseHead ?? headOfResponse(res);
    const status = res.statusCode ?? statusOf(head.startLine) ?? 0;
    const max = this.settings.maxBodyBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finishBody = () => {
      if (done) return;
      done = true;
      if (this.bodyTimer) clearTimeout(this.bodyTimer);
      this.bodyTimer = undefined;
      const body = Buffer.concat(chunks, size).subarray(0, max);
      this.recordResponse(head, { bytes: Uint8Array.prototype.slice.call(body), truncated: size > max });
      this.logResponse(Buffer.concat([head.raw, body]));
      const label = this.settings.label;
      const message = `${label ? `${label}: ` : ''}${upgradeRefusedMessage(status, res.statusMessage)}`;
      const error = new SocketInspectorError('UPGRADE_FAILED', message, { status, systemCode: `HTTP_${status}` });
      this.owner.onRefused({ error, status, statusMessage: res.statusMessage, rawHeaders: res.rawHeaders, body });
      this.ws?.terminate();
    };
    this.listen(res, 'data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > max) finishBody();
    });
    this.listen(res, 'end', finishBody);
    this.listen(res, 'close', finishBody);
    this.listen(res, 'error', finishBody);
    this.bodyTimer = setTimeout(finishBody, BODY_WAIT_MS);
  }

  private onTimeout(ms: number): void {
    this.timer = undefined;
    const phase: HandshakePhase = !this.tcpConnected
      ? 'The TCP connection'
      : this.secure && !this.tlsDone
        ? 'The TLS handshake'
        : 'The WebSocket upgrade';
    this.owner.onTimeout(timeoutError(phase, this.settings.peer, ms), phase, this.capture?.responseBytes ?? 0);
    this.ws?.terminate();
  }
}
