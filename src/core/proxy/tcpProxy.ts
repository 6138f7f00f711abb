// Proxy TCP…: accepts raw TCP clients locally and joins each to its own upstream connection (tcp:// or
// tls://), forwarding bytes both ways exactly as they arrive, passing on half-close (FIN) and reset, and
// logging every chunk of both legs in the pair's log.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Kind, type TlsInfo } from '../../../shared/logModel';
import { formatTcpTarget, parseTcpTarget } from '../connection/connectionTarget';
import type { TlsOptions } from '../connection/connectionTypes';
import { SocketInspectorError } from '../../../shared/errors';
import { formatHostPort, parseListenAddress } from '../listen/listenAddress';
import { timeoutError, toSocketInspectorError, type ErrorContext } from '../errors/systemErrors';
import { describeTls, summarizeTls } from '../tls/tlsSummary';
import type { ProxyDirection } from './holdQueue';
import { byteCount } from './proxyNotes';
import { ProxyPair, type ProxyPairSettings } from './proxyPair';
import { ProxySessionBase, type AbortablePair } from './proxySession';
import type { ProxySession, TcpProxyConnection, TcpProxyOptions } from './proxyTypes';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/** Where and how a TCP pair connects upstream. */
interface TcpUpstream {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsOptions | undefined;
  readonly target: string;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

function addressOf(host: string | undefined, port: number | undefined): string {
  return host ? formatHostPort(host, port ?? '?') : '?';
}

/**
 * Creates a TCP proxy; start() binds it. Throws a SocketInspectorError (BAD_URL, BAD_PORT) at once when
 * the listen address or the upstream cannot be parsed.
 */
export function createTcpProxy(options: TcpProxyOptions): ProxySession {
  const listen = parseListenAddress(options.listen, 'tcp');
  const t = parseTcpTarget(options.upstream);
  const upstream: TcpUpstream = {
    host: t.host,
    port: t.port,
    tls: t.tls ? (options.tls ?? {}) : undefined,
    target: formatTcpTarget(t),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
  };
  return new TcpProxySession(listen, upstream, {
    ...(options.hold ? { hold: options.hold } : {}),
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.startPaused ? { paused: options.startPaused } : {}),
  });
}

class TcpProxySession extends ProxySessionBase {
  readonly kind = 'tcp' as const;
  protected readonly localScheme = 'tcp';

  constructor(
    listen: { host: string; port: number },
    private readonly upstreamOptions: TcpUpstream,
    private readonly settings: ProxyPairSettings,
  ) {
    super(listen, upstreamOptions.target, settings.paused);
  }

  protected createServer(): net.Server {
    // allowHalfOpen: a client's FIN ends only its direction, so it can be passed on as a FIN.
    // pauseOnConnect: nothing is read from a client before its upstream is open.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    server.on('connection', (socket: net.Socket) => {
      if (!this.accepting) {
        socket.destroy();
        return;
      }
      this.accept(new TcpProxyPair(socket, this.upstreamOptions, { ...this.settings, paused: this.paused }));
    });
    return server;
  }
}

/** One client joined to one upstream socket. */
class TcpProxyPair extends ProxyPair implements TcpProxyConnection, AbortablePair {
  readonly kind = 'tcp' as const;
  readonly handshake = undefined;
  readonly target: string;
  readonly client: string;
  readonly upstream: string;
  protected readonly isTcp = true;
  private tlsInfo: TlsInfo | undefined;
  private readonly upstreamContext: ErrorContext;
  private readonly clientContext: ErrorContext;
  /** The upstream TCP socket: what a reset aborts. */
  private raw: net.Socket | undefined;
  /** What we read from and write to upstream: `raw`, or TLS on top of it. */
  private server: net.Socket | undefined;
  private upstreamOpen = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  /** FIN received from each side. */
  private readonly finFrom = { client: false, server: false };
  /** FIN we sent toward each side. */
  private readonly finTo = { client: false, server: false };
  private readonly closed = { client: false, server: false };
  private firstToClose: 'client' | 'server' | 'us' | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: TcpUpstream,
    settings: ProxyPairSettings,
  ) {
    super(settings);
    this.client = addressOf(socket.remoteAddress, socket.remotePort);
    this.upstream = options.target;
    this.target = `${this.client} → ${options.target}`;
    this.clientContext = { peer: `client ${this.client}`, host: socket.remoteAddress ?? '' };
    const servername = options.tls?.servername;
    this.upstreamContext = {
      peer: `upstream ${addressOf(options.host, options.port)}`,
      host: options.host,
      ...(servername ? { servername } : {}),
    };
    // Listening from the start: a client may leave (or reset) while its upstream is still connecting.
    this.listen(socket, 'error', (e) => this.onSocketError('client', e));
    this.listen(socket, 'close', () => this.onSocketClose('client'));
    this.listen(socket, 'data', (chunk: Buffer) => this.receive('toServer', Kind.Data, chunk));
    this.listen(socket, 'end', () => this.onFin('client'));
    this.listen(socket, 'drain', () => this.stopReading('toClient', 'drain', false));
  }

  get tls(): TlsInfo | undefined {
    return this.tlsInfo;
  }

  protected toError(e: unknown): SocketInspectorError {
    return toSocketInspectorError(e, this.upstreamContext);
  }

  protected start(): void {
    const { host, port, tls: tlsOptions } = this.options;
    this.meta(Kind.Connecting, `Client ${this.client} connected; connecting to upstream ${this.options.target}`);
    this.notePausedAtStart();
    const ms = this.options.connectTimeoutMs;
    this.connectTimer = setTimeout(() => this.onConnectTimeout(ms), ms);
    const raw = net.connect({ host, port, allowHalfOpen: true });
    this.raw = raw;
    this.listen(raw, 'error', (e) => this.onSocketError('server', e));
    this.listen(raw, 'connect', () => {
      if (!tlsOptions) this.onUpstreamOpen();
    });
    let server: net.Socket = raw;
    if (tlsOptions) {
      const servername = tlsOptions.servername ?? (net.isIP(host) ? undefined : host);
      // TLS on our own TCP socket, so that a reset can still send an RST (a TLS socket cannot).
      const secure = tls.connect({
        socket: raw,
        host,
        ...(servername ? { servername } : {}),
        rejectUnauthorized: !tlsOptions.allowSelfSigned,
        ...(tlsOptions.ca ? { ca: tlsOptions.ca } : {}),
      });
      this.listen(secure, 'error', (e) => this.onSocketError('server', e));
      this.listen(secure, 'secureConnect', () => {
        this.tlsInfo = summarizeTls(secure);
        this.meta(Kind.Handshake, `Upstream ${describeTls(this.tlsInfo)}`);
        this.onUpstreamOpen();
      });
      server = secure;
    }
    this.server = server;
    this.listen(server, 'data', (chunk: Buffer) => this.receive('toClient', Kind.Data, chunk));
    this.listen(server, 'end', () => this.onFin('server'));
    this.listen(server, 'close', () => this.onSocketClose('server'));
    this.listen(server, 'drain', () => this.stopReading('toServer', 'drain', false));
  }

  private onUpstreamOpen(): void {
    this.clearConnectTimer();
    if (this.isFinished || this.closed.client) return;
    this.upstreamOpen = true;
    const raw = this.raw!;
    this.meta(
      Kind.Open,
      `Upstream connected ${addressOf(raw.localAddress, raw.localPort)} → ${addressOf(raw.remoteAddress, raw.remotePort)}; forwarding both ways`,
    );
    this.opened();
    // Also starts the flow of what the client sent while we were connecting.
    this.socket.resume();
  }

  private onConnectTimeout(ms: number): void {
    this.connectTimer = undefined;
    const what = this.options.tls && this.raw && !this.raw.connecting ? 'The TLS handshake' : 'The TCP connection';
    this.upstreamFailed(timeoutError(what, this.upstreamContext.peer, ms));
    this.raw?.destroy();
  }

  private onSocketError(side: 'client' | 'server', e: unknown): void {
    if (side === 'server' && !this.upstreamOpen) {
      this.upstreamFailed(this.toError(e));
      return;
    }
    this.fail(toSocketInspectorError(e, side === 'client' ? this.clientContext : this.upstreamContext));
    if (!this.upstreamOpen) {
      // The client failed while its upstream was still connecting: there is no connection to reset yet.
      this.raw?.destroy();
      return;
    }
    // A reset (or any failure) of one leg is passed on as a reset of the other.
    const other = side === 'client' ? this.raw : this.socket;
    if (other && !other.destroyed) {
      this.meta(Kind.Closed, `Resetting the ${side === 'client' ? 'server' : 'client'} connection too (RST)`);
      other.resetAndDestroy();
    }
  }

  /** The upstream could not be reached: say why and close the client (FIN once written). */
  private upstreamFailed(error: SocketInspectorError): void {
    this.clearConnectTimer();
    this.fail(error);
    if (!this.socket.destroyed) {
      this.meta(Kind.Closed, `Closing the client connection: the upstream could not be reached`);
      this.socket.destroySoon();
    }
  }

  private onFin(from: 'client' | 'server'): void {
    this.finFrom[from] = true;
    this.firstToClose ??= from;
    const direction: ProxyDirection = from === 'client' ? 'toServer' : 'toClient';
    const to = from === 'client' ? 'server' : 'client';
    if (this.state === 'open') this.setState('closing');
    const held = this.heldCount(direction);
    const now = this.afterHeld(direction, () => this.passFin(from, held > 0));
    if (!now) {
      this.meta(Kind.Closed, `The ${from} half-closed (FIN received); passing it on to the ${to} after the ${held} held chunk${held === 1 ? '' : 's'}`);
    }
  }

  /** Passes a FIN on from `from` to the other side, logging the FIN received and the FIN passed on as one event. */
  private passFin(from: 'client' | 'server', deferred: boolean): void {
    const to = from === 'client' ? 'server' : 'client';
    const target = to === 'server' ? this.server : this.socket;
    if (this.finTo[to] || !target || target.destroyed) {
      // We already ended that side ourselves (or it is gone): the FIN has nowhere to go.
      if (!deferred) this.meta(Kind.Closed, `The ${from} half-closed (FIN received)`);
      return;
    }
    this.finTo[to] = true;
    this.meta(
      Kind.Closed,
      deferred
        ? `Passed the ${from}'s FIN on to the ${to}`
        : `The ${from} half-closed (FIN received); passed it on to the ${to}`,
    );
    target.end();
  }

  private onSocketClose(side: 'client' | 'server'): void {
    this.closed[side] = true;
    if (side === 'client' && !this.upstreamOpen) {
      // The client left before its upstream opened: nothing to forward to it any more.
      this.clearConnectTimer();
      if (!this.isFinished && !this.lastError) this.meta(Kind.Closed, 'The client left before the upstream connection opened');
      this.raw?.destroy();
    }
    const serverDone = this.closed.server || !this.raw;
    if (this.closed.client && serverDone) this.onBothClosed();
  }

  private onBothClosed(): void {
    this.clearConnectTimer();
    this.clearCloseTimer();
    const totals = `client→server ${byteCount(this.received.toServer)}, server→client ${byteCount(this.received.toClient)}`;
    if (!this.upstreamOpen) {
      this.finishPair('Not connected');
      return;
    }
    const who = this.lastError
      ? 'Closed after an error'
      : this.firstToClose === 'us'
        ? 'Closed by us'
        : this.firstToClose
          ? `Closed; the ${this.firstToClose} closed first`
          : 'Closed';
    this.finishPair(`${who} — ${totals}`);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  private clearCloseTimer(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  // ---- transport of ProxyPair ----

  private destination(direction: ProxyDirection): net.Socket | undefined {
    return direction === 'toServer' ? this.server : this.socket;
  }

  protected canDeliver(direction: ProxyDirection): boolean {
    const to = direction === 'toServer' ? 'server' : 'client';
    const target = this.destination(direction);
    return this.upstreamOpen && !this.isFinished && !this.finTo[to] && !!target && !target.destroyed && target.writable;
  }

  protected deliver(direction: ProxyDirection, _kind: Kind, bytes: Buffer, _seq: number): void {
    const target = this.destination(direction)!;
    // The other side's kernel buffer is full: stop reading this direction's source until it drains.
    if (!target.write(bytes)) this.stopReading(direction, 'drain', true);
  }

  protected pauseSource(direction: ProxyDirection): void {
    (direction === 'toServer' ? this.socket : this.server)?.pause();
  }

  protected resumeSource(direction: ProxyDirection): void {
    // The client is only read once the upstream is open (it was accepted paused).
    if (direction === 'toServer' && !this.upstreamOpen) return;
    (direction === 'toServer' ? this.socket : this.server)?.resume();
  }

  // ---- Connection ----

  private requireUpstreamOpen(what: string): void {
    this.requireOpen(this.upstreamOpen && !this.isFinished, what);
  }

  sendText(text: string): void {
    this.sendBytes(Buffer.from(text, 'utf8'));
  }

  sendBytes(bytes: Uint8Array): void {
    this.requireUpstreamOpen('send');
    this.inject('toServer', { bytes });
  }

  halfClose(): void {
    this.requireUpstreamOpen('half-close');
    if (this.finTo.server) return;
    this.firstToClose ??= 'us';
    this.finTo.server = true;
    this.meta(Kind.Closed, 'Half-closed toward the server by us (FIN sent); the client can still receive');
    if (this.state === 'open') this.setState('closing');
    this.server?.end();
  }

  reset(): void {
    if (this.isFinished) return;
    this.firstToClose ??= 'us';
    this.meta(Kind.Closed, 'Reset by us: both connections aborted (RST)');
    for (const s of [this.raw, this.socket]) if (s && !s.destroyed) s.resetAndDestroy();
  }

  close(): void {
    if (this.isFinished) return;
    if (!this.upstreamOpen) {
      this.abort('closed by us before the upstream opened');
      return;
    }
    this.firstToClose ??= 'us';
    if (this.state === 'open') this.setState('closing');
    for (const to of ['server', 'client'] as const) {
      const target = to === 'server' ? this.server : this.socket;
      if (this.finTo[to] || !target || target.destroyed) continue;
      this.finTo[to] = true;
      this.meta(Kind.Closed, `Closing: FIN sent to the ${to}`);
      target.end();
    }
    if (!this.closeTimer) {
      const ms = this.options.closeTimeoutMs;
      // A side that ignores our FIN would keep the pair half-open forever.
      this.closeTimer = setTimeout(() => {
        this.closeTimer = undefined;
        this.meta(Kind.Closed, `Not closed within ${ms} ms; closing the sockets`);
        for (const s of [this.raw, this.socket]) s?.destroy();
      }, ms);
    }
  }

  abort(why: string): void {
    if (this.isFinished) return;
    this.clearConnectTimer();
    this.clearCloseTimer();
    this.meta(Kind.Closed, `Both connections closed at once: ${why}`);
    this.finishPair('Closed by us', why);
    this.destroySockets();
  }

  private destroySockets(): void {
    for (const s of new Set([this.server, this.raw, this.socket])) {
      if (!s) continue;
      // Whatever a dying socket still raises has no one to tell (our listeners go with the pair).
      s.on('error', () => {});
      s.destroy();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.clearConnectTimer();
    this.clearCloseTimer();
    this.destroySockets();
    super.dispose();
  }
}
