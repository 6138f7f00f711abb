// One WebSocket client joined to its own upstream WebSocket: how the two legs open, and the pair's
// Connection methods (inject toward the server, close both legs). The client's upgrade waits until the
// upstream accepted, so the client gets the upstream's subprotocol, or its refusal. The upstream leg's
// handshake is the one our client connection uses (upstreamHandshake.ts), the client leg's is
// wsProxyClientHandshake.ts, and what passes between the open legs is wsProxyRelay.ts.
import type * as net from 'node:net';
import WebSocket from 'ws';
import { Direction, Kind, type HandshakeInfo, type TlsInfo } from '../../../shared/logModel';
import type { TlsOptions } from '../connection/connectionTypes';
import { SocketInspectorError } from '../../../shared/errors';
import { formatHostPort } from '../listen/listenAddress';
import { toSocketInspectorError, type ErrorContext } from '../errors/systemErrors';
import { upgradeTarget, UpstreamHandshake, type UpstreamHandshakeOwner, type UpstreamSettings } from '../connection/upstreamHandshake';
import { checkFragments, controlPayload, splitEvenly, validateClose } from '../connection/wsFrameRules';
import { closeWithAnyCode } from '../wireFrames/anyCodeClose';
import { WireFrameTap } from '../wireFrames/wireFrameTap';
import type { ProxyDirection } from './holdQueue';
import type { ProxyPairSettings } from './proxyPair';
import type { AbortablePair } from './proxySession';
import type { WsProxyConnection } from './proxyTypes';
import { ClientHandshake, type ClientUpgrade } from './wsProxyClientHandshake';
import {
  downstreamResponseHeaders,
  httpResponse,
  offeredProtocols,
  proxyErrorResponse,
  upgradeRequestProblem,
  upstreamRequestHeaders,
} from './wsProxyHeaders';
import { WsProxyRelay, type Side } from './wsProxyRelay';

export type { ClientUpgrade } from './wsProxyClientHandshake';

/** How much of a refused upgrade's body is kept and passed on to the client. */
const MAX_BODY_BYTES = 64 * 1024;

/** How the upstream leg is opened (shared by every pair of a session). */
export interface WsUpstreamSettings {
  readonly tls: TlsOptions | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly perMessageDeflate: boolean;
  readonly handshakeTimeoutMs: number;
  readonly maxPayload: number;
}

function addressOf(host: string | undefined, port: number | undefined): string {
  return host ? formatHostPort(host, port ?? '?') : '?';
}

/** A client↔upstream WebSocket pair. */
export class WsProxyPair extends WsProxyRelay implements WsProxyConnection, AbortablePair {
  readonly kind = 'ws' as const;
  readonly target: string;
  readonly client: string;
  readonly upstream: string;
  private readonly upstreamUrl: URL;
  private readonly upstreamContext: ErrorContext;
  private readonly clientContext: ErrorContext;
  private readonly clientLeg: ClientHandshake;
  private upstreamLeg: UpstreamHandshake | undefined;
  protected upstreamOpen = false;

  constructor(
    private readonly upgrade: ClientUpgrade,
    upstreamUrl: URL,
    private readonly settings: WsUpstreamSettings,
    pairSettings: ProxyPairSettings,
  ) {
    super(pairSettings);
    const socket = upgrade.socket;
    this.client = addressOf(socket.remoteAddress, socket.remotePort);
    this.upstreamUrl = upstreamUrl;
    this.upstream = upstreamUrl.href;
    this.target = `${this.client} → ${this.upstream}`;
    const { host, port, servername } = upgradeTarget(upstreamUrl, settings.tls);
    this.upstreamContext = {
      peer: `upstream ${addressOf(host, port)}`,
      host,
      maxPayload: settings.maxPayload,
      ...(servername ? { servername } : {}),
    };
    this.clientContext = { peer: `client ${this.client}`, host: socket.remoteAddress ?? '', maxPayload: settings.maxPayload };
    this.clientLeg = new ClientHandshake(upgrade, (raw) => this.logHead(raw));
    this.listen(socket, 'error', (e) => this.onClientSocketError(e));
    this.listen(socket, 'drain', () => this.stopReading('toClient', 'drain', false));
    this.listen(socket, 'close', () => {
      // After the upgrade, ws's own 'close' (which comes after its last frames) ends the client leg.
      if (!this.clientWs) this.onLegDone('client');
    });
  }

  get handshake(): HandshakeInfo | undefined {
    return this.upstreamLeg?.info;
  }

  get clientHandshake(): HandshakeInfo | undefined {
    return this.clientLeg.info;
  }

  get tls(): TlsInfo | undefined {
    return this.upstreamLeg?.tls;
  }

  protected toError(e: unknown): SocketInspectorError {
    return toSocketInspectorError(e, this.upstreamContext);
  }

  private logHead(raw: Uint8Array): void {
    if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, raw);
  }

  protected start(): void {
    const { req } = this.upgrade;
    this.meta(
      Kind.Connecting,
      `Client ${this.client} asks to upgrade ${req.url ?? '/'}; connecting to upstream ${this.upstream}`,
    );
    this.log.append(Direction.Meta, Kind.Handshake, this.clientLeg.request.raw);
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

    this.upstreamLeg = this.register(new UpstreamHandshake(this.upstreamSettings(protocols), this.upstreamOwner()));
    let ws: WebSocket;
    try {
      ws = this.upstreamLeg.open();
    } catch (e) {
      // Node's HTTP client throws at once on a header it cannot send (e.g. a bad value in `headers`).
      this.upstreamFailed(new SocketInspectorError('PROTOCOL', `The upstream request cannot be sent: ${(e as Error).message}`));
      return;
    }
    this.upstreamWs = ws;
    this.listen(ws, 'open', () => this.onUpstreamOpen());
    this.listen(ws, 'error', (e: unknown) => this.onUpstreamError(e));
    this.relayFrom(ws, 'server');
  }

  // ---- upstream leg ----

  private upstreamSettings(protocols: readonly string[]): UpstreamSettings {
    const { settings, upgrade } = this;
    return {
      url: this.upstreamUrl,
      protocols,
      headers: upstreamRequestHeaders(upgrade.req.rawHeaders, settings.headers),
      perMessageDeflate: settings.perMessageDeflate,
      maxPayload: settings.maxPayload,
      tls: settings.tls,
      handshakeTimeoutMs: settings.handshakeTimeoutMs,
      maxBodyBytes: MAX_BODY_BYTES,
      peer: this.upstreamContext.peer,
      label: 'Upstream',
    };
  }

  private upstreamOwner(): UpstreamHandshakeOwner {
    return {
      logHead: (raw) => this.logHead(raw),
      logMeta: (kind, text) => this.meta(kind, text),
      onSocket: (socket) => {
        this.listen(socket, 'error', (e: unknown) => this.onUpstreamError(e));
        this.listen(socket, 'drain', () => this.stopReading('toServer', 'drain', false));
      },
      // The upstream answered the upgrade with something other than 101: pass its answer on to the client.
      onRefused: ({ error, status, statusMessage, rawHeaders, body }) => {
        this.fail(error);
        this.answerClient(httpResponse(status, statusMessage, downstreamResponseHeaders(rawHeaders), body));
      },
      onTimeout: (error) => this.upstreamFailed(error),
    };
  }

  private onUpstreamError(e: unknown): void {
    const error = this.toError(e);
    if (!this.upstreamOpen) this.upstreamFailed(error);
    else this.fail(error);
  }

  /** The upstream cannot be had: log why and answer the client with a gateway error. */
  private upstreamFailed(error: SocketInspectorError): void {
    this.upstreamLeg?.clearTimer();
    this.fail(error);
    const status = error.code === 'TIMEOUT' ? 504 : 502;
    this.answerClient(proxyErrorResponse(status, error.message));
  }

  private onUpstreamOpen(): void {
    this.upstreamOpen = true;
    const ws = this.upstreamWs!;
    const socket = this.upstreamLeg?.socket;
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
    this.clientLeg.answered = true;
    this.upgrade.complete(ws.protocol, downstreamResponseHeaders(this.upstreamLeg?.upgradeHeaders ?? []), (clientWs) =>
      this.onClientOpen(clientWs, upstreamLeg),
    );
  }

  // ---- client leg ----

  private onClientOpen(clientWs: WebSocket, upstreamLeg: string): void {
    this.clientWs = clientWs;
    // The client leg's frames: we are its server, so what we read is masked and is the client's (Out).
    const clientSocket = (clientWs as unknown as { _socket?: net.Socket })._socket;
    if (clientSocket) {
      this.register(
        new WireFrameTap(this.clientWireFrames, () => clientWs.extensions.includes('permessage-deflate'), 'server', { read: Direction.Out, write: Direction.In }),
      ).attach(clientSocket);
    }
    this.listen(clientWs, 'error', (e: unknown) => this.fail(toSocketInspectorError(e, this.clientContext)));
    this.relayFrom(clientWs, 'client');
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

  /** Writes the proxy's own HTTP answer to a client whose upgrade cannot go through, then closes it. */
  private answerClient(response: Buffer): void {
    const statusLine = this.clientLeg.answer(response);
    if (statusLine === undefined) return;
    this.meta(Kind.Closed, `Answered the client with ${statusLine.replace(/^HTTP\/1\.1 /, '') || 'an error'} and closed its connection`);
  }

  private refuseClient(error: SocketInspectorError, status: number): void {
    this.fail(error);
    this.answerClient(proxyErrorResponse(status, error.message));
  }

  private onClientSocketError(e: unknown): void {
    if (this.clientWs) return; // ws reports errors of an upgraded socket itself
    this.fail(toSocketInspectorError(e, this.clientContext));
  }

  protected legLostBeforeOpen(side: Side): void {
    this.upstreamLeg?.clearTimer();
    if (side === 'client' && this.upstreamWs && !this.legDone.server) {
      if (!this.lastError) this.meta(Kind.Closed, 'The client left before the upgrade completed; closing the upstream');
      if (this.upstreamOpen) this.upstreamWs.close(1001, 'The client went away');
      else this.upstreamWs.terminate();
    } else if (side === 'server' && !this.clientLeg.answered) {
      // The upstream went away without an answer we could pass on (errors answer the client themselves).
      this.answerClient(proxyErrorResponse(502, this.lastError?.message ?? 'the upstream closed the connection during the upgrade'));
    }
  }

  protected destinationSocket(direction: ProxyDirection): net.Socket | undefined {
    return direction === 'toServer' ? this.upstreamLeg?.socket : this.upgrade.socket;
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
    checkFragments(fragments);
    this.requireOpen(this.bothOpen, 'send');
    const parts = splitEvenly(payload, fragments);
    const seq = this.logInjected('toServer', binary ? Kind.Binary : Kind.Text, Buffer.concat(parts));
    this.noteSent('server', seq);
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
    const name = kind === Kind.Ping ? 'ping' : 'pong';
    const bytes = controlPayload(name, payload);
    this.requireOpen(this.bothOpen, name);
    const seq = this.logInjected('toServer', kind, bytes);
    this.noteSent('server', seq);
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
      this.noteSent(side, seq);
      // Any code 0-65535, as a client connection allows: this is a testing tool.
      closeWithAnyCode(ws, code, bytes);
    }
    if (this.state === 'open') this.setState('closing');
  }

  abort(why: string): void {
    if (this.isFinished) return;
    this.upstreamLeg?.clearTimer();
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
    for (const s of [this.upstreamLeg?.socket, this.upgrade.socket]) {
      if (!s) continue;
      s.on('error', noop);
      s.destroy();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    // The upstream handshake's timers go with it, in super.dispose().
    this.destroyAll();
    super.dispose();
  }
}
