// A loopback WebSocket echo server that remembers each upgrade request (to check what went on the wire).
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface WsEchoServer {
  readonly port: number;
  /** The upgrade requests, oldest first. */
  readonly requests: IncomingMessage[];
  close(): Promise<void>;
}

export async function startWsEchoServer(): Promise<WsEchoServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const requests: IncomingMessage[] = [];
  server.on('connection', (socket, request) => {
    requests.push(request);
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
