// A real WebSocket server on loopback for the browser tests, recording what it received.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One message as the server received it. */
export interface Received {
  readonly data: Buffer;
  readonly binary: boolean;
}

/** A running server and what happened on it. */
export interface WsPeer {
  readonly url: string;
  readonly received: Received[];
  readonly pings: Buffer[];
  readonly closes: Array<{ code: number; reason: string }>;
  /** The server side of the most recent connection. */
  client(): WebSocket;
  close(): Promise<void>;
}

/** Starts a WebSocket server on 127.0.0.1 (ephemeral port); `onConnection` runs for each client. */
export async function startWsPeer(onConnection: (ws: WebSocket) => void = () => {}): Promise<WsPeer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const received: Received[] = [];
  const pings: Buffer[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  let last: WebSocket | undefined;
  wss.on('connection', (ws) => {
    last = ws;
    ws.on('message', (data: Buffer, binary: boolean) => received.push({ data, binary }));
    ws.on('ping', (data: Buffer) => pings.push(data));
    ws.on('close', (code: number, reason: Buffer) => closes.push({ code, reason: reason.toString('utf8') }));
    onConnection(ws);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/chat`,
    received,
    pings,
    closes,
    client() {
      if (!last) throw new Error('no client connected');
      return last;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
