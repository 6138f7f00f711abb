// Soak phase (a): connect/disconnect cycles against an echo server: every connection ends, nothing is left open.
import * as net from 'node:net';
import { WebSocketServer } from 'ws';
import { Direction } from '../../shared/logModel';
import { createTcpListener } from '../../src/core/listen/tcpListener';
import { createWsListener } from '../../src/core/listen/wsListener';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { HOST, RETENTION, fail, check, until, isFinal, closeAndDispose, closeNetServer, closeWss, disposeSession, checkLogBounds, report } from './soakChecks';

export async function cycles(total: number): Promise<void> {
  const started = Date.now();
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, HOST, r));
  const wss = new WebSocketServer({ host: HOST, port: 0 });
  wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
  await new Promise<void>((r) => wss.once('listening', r));
  const tcpListener = createTcpListener({ address: { host: HOST, port: 0 }, retention: RETENTION });
  const wsListener = createWsListener({ address: { host: HOST, port: 0 }, retention: RETENTION });
  await tcpListener.start();
  await wsListener.start();

  const targets = [
    { name: 'WS client → ws server (echo)', make: () => createWebSocketConnection({ url: `ws://${HOST}:${(wss.address() as net.AddressInfo).port}/` }, RETENTION), echo: true },
    { name: 'TCP client → net echo', make: () => createTcpConnection({ host: HOST, port: (echo.address() as net.AddressInfo).port }, RETENTION), echo: true },
    { name: 'WS client → our WS listener', make: () => createWebSocketConnection({ url: `ws://${HOST}:${wsListener.address!.port}/` }, RETENTION), echo: false, server: wsListener },
    { name: 'TCP client → our TCP listener', make: () => createTcpConnection({ host: HOST, port: tcpListener.address!.port }, RETENTION), echo: false, server: tcpListener },
  ];
  let done = 0;
  let bad = 0;
  for (let i = 0; i < total; i++) {
    const t = targets[i % targets.length]!;
    const c = t.make();
    const text = `cycle ${i}`;
    try {
      await c.connect();
      c.sendText(text);
      let ok: boolean;
      if (t.echo) {
        ok = await until(() => c.log.totals(Direction.In).bytes === text.length);
      } else {
        const peerCount = Math.floor(i / targets.length) + 1;
        ok = await until(() => t.server!.peers.length === peerCount && t.server!.peers[peerCount - 1]!.connection.log.totals(Direction.In).bytes === text.length);
      }
      if (!ok) throw new Error('the message did not arrive');
      // A listener's TCP peer stays half-open after the client's FIN (the user may still send), so the
      // server side ends too, as a user pressing Disconnect on the peer would.
      if (!t.echo) {
        const peer = t.server!.peers[t.server!.peers.length - 1]!.connection;
        c.close(1000, 'soak');
        peer.close(1000, 'soak');
      }
      if (!(await closeAndDispose(c))) throw new Error('the close did not finish');
      done++;
      if (done % 100 === 0) console.log(`  cycles: ${done}/${total}`);
    } catch (e) {
      bad++;
      c.dispose();
      if (bad <= 5) fail(`cycle ${i} (${t.name}): ${(e as Error).message}`);
    }
  }
  // The listeners' peers must all have ended when their clients left.
  check(await until(() => [...tcpListener.peers, ...wsListener.peers].every((p) => isFinal(p.connection))), 'cycles: listener peers did not all end');
  const dropped = checkLogBounds(tcpListener, 'cycles TCP listener') + checkLogBounds(wsListener, 'cycles WS listener');
  await disposeSession(tcpListener);
  await disposeSession(wsListener);
  await closeNetServer(echo);
  await closeWss(wss);
  check(bad === 0, `cycles: ${bad} of ${total} failed`);
  report.rows.push(['(a) connect/disconnect cycles', `${done}/${total} ok (WS+TCP, to ws, net echo and our listeners), ${dropped} log entries evicted`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
}

