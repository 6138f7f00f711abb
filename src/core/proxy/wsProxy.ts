// Proxy WebSocket…: accepts WebSocket clients locally (plain ws://) and joins each to its own upstream
// WebSocket (ws:// or wss://). The session owns the HTTP server, the ws server that completes client
// upgrades, and a tap on each accepted socket that records the client's request head as it arrived.
import * as http from 'node:http';
import type * as net from 'node:net';
import { WebSocketServer } from 'ws';
import { Kind } from '../../../shared/logModel';
import { parseWebSocketUrl } from '../connection/connectionTarget';
import type { IDisposable } from '../base/dispose';
import { HandshakeCapture, type HttpHead } from '../connection/handshakeCapture';
import { formatHostPort, parseListenAddress } from '../listen/listenAddress';
import type { ProxyPairSettings } from './proxyPair';
import { ProxySessionBase } from './proxySession';
import type { ProxySession, WsProxyOptions } from './proxyTypes';
import { upstreamUrlFor } from './wsProxyHeaders';
import { WsProxyPair, type WsUpstreamSettings } from './wsProxyPair';

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;

/**
 * Creates a WebSocket proxy; start() binds it. Throws a SocketInspectorError (BAD_URL, BAD_PORT) at
 * once when the listen address or the upstream URL cannot be parsed.
 */
export function createWsProxy(options: WsProxyOptions): ProxySession {
  const listen = parseListenAddress(options.listen, 'ws');
  const upstream = parseWebSocketUrl(options.upstream);
  const settings: WsUpstreamSettings = {
    tls: upstream.protocol === 'wss:' ? (options.tls ?? {}) : undefined,
    headers: options.headers ?? {},
    perMessageDeflate: options.perMessageDeflate ?? true,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
  };
  return new WsProxySession(listen, upstream, settings, {
    ...(options.hold ? { hold: options.hold } : {}),
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.startPaused ? { paused: options.startPaused } : {}),
  });
}

/**
 * Records the heads that cross one accepted socket before it is upgraded: the client's request as read
 * and the response written to it. Attached when the HTTP server hands over the socket, so it sees the
 * first byte (HandshakeCapture's "request" is what is written, its "response" what is read).
 */
class ClientTap implements IDisposable {
  request: HttpHead | undefined;
  private readonly responseListeners: Array<(head: HttpHead) => void> = [];
  private readonly capture: HandshakeCapture;

  constructor(socket: net.Socket) {
    this.capture = new HandshakeCapture(
      (written) => {
        for (const l of this.responseListeners) l(written);
      },
      (read) => {
        this.request = read;
      },
    );
    this.capture.attach(socket);
  }

  onResponseHead(listener: (head: HttpHead) => void): void {
    this.responseListeners.push(listener);
  }

  dispose(): void {
    this.responseListeners.length = 0;
    this.capture.dispose();
  }
}

class WsProxySession extends ProxySessionBase {
  readonly kind = 'ws' as const;
  protected readonly localScheme = 'ws';
  /** The subprotocol and response headers of each upgrade being completed, by request. */
  private readonly completing = new WeakMap<http.IncomingMessage, { protocol: string; headers: string[] }>();
  private wss: WebSocketServer | undefined;

  constructor(
    listen: { host: string; port: number },
    private readonly upstreamUrl: URL,
    private readonly settings: WsUpstreamSettings,
    private readonly pairSettings: ProxyPairSettings,
  ) {
    super(listen, upstreamUrl.href, pairSettings.paused);
  }

  protected createServer(): net.Server {
    this.wss?.close();
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      // The client leg is never compressed, so what the client sends is what crosses the loopback.
      perMessageDeflate: false,
      maxPayload: this.settings.maxPayload,
      autoPong: false,
      // The client gets exactly the subprotocol the upstream chose (or none).
      handleProtocols: (_offered, req) => this.completing.get(req)?.protocol || false,
    });
    wss.on('headers', (headers: string[], req: http.IncomingMessage) => {
      const c = this.completing.get(req);
      if (c) headers.push(...c.headers);
    });
    this.wss = wss;
    const server = http.createServer();
    const taps = new WeakMap<net.Socket, ClientTap>();
    server.on('connection', (socket: net.Socket) => {
      const tap = new ClientTap(socket);
      taps.set(socket, tap);
      socket.once('close', () => tap.dispose());
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const from = formatHostPort(req.socket.remoteAddress ?? '?', req.socket.remotePort ?? '?');
      this.meta(Kind.Note, `${from} sent a plain HTTP request (${req.method} ${req.url}); answered 426: this is a WebSocket proxy`);
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', Upgrade: 'websocket' });
      res.end(`Socket Inspector proxy: this is a WebSocket proxy for ${this.upstream}; connect with a WebSocket client\n`);
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      if (!this.accepting) {
        socket.destroy();
        return;
      }
      const tap = taps.get(socket);
      const requestHead = tap?.request && tap.request.startLine.startsWith(`${req.method} ${req.url} `) ? tap.request : undefined;
      const pair = new WsProxyPair(
        {
          req,
          socket,
          head,
          requestHead,
          onResponseHead: (listener) => tap?.onResponseHead(listener),
          complete: (protocol, headers, done) => {
            this.completing.set(req, { protocol, headers });
            try {
              wss.handleUpgrade(req, socket, head, (ws) => done(ws));
            } finally {
              this.completing.delete(req);
            }
          },
        },
        upstreamUrlFor(this.upstreamUrl, req.url ?? '/'),
        this.settings,
        { ...this.pairSettings, paused: this.paused },
      );
      this.accept(pair);
    });
    return server;
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.wss?.close();
  }

  override dispose(): void {
    this.wss?.close();
    super.dispose();
  }
}
