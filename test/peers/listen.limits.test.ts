// A listener's limits with real loopback clients (`net`, `ws`): the most peers open at once, a memory
// budget for the logs of the server and all its peers, small logs for peers that say little, an idle
// timeout that also ends half-open peers, the message size limit of the settings, and the Origin of each
// WebSocket peer, with the allowed origins.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import WebSocket from 'ws';
import { Direction } from '../../shared/logModel';
import type { ServerSession } from '../../src/core/connection/serverTypes';
import { wsListenerSettingsFrom } from '../../src/core/listen/listenerSettings';
import type { ListenerOptions } from '../../src/core/listen/listenerSession';
import { createTcpListener } from '../../src/core/listen/tcpListener';
import { createWsListener, type WsListenerOptions } from '../../src/core/listen/wsListener';
import { eventually } from '../support/eventually';
import { peerNumber } from '../support/listenClients';
import { describeLog, entries, waitForEntry, waitForState } from '../support/logReading';

const KiB = 1024;
const MiB = 1024 * KiB;
const HOST = '127.0.0.1';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

type Listening = ServerSession & { readonly port: number };

async function tcpListener(options: Partial<ListenerOptions> = {}): Promise<Listening> {
  const session = createTcpListener({ address: { host: HOST, port: 0 }, ...options });
  cleanup.push(() => session.dispose());
  await session.start();
  return Object.assign(session, { port: session.address!.port });
}

async function wsListener(options: Partial<WsListenerOptions> = {}): Promise<Listening> {
  const session = createWsListener({ address: { host: HOST, port: 0 }, ...options });
  cleanup.push(() => session.dispose());
  await session.start();
  return Object.assign(session, { port: session.address!.port });
}

/** A `net` client connected to the listener; destroyed after the test. */
async function tcpClient(port: number): Promise<net.Socket & { received: Buffer[] }> {
  const socket = Object.assign(net.connect({ port, host: HOST, allowHalfOpen: true }), { received: [] as Buffer[] });
  socket.on('data', (d: Buffer) => socket.received.push(d));
  socket.on('error', () => {});
  cleanup.push(() => void socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

interface WsClient {
  readonly ws: WebSocket;
  /** 101 once open, else the status the server refused the upgrade with. */
  readonly status: Promise<number>;
  /** Resolves once open; rejects when the upgrade was refused. */
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** A `ws` client of the listener, sending `options` (an Origin header among them); terminated after the test. */
function wsClient(port: number, options: WebSocket.ClientOptions = {}): WsClient {
  const ws = new WebSocket(`ws://${HOST}:${port}/`, options);
  ws.on('error', () => {});
  cleanup.push(() => ws.terminate());
  const status = new Promise<number>((resolve) => {
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
  const opened = status.then((s) => {
    if (s !== 101) throw new Error(`upgrade refused: ${s}`);
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') }));
  });
  return { ws, status, opened, closed };
}

/** The server log's text entries. */
function serverLines(s: ServerSession): string[] {
  return entries(s.log).map((e) => e.text);
}

const isFinal = (s: string) => s === 'closed' || s === 'error';

/** A guard against a hang only (on code without these limits, some of these would wait forever). */
const GUARD = { timeout: 60_000 };

describe("a listener's memory across peers", () => {
  it('refuses TCP clients beyond the most peers, logs each refusal, and accepts again once a peer leaves', GUARD, async () => {
    const s = await tcpListener({ maxPeers: 2 });
    const a = await tcpClient(s.port);
    await tcpClient(s.port);
    await eventually(() => s.peers.length, (n) => n === 2, 'two peers');
    const refused = await tcpClient(s.port);
    // The listener closes it at once: the client reads the end of the stream and nothing else.
    await new Promise<void>((resolve) => {
      refused.once('end', resolve);
      refused.once('close', resolve);
    });
    assert.equal(Buffer.concat(refused.received).length, 0);
    assert.equal(s.peers.length, 2, 'the third client became a peer');
    assert.equal(s.limits?.refused, 1);
    assert.ok(
      serverLines(s).some((l) => /^Refused 127\.0\.0\.1:\d+: 2 peers are open, the most this listener accepts \(socketInspector\.listen\.maxPeers\)$/.test(l)),
      describeLog(s.log),
    );
    // One peer leaves (both ends close): a new client is accepted again.
    a.end();
    s.peers[0]!.connection.close();
    await waitForState(s.peers[0]!.connection, 'closed');
    await tcpClient(s.port);
    await eventually(() => s.peers.length, (n) => n === 3, 'a third peer after one left');
  });

  it('answers a WebSocket client beyond the most peers with 503, and logs the refusal', GUARD, async () => {
    const s = await wsListener({ maxPeers: 1 });
    const first = wsClient(s.port);
    await first.opened;
    const second = wsClient(s.port);
    assert.equal(await second.status, 503);
    assert.equal(s.peers.length, 1);
    assert.ok(serverLines(s).some((l) => /^Refused the WebSocket upgrade of 127\.0\.0\.1:\d+ \(GET \/\) with 503: 1 peers are open/.test(l)), describeLog(s.log));
  });

  it("keeps 1,000 one-byte peers' logs small: a peer's log starts with a small segment and grows with what it holds", GUARD, async () => {
    const s = await tcpListener();
    const clients: net.Socket[] = [];
    for (let i = 0; i < 1000; i++) {
      const c = await tcpClient(s.port);
      c.write('x');
      clients.push(c);
    }
    await eventually(() => s.peers.filter((p) => p.connection.log.totals(Direction.In).bytes === 1).length, (n) => n === 1000, 'every peer logged its byte', 60_000);
    const open = s.peers.reduce((n, p) => n + p.connection.log.memoryBytes, 0);
    // A full first segment was 1 MiB of payload slab and 208 KiB of index columns: 1.2 GiB for these.
    assert.ok(open / 1000 <= 128 * KiB, `${(open / 1000 / KiB).toFixed(1)} KiB per open one-byte peer`);
    for (const c of clients) c.destroy();
    for (const p of s.peers) p.connection.close();
    await eventually(() => s.peers.every((p) => isFinal(p.connection.state)), (ok) => ok, 'every peer closed', 30_000);
    const closed = s.peers.reduce((n, p) => n + p.connection.log.memoryBytes, 0);
    assert.ok(closed / 1000 <= 4 * KiB, `${(closed / 1000 / KiB).toFixed(1)} KiB per closed one-byte peer`);
    // And a peer's log still grows to hold what a peer sends.
    const big = await tcpClient(s.port);
    const payload = Buffer.alloc(3 * MiB, 0x61);
    big.write(payload);
    const peer = await peerNumber(s, 1001);
    await eventually(() => peer.connection.log.totals(Direction.In).bytes, (n) => n === payload.length, 'the 3 MiB arrived');
    assert.ok(peer.connection.log.memoryBytes < 2 * payload.length, `${peer.connection.log.memoryBytes} bytes hold 3 MiB`);
  });

  it("evicts the oldest closed peers' logs to stay within the budget, counts them, and says so", GUARD, async () => {
    const budget = 4 * MiB;
    const s = await tcpListener({ budgetBytes: budget });
    for (let i = 1; i <= 24; i++) {
      const c = await tcpClient(s.port);
      c.end(Buffer.alloc(256 * KiB, i));
      const peer = await peerNumber(s, i);
      await eventually(() => peer.connection.log.totals(Direction.In).bytes, (n) => n === 256 * KiB, `peer #${i}'s bytes`);
      peer.connection.close();
      await waitForState(peer.connection, 'closed');
    }
    const memory = s.memoryBytes;
    await eventually(() => s.memoryBytes!, (m) => m <= budget, 'the logs within the budget');
    const limits = s.limits!;
    assert.ok(limits.evictedPeers > 0, `nothing evicted (${memory} bytes held)`);
    assert.equal(limits.evictedPeers + s.peers.length, 24);
    // Their payloads, and the few meta entries around them.
    assert.ok(limits.evictedBytes >= limits.evictedPeers * 256 * KiB && limits.evictedBytes < limits.evictedPeers * 260 * KiB, `${limits.evictedBytes} bytes evicted`);
    // The oldest went first: the peers left are the newest, in order.
    assert.deepEqual(
      s.peers.map((p) => p.id),
      Array.from({ length: s.peers.length }, (_, i) => 24 - s.peers.length + 1 + i),
    );
    assert.ok(serverLines(s).some((l) => l.startsWith('The logs of this server and its peers reached the memory budget of 4 MiB')), describeLog(s.log));
  });

  it("clears the largest open peer's log when the open peers alone exceed the budget, and the peer stays open", GUARD, async () => {
    const budget = MiB;
    const s = await tcpListener({ budgetBytes: budget });
    // Each peer's own cap is half the budget; three of them together hold more than the budget.
    for (const [i, size] of [300 * KiB, 450 * KiB, 400 * KiB].entries()) {
      const c = await tcpClient(s.port);
      c.write(Buffer.alloc(size, 0x61 + i));
    }
    const line = await waitForEntry(s.log, 'the note that the budget cleared a log', (e) => e.text.startsWith('Cleared the log of #'));
    assert.match(line.text, /^Cleared the log of #\d \(\d+ entries, [\d.]+ MiB\): the open peers together exceeded the memory budget of 1 MiB$/);
    const peer = s.peers.find((p) => p.id === Number(/#(\d)/.exec(line.text)![1]))!.connection;
    const note = entries(peer.log)[0]!;
    assert.match(note.text, /^The listener cleared this log \(\d+ entries, [\d.]+ MiB\): its open peers together exceeded the memory budget of 1 MiB/);
    assert.equal(peer.state, 'open', 'clearing its log must not close the peer');
    assert.ok(s.limits!.clearedPeers >= 1);
    await eventually(() => s.memoryBytes!, (m) => m <= budget, 'the logs within the budget');
  });

  it("refuses new clients while the open peers' logs alone fill the budget", GUARD, async () => {
    const s = await tcpListener({ budgetBytes: MiB });
    // A peer's log holds a little even when its client says nothing (a read is always under way).
    const floor = async (): Promise<boolean> => {
      const c = await tcpClient(s.port);
      await new Promise((r) => setTimeout(r, 10));
      return !c.destroyed && s.limits!.refused === 0;
    };
    for (let i = 0; i < 100 && (await floor()); i++) await new Promise((r) => setTimeout(r, 60));
    assert.ok(s.limits!.refused >= 1, `no client refused with ${s.peers.length} open peers`);
    assert.ok(
      serverLines(s).some((l) => /^Refused 127\.0\.0\.1:\d+: the open peers' logs fill the memory budget of 1 MiB \(socketInspector\.listen\.maxTotalMegabytes\)$/.test(l)),
      describeLog(s.log),
    );
  });

  it('closes a TCP peer that half-closed once the idle timeout passed, and says why', GUARD, async () => {
    const s = await tcpListener({ idleTimeoutMs: 300 });
    const c = await tcpClient(s.port);
    const ended = new Promise<void>((resolve) => c.once('end', () => resolve()));
    c.end('bye');
    const peer = await peerNumber(s, 1);
    await ended;
    await waitForState(peer.connection, 'closed');
    const note = entries(peer.connection.log).find((e) => e.kind === 'note');
    assert.match(note?.text ?? '', /^Closing this peer: it half-closed \(FIN\) 300 ms ago \(the listener's idle timeout/, describeLog(peer.connection.log));
  });

  it('closes an idle WebSocket peer with 1001 after the idle timeout, and keeps one that talks', GUARD, async () => {
    const s = await wsListener({ idleTimeoutMs: 400 });
    const quiet = wsClient(s.port);
    const chatty = wsClient(s.port);
    await Promise.all([quiet.opened, chatty.opened]);
    const timer = setInterval(() => chatty.ws.send('still here'), 100);
    cleanup.push(() => clearInterval(timer));
    const closed = await quiet.closed;
    assert.deepEqual(closed, { code: 1001, reason: 'Idle timeout' });
    const quietPeer = s.peers.find((p) => isFinal(p.connection.state) || p.connection.state === 'closing');
    assert.ok(quietPeer, 'the quiet peer did not close');
    assert.match(entries(quietPeer.connection.log).find((e) => e.kind === 'note')?.text ?? '', /nothing was sent or received for 400 ms/);
    assert.equal(chatty.ws.readyState, WebSocket.OPEN, 'the peer that talks was closed too');
  });
});

describe('the message size limit of the settings', () => {
  it('Listen WebSocket applies socketInspector.maxMessageMegabytes to its peers', GUARD, async () => {
    // 0.001 MiB = 1048 bytes, as the command applies that setting.
    const s = await wsListener(wsListenerSettingsFrom({ maxMessageMegabytes: 0.001 }));
    const c = wsClient(s.port);
    await c.opened;
    c.ws.send(Buffer.alloc(2 * KiB, 0x62));
    assert.equal((await c.closed).code, 1009);
    const peer = s.peers[0]!.connection;
    await waitForState(peer, 'closed', 'error');
    assert.match(peer.lastError?.message ?? describeLog(peer.log), /larger than the limit of 1048 bytes/);
  });
});

describe('the Origin of WebSocket peers', () => {
  it("shows each peer's Origin in the peer list, its log and the server's log", GUARD, async () => {
    const s = await wsListener();
    const browser = wsClient(s.port, { origin: 'https://page.example' });
    await browser.opened;
    const script = wsClient(s.port);
    await script.opened;
    await eventually(() => s.peers.length, (n) => n === 2, 'two peers');
    assert.equal(s.peers[0]!.origin, 'https://page.example');
    assert.equal(s.peers[1]!.origin, undefined);
    const open = await waitForEntry(s.peers[0]!.connection.log, 'the Open entry', (e) => e.kind === 'open');
    assert.match(open.text, /^Accepted 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ \(Origin https:\/\/page\.example/);
    const other = await waitForEntry(s.peers[1]!.connection.log, 'the Open entry', (e) => e.kind === 'open');
    assert.match(other.text, /\(no Origin header(, [^)]*)?\)$/);
    assert.ok(serverLines(s).some((l) => /^#1 accepted from 127\.0\.0\.1:\d+ \(Origin https:\/\/page\.example\)$/.test(l)), describeLog(s.log));
  });

  it('refuses a page from an origin not allowed with 403 and notes it; accepts listed origins and clients without one', GUARD, async () => {
    const s = await wsListener({ allowedOrigins: ['http://localhost:*'] });
    const evil = wsClient(s.port, { origin: 'https://evil.example' });
    assert.equal(await evil.status, 403);
    assert.equal(s.peers.length, 0);
    assert.ok(
      serverLines(s).some((l) => /^Refused the WebSocket upgrade of 127\.0\.0\.1:\d+ \(GET \/\) with 403: its Origin "https:\/\/evil\.example" is not among the allowed origins/.test(l)),
      describeLog(s.log),
    );
    assert.equal(s.limits?.refused, 1);
    const dev = wsClient(s.port, { origin: 'http://localhost:5173' });
    await dev.opened;
    const script = wsClient(s.port);
    await script.opened;
    await eventually(() => s.peers.length, (n) => n === 2, 'the listed origin and the client without one');
  });
});
