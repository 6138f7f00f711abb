// The two ends of a Proxy WebSocket… in the proxy panel tests (peers and browser): a node `ws` server
// upstream on loopback, the proxy's server connection in front of it, and `ws` clients downstream.
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createServerConnection, type ServerConnection } from '../../src/core/connection/serverConnection';
import { createWsProxy } from '../../src/core/proxy';

/** A running upstream server. */
export interface WsUpstream {
  readonly wss: WebSocketServer;
  /** ws://127.0.0.1:<port>/ */
  readonly url: string;
  /** Ends its clients and stops listening. */
  close(): Promise<void>;
}

/** Starts a `ws` server on 127.0.0.1 (an ephemeral port); `onConnection` runs for each client. */
export async function startWsUpstream(onConnection: (ws: WebSocket) => void = () => {}, options: { perMessageDeflate?: boolean } = {}): Promise<WsUpstream> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', onConnection);
  return {
    wss,
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A Proxy WebSocket… server connection on 127.0.0.1 (an ephemeral port) in front of `upstream`, not yet started. */
export function wsProxyServer(upstream: string, options: Omit<Parameters<typeof createWsProxy>[0], 'listen' | 'upstream'> = {}): ServerConnection {
  return createServerConnection(createWsProxy({ listen: '127.0.0.1:0', upstream, ...options }));
}

/** A `ws` client of the proxy's root path (connecting; see opened). */
export function proxyClient(server: ServerConnection, options?: WebSocket.ClientOptions): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${server.server.address!.port}/`, options);
}

/** Resolves once `client` is open, rejects on its error: call it before the event loop turns. */
export function opened(client: WebSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
}
