// Soak phase (b): clients that reconnect while the listeners they talk to restart.
import { createTcpListener } from '../../src/core/listen/tcpListener';
import { createWsListener } from '../../src/core/listen/wsListener';
import type { ServerSession } from '../../src/core/connection/serverTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { sleep } from './polling';
import { HOST, RETENTION, fail, check, until, isFinal, closeAndDispose, disposeSession, report } from './soakChecks';

export async function reconnects(ms: number): Promise<void> {
  const started = Date.now();
  const kinds = ['tcp', 'ws'] as const;
  const servers: Record<'tcp' | 'ws', ServerSession> = {
    tcp: createTcpListener({ address: { host: HOST, port: 0 }, retention: RETENTION, stopTimeoutMs: 500 }),
    ws: createWsListener({ address: { host: HOST, port: 0 }, retention: RETENTION, stopTimeoutMs: 500 }),
  };
  await servers.tcp.start();
  await servers.ws.start();
  const ports = { tcp: servers.tcp.address!.port, ws: servers.ws.address!.port };
  let running = true;
  let opened = 0;
  let refused = 0;
  let restarts = 0;
  let otherErrors = 0;

  async function client(kind: 'tcp' | 'ws', n: number): Promise<void> {
    let round = 0;
    while (running) {
      const c = kind === 'tcp' ? createTcpConnection({ host: HOST, port: ports.tcp }, RETENTION) : createWebSocketConnection({ url: `ws://${HOST}:${ports.ws}/` }, RETENTION);
      try {
        await c.connect();
        opened++;
        // Talk until the server goes away (or the phase ends).
        while (running && c.state === 'open') {
          c.sendText(`client ${n} round ${round++}`);
          await sleep(10);
        }
        if (running) await until(() => isFinal(c));
        else await closeAndDispose(c);
      } catch (e) {
        const code = (e as { code?: string }).code;
        // While the server is down the port is closed (REFUSED); a handshake cut by the stop is also expected.
        if (code === 'REFUSED') refused++;
        else if (!running || code === 'CLOSED' || code === 'RESET' || code === 'HANDSHAKE_FAILED' || code === 'NOT_OPEN') otherErrors++;
        else {
          otherErrors++;
          fail(`reconnect client ${kind} ${n}: unexpected ${code ?? ''} ${(e as Error).message}`);
        }
        await sleep(5);
      } finally {
        c.dispose();
      }
    }
  }

  const clients = [...Array(10).keys()].map((n) => client(kinds[n % 2]!, n));
  while (Date.now() - started < ms) {
    await sleep(250);
    for (const kind of kinds) {
      await disposeSession(servers[kind]);
      await sleep(30);
      const make = kind === 'tcp' ? createTcpListener : createWsListener;
      servers[kind] = make({ address: { host: HOST, port: ports[kind] }, retention: RETENTION, stopTimeoutMs: 500 });
      try {
        await servers[kind].start();
      } catch (e) {
        fail(`restart of the ${kind} listener on port ${ports[kind]}: ${(e as Error).message}`);
      }
      restarts++;
    }
  }
  running = false;
  await Promise.all(clients);
  for (const kind of kinds) await disposeSession(servers[kind]);
  check(opened > restarts, `reconnects: only ${opened} connections opened over ${restarts} restarts`);
  report.rows.push(['(b) reconnect during restarts', `${restarts} listener restarts, ${opened} opens, ${refused} refused while down, ${otherErrors} cut mid-handshake`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
}

