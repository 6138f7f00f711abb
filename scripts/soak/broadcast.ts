// Soak phase (d): WebSocket and TCP listeners broadcasting to many peers; the logs stay within their bounds.
import { createHash } from 'node:crypto';
import { WebSocket } from 'ws';
import { Direction } from '../../shared/logModel';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createTcpListener } from '../../src/core/listen/tcpListener';
import { createWsListener } from '../../src/core/listen/wsListener';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { HOST, RETENTION, check, until, isFinal, closeAndDispose, hashLog, chunk, disposeSession, checkLogBounds, report } from './soakChecks';

export async function broadcast(ms: number, peers: number): Promise<void> {
  const started = Date.now();
  let messages = 0;
  let dropped = 0;
  for (const kind of ['ws', 'tcp'] as const) {
    const server = kind === 'ws' ? createWsListener({ address: { host: HOST, port: 0 }, retention: RETENTION }) : createTcpListener({ address: { host: HOST, port: 0 }, retention: RETENTION });
    await server.start();
    const clients: Connection[] = [];
    const received: Array<ReturnType<typeof hashLog>> = [];
    for (let i = 0; i < peers; i++) {
      const c = kind === 'ws' ? createWebSocketConnection({ url: `ws://${HOST}:${server.address!.port}/` }, RETENTION) : createTcpConnection({ host: HOST, port: server.address!.port }, RETENTION);
      received.push(hashLog(c.log, Direction.In));
      await c.connect();
      clients.push(c);
    }
    check(await until(() => server.peers.length === peers), `${kind} broadcast: ${server.peers.length} of ${peers} peers accepted`);
    const sent = createHash('sha256');
    let bytes = 0;
    const end = Date.now() + ms / 2;
    while (Date.now() < end) {
      for (let burst = 0; burst < 20; burst++) {
        const b = chunk().subarray(0, 4096);
        sent.update(b);
        bytes += b.length;
        for (const p of server.peers) p.connection.sendBytes(b);
        messages += server.peers.length;
      }
      // Let the clients keep up, and talk back, so both directions are busy.
      for (const c of clients) c.sendText('ack');
      await until(() => received.every((r) => r.bytes === bytes));
    }
    check(await until(() => received.every((r) => r.bytes === bytes)), `${kind} broadcast: not every peer received all ${bytes} bytes`);
    const digest = sent.digest('hex');
    check(received.every((r) => r.hash.digest('hex') === digest), `${kind} broadcast: a client's SHA-256 differs from what was broadcast`);
    for (const r of received) r.dispose();
    // Both ends close, as a TCP listener's peer stays half-open after the client's FIN.
    for (const p of server.peers) p.connection.close(1000, 'soak');
    const closed = await Promise.all(clients.map((c) => closeAndDispose(c)));
    check(closed.every(Boolean), `${kind} broadcast: a client did not close`);
    check(await until(() => server.peers.every((p) => isFinal(p.connection))), `${kind} broadcast: server peers did not all end`);
    dropped += checkLogBounds(server, `${kind} broadcast`);
    await disposeSession(server);
  }
  report.rows.push(['(d) listener broadcast', `WS and TCP listeners × ${peers} peers; ${messages} messages delivered, hashes match; ${dropped} log entries evicted`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
}

