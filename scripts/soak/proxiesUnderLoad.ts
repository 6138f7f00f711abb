// Soak phase (c): TCP and WebSocket proxies under load: every byte of each leg as sent, as received and as the
// proxy logged it has the same SHA-256; a round in which nothing moves for STALL_MS has stalled.
import { createHash, type Hash } from 'node:crypto';
import * as net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { Direction, Kind } from '../../shared/logModel';
import type { EntryLog } from '../../src/core/log/entryLog';
import { createTcpProxy, createWsProxy, type ProxySession } from '../../src/core/proxy';
import { HOST, RETENTION, STALL_MS, fail, check, until, isFinal, hashLog, mb, chunk, closeNetServer, closeWss, disposeSession, checkLogBounds, report } from './soakChecks';

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

export async function proxies(ms: number, bytesPerLeg: number): Promise<void> {
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
  } while (Date.now() - started < ms && report.failures.length === 0);
  const total = rounds * 4 * bytesPerLeg;
  report.rows.push(['(c) TCP + WS proxy under load', `${rounds} rounds × ${mb(bytesPerLeg)} each way each; ${mb(total)} forwarded (${messages} WS messages); SHA-256 sent = received = logged on all ${rounds * 4} legs; ${dropped} log entries evicted`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
}

