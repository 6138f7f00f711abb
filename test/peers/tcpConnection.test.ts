// Raw TCP connections against redis-server and small Node servers.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { TcpConnection } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { describeLog, entries, waitForEnd, waitForEntry, waitForState } from '../support/logReading';
import { startTcpServer, type Peer } from '../support/nodePeers';
import { startRedis } from '../support/processPeers';
import { redisMissing, requirePeer } from '../support/requirePeer';

const connections: TcpConnection[] = [];
function tcp(port: number): TcpConnection {
  const c = createTcpConnection({ host: '127.0.0.1', port });
  connections.push(c);
  return c;
}
after(() => {
  for (const c of connections) c.dispose();
});

function received(c: TcpConnection): Buffer {
  return Buffer.concat(entries(c.log).filter((e) => e.direction === 'in' && e.kind === 'data').map((e) => e.payload));
}

async function receivedAtLeast(c: TcpConnection, n: number): Promise<Buffer> {
  await waitForEntry(c.log, `${n} bytes in`, () => received(c).length >= n);
  return received(c);
}

describe('TCP connection against redis-server', () => {
  let redis: Peer | undefined;
  before(async () => {
    if (!redisMissing()) redis = await startRedis();
  });
  after(() => redis?.close());

  function redisConnection(t: TestContext): TcpConnection | undefined {
    if (!requirePeer(t, 'redis-server', redisMissing())) return undefined;
    return tcp(redis!.port);
  }

  it('sends PING and receives +PONG, bytes exact in the log', async (t) => {
    const c = redisConnection(t);
    if (!c) return;
    await c.connect();
    assert.equal(c.state, 'open');
    assert.equal(c.target, `tcp://127.0.0.1:${redis!.port}`);
    assert.match(entries(c.log).find((e) => e.kind === 'open')!.text, new RegExp(`^Connected 127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${redis!.port}$`));
    c.sendText('PING\r\n');
    assert.deepEqual(await receivedAtLeast(c, 7), Buffer.from('+PONG\r\n'));
    const data = entries(c.log).filter((e) => e.kind === 'data');
    assert.deepEqual(data[0]!.payload, Buffer.from('PING\r\n'));
    assert.equal(data[0]!.direction, 'out');
    assert.equal(c.log.totals(1).bytes, 6);
  });

  it('keeps receiving after our half-close: the reply to PING arrives, then the server closes', async (t) => {
    const c = redisConnection(t);
    if (!c) return;
    await c.connect();
    c.sendText('PING\r\n');
    c.halfClose();
    assert.equal(c.state, 'closing');
    assert.throws(() => c.sendText('more'), (e: SocketInspectorError) => e.code === 'NOT_OPEN' && /half-closing/.test(e.message));
    await waitForEnd(c);
    assert.deepEqual(received(c), Buffer.from('+PONG\r\n'), describeLog(c.log));
    assert.equal(c.state, 'closed');
    const meta = entries(c.log).filter((e) => e.kind === 'closed').map((e) => e.text);
    assert.deepEqual(meta, [
      'Half-closed by us (FIN sent): we keep receiving until the peer closes',
      'Peer closed its side too (FIN received)',
      'Closed by us — 7 bytes in, 6 bytes out',
    ]);
  });

  it('logs the peer half-close (FIN) after QUIT and stays open until we close', async (t) => {
    const c = redisConnection(t);
    if (!c) return;
    await c.connect();
    c.sendText('QUIT\r\n');
    await waitForEntry(c.log, 'peer FIN', (e) => e.kind === 'closed' && e.text.startsWith('Peer half-closed'));
    assert.deepEqual(received(c), Buffer.from('+OK\r\n'));
    assert.equal(c.state, 'open', 'our side is still open after the peer FIN');
    c.close();
    await waitForEnd(c);
    assert.equal(c.state, 'closed');
    assert.equal(entries(c.log).at(-1)!.text, 'Closed by the peer — 5 bytes in, 6 bytes out');
  });

  it('resets the connection (RST) on reset()', async (t) => {
    const c = redisConnection(t);
    if (!c) return;
    await c.connect();
    c.sendText('PING\r\n');
    await receivedAtLeast(c, 7);
    c.reset();
    await waitForEnd(c);
    assert.equal(c.state, 'closed');
    assert.equal(entries(c.log).at(-1)!.text, 'Closed by us with a reset (RST) — 7 bytes in, 6 bytes out');
    // redis is unharmed and serves the next client.
    const next = tcp(redis!.port);
    await next.connect();
    next.sendText('PING\r\n');
    assert.deepEqual(await receivedAtLeast(next, 7), Buffer.from('+PONG\r\n'));
  });
});

describe('TCP connection against Node servers', () => {
  const serverSockets: Socket[] = [];
  const serverErrors: string[] = [];
  let echo: Peer;
  let resetter: Peer;
  before(async () => {
    echo = await startTcpServer((s) => {
      serverSockets.push(s);
      s.on('error', (e: NodeJS.ErrnoException) => serverErrors.push(e.code ?? e.message));
      s.on('data', (d) => s.write(d));
    });
    // Answers the first bytes with a TCP reset.
    resetter = await startTcpServer((s) => s.once('data', () => s.resetAndDestroy()));
  });
  after(async () => {
    await echo.close();
    await resetter.close();
  });

  it('echoes all 256 byte values exactly', async () => {
    const c = tcp(echo.port);
    await c.connect();
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    c.sendBytes(bytes);
    assert.deepEqual(await receivedAtLeast(c, 256), Buffer.from(bytes));
    const out = entries(c.log).find((e) => e.direction === 'out' && e.kind === 'data')!;
    assert.deepEqual(out.payload, Buffer.from(bytes));
  });

  it('copies what it sends: changing the buffer afterwards changes neither log nor wire', async () => {
    const c = tcp(echo.port);
    await c.connect();
    const bytes = new Uint8Array([1, 2, 3, 4]);
    c.sendBytes(bytes);
    bytes.fill(9);
    assert.deepEqual(await receivedAtLeast(c, 4), Buffer.from([1, 2, 3, 4]));
    assert.deepEqual(entries(c.log).find((e) => e.direction === 'out')!.payload, Buffer.from([1, 2, 3, 4]));
  });

  it('sends a real RST on reset(): the server sees ECONNRESET', async () => {
    const c = tcp(echo.port);
    await c.connect();
    c.sendText('x');
    await receivedAtLeast(c, 1);
    const server = serverSockets.at(-1)!;
    const serverClosed = new Promise<void>((r) => server.once('close', () => r()));
    c.reset();
    await serverClosed;
    assert.equal(serverErrors.at(-1), 'ECONNRESET');
    await waitForEnd(c);
    assert.equal(c.lastError, undefined);
  });

  it('reports RESET when the server resets the connection', async () => {
    const c = tcp(resetter.port);
    await c.connect();
    c.sendText('hello');
    await waitForEnd(c);
    assert.equal(c.state, 'error');
    assert.equal(c.lastError?.code, 'RESET');
    assert.equal(c.lastError?.details.systemCode, 'ECONNRESET');
    assert.equal(c.lastError?.message, `Connection reset by 127.0.0.1:${resetter.port}`);
    const tail = entries(c.log).slice(-2);
    assert.deepEqual(tail.map((e) => e.kind), ['error', 'closed']);
    assert.equal(tail[0]!.text, c.lastError!.message);
    assert.match(tail[1]!.text, /^Closed after an error — 0 bytes in, 5 bytes out$/);
  });

  it('close() sends FIN and finishes when the peer closes too', async () => {
    const c = tcp(echo.port);
    const states: string[] = [];
    c.onDidChangeState((s) => states.push(s));
    await c.connect();
    c.close();
    await waitForEnd(c);
    assert.deepEqual(states, ['connecting', 'open', 'closing', 'closed']);
  });

  it('refuses sending before connect and after close', async () => {
    const c = tcp(echo.port);
    assert.throws(() => c.sendText('x'), (e: SocketInspectorError) => e.code === 'NOT_OPEN');
    await c.connect();
    c.close();
    await waitForState(c, 'closed');
    assert.throws(() => c.sendBytes(new Uint8Array([1])), (e: SocketInspectorError) => e.code === 'NOT_OPEN');
  });
});
