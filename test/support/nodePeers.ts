// Peers written with Node itself (ws, net, tls, https), all on 127.0.0.1 with an OS-chosen port. Each
// start function returns a handle whose close() ends every socket it accepted, so no test run hangs.
import type { IncomingMessage } from 'node:http';
import * as https from 'node:https';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

const HOST = '127.0.0.1';

export interface Peer {
  readonly port: number;
  close(): Promise<void>;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve(portOf(server));
    });
  });
}

/** Tracks a server's sockets so close() can end them instead of waiting for their peers. */
function closer(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: tls.TLSSocket) => s.on('error', () => {}));
  server.on('tlsClientError', () => {});
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** A port nothing listens on: opened by us, then closed again. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A raw TCP server; `onSocket` decides what each accepted connection does. */
export async function startTcpServer(
  onSocket: (socket: net.Socket) => void,
  options: net.ServerOpts = {},
): Promise<Peer> {
  const server = net.createServer(options);
  const close = closer(server);
  server.on('connection', onSocket);
  return { port: await listen(server), close };
}

/** A TLS server with the given certificate; `onSocket` gets each connection once its handshake is done. */
export async function startTlsServer(
  credentials: { cert: string; key: string },
  onSocket: (socket: tls.TLSSocket) => void,
): Promise<Peer> {
  const server = tls.createServer({ ...credentials, allowHalfOpen: true });
  const close = closer(server);
  server.on('secureConnection', onSocket);
  return { port: await listen(server), close };
}

export interface WsPeer extends Peer {
  readonly wss: WebSocketServer;
  /** Upgrade requests the server accepted, in order. */
  readonly requests: IncomingMessage[];
  /** Server-side sockets, in order. */
  readonly clients: WebSocket[];
  url(path?: string): string;
  /** Resolves with the next server-side socket (or the one already there at index `n`). */
  client(n?: number): Promise<WebSocket>;
}

/**
 * A ws WebSocketServer. Unless `echo` is false, it echoes each message with its own type, and the
 * server-side close() echoes the close code and reason (ws does that).
 */
export async function startWsServer(
  options: ServerOptions & { echo?: boolean; credentials?: { cert: string; key: string } } = {},
): Promise<WsPeer> {
  const { echo = true, credentials, ...wsOptions } = options;
  const httpServer = credentials ? https.createServer(credentials) : http.createServer();
  httpServer.on('request', (_req, res) => res.writeHead(426).end('WebSocket only\n'));
  const close = closer(httpServer);
  const wss = new WebSocketServer({ ...wsOptions, server: httpServer });
  const requests: IncomingMessage[] = [];
  const clients: WebSocket[] = [];
  const waiting: Array<() => void> = [];
  wss.on('connection', (socket, req) => {
    socket.on('error', () => {});
    requests.push(req);
    clients.push(socket);
    if (echo) socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    for (const w of waiting.splice(0)) w();
  });
  const port = await listen(httpServer);
  const scheme = credentials ? 'wss' : 'ws';
  return {
    port,
    wss,
    requests,
    clients,
    url: (path = '/') => `${scheme}://${HOST}:${port}${path}`,
    client: async (n = clients.length) => {
      while (clients.length <= n) await new Promise<void>((r) => waiting.push(r));
      return clients[n]!;
    },
    close: async () => {
      for (const c of clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await close();
    },
  };
}

/**
 * An HTTP server that answers every WebSocket upgrade with `response` written raw to the socket,
 * so a test controls every byte (status line, headers, chunked bodies, garbage).
 */
export async function startRawUpgradeServer(response: (req: IncomingMessage) => Buffer | string): Promise<Peer> {
  const server = http.createServer((_req, res) => res.end());
  const close = closer(server);
  server.on('upgrade', (req: IncomingMessage, socket: net.Socket) => {
    socket.on('error', () => {});
    socket.end(response(req));
  });
  return { port: await listen(server), close };
}
