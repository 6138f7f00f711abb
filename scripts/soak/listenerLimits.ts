// Soak phase (f): a listener under the clients issue 16 worries about, each part timed by the event loop's
// own delay (perf_hooks.monitorEventLoopDelay): nothing may block the host for more than 100 ms.
// - 2,000 WebSocket peers (clients in a worker thread) come and go on one listener with a memory budget
//   of 64 MiB: the logs of the server and its peers stay within it (sampled every 20 ms), the oldest
//   closed peers are evicted, nobody is refused, and every peer ends.
// - A client that never reads sends 1,000 one-byte messages to a rule answering each with 256 KiB: what
//   the host queues for that peer stays bounded (auto-replies skip a peer with too much queued).
// - A catastrophic regular expression as an auto-reply rule and as the panel's log filter, while a flood
//   arrives: neither blocks the event loop (patterns run on a worker with a deadline).
// The last two hold once auto-reply backpressure and the pattern worker are in place (issue 16, defects 1
// and 6); without them this phase fails and says by how much.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type * as net from 'node:net';
import WebSocket from 'ws';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { AutoResponder } from '../../src/core/listen/autoResponder';
import { createWsListener } from '../../src/core/listen/wsListener';
import { PanelController } from '../../src/panel/panelController';
import { sleep, until } from './polling';

const HOST = '127.0.0.1';
const KiB = 1024;
const MiB = 1024 * KiB;
/** The listener's memory budget in the 2,000-peer part (socketInspector.listen.maxTotalMegabytes). */
const BUDGET = 64 * MiB;
const PEERS = 2000;
/** Clients connected at once while the peers come and go. */
const CONCURRENT = 100;
/** Longest the event loop may be blocked at a time, ms. */
const MAX_BLOCK_MS = 100;
/** Most bytes the host may queue for a peer that never reads: the skip threshold plus a reply or two. */
const QUEUE_BOUND = 32 * MiB;
const REPLY_BYTES = 256 * KiB;
/** Where the workers load `ws` from; resolved before any part is timed (resolving may wait on the loader). */
const WS_PATH = require.resolve('ws');

/** What the phase found: failures (empty when it passed) and a summary row per part. */
export interface ListenerSoakResult {
  readonly failures: string[];
  readonly rows: Array<[string, string, string]>;
}

const mb = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

/** Runs `part` with the event loop's delay recorded; returns its result and the longest block, ms. */
async function timed<T>(part: () => Promise<T>): Promise<{ value: T; maxBlockMs: number; seconds: string }> {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  const started = Date.now();
  histogram.enable();
  try {
    const value = await part();
    return { value, maxBlockMs: histogram.max / 1e6, seconds: `${((Date.now() - started) / 1000).toFixed(1)} s` };
  } finally {
    histogram.disable();
  }
}

function wsOpen(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/**
 * The 2,000 clients, in a worker thread: they are other programs, so their work (making and masking
 * messages) must not count as the host's. Plain JavaScript, not bundled; `ws` is passed by path.
 * Messages: mostly small, one in five between 16 and 200 KiB; one client in twenty stays open until told.
 */
const CLIENTS_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const { url, peers, concurrent } = workerData;
const stayOpen = [];
let started = 0, failed = 0, bytesSent = 0;
const message = () => {
  const size = Math.random() < 0.8 ? 1 + Math.floor(Math.random() * 1024) : 16384 + Math.floor(Math.random() * 188416);
  return Buffer.alloc(size, 0x61 + Math.floor(Math.random() * 26));
};
const open = () => new Promise((resolve, reject) => {
  // Uncompressed, so the host's time goes to the listener rather than to zlib.
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('error', () => {});
  ws.once('open', () => resolve(ws));
  ws.once('unexpected-response', (_req, res) => reject(new Error('refused: ' + res.statusCode)));
  ws.once('error', reject);
});
async function client() {
  started++;
  const ws = await open();
  const count = 1 + Math.floor(Math.random() * 4);
  for (let i = 0; i < count; i++) {
    const m = message();
    bytesSent += m.length;
    await new Promise((resolve, reject) => ws.send(m, (e) => (e ? reject(e) : resolve())));
  }
  if (Math.random() < 0.05) { stayOpen.push(ws); return; }
  const closed = new Promise((resolve) => ws.once('close', resolve));
  ws.close(1000, 'done');
  await closed;
}
(async () => {
  const running = new Set();
  while (started < peers) {
    while (running.size < concurrent && started < peers) {
      const p = client().catch(() => { failed++; }).finally(() => running.delete(p));
      running.add(p);
    }
    await Promise.race(running);
  }
  await Promise.all(running);
  parentPort.postMessage({ started, failed, bytesSent, keptOpen: stayOpen.length });
  parentPort.once('message', async () => {
    await Promise.all(stayOpen.map((ws) => { const c = new Promise((r) => ws.once('close', r)); ws.close(1000, 'done'); return c; }));
    parentPort.postMessage({ closed: true });
  });
})();
`;

interface ClientsDone {
  readonly started: number;
  readonly failed: number;
  readonly bytesSent: number;
  readonly keptOpen: number;
}

async function manyPeers(failures: string[]): Promise<string> {
  const session = createWsListener({ address: { host: HOST, port: 0 }, budgetBytes: BUDGET, maxPeers: PEERS });
  await session.start();
  let peakMemory = 0;
  // Measuring every log takes a while with 2,000 peers: often enough to see a peak, rarely enough not to be one.
  const sampler = setInterval(() => (peakMemory = Math.max(peakMemory, session.memoryBytes ?? 0)), 20);
  const worker = new Worker(CLIENTS_SOURCE, {
    eval: true,
    workerData: { url: `ws://${HOST}:${session.address!.port}/`, peers: PEERS, concurrent: CONCURRENT, wsPath: WS_PATH },
  });
  const next = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  let done: ClientsDone = { started: 0, failed: 0, bytesSent: 0, keptOpen: 0 };
  try {
    done = (await next()) as ClientsDone;
    if (done.failed > 0) failures.push(`2,000 peers: ${done.failed} clients could not connect or send`);
    const closed = next();
    worker.postMessage('close');
    await closed;
    const ended = await until(() => session.peers.every((p) => p.connection.state === 'closed' || p.connection.state === 'error'), 15_000);
    if (!ended) failures.push('2,000 peers: not every peer ended');
    // One more check of the budget after the last close.
    await sleep(200);
    peakMemory = Math.max(peakMemory, session.memoryBytes ?? 0);
  } finally {
    clearInterval(sampler);
    await worker.terminate();
  }
  const limits = session.limits!;
  const accepted = session.peers.length + limits.evictedPeers;
  if (accepted !== PEERS) failures.push(`2,000 peers: ${accepted} of ${PEERS} became peers (${limits.refused} refused)`);
  if (limits.refused > 0) failures.push(`2,000 peers: ${limits.refused} clients were refused although the budget had room`);
  if (peakMemory > BUDGET) failures.push(`2,000 peers: the logs held ${mb(peakMemory)}, over the budget of ${mb(BUDGET)}`);
  if (limits.evictedPeers === 0) failures.push('2,000 peers: the budget evicted no closed peer, so it was never tested');
  await session.stop();
  session.dispose();
  return `${PEERS} WS peers (${done.keptOpen} kept open), ${mb(done.bytesSent)} sent; logs peaked at ${mb(peakMemory)} of ${mb(BUDGET)}; ${limits.evictedPeers} closed peers evicted (${mb(limits.evictedBytes)}), ${limits.clearedPeers} open logs cleared, ${limits.refused} refused`;
}

// ---- a client that never reads, against a large auto-reply -----------------------------------------------

/** Bytes the host has queued for a peer's socket and not yet written (reaching into the connection). */
function queuedBytes(c: Connection): number {
  return (c as unknown as { socket?: net.Socket }).socket?.writableLength ?? 0;
}

async function neverReading(failures: string[]): Promise<string> {
  const session = createWsListener({ address: { host: HOST, port: 0 }, budgetBytes: BUDGET });
  await session.start();
  const responder = new AutoResponder(session);
  responder.setRules([{ enabled: true, match: '', reply: { format: 'text', input: 'r'.repeat(REPLY_BYTES), escapes: false }, delayMs: 0 }]);
  let peakQueued = 0;
  try {
    const ws = await wsOpen(`ws://${HOST}:${session.address!.port}/`, { perMessageDeflate: false });
    // It reads nothing from now on: every reply stays with the host or in the kernel's buffers.
    ws.pause();
    for (let i = 0; i < 1000; i++) ws.send('x');
    const peer = session.peers[0];
    const sampler = setInterval(() => {
      if (peer) peakQueued = Math.max(peakQueued, queuedBytes(peer.connection));
    }, 5);
    try {
      await until(() => (peer?.connection.log.totals(0).entries ?? 0) >= 1000, 15_000);
      // Let every reply be attempted.
      await sleep(1500);
    } finally {
      clearInterval(sampler);
      ws.terminate();
    }
    if (!peer) failures.push('never-reading client: it did not become a peer');
  } finally {
    responder.dispose();
    await session.stop();
    session.dispose();
  }
  if (peakQueued > QUEUE_BOUND) failures.push(`never-reading client: the host queued ${mb(peakQueued)} for it (bound ${mb(QUEUE_BOUND)}): auto-replies ignore backpressure`);
  return `1,000 messages to a ${REPLY_BYTES / KiB} KiB auto-reply; at most ${mb(peakQueued)} queued for the peer (bound ${mb(QUEUE_BOUND)})`;
}

// ---- catastrophic patterns during a flood ---------------------------------------------------------------

/** 22 letters and a '!': /(a+)+$/ and /^(\w+\s?)*$/ backtrack through every split of them (about a second each). */
const CATASTROPHIC = `${'a'.repeat(22)}!`;

/** A flood server in a worker thread (another program): 60-byte messages, every 2,000th one catastrophic, five in all. */
const FLOOD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocketServer } = require(workerData.wsPath);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
let flowing = true;
let catastrophic = 0;
wss.on('listening', () => parentPort.postMessage({ port: wss.address().port }));
wss.on('connection', (ws) => {
  let n = 0;
  const pump = () => {
    for (let i = 0; i < 200 && flowing && ws.readyState === ws.OPEN && ws.bufferedAmount < 1048576; i++) {
      if (++n % 2000 === 0 && catastrophic < 5) { catastrophic++; ws.send(workerData.catastrophic); }
      else ws.send('x'.repeat(60));
    }
    if (flowing && ws.readyState === ws.OPEN) setTimeout(pump, 10);
  };
  pump();
});
parentPort.on('message', () => {
  flowing = false;
  for (const c of wss.clients) c.terminate();
  wss.close(() => parentPort.postMessage({ catastrophic }));
});
`;

async function catastrophicPatterns(failures: string[]): Promise<string> {
  const flood = new Worker(FLOOD_SOURCE, { eval: true, workerData: { wsPath: WS_PATH, catastrophic: CATASTROPHIC } });
  const next = (): Promise<Record<string, number>> =>
    new Promise((resolve, reject) => {
      flood.once('message', resolve);
      flood.once('error', reject);
    });
  const { port } = await next();
  const connection = createWebSocketConnection({ url: `ws://${HOST}:${port}/` }, { maxEntries: 50_000, maxBytes: 8 * MiB });
  let received = 0;
  const counting = connection.log.onDidAppend((seq) => {
    if (connection.log.length(seq) === CATASTROPHIC.length && connection.log.direction(seq) === 0) received++;
  });
  const posted: unknown[] = [];
  const controller = new PanelController(connection, (m) => void posted.push(m), { connect: () => connection.connect(), disconnect: () => connection.close(), writeClipboard: () => {} }, { log: () => {} });
  // The listener side: a rule with the same kind of pattern, and a client that sends it a catastrophic message.
  const listener = createWsListener({ address: { host: HOST, port: 0 } });
  await listener.start();
  const responder = new AutoResponder(listener);
  responder.setRules([{ enabled: true, match: '/^(\\w+\\s?)*$/', reply: { format: 'text', input: 'matched', escapes: false }, delayMs: 0 }]);
  let sent = 0;
  try {
    controller.handleMessage({ type: 'ready', requestId: 1 });
    await connection.connect();
    await sleep(300);
    controller.handleMessage({ type: 'setFilter', requestId: 2, generation: 1, filter: { text: '/(a+)+$/', directions: [], kinds: [] } });
    const client = await wsOpen(`ws://${HOST}:${listener.address!.port}/`);
    for (let i = 0; i < 3; i++) client.send(CATASTROPHIC);
    await until(() => received >= 5, 20_000);
    await sleep(1000);
    client.terminate();
  } finally {
    const stopped = next();
    flood.postMessage('stop');
    sent = (await stopped).catastrophic ?? 0;
    await flood.terminate();
    counting.dispose();
    controller.dispose();
    connection.dispose();
    responder.dispose();
    await listener.stop();
    listener.dispose();
  }
  if (received < 5) failures.push(`catastrophic patterns: ${received} of 5 catastrophic messages arrived during the flood (${sent} sent)`);
  return `filter /(a+)+$/ on a flood with ${received} catastrophic messages; rule /^(\\w+\\s?)*$/ on 3 of them; ${connection.log.nextSeq} entries logged`;
}

/** Runs the three parts; each must keep every block of the event loop under MAX_BLOCK_MS. */
export async function listenerLimits(): Promise<ListenerSoakResult> {
  const failures: string[] = [];
  const rows: Array<[string, string, string]> = [];
  const parts: Array<[string, (f: string[]) => Promise<string>]> = [
    ['(f) 2,000 peers, 64 MiB budget', manyPeers],
    ['(g) never-reading client, auto-reply', neverReading],
    ['(h) catastrophic patterns in a flood', catastrophicPatterns],
  ];
  for (const [label, part] of parts) {
    const partFailures: string[] = [];
    let summary: string;
    let blocked = 0;
    let seconds = '';
    try {
      const r = await timed(() => part(partFailures));
      summary = r.value;
      blocked = r.maxBlockMs;
      seconds = r.seconds;
    } catch (e) {
      summary = 'crashed';
      partFailures.push(`crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
    if (blocked > MAX_BLOCK_MS) partFailures.push(`the event loop was blocked for ${blocked.toFixed(0)} ms at once (at most ${MAX_BLOCK_MS} ms)`);
    failures.push(...partFailures.map((f) => `${label}: ${f}`));
    rows.push([label, `${summary}; longest block ${blocked.toFixed(0)} ms${partFailures.length ? ` — FAIL (${partFailures.length})` : ''}`, seconds]);
  }
  return { failures, rows };
}
