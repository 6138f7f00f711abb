// A WebSocket client on `ws` that logs every frame with its exact bytes (webSocketConnectionBase.ts), and the
// opening handshake as it crossed the wire (upstreamHandshake.ts, shared with the proxy's upstream leg);
// an error entry follows if the socket fails after a send.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type WebSocket from 'ws';
import { Direction, Kind, type HandshakeInfo, type TlsInfo } from '../../../shared/logModel';
import { parseWebSocketUrl } from './connectionTarget';
import type { RetentionOptions, WebSocketConnection, WebSocketOptions } from './connectionTypes';
import { SocketInspectorError } from '../../../shared/errors';
import { formatAddress } from './socketAddress';
import { toSocketInspectorError, type ErrorContext } from '../errors/systemErrors';
import { WebSocketConnectionBase } from './webSocketConnectionBase';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  effectiveMaxPayload,
  tlsEstablished,
  upgradeTarget,
  UpstreamHandshake,
  withUpgradeProgress,
  type UpstreamHandshakeOwner,
  type UpstreamSettings,
} from './upstreamHandshake';

export { effectiveMaxPayload } from './upstreamHandshake';

/** How much of a refused upgrade's body is kept. */
const MAX_BODY_BYTES = 4096;
/** Subprotocol names are HTTP tokens (RFC 6455 §4.1). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** WebSocketOptions plus how long close() waits for the server's close frame before dropping the socket. */
export interface WebSocketConnectionOptions extends WebSocketOptions {
  closeTimeoutMs?: number;
}

/** Creates a WebSocket connection; call connect() to open it. */
export function createWebSocketConnection(options: WebSocketConnectionOptions, retention?: RetentionOptions): WebSocketConnection {
  return new WebSocketConnectionImpl(options, retention);
}

class WebSocketConnectionImpl extends WebSocketConnectionBase implements WebSocketConnection {
  readonly target: string;
  private context: ErrorContext;
  private upgrade: UpstreamHandshake | undefined;

  constructor(
    private readonly options: WebSocketConnectionOptions,
    retention?: RetentionOptions,
  ) {
    super(retention, { ...(options.autoPong !== undefined ? { autoPong: options.autoPong } : {}), role: 'client' });
    this.target = options.url.trim();
    this.context = { peer: this.target, host: '' };
  }

  get handshake(): HandshakeInfo | undefined {
    return this.upgrade?.info;
  }

  get tls(): TlsInfo | undefined {
    return this.upgrade?.tls;
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
    const { host, port, servername } = upgradeTarget(url, this.options.tls);
    const maxPayload = effectiveMaxPayload(this.options.maxPayload);
    this.context = { peer: formatAddress(host, port), host, maxPayload, ...(servername ? { servername } : {}) };

    const protocols = this.options.protocols ?? [];
    const bad = protocols.find((p) => !TOKEN.test(p));
    if (bad !== undefined) {
      throw new SocketInspectorError('PROTOCOL', `"${bad}" is not a valid subprotocol name (no spaces, commas or quotes)`);
    }
    if (new Set(protocols).size !== protocols.length) {
      throw new SocketInspectorError('PROTOCOL', 'A subprotocol is listed twice');
    }

    this.upgrade = this.register(new UpstreamHandshake(this.upgradeSettings(url, protocols, maxPayload), this.handshakeOwner()));
    const ws = this.openUpgrade(this.upgrade);
    this.attachFrames(ws);
    this.listen(ws, 'open', () => this.onOpen());
  }

  private upgradeSettings(url: URL, protocols: readonly string[], maxPayload: number): UpstreamSettings {
    const o = this.options;
    return {
      url,
      protocols,
      headers: o.headers ?? {},
      perMessageDeflate: o.perMessageDeflate ?? true,
      maxPayload,
      tls: o.tls,
      handshakeTimeoutMs: o.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      maxBodyBytes: MAX_BODY_BYTES,
      // Our own close timer drops an unresponsive server first and logs why; ws's is only a backstop.
      closeTimeoutMs: 2 * this.closeTimeoutMs,
      peer: this.context.peer,
    };
  }

  private handshakeOwner(): UpstreamHandshakeOwner {
    return {
      logHead: (raw) => {
        if (!this.isFinished) this.log.append(Direction.Meta, Kind.Handshake, raw);
      },
      logMeta: (kind, text) => this.meta(kind, text),
      onSocket: (socket) => this.onSocket(socket),
      onRefused: (refusal) => this.fail(refusal.error),
      onTimeout: (error, phase, responseBytes) =>
        this.fail(phase === 'The WebSocket upgrade' ? withUpgradeProgress(error, responseBytes) : error),
    };
  }

  /** Opens the WebSocket. Node's HTTP client throws synchronously on header names or values it cannot send. */
  private openUpgrade(upgrade: UpstreamHandshake): WebSocket {
    try {
      return upgrade.open();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_INVALID_HTTP_TOKEN' || code === 'ERR_INVALID_CHAR' || code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
        throw new SocketInspectorError('PROTOCOL', `A request header cannot be sent: ${(e as Error).message}`, { systemCode: code });
      }
      throw this.toError(e);
    }
  }

  /** The upgrade request's socket, whoever created it: for socket errors ws swallows after open, and the key log. */
  private onSocket(socket: net.Socket): void {
    if (this.socket) return;
    this.socket = socket;
    this.listen(socket, 'error', (e: unknown) => this.fail(this.toError(e)));
    this.listen(socket, 'end', () => {
      this.peerEnded = true;
    });
    const keyLogFile = this.options.tls?.keyLogFile;
    if (keyLogFile && this.upgrade?.secure && socket instanceof tls.TLSSocket) {
      const keyLog = this.openKeyLog(keyLogFile);
      if (tlsEstablished(socket)) {
        this.meta(Kind.Error, `The TLS session was set up before this connection got its socket (a kept-alive or proxied one), so its secrets are not in the key log ${keyLog.path}.`);
      } else this.attachKeyLog(keyLog, socket);
    }
  }

  private onOpen(): void {
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
}
