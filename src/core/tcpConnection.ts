// A raw TCP connection, optionally wrapped in TLS: bytes in and out exactly, plus half-close and reset.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Direction, Kind, type TlsInfo } from '../../shared/logModel';
import { ConnectionLifecycle } from './connectionLifecycle';
import { formatTcpTarget } from './connectionTarget';
import type { RetentionOptions, TcpConnection, TcpOptions, TlsOptions } from './connectionTypes';
import { SocketInspectorError } from './errors';
import { timeoutError, toSocketInspectorError, type ErrorContext } from './systemErrors';
import { describeTls, summarizeTls } from './tlsSummary';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/** TcpOptions plus how long close() waits for the peer's FIN before destroying the socket. */
export interface TcpConnectionOptions extends TcpOptions {
  closeTimeoutMs?: number;
}

function addressOf(host: string | undefined, port: number | undefined): string {
  if (!host) return '?';
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port ?? '?'}`;
}

/** Creates a TCP (or TLS, for `tls` set) connection; call connect() to open it. */
export function createTcpConnection(options: TcpConnectionOptions, retention?: RetentionOptions): TcpConnection {
  return new TcpConnectionImpl(options, retention);
}

class TcpConnectionImpl extends ConnectionLifecycle implements TcpConnection {
  readonly kind = 'tcp' as const;
  readonly target: string;
  readonly handshake = undefined;
  private tlsInfo: TlsInfo | undefined;
  private readonly context: ErrorContext;
  private readonly tlsOptions: TlsOptions | undefined;
  /** The TCP socket: what reset() aborts. */
  private raw: net.Socket | undefined;
  /** What we read and write: `raw`, or the TLS socket on top of it. */
  private socket: net.Socket | undefined;
  private tcpConnected = false;
  private wasOpen = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private weEnded = false;
  private peerEnded = false;
  private resetSent = false;
  private closedBy: 'us' | 'peer' | undefined;
  private bytesIn = 0;
  private bytesOut = 0;

  constructor(
    private readonly options: TcpConnectionOptions,
    retention?: RetentionOptions,
  ) {
    super(retention);
    this.tlsOptions = options.tls ? (options.tls === true ? {} : options.tls) : undefined;
    this.target = formatTcpTarget(options);
    const peer = addressOf(options.host, options.port);
    const servername = this.tlsOptions?.servername;
    this.context = { peer, host: options.host, ...(servername ? { servername } : {}) };
  }

  get tls(): TlsInfo | undefined {
    return this.tlsInfo;
  }

  protected toError(e: unknown): SocketInspectorError {
    return toSocketInspectorError(e, this.context);
  }

  protected start(): void {
    const { host, port } = this.options;
    this.meta(Kind.Connecting, `Connecting to ${this.target}`);
    if (!host) throw new SocketInspectorError('BAD_URL', 'The host is missing, e.g. 127.0.0.1:6379');
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SocketInspectorError('BAD_PORT', `Port ${port} is out of range (1–65535)`);
    }
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.connectTimer = setTimeout(() => this.onConnectTimeout(timeoutMs), timeoutMs);

    // allowHalfOpen: a peer's FIN only ends its direction; we decide when to end ours.
    const raw = net.connect({ host, port, allowHalfOpen: true });
    this.raw = raw;
    this.listen(raw, 'error', (e) => this.onError(e));
    this.listen(raw, 'connect', () => {
      this.tcpConnected = true;
      if (!this.tlsOptions) this.onOpen();
    });
    let socket: net.Socket = raw;
    if (this.tlsOptions) {
      const t = this.tlsOptions;
      const servername = t.servername ?? (net.isIP(host) ? undefined : host);
      // TLS runs on our own TCP socket so that reset() can send an RST (a TLS socket cannot).
      const secure = tls.connect({
        socket: raw,
        host,
        ...(servername ? { servername } : {}),
        rejectUnauthorized: !t.allowSelfSigned,
        ...(t.ca ? { ca: t.ca } : {}),
      });
      if (t.keyLogFile) this.attachKeyLog(this.openKeyLog(t.keyLogFile), secure);
      this.listen(secure, 'error', (e) => this.onError(e));
      this.listen(secure, 'secureConnect', () => {
        this.tlsInfo = summarizeTls(secure);
        this.meta(Kind.Handshake, describeTls(this.tlsInfo));
        this.onOpen();
      });
      socket = secure;
    }
    this.socket = socket;
    this.listen(socket, 'data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      this.log.append(Direction.In, Kind.Data, chunk);
    });
    this.listen(socket, 'end', () => this.onPeerEnd());
    this.listen(socket, 'close', (hadError: boolean) => this.onClose(hadError));
  }

  private onOpen(): void {
    this.clearConnectTimer();
    this.wasOpen = true;
    const raw = this.raw!;
    this.meta(
      Kind.Open,
      `Connected ${addressOf(raw.localAddress, raw.localPort)} → ${addressOf(raw.remoteAddress, raw.remotePort)}`,
    );
    this.opened();
  }

  private onConnectTimeout(ms: number): void {
    this.connectTimer = undefined;
    const what = this.tlsOptions && this.tcpConnected ? 'The TLS handshake' : 'The TCP connection';
    this.fail(timeoutError(what, this.context.peer, ms));
    this.raw?.destroy();
  }

  private onError(e: unknown): void {
    this.fail(this.toError(e));
  }

  private onPeerEnd(): void {
    this.peerEnded = true;
    this.closedBy ??= 'peer';
    this.meta(
      Kind.Closed,
      this.weEnded
        ? 'Peer closed its side too (FIN received)'
        : 'Peer half-closed (FIN received): it will send nothing more; we can still send',
    );
  }

  private onClose(hadError: boolean): void {
    this.clearConnectTimer();
    this.clearCloseTimer();
    if (!this.wasOpen) {
      this.finish('Not connected');
      return;
    }
    const who = this.lastError
      ? 'Closed after an error'
      : this.resetSent
        ? 'Closed by us with a reset (RST)'
        : this.closedBy === 'us'
          ? 'Closed by us'
          : this.closedBy === 'peer'
            ? 'Closed by the peer'
            : hadError
              ? 'Closed after a socket error'
              : 'Closed by the peer';
    this.finish(`${who} — ${this.bytesIn} bytes in, ${this.bytesOut} bytes out`);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  private clearCloseTimer(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  private get canSend(): boolean {
    return this.state === 'open' && !this.weEnded && !!this.socket?.writable;
  }

  sendText(text: string): void {
    this.sendBytes(Buffer.from(text, 'utf8'));
  }

  /** Logs the bytes as Out when handed to the socket, in call order (as wsConnection does). */
  sendBytes(bytes: Uint8Array): void {
    this.requireOpen(this.canSend, this.weEnded ? 'send after half-closing (FIN sent)' : 'send');
    // Our own copy: the caller may reuse its buffer before the kernel has taken the bytes.
    const copy = Buffer.from(bytes);
    this.bytesOut += copy.length;
    this.log.append(Direction.Out, Kind.Data, copy);
    this.socket!.write(copy);
  }

  halfClose(): void {
    this.requireOpen(this.state === 'open' || this.state === 'closing', 'half-close');
    if (this.weEnded) return;
    this.endOurSide('Half-closed by us (FIN sent): we keep receiving until the peer closes');
  }

  private endOurSide(text: string): void {
    this.weEnded = true;
    this.closedBy ??= 'us';
    this.meta(Kind.Closed, text);
    this.setState('closing');
    this.socket!.end();
  }

  close(): void {
    if (this.state === 'connecting') {
      this.dispose();
      return;
    }
    if (this.state !== 'open' && this.state !== 'closing') return;
    if (!this.weEnded) this.endOurSide(this.peerEnded ? 'Ended our side too (FIN sent)' : 'Closing (FIN sent), waiting for the peer');
    if (!this.closeTimer && !this.peerEnded) {
      const ms = this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
      // A peer that ignores our FIN would otherwise keep the connection half-open forever.
      this.closeTimer = setTimeout(() => {
        this.closeTimer = undefined;
        this.meta(Kind.Closed, `The peer did not close within ${ms} ms; closing the socket`);
        this.raw?.destroy();
      }, ms);
    }
  }

  reset(): void {
    if (this.state === 'connecting') {
      this.dispose();
      return;
    }
    const raw = this.raw;
    if (!raw || raw.destroyed) return;
    this.resetSent = true;
    this.closedBy ??= 'us';
    this.setState('closing');
    raw.resetAndDestroy();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.clearConnectTimer();
    this.clearCloseTimer();
    for (const s of new Set([this.socket, this.raw])) {
      if (!s) continue;
      // Whatever the socket still raises while it dies has no one to tell (our listeners go below).
      s.on('error', () => {});
      s.destroy();
    }
    super.dispose();
  }
}
