// Listen WebSocket…: a local WebSocket server (ws's WebSocketServer on our own HTTP server). Every client
// that completes the upgrade is a peer with its own entry log and its opening handshake as it crossed the
// wire; anything else (a plain HTTP request, a broken upgrade, an origin not allowed) is answered and noted
// in the server's log. Any page the user's browser shows can open a WebSocket to a local port, so each
// peer's Origin is recorded, and the user may list the origins allowed.
import * as http from 'node:http';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Kind } from '../../../shared/logModel';
import { HandshakeCapture, type HttpHead } from '../connection/handshakeCapture';
import type { ServerSession } from '../connection/serverTypes';
import { formatAddress } from '../connection/socketAddress';
import { AcceptedWebSocket } from './acceptedWebSocket';
import { ListenerSession, type ListenerOptions } from './listenerSession';
import { compileOriginPolicy, type OriginPolicy } from './originPolicy';

/** Options of a WebSocket listener. */
export interface WsListenerOptions extends ListenerOptions {
  /** Accept permessage-deflate when a client offers it (default true, as most servers browsers meet do). */
  readonly perMessageDeflate?: boolean;
  /** Largest message accepted, in bytes (default 100 MiB); a larger one closes the peer with 1009. */
  readonly maxPayload?: number;
  /**
   * Origins whose pages may connect (see originPolicy.ts for the patterns); empty or absent: any. A
   * browser from another origin is answered 403; a client that sends no Origin is not a browser, and is
   * accepted.
   */
  readonly allowedOrigins?: readonly string[];
}

const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;

/** Creates a WebSocket listener; call start() to bind. */
export function createWsListener(options: WsListenerOptions): ServerSession {
  return new WsListener(options);
}

/** The head of a request rebuilt from Node's parse, when the raw bytes could not be captured. */
function headOfRequest(req: http.IncomingMessage): HttpHead {
  const startLine = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`;
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const text = `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return { startLine, headers, raw: Buffer.from(text, 'latin1') };
}

/** What ws says about a bad upgrade request, as the status it would have answered with (see ws's handleUpgrade). */
function refusalOf(message: string): { status: number; headers: Record<string, string> } {
  if (message === 'Invalid HTTP method') return { status: 405, headers: { Allow: 'GET' } };
  if (/Sec-WebSocket-Version/.test(message)) return { status: 400, headers: { 'Sec-WebSocket-Version': '13, 8' } };
  return { status: 400, headers: {} };
}

/** Answers on a raw socket that is no longer (or never was) an HTTP response, and closes it. */
function endWithStatus(socket: Duplex, status: number, message: string, extra: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = Buffer.from(message, 'utf8');
  const headers = { Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length), ...extra };
  socket.once('finish', () => socket.destroy());
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n`,
        'latin1',
      ),
      body,
    ]),
  );
}

/** The handshake heads seen on one socket. */
interface Heads {
  request?: HttpHead;
  response?: HttpHead;
}

class WsListener extends ListenerSession {
  readonly kind = 'ws' as const;
  private readonly wss: WebSocketServer;
  private readonly maxPayload: number;
  private readonly origins: OriginPolicy;
  private http: http.Server | undefined;
  private readonly heads = new WeakMap<net.Socket, Heads>();

  constructor(options: WsListenerOptions) {
    super('ws', options);
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    this.origins = compileOriginPolicy(options.allowedOrigins);
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: options.perMessageDeflate ?? true,
      maxPayload: this.maxPayload,
      // Peers answer pings themselves so the pong is in the log like any frame they send.
      autoPong: false,
    });
    // Listening makes ws leave the answer to us, and we get to log why the upgrade was refused.
    this.wss.on('wsClientError', (e: Error, socket: net.Socket, req: http.IncomingMessage) => {
      const { status, headers } = refusalOf(e.message);
      this.meta(Kind.Error, `Refused the WebSocket upgrade of ${this.describe(req, socket)} with ${status}: ${e.message}`);
      endWithStatus(socket, status, e.message, headers);
    });
  }

  protected createServer(): net.Server {
    const server = http.createServer();
    this.http = server;
    server.on('connection', (socket: net.Socket) => this.tap(socket));
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.onPlainRequest(req, res));
    server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.onUpgrade(req, socket, head));
    server.on('clientError', (e: NodeJS.ErrnoException, socket: net.Socket) => {
      // A client that goes away before sending a request is not worth a line.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') {
        this.meta(Kind.Error, `Refused ${formatAddress(socket.remoteAddress, socket.remotePort)}: not valid HTTP (${e.code ?? e.message})`);
      }
      endWithStatus(socket, 400, 'This is a WebSocket server; the request was not valid HTTP.');
    });
    return server;
  }

  protected override closeLingering(): void {
    // Idle keep-alive HTTP connections would keep the server open; upgraded sockets are peers, closed apart.
    this.http?.closeAllConnections();
    this.wss.close();
  }

  /**
   * Records the handshake on a new socket: the request head as read, our response head as written.
   * (HandshakeCapture's first callback gets what is written, its second what is read.) Adding a 'data'
   * listener makes Node's HTTP server parse from 'data' events, so the capture sees every byte first.
   */
  private tap(socket: net.Socket): void {
    const heads: Heads = {};
    this.heads.set(socket, heads);
    const capture = new HandshakeCapture(
      (written) => (heads.response = written),
      (read) => (heads.request = read),
    );
    capture.attach(socket);
    socket.once('close', () => capture.dispose());
  }

  private describe(req: http.IncomingMessage, socket: net.Socket): string {
    return `${formatAddress(socket.remoteAddress, socket.remotePort)} (${req.method ?? '?'} ${req.url ?? '?'})`;
  }

  private onPlainRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.meta(Kind.Error, `Answered ${this.describe(req, req.socket)} with 426: not a WebSocket upgrade`);
    const body = 'This is a WebSocket server (Socket Inspector). Connect with a WebSocket client, e.g. ws://…\n';
    res.writeHead(426, { Upgrade: 'websocket', Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(body);
  }

  private onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    if (!this.accepting) {
      endWithStatus(socket, 503, 'The server is stopping.');
      return;
    }
    const origin = req.headers.origin;
    if (!this.origins.allows(origin)) {
      this.refuse(`Refused the WebSocket upgrade of ${this.describe(req, socket)} with 403: its Origin "${origin}" is not among the allowed origins (socketInspector.listen.allowedOrigins)`);
      endWithStatus(socket, 403, 'This origin may not connect to this server.');
      return;
    }
    const refusal = this.refusal();
    if (refusal !== undefined) {
      this.refuse(`Refused the WebSocket upgrade of ${this.describe(req, socket)} with 503: ${refusal}`);
      endWithStatus(socket, 503, 'The server has as many clients as it accepts.');
      return;
    }
    // Synchronous for us: no verifyClient, so ws answers (or refuses) before handleUpgrade returns.
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, socket));
  }

  private accept(ws: WebSocket, req: http.IncomingMessage, socket: net.Socket): void {
    const remote = formatAddress(socket.remoteAddress, socket.remotePort);
    const seen = this.heads.get(socket) ?? {};
    const origin = req.headers.origin;
    const request = seen.request ?? headOfRequest(req);
    const peer = this.addPeer(
      (id) => {
        const c = new AcceptedWebSocket(ws, socket, { request, response: seen.response, origin }, `Peer #${id} ${remote} ${req.url ?? '/'}`, this.maxPayload, this.retention);
        void c.connect();
        return c;
      },
      remote,
      (c) => (c as AcceptedWebSocket).goAway(),
      origin,
    );
    if (!peer) ws.terminate();
  }
}
