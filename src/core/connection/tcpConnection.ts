// A raw TCP connection, optionally wrapped in TLS: bytes in and out exactly, plus half-close and reset.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Kind, type TlsInfo } from '../../../shared/logModel';
import { formatTcpTarget } from './connectionTarget';
import type { RetentionOptions, TcpConnection, TcpOptions, TlsOptions } from './connectionTypes';
import { SocketInspectorError } from '../../../shared/errors';
import { formatAddress } from './socketAddress';
import { timeoutError, toSocketInspectorError, type ErrorContext } from '../errors/systemErrors';
import { TcpConnectionBase } from './tcpConnectionBase';
import { describeTls, summarizeTls } from '../tls/tlsSummary';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** TcpOptions plus how long close() waits for the peer's FIN before destroying the socket. */
export interface TcpConnectionOptions extends TcpOptions {
  closeTimeoutMs?: number;
}

/** Creates a TCP (or TLS, for `tls` set) connection; call connect() to open it. */
export function createTcpConnection(options: TcpConnectionOptions, retention?: RetentionOptions): TcpConnection {
  return new TcpConnectionImpl(options, retention);
}

class TcpConnectionImpl extends TcpConnectionBase implements TcpConnection {
  readonly target: string;
  private tlsInfo: TlsInfo | undefined;
  private readonly context: ErrorContext;
  private readonly tlsOptions: TlsOptions | undefined;
  private tcpConnected = false;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: TcpConnectionOptions,
    retention?: RetentionOptions,
  ) {
    super(options.closeTimeoutMs, retention);
    this.tlsOptions = options.tls ? (options.tls === true ? {} : options.tls) : undefined;
    this.target = formatTcpTarget(options);
    const peer = formatAddress(options.host, options.port);
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
    // Ahead of the stream's own 'close' listener, which logs the end.
    this.listen(socket, 'close', () => this.clearConnectTimer());
    this.attachStream(raw, socket);
  }

  private onOpen(): void {
    this.clearConnectTimer();
    const raw = this.raw!;
    this.streamOpened(`Connected ${formatAddress(raw.localAddress, raw.localPort)} → ${formatAddress(raw.remoteAddress, raw.remotePort)}`);
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

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.clearConnectTimer();
    super.dispose();
  }
}
