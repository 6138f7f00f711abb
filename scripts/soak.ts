// npm run soak [-- --seconds N]: a bounded loopback soak of the real engine (src/core). It runs connect/
// disconnect cycles, reconnecting clients against restarting listeners, TCP and WebSocket proxies under load
// and listeners broadcasting to many peers, and a listener's limits under 2,000 peers, a client that never
// reads and catastrophic patterns (soak/listenerLimits.ts), then checks that nothing leaked (active handles
// and timers by type, process listeners, heap) and no byte was lost (SHA-256 of each leg as sent, as
// received and as the proxy logged it). Exits 1 on any failure. Loopback only; not part of npm test because it takes a minute.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import * as net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { Direction, Kind } from '../shared/logModel';
import type { Connection, RetentionOptions } from '../src/core/connection/connectionTypes';
import type { EntryLog } from '../src/core/log/entryLog';
import { createTcpListener } from '../src/core/listen/tcpListener';
import { createWsListener } from '../src/core/listen/wsListener';
import { createTcpProxy, createWsProxy, type ProxySession } from '../src/core/proxy';
import type { ServerSession } from '../src/core/connection/serverTypes';
import { createTcpConnection } from '../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../src/core/connection/wsConnection';
import { describeFastReceive, fastReceive } from '../src/core/receive/fastReceive';
import { listenerLimits } from './soak/listenerLimits';
import { panelsUnderTraffic } from './soak/panelsUnderTraffic';
import { sleep, until as untilWithin } from './soak/polling';

const HOST = '127.0.0.1';
/** Small caps so eviction happens all the time: memory must stay bounded by them, not by traffic. */
const RETENTION: RetentionOptions = { maxEntries: 2000, maxBytes: 512 * 1024 };
/** Largest a log may grow under RETENTION: the cap plus one spare segment slab (see entryLog.ts). */
const LOG_MEMORY_BOUND = 4 * 1024 * 1024;
const WAIT_MS = 15_000;
/** A proxy round in which no byte moves for this long has stalled. */
const STALL_MS = 20_000;

function parseSeconds(argv: readonly string[]): number {
  const i = argv.indexOf('--seconds');
  if (i < 0) return 60;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n < 5 || n > 3600) {
    console.error('--seconds takes a number of seconds from 5 to 3600, e.g. --seconds 20');
    process.exit(2);
  }
  return n;
}

const seconds = parseSeconds(process.argv.slice(2));
const failures: string[] = [];
const rows: Array<[string, string, string]> = [];

function fail(what: string): void {
  failures.push(what);
  console.error(`FAIL ${what}`);
}

function check(ok: boolean, what: string): void {
  if (!ok) fail(what);
}

/** Polls until `predicate` holds; false after WAIT_MS (or `ms`); the caller reports what it was waiting for. */
const until = (predicate: () => boolean, ms = WAIT_MS): Promise<boolean> => untilWithin(predicate, ms);

const isFinal = (c: Connection) => c.state === 'closed' || c.state === 'error';

/** Closes gracefully, waits for the end, disposes; false when it did not end in time. */
async function closeAndDispose(c: Connection): Promise<boolean> {
  if (!isFinal(c)) c.close(1000, 'soak');
  const ended = await until(() => isFinal(c));
  c.dispose();
  return ended;
}

/** Hashes the payloads a log records in one direction (data entries only), as they are appended. */
function hashLog(log: EntryLog, direction: Direction): { hash: Hash; bytes: number; entries: number; dispose(): void } {
  const state = { hash: createHash('sha256'), bytes: 0, entries: 0, dispose: () => sub.dispose() };
  const sub = log.onDidAppend((seq) => {
    const kind = log.kind(seq);
    if (log.direction(seq) !== direction || (kind !== Kind.Data && kind !== Kind.Binary && kind !== Kind.Text)) return;
    const p = log.payload(seq)!;
    state.hash.update(p);
    state.bytes += p.byteLength;
    state.entries++;
  });
  return state;
}

function handleCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of process.getActiveResourcesInfo()) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function processListenerCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.eventNames()) counts.set(String(name), process.listenerCount(name));
  return counts;
}

const fmtCounts = (m: Map<string, number>) => [...m].sort().map(([k, v]) => `${k}=${v}`).join(' ') || '(none)';
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** A random chunk of 1 byte to 64 KiB, taken from a shared random pool. */
const pool = randomBytes(1024 * 1024);
function chunk(): Buffer {
  const size = 1 + Math.floor(Math.random() * 65536);
  const at = Math.floor(Math.random() * (pool.length - size));
  return pool.subarray(at, at + size);
}

function closeNetServer(s: net.Server): Promise<void> {
  return new Promise((r) => s.close(() => r()));
}

function closeWss(s: WebSocketServer): Promise<void> {
  for (const c of s.clients) c.terminate();
  return new Promise((r) => s.close(() => r()));
}

async function disposeSession(s: ServerSession): Promise<void> {
  await s.stop();
  s.dispose();
}

/** Every log of a session (its own and its peers') stayed within the memory bound; returns evicted entries. */
function checkLogBounds(s: ServerSession, label: string): number {
  let dropped = s.log.dropped.entries;
  check(s.log.memoryBytes <= LOG_MEMORY_BOUND, `${label}: the session log holds ${mb(s.log.memoryBytes)}`);
  for (const p of s.peers) {
    dropped += p.connection.log.dropped.entries;
    check(p.connection.log.memoryBytes <= LOG_MEMORY_BOUND, `${label}: peer ${p.id}'s log holds ${mb(p.connection.log.memoryBytes)}`);
  }
  return dropped;
}

// ---- (a) connect/disconnect cycles ----------------------------------------------------------------------

async function cycles(total: number): Promise<void> {
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
  rows.push(['(a) connect/disconnect cycles', `${done}/${total} ok (WS+TCP, to ws, net echo and our listeners), ${dropped} log entries evicted`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
}

// ---- (b) reconnecting clients while the server restarts --------------------------------------------------

async function reconnects(ms: number): Promise<void> {
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
  rows.push(['(b) reconnect during restarts', `${restarts} listener restarts, ${opened} opens, ${refused} refused while down, ${otherErrors} cut mid-handshake`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
}

// ---- (c) proxies under load -------------------------------------------------------------------------------

interface Leg {
  sent: Hash;
  received: Hash;
  logged: ReturnType<typeof hashLog> | undefined;
  bytes: number;
}

function newLeg(): Leg {
  return { sent: createHash('sha256'), received: createHash('sha256'), logged: undefined, bytes: 0 };
}

function compareLeg(label: string, leg: Leg, receivedBytes: number): string {
  const sent = leg.sent.digest('hex');
  const received = leg.received.digest('hex');
  const logged = leg.logged?.hash.digest('hex');
  check(receivedBytes === leg.bytes, `${label}: sent ${leg.bytes} bytes, ${receivedBytes} arrived`);
  check(sent === received, `${label}: SHA-256 of what was sent ${sent.slice(0, 12)} ≠ what arrived ${received.slice(0, 12)}`);
  check(sent === logged, `${label}: SHA-256 of what was sent ${sent.slice(0, 12)} ≠ the proxy log's entries ${logged?.slice(0, 12)}`);
  return sent.slice(0, 12);
}

/**
 * Writes `bytes` in random chunks, respecting backpressure, hashing as it goes. `drained` resolves false
 * when the destination closed instead of draining, and the pump stops with a message that says so.
 */
async function pump(write: (b: Buffer) => boolean, drained: () => Promise<boolean>, leg: Leg, bytes: number, label: string): Promise<void> {
  while (leg.bytes < bytes) {
    let c = chunk();
    if (leg.bytes + c.length > bytes) c = c.subarray(0, bytes - leg.bytes);
    leg.sent.update(c);
    leg.bytes += c.length;
    if (!write(c) && !(await drained())) throw new Error(`${label}: the socket closed after ${leg.bytes} of ${bytes} bytes were written`);
  }
}

/** Resolves true on the socket's next 'drain', false when it closes first (a drain would never come). */
function socketDrained(s: net.Socket): Promise<boolean> {
  if (s.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (ok: boolean) => () => {
      s.off('drain', onDrain);
      s.off('close', onClose);
      resolve(ok);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    s.once('drain', onDrain);
    s.once('close', onClose);
  });
}

/** The name of a value in one of the log model's constant tables. */
function nameOf(table: Record<string, number>, value: number): string {
  return Object.keys(table).find((k) => table[k] === value) ?? String(value);
}

/** The last `n` entries of a log, one line each: what a pair said before a stall. */
function logTail(log: EntryLog, n = 12): string {
  const lines: string[] = [];
  for (let seq = Math.max(log.firstSeq, log.nextSeq - n); seq < log.nextSeq; seq++) {
    const kind = log.kind(seq)!;
    const direction = log.direction(seq)!;
    const text = direction === Direction.Meta ? Buffer.from(log.payload(seq)!).toString('utf8') : `${log.length(seq)} bytes`;
    lines.push(`    #${seq} ${nameOf(Direction, direction)} ${nameOf(Kind, kind)} ${text}`);
  }
  return lines.join('\n');
}

/** What a round exposes to its stall watch: bytes moved so far, a description of its state, and a teardown. */
interface RoundProbe {
  progress(): number;
  describe(): string;
  cleanup(): void;
}

function newProbe(): RoundProbe {
  return { progress: () => 0, describe: () => '(not started)', cleanup: () => {} };
}

/** The state of a proxy round for a stall report: the legs' counts and what the pair logged last. */
function describeRound(proxy: ProxySession, legs: string): string {
  const peer = proxy.peers[0];
  if (!peer) return `  ${legs}; no pair was accepted`;
  return `  ${legs}; pair state ${peer.connection.state}; its log ends:\n${logTail(peer.connection.log)}`;
}

/**
 * Runs one proxy round, but a round that makes no progress for STALL_MS fails with what both legs and the
 * pair's log showed, instead of hanging the soak: a stall is exactly what the soak is there to find.
 */
async function withStallWatch<T>(label: string, probe: RoundProbe, round: () => Promise<T>): Promise<T | undefined> {
  const progress = () => probe.progress();
  let last = progress();
  let lastMoved = Date.now();
  let stalled: ((v: undefined) => void) | undefined;
  const timer = setInterval(() => {
    const now = progress();
    if (now !== last) {
      last = now;
      lastMoved = Date.now();
    } else if (Date.now() - lastMoved > STALL_MS) {
      fail(`${label}: no byte moved for ${STALL_MS / 1000} s\n${probe.describe()}`);
      probe.cleanup();
      stalled?.(undefined);
    }
  }, 500);
  try {
    const failed = (e: Error): undefined => {
      fail(`${label}: ${e.message}\n${probe.describe()}`);
      probe.cleanup();
      return undefined;
    };
    return await Promise.race([round().catch(failed), new Promise<undefined>((r) => (stalled = r))]);
  } finally {
    clearInterval(timer);
  }
}

function watchPeers(session: ProxySession, toServer: Leg, toClient: Leg): void {
  session.onDidAcceptPeer((peer) => {
    toServer.logged = hashLog(peer.connection.log, Direction.Out);
    toClient.logged = hashLog(peer.connection.log, Direction.In);
  });
}

async function tcpProxyRound(bytes: number, probe: RoundProbe): Promise<{ dropped: number }> {
  const toServer = newLeg();
  const toClient = newLeg();
  let upstreamGot = 0;
  let clientGot = 0;
  let upstreamEnded = false;
  const openSockets = new Set<net.Socket>();
  // Half-open on both ends: each side ends its own direction when its pump is done, and a FIN from the
  // faster side must not end the slower side's writing (Node's default answers a FIN with its own).
  const upstream = net.createServer({ allowHalfOpen: true }, (s) => {
    openSockets.add(s);
    s.on('close', () => openSockets.delete(s));
    s.on('data', (d: Buffer) => {
      toServer.received.update(d);
      upstreamGot += d.length;
    });
    s.on('end', () => (upstreamEnded = true));
    s.on('error', (e) => fail(`TCP proxy: the upstream's socket failed: ${e.message}`));
    pump((b) => s.write(b), () => socketDrained(s), toClient, bytes, 'TCP proxy server→client').then(
      () => s.end(),
      (e: Error) => fail(e.message),
    );
  });
  await new Promise<void>((r) => upstream.listen(0, HOST, r));
  const proxy = createTcpProxy({ listen: `${HOST}:0`, upstream: `tcp://${HOST}:${(upstream.address() as net.AddressInfo).port}`, retention: RETENTION });
  watchPeers(proxy, toServer, toClient);
  await proxy.start();
  const client = net.connect({ port: proxy.address!.port, host: HOST, allowHalfOpen: true });
  client.on('error', (e) => fail(`TCP proxy: the client's socket failed: ${e.message}`));
  probe.progress = () => upstreamGot + clientGot + toServer.bytes + toClient.bytes;
  probe.describe = () =>
    describeRound(proxy, `client wrote ${toServer.bytes}/${bytes} and read ${clientGot}/${bytes}${clientEnded ? ' (ended)' : ''}; upstream wrote ${toClient.bytes}/${bytes} and read ${upstreamGot}/${bytes}${upstreamEnded ? ' (ended)' : ''}`);
  probe.cleanup = () => {
    client.destroy();
    proxy.dispose();
    upstream.close();
    for (const s of openSockets) s.destroy();
  };
  let clientEnded = false;
  client.on('data', (d: Buffer) => {
    toClient.received.update(d);
    clientGot += d.length;
  });
  client.on('end', () => (clientEnded = true));
  await new Promise<void>((r) => client.once('connect', r));
  await pump((b) => client.write(b), () => socketDrained(client), toServer, bytes, 'TCP proxy client→server');
  client.end();
  check(await until(() => clientEnded && upstreamEnded, 60_000), `TCP proxy: the legs did not both end (client ${clientGot}/${bytes}, upstream ${upstreamGot}/${bytes})`);
  const peer = proxy.peers[0];
  check(peer !== undefined && (await until(() => isFinal(peer.connection))), 'TCP proxy: the pair did not close after both FINs');
  compareLeg('TCP proxy client→server', toServer, upstreamGot);
  compareLeg('TCP proxy server→client', toClient, clientGot);
  toServer.logged?.dispose();
  toClient.logged?.dispose();
  const dropped = checkLogBounds(proxy, 'TCP proxy');
  client.destroy();
  await disposeSession(proxy);
  await closeNetServer(upstream);
  return { dropped };
}

/** Sends `bytes` as binary messages of random sizes, keeping at most a few MiB buffered. */
async function pumpWs(ws: WebSocket, leg: Leg, bytes: number, label: string): Promise<number> {
  let messages = 0;
  await pump(
    (b) => {
      ws.send(b, { binary: true });
      messages++;
      return ws.bufferedAmount < 4 * 1024 * 1024;
    },
    () => until(() => ws.bufferedAmount < 1024 * 1024 || ws.readyState !== WebSocket.OPEN).then(() => ws.readyState === WebSocket.OPEN),
    leg,
    bytes,
    label,
  );
  return messages;
}

async function wsProxyRound(bytes: number, probe: RoundProbe): Promise<{ dropped: number; messages: number }> {
  const toServer = newLeg();
  const toClient = newLeg();
  let upstreamGot = 0;
  let clientGot = 0;
  let upstreamMessages = 0;
  let clientMessages = 0;
  let sentToClient = 0;
  const upstream = new WebSocketServer({ host: HOST, port: 0 });
  await new Promise<void>((r) => upstream.once('listening', r));
  upstream.on('connection', (ws) => {
    ws.on('message', (d: Buffer) => {
      toServer.received.update(d);
      upstreamGot += d.length;
      upstreamMessages++;
    });
    ws.on('error', (e) => fail(`WS proxy: the upstream's WebSocket failed: ${e.message}`));
    pumpWs(ws, toClient, bytes, 'WS proxy server→client').then(
      (n) => (sentToClient = n),
      (e: Error) => fail(e.message),
    );
  });
  const proxy = createWsProxy({ listen: `${HOST}:0`, upstream: `ws://${HOST}:${(upstream.address() as net.AddressInfo).port}/`, retention: RETENTION });
  watchPeers(proxy, toServer, toClient);
  await proxy.start();
  const client = new WebSocket(`ws://${HOST}:${proxy.address!.port}/`);
  probe.progress = () => upstreamGot + clientGot + toServer.bytes + toClient.bytes;
  probe.describe = () => describeRound(proxy, `client wrote ${toServer.bytes}/${bytes} and read ${clientGot}/${bytes}; upstream wrote ${toClient.bytes}/${bytes} and read ${upstreamGot}/${bytes}`);
  probe.cleanup = () => {
    client.terminate();
    proxy.dispose();
    for (const c of upstream.clients) c.terminate();
    upstream.close();
  };
  client.on('message', (d: Buffer) => {
    toClient.received.update(d);
    clientGot += d.length;
    clientMessages++;
  });
  await new Promise<void>((r, j) => {
    client.once('open', r);
    client.once('error', j);
  });
  client.on('error', (e) => fail(`WS proxy: the client's WebSocket failed: ${e.message}`));
  const sentToServer = await pumpWs(client, toServer, bytes, 'WS proxy client→server');
  check(await until(() => upstreamGot === bytes && clientGot === bytes && toClient.bytes === bytes, 60_000), `WS proxy: not everything arrived (client ${clientGot}/${bytes}, upstream ${upstreamGot}/${bytes})`);
  check(upstreamMessages === sentToServer, `WS proxy: ${sentToServer} messages sent to the server, ${upstreamMessages} arrived`);
  check(clientMessages === sentToClient, `WS proxy: ${sentToClient} messages sent to the client, ${clientMessages} arrived`);
  check(toServer.logged?.entries === sentToServer && toClient.logged?.entries === sentToClient, 'WS proxy: the log does not hold one entry per message');
  client.close(1000, 'soak');
  const peer = proxy.peers[0];
  check(peer !== undefined && (await until(() => isFinal(peer.connection))), 'WS proxy: the pair did not close after the client closed');
  compareLeg('WS proxy client→server', toServer, upstreamGot);
  compareLeg('WS proxy server→client', toClient, clientGot);
  toServer.logged?.dispose();
  toClient.logged?.dispose();
  const dropped = checkLogBounds(proxy, 'WS proxy');
  client.terminate();
  await disposeSession(proxy);
  await closeWss(upstream);
  return { dropped, messages: sentToServer + sentToClient };
}

async function proxies(ms: number, bytesPerLeg: number): Promise<void> {
  const started = Date.now();
  let rounds = 0;
  let dropped = 0;
  let messages = 0;
  do {
    const tcpProbe = newProbe();
    const tcp = await withStallWatch(`TCP proxy round ${rounds + 1}`, tcpProbe, () => tcpProxyRound(bytesPerLeg, tcpProbe));
    if (!tcp) break;
    dropped += tcp.dropped;
    const wsProbe = newProbe();
    const ws = await withStallWatch(`WS proxy round ${rounds + 1}`, wsProbe, () => wsProxyRound(bytesPerLeg, wsProbe));
    if (!ws) break;
    dropped += ws.dropped;
    messages += ws.messages;
    rounds++;
  } while (Date.now() - started < ms && failures.length === 0);
  const total = rounds * 4 * bytesPerLeg;
  rows.push(['(c) TCP + WS proxy under load', `${rounds} rounds × ${mb(bytesPerLeg)} each way each; ${mb(total)} forwarded (${messages} WS messages); SHA-256 sent = received = logged on all ${rounds * 4} legs; ${dropped} log entries evicted`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
}

// ---- (d) a listener broadcasting to many peers ---------------------------------------------------------

async function broadcast(ms: number, peers: number): Promise<void> {
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
  rows.push(['(d) listener broadcast', `WS and TCP listeners × ${peers} peers; ${messages} messages delivered, hashes match; ${dropped} log entries evicted`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
}

// ---- main ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  // The self-test first (as the extension runs it at activation): its sockets are closed before the count.
  for (const line of describeFastReceive(await fastReceive.ready())) console.log(line);
  gc();
  const handlesBefore = handleCounts();
  const listenersBefore = processListenerCounts();
  const memBefore = process.memoryUsage();
  const started = Date.now();
  const budget = seconds * 1000;
  // Rounds repeat until the phase's share of the budget is used, so a longer soak moves more data.
  const bytesPerLeg = 8 * 1024 * 1024;

  console.log('(a) 1000 connect/disconnect cycles…');
  await cycles(Number(process.env.SOAK_CYCLES ?? 1000));
  console.log('(b) reconnecting clients while listeners restart…');
  const left = () => Math.max(1000, budget - (Date.now() - started));
  await reconnects(left() * 0.3);
  console.log('(c) TCP and WebSocket proxies under load…');
  await proxies(left() * 0.6, bytesPerLeg);
  console.log('(d) listeners broadcasting to many peers…');
  await broadcast(Math.max(1000, left() * 0.4), 50);
  console.log('(e) panels hidden, shown and reloaded under a flood…');
  const panelsStarted = Date.now();
  const panels = await panelsUnderTraffic(Math.max(5000, left() - 1500), 6, RETENTION);
  for (const f of panels.failures) fail(`panels: ${f}`);
  rows.push(['(e) panels hidden/shown under traffic', panels.summary, `${((Date.now() - panelsStarted) / 1000).toFixed(1)} s`]);
  // A fixed amount of work (2,000 peers), so it runs beyond the --seconds budget the phases above share.
  console.log('(f–h) a listener with 2,000 peers, a client that never reads, catastrophic patterns…');
  const limits = await listenerLimits();
  for (const f of limits.failures) fail(f);
  rows.push(...limits.rows);

  // Let closes, FIN timers and the stop timeouts run out, then compare.
  await sleep(1500);
  gc();
  await sleep(100);
  gc();
  const handlesAfter = handleCounts();
  const listenersAfter = processListenerCounts();
  const memAfter = process.memoryUsage();
  for (const [type, n] of handlesAfter) check(n <= (handlesBefore.get(type) ?? 0), `leak: ${n - (handlesBefore.get(type) ?? 0)} more active ${type} than before`);
  for (const [name, n] of listenersAfter) check(n <= (listenersBefore.get(name) ?? 0), `leak: ${n - (listenersBefore.get(name) ?? 0)} more process '${name}' listeners than before`);
  check(unhandled.length === 0, `${unhandled.length} unhandled rejections: ${unhandled.slice(0, 3).map(String).join('; ')}`);
  const heapGrowth = memAfter.heapUsed - memBefore.heapUsed;
  check(heapGrowth < 64 * 1024 * 1024, `heap grew by ${mb(heapGrowth)} after gc`);
  rows.push(['active handles/timers (by type)', `before: ${fmtCounts(handlesBefore)}; after: ${fmtCounts(handlesAfter)}`, '']);
  rows.push(['process listeners', `before: ${fmtCounts(listenersBefore)}; after: ${fmtCounts(listenersAfter)}`, '']);
  const buffersGrowth = memAfter.arrayBuffers - memBefore.arrayBuffers;
  check(buffersGrowth < 64 * 1024 * 1024, `ArrayBuffers (sockets' and logs' memory) grew by ${mb(buffersGrowth)} after gc`);
  rows.push(['memory (after forced gc)', `rss ${mb(memBefore.rss)} → ${mb(memAfter.rss)}; heapUsed ${mb(memBefore.heapUsed)} → ${mb(memAfter.heapUsed)}; ArrayBuffers ${mb(memBefore.arrayBuffers)} → ${mb(memAfter.arrayBuffers)}${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: not forced)'}`, '']);
  rows.push(['total', failures.length === 0 ? 'PASS' : `FAIL (${failures.length})`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
  process.off('unhandledRejection', onUnhandled);

  const w0 = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nSoak (${seconds} s budget, loopback only)`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)} | ${c.padStart(7)} | ${b}`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} failure(s):\n- ${failures.join('\n- ')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error('soak crashed:', e);
  process.exitCode = 1;
});
