// The panel's host side against a real WebSocket server: a PanelController on a real connection,
// driven through the real protocol by the same MessageHandler the webview uses.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { decodeEntryBatch } from '../../shared/entryBatch';
import { MessageHandler, RequestError } from '../../shared/messageHandler';
import { webviewIncoming } from '../../shared/messageSchema';
import type { HostEvents, HostRequests, PanelSnapshot, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import type { Connection, WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { PanelController, type PanelControllerOptions } from '../../src/panel/panelController';
import { eventually } from '../support/eventually';
import { startWsPeer, type WsPeer } from '../browser/harness/wsPeer';
import { hostEventHandlers } from '../support/panelWiring';
import { decodeMatchBits, matchSeqs } from '../../shared/matchBits';

type HostEvent = { [K in keyof HostEvents]: { type: K } & HostEvents[K] }[keyof HostEvents];

/** Finds a Node Buffer or a view into a larger buffer anywhere in a posted message. */
function unsafeBinary(value: unknown, path = 'message'): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Buffer.isBuffer(value)) return `${path} is a Node Buffer`;
  if (value instanceof ArrayBuffer) return undefined;
  if (ArrayBuffer.isView(value)) return value.byteLength === value.buffer.byteLength ? undefined : `${path} is a view into a larger buffer`;
  for (const [k, v] of Object.entries(value)) {
    const problem = unsafeBinary(v, `${path}.${k}`);
    if (problem) return problem;
  }
  return undefined;
}

interface Harness {
  peer: WsPeer;
  connection: WebSocketConnection;
  controller: PanelController;
  webview: MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>;
  events: HostEvent[];
  posted: unknown[];
  problems: string[];
  clipboard: string[];
  /** Whether the test webview acknowledges batches (flow control). */
  autoAck: boolean;
}

const open: Harness[] = [];

async function setup(
  onConnection: Parameters<typeof startWsPeer>[0] = () => {},
  options: PanelControllerOptions = {},
  connectCallback?: () => Connection | Promise<Connection | void> | void,
): Promise<Harness> {
  const peer = await startWsPeer(onConnection);
  const connection = createWebSocketConnection({ url: peer.url });
  await connection.connect();
  const h = { peer, connection, events: [], posted: [], problems: [], clipboard: [], autoAck: true } as unknown as Harness;
  h.controller = new PanelController(
    connection,
    (message) => {
      h.posted.push(message);
      // postMessage is asynchronous; so is this.
      queueMicrotask(() => h.webview.handleMessage(message));
    },
    {
      connect: connectCallback ?? (() => connection.connect()),
      disconnect: () => connection.close(),
      writeClipboard: (text) => void h.clipboard.push(text),
    },
    { ...options, log: (line) => h.problems.push(line) },
  );
  const record =
    <K extends keyof HostEvents>(type: K) =>
    (params: HostEvents[K]): void => {
      h.events.push({ ...params, type } as HostEvent);
      if (type === 'entries' && h.autoAck) h.webview.sendEvent('ack', { batchId: (params as HostEvents['entries']).batchId });
    };
  h.webview = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
    post: (m) => queueMicrotask(() => h.controller.handleMessage(m)),
    schemas: webviewIncoming,
    requests: {},
    events: hostEventHandlers(record),
    onProblem: (p) => h.problems.push(`webview: ${p}`),
  });
  open.push(h);
  return h;
}

function batches(h: Harness): Array<HostEvents['entries']> {
  return h.events.filter((e): e is HostEvent & { type: 'entries' } => e.type === 'entries');
}

function seqsOfBatches(h: Harness): number[] {
  return batches(h).flatMap((e) => [...decodeEntryBatch(e.batch).seq]);
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    h.controller.dispose();
    h.webview.dispose();
    h.connection.dispose();
    await h.peer.close();
  }
});

describe('PanelController', () => {
  it('answers ready with a snapshot and streams every new entry in packed batches', async () => {
    const h = await setup();
    const snapshot: PanelSnapshot = await h.webview.sendRequest('ready', {});
    assert.equal(snapshot.target, h.peer.url);
    assert.equal(snapshot.state, 'open');
    assert.equal(snapshot.connectionKind, 'ws');
    assert.match(snapshot.handshake!.requestLine, /^GET \/chat HTTP\/1\.1$/);
    assert.equal(snapshot.handshake!.status, 101);
    assert.equal(snapshot.stats.nextSeq, h.connection.log.nextSeq);

    const ws = h.peer.client();
    // A trickle: every entry reaches the webview, in order, none twice.
    for (let i = 0; i < 20; i++) {
      ws.send(`trickle ${i}`);
      await new Promise((r) => setTimeout(r, 3));
    }
    const log = h.connection.log;
    await eventually(() => seqsOfBatches(h).at(-1), (last) => log.size >= 24 && last === log.nextSeq - 1, 'the trickle batched');
    assert.deepEqual(seqsOfBatches(h), Array.from({ length: log.nextSeq - snapshot.stats.nextSeq }, (_, i) => snapshot.stats.nextSeq + i));

    // A burst: few posts, bounded batches, ascending and never repeating; the newest entry always arrives.
    for (let i = 0; i < 10_000; i++) ws.send(`m${i}`);
    await eventually(() => seqsOfBatches(h).at(-1), (last) => log.size >= 10_024 && last === log.nextSeq - 1, 'the burst batched');
    const seqs = seqsOfBatches(h);
    assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), 'ascending, none repeated');
    assert.ok(batches(h).length < 10_000 / 5, `batched (${batches(h).length} posts for 10,000 messages)`);
    assert.ok(batches(h).every((b) => decodeEntryBatch(b.batch).count <= 8000), 'no batch beyond the default cap');
    assert.equal(batches(h).at(-1)!.stats.in.entries, 10_020);
    assert.deepEqual(h.posted.map((m) => unsafeBinary(m)).filter(Boolean), []);
    assert.deepEqual(h.problems, []);
  });

  it('waits for acknowledgements and then sends only the newest entries of a backlog', async () => {
    const h = await setup(() => {}, { maxBatchEntries: 100, maxInFlightBatches: 2 });
    h.autoAck = false;
    await h.webview.sendRequest('ready', {});
    const ws = h.peer.client();
    const log = h.connection.log;
    ws.send('first');
    await eventually(() => batches(h).length, (n) => n === 1, 'one batch in flight');
    ws.send('second');
    await eventually(() => batches(h).length, (n) => n === 2, 'two batches in flight');
    for (let i = 0; i < 5000; i++) ws.send(`m${i}`);
    await eventually(() => log.size, (n) => n >= 5006, 'the log to fill');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(batches(h).length, 2, 'no third batch without an ack');
    h.webview.sendEvent('ack', { batchId: batches(h)[0]!.batchId });
    await eventually(() => batches(h).length, (n) => n === 3, 'a batch after the ack');
    const third = decodeEntryBatch(batches(h)[2]!.batch);
    assert.equal(third.seq[third.count - 1], log.nextSeq - 1);
    assert.equal(third.seq[0], log.nextSeq - 100, 'the backlog is cut to the newest entries');
  });

  it('sends a burst larger than a batch in several batches, skipping nothing the webview has room for', async () => {
    const h = await setup(() => {}, { maxBatchEntries: 100, maxInFlightBatches: 4 });
    const snapshot = await h.webview.sendRequest('ready', {});
    const ws = h.peer.client();
    const log = h.connection.log;
    // 350 messages fit the 4 × 100 entries the webview may have unacknowledged.
    for (let i = 0; i < 350; i++) ws.send(`b${i}`);
    await eventually(() => seqsOfBatches(h).at(-1), (last) => log.size >= 354 && last === log.nextSeq - 1, 'the burst delivered');
    const first = snapshot.stats.nextSeq;
    assert.deepEqual(seqsOfBatches(h), Array.from({ length: log.nextSeq - first }, (_, i) => first + i));
    assert.ok(batches(h).every((b) => decodeEntryBatch(b.batch).count <= 100));
  });

  it('posts at most maxEntriesPerSecond live: a flood is cut to its newest entries', async () => {
    const h = await setup(() => {}, { maxBatchEntries: 100, maxInFlightBatches: 4, maxEntriesPerSecond: 1 });
    const snapshot = await h.webview.sendRequest('ready', {});
    const ws = h.peer.client();
    const log = h.connection.log;
    // The allowance starts at one in-flight window (400): the first burst goes out whole, and of the
    // second only the newest 100 that the allowance still covers (then one per second).
    for (let i = 0; i < 300; i++) ws.send(`a${i}`);
    await eventually(() => seqsOfBatches(h).length, (n) => n >= 300, 'the first burst delivered');
    for (let i = 0; i < 300; i++) ws.send(`b${i}`);
    await eventually(() => log.size, (n) => n >= 604, 'the second burst recorded');
    const last = log.nextSeq - 1;
    await eventually(() => seqsOfBatches(h).at(-1), (s) => s === last, 'the newest entry delivered');
    const second = seqsOfBatches(h).filter((s) => s >= snapshot.stats.nextSeq + 300);
    assert.ok(second.length < 200, `${second.length} of the second burst posted`);
    assert.ok(second.every((s, i) => i === 0 || s > second[i - 1]!), 'ascending, none repeated');
  });

  it('posts nothing while hidden, keeps capturing, and resumes when shown', async () => {
    const h = await setup();
    await h.webview.sendRequest('ready', {});
    h.controller.setVisible(false);
    const before = h.posted.length;
    const ws = h.peer.client();
    for (let i = 0; i < 100; i++) ws.send(`hidden ${i}`);
    await eventually(() => h.connection.log.size, (n) => n >= 104, 'capture while hidden');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h.posted.length, before, 'nothing posted while hidden');
    h.controller.setVisible(true);
    await eventually(() => seqsOfBatches(h).at(-1), (s) => s === h.connection.log.nextSeq - 1, 'the tail after showing');
    // Everything captured meanwhile is there to page in.
    const page = decodeEntryBatch((await h.webview.sendRequest('getRange', { fromSeq: 0, count: 4096 })).batch);
    assert.equal(page.count, h.connection.log.size);
  });

  it('serves ranges, lists and payloads, and reports entries that are gone', async () => {
    const h = await setup((ws) => {
      ws.send('a'.repeat(1000));
      ws.send('second');
    });
    await h.webview.sendRequest('ready', {});
    const log = h.connection.log;
    await eventually(() => log.size, (n) => n >= 6, 'both messages');
    const range = decodeEntryBatch((await h.webview.sendRequest('getRange', { fromSeq: 0, count: 100 })).batch);
    assert.equal(range.count, log.size);
    const bigSeq = log.nextSeq - 2;
    assert.equal(range.length[bigSeq], 1000);
    assert.equal(range.end[bigSeq]! - range.end[bigSeq - 1]!, 256, 'previews are capped');
    const list = decodeEntryBatch((await h.webview.sendRequest('getEntries', { seqs: new Float64Array([bigSeq + 1, 99]).buffer })).batch);
    assert.deepEqual([...list.seq], [bigSeq + 1]);
    const payload = await h.webview.sendRequest('getPayload', { seq: bigSeq, limit: 10 });
    assert.equal(payload.length, 1000);
    assert.equal(payload.payload.byteLength, 10);

    const page = await h.webview.sendRequest('getPayloadPage', { seq: bigSeq + 1, offset: 2, length: 100 });
    assert.deepEqual([page.offset, page.total, Buffer.from(page.bytes).toString()], [2, 6, 'cond'], 'a page is clipped to the payload');
    const past = await h.webview.sendRequest('getPayloadPage', { seq: bigSeq + 1, offset: 50, length: 4 });
    assert.deepEqual([past.offset, past.bytes.byteLength], [6, 0]);
    const find = (text: string, from: number, backwards = false) =>
      h.webview.sendRequest('findInPayload', { seq: bigSeq + 1, needle: new TextEncoder().encode(text).buffer, from, backwards });
    assert.deepEqual(
      await Promise.all([find('ond', 0), find('ond', 4), find('s', 5, true), find('d', 4, true), find('nd', 5), find('x', 0)]),
      [{ offset: 3 }, { offset: -1 }, { offset: 0 }, { offset: -1 }, { offset: -1 }, { offset: -1 }],
    );
    await assert.rejects(
      h.webview.sendRequest('findInPayload', { seq: bigSeq + 1, needle: new ArrayBuffer(0), from: 0, backwards: false }),
      /needle must hold 1 to 4096 bytes/,
    );

    // The Text tab's row index: 1000 bytes of one line wrap into rows of 128, so eight rows in one block.
    const rows = await h.webview.sendRequest('getTextRows', { seq: bigSeq });
    assert.deepEqual([rows.total, rows.rows, [...new Float64Array(rows.rowsBefore)], [...new Float64Array(rows.firstStart)]], [1000, 8, [0], [0]]);
    await assert.rejects(h.webview.sendRequest('getTextRows', { seq: -1 }), /seq/);

    await h.webview.sendRequest('clear', {});
    await eventually(() => h.events.some((e) => e.type === 'cleared'), Boolean, 'the cleared event');
    await assert.rejects(h.webview.sendRequest('getTextRows', { seq: bigSeq }), (e: unknown) => e instanceof RequestError && e.code === 'GONE');
    await assert.rejects(h.webview.sendRequest('getPayload', { seq: bigSeq, limit: 10 }), (e: unknown) => e instanceof RequestError && e.code === 'GONE');
    await assert.rejects(
      h.webview.sendRequest('getPayloadPage', { seq: bigSeq, offset: 0, length: 10 }),
      (e: unknown) => e instanceof RequestError && e.code === 'GONE',
    );
  });

  it('filters on the host, streams matches, follows new entries and refuses a bad regex', async () => {
    const h = await setup((ws) => {
      for (let i = 0; i < 3000; i++) ws.send(i % 100 === 0 ? `needle ${i}` : `hay ${i}`);
    }, { filterSliceMs: 0 });
    await h.webview.sendRequest('ready', {});
    const log = h.connection.log;
    await eventually(() => log.size, (n) => n >= 3004, 'the messages');
    await h.webview.sendRequest('setFilter', { generation: 3, filter: { text: 'NEEDLE', directions: [0], kinds: [] } });
    const matchEvents = () => h.events.filter((e): e is HostEvent & { type: 'filterMatches' } => e.type === 'filterMatches');
    await eventually(() => matchEvents().at(-1)?.done, Boolean, 'the scan to finish');
    const found = () => matchEvents().flatMap((e) => matchSeqs(decodeMatchBits(e.bits)));
    assert.equal(found().length, 30);
    assert.ok(matchEvents().every((e) => e.generation === 3));
    for (const seq of found()) assert.match(new TextDecoder().decode(log.payload(seq)), /^needle \d+$/);

    h.peer.client().send('late needle');
    await eventually(() => found().length, (n) => n === 31, 'the new match');
    assert.equal(found().at(-1), log.nextSeq - 1);

    await assert.rejects(h.webview.sendRequest('setFilter', { generation: 4, filter: { text: '/[/', directions: [], kinds: [] } }), (e: unknown) => e instanceof RequestError && e.code === 'BAD_FILTER' && /Invalid regular expression/.test(e.message));
  });

  it('validates composer input again on the host and sends only valid messages', async () => {
    const h = await setup();
    await h.webview.sendRequest('ready', {});
    await assert.rejects(h.webview.sendRequest('send', { format: 'hex', input: '48 6x', escapes: false }), (e: unknown) => {
      assert.ok(e instanceof RequestError);
      assert.equal(e.code, 'INVALID_HEX');
      assert.equal(e.message, "Invalid hex: 'x' at line 1, column 5 (not a hex digit)");
      assert.deepEqual(e.info.position, { offset: 4, line: 1, column: 5 });
      return true;
    });
    await assert.rejects(h.webview.sendRequest('send', { format: 'json', input: '{"a":}', escapes: false }), (e: unknown) => e instanceof RequestError && e.code === 'INVALID_JSON');
    await assert.rejects(h.webview.sendRequest('send', { format: 'text', input: 'bad \\xff byte', escapes: true }), /invalid UTF-8/);
    assert.deepEqual(await h.webview.sendRequest('send', { format: 'text', input: 'tab\\there', escapes: true }), { bytes: 8 });
    assert.deepEqual(await h.webview.sendRequest('send', { format: 'base64', input: 'AAH/', escapes: false }), { bytes: 3 });
    await eventually(() => h.peer.received.length, (n) => n === 2, 'two messages at the server');
    assert.deepEqual(h.peer.received, [
      { data: Buffer.from('tab\there'), binary: false },
      { data: Buffer.from([0, 1, 255]), binary: true },
    ]);
    const lists = h.events.filter((e): e is HostEvent & { type: 'composerLists' } => e.type === 'composerLists').at(-1)!;
    assert.deepEqual(lists.history.map((m) => m.input), ['tab\\there', 'AAH/']);

    await h.webview.sendRequest('ping', { payload: 'hb' });
    await eventually(() => h.peer.pings.map(String), (p) => p[0] === 'hb', 'the ping');
    await assert.rejects(h.webview.sendRequest('close', { code: 65536, reason: '' }), /code must be an integer in \[0, 65535\]/);
    await h.webview.sendRequest('close', { code: 4000, reason: 'done' });
    await eventually(() => h.peer.closes, (c) => c.length === 1, 'the close');
    assert.deepEqual(h.peer.closes[0], { code: 4000, reason: 'done' });
    await eventually(() => h.events.filter((e) => e.type === 'state').map((e) => (e as HostEvents['state']).state), (s) => s.includes('closed'), 'the closed state');
    await assert.rejects(h.webview.sendRequest('send', { format: 'text', input: 'late', escapes: false }), (e: unknown) => e instanceof RequestError && e.code === 'NOT_OPEN');
  });

  it('copies payloads, saves messages and refuses malformed requests', async () => {
    const h = await setup((ws) => ws.send('héllo'));
    await h.webview.sendRequest('ready', {});
    const log = h.connection.log;
    await eventually(() => log.size, (n) => n >= 5, 'the message');
    const seq = log.nextSeq - 1;
    await h.webview.sendRequest('copy', { seq, as: 'hex' });
    await h.webview.sendRequest('copy', { seq, as: 'base64' });
    await h.webview.sendRequest('copy', { seq, as: 'text' });
    assert.deepEqual(h.clipboard, ['68 c3 a9 6c 6c 6f', 'aMOpbGxv', 'héllo']);

    const { id } = await h.webview.sendRequest('saveMessage', { name: 'greeting', format: 'text', input: 'hi', escapes: false });
    await h.webview.sendRequest('deleteSaved', { id });
    await assert.rejects(h.webview.sendRequest('deleteSaved', { id }), /no longer exists/);

    const responses: unknown[] = [];
    const raw = new PanelController(h.connection, (m) => responses.push(m), { connect() {}, disconnect() {}, writeClipboard() {} }, { log: () => {} });
    raw.handleMessage({ type: 'getRange', requestId: 1, fromSeq: -5, count: 10 });
    raw.handleMessage({ type: 'evaluate', requestId: 2, code: 'process.exit()' });
    raw.handleMessage({ type: 'getPayload', requestId: 3, seq: 0, limit: 1, extra: '<script>' });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      responses.map((r) => {
        const m = r as { requestId: number; ok: boolean; error: { code: string; message: string } };
        return [m.requestId, m.ok, m.error.code, m.error.message];
      }),
      [
        [1, false, 'BAD_REQUEST', 'Refused: request \'getRange\': fromSeq must be an integer in [0, 9007199254740991].'],
        [2, false, 'BAD_REQUEST', "Refused: unknown request type 'evaluate'."],
        [3, false, 'BAD_REQUEST', "Refused: request 'getPayload': unexpected field 'extra'."],
      ],
    );
    raw.dispose();
  });

  it('shows the new connection after a reconnect, and posts nothing once disposed', async () => {
    let second: WebSocketConnection | undefined;
    const h = await setup(() => {}, {}, async () => {
      second = createWebSocketConnection({ url: h.peer.url });
      await second.connect();
      return second;
    });
    await h.webview.sendRequest('ready', {});
    h.connection.close();
    await h.webview.sendRequest('connect', {});
    const snap = await eventually(() => h.events.find((e) => e.type === 'snapshot'), Boolean, 'the snapshot of the new connection');
    assert.equal((snap as HostEvents['snapshot']).snapshot.state, 'open');
    assert.equal(h.controller.connection, second);

    h.controller.dispose();
    const count = h.posted.length;
    second!.log.appendText(2, 7, 'after dispose');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.posted.length, count);
    second!.dispose();
  });

  it('serves wire frames, sends in fragments, pongs by hand, switches automatic pong and closes with any code', async () => {
    let second: WebSocketConnection | undefined;
    const h = await setup(() => {}, {}, async () => {
      second = createWebSocketConnection({ url: h.peer.url });
      await second.connect();
      return second;
    });
    const snapshot = await h.webview.sendRequest('ready', {});
    assert.equal(snapshot.autoPong, true);
    const log = h.connection.log;
    const seqOf = (direction: number, kind: number) => {
      for (let s = log.nextSeq - 1; s >= log.firstSeq; s--) if (log.direction(s) === direction && log.kind(s) === kind) return s;
      throw new Error('no such entry');
    };

    assert.deepEqual(await h.webview.sendRequest('send', { format: 'text', input: 'in three', escapes: false, fragments: 3 }), { bytes: 8 });
    await eventually(() => h.peer.received.length, (n) => n === 1, 'the message at the server');
    assert.deepEqual(h.peer.received[0], { data: Buffer.from('in three'), binary: false });
    const sent = await h.webview.sendRequest('getFrames', { seq: seqOf(1, 0) });
    assert.deepEqual(
      { ...sent, frames: sent.frames.map((f) => [f.direction, f.opcode, f.fin, f.rsv1, f.masked, /^[0-9a-f]{8}$/.test(f.maskKey ?? ''), f.payloadLength, f.headerLength, f.anomalies]) },
      {
        seq: seqOf(1, 0),
        available: true,
        frames: [
          [1, 1, false, false, true, true, 3, 6, []],
          [1, 0, false, false, true, true, 3, 6, []],
          [1, 0, true, false, true, true, 2, 6, []],
        ],
        total: 3,
        wireBytes: 8,
        messageLength: 8,
        deflate: false,
      },
    );
    assert.equal(unsafeBinary(sent), undefined);
    const lists = h.events.filter((e): e is HostEvent & { type: 'composerLists' } => e.type === 'composerLists').at(-1)!;
    assert.deepEqual(lists.history.at(-1), { format: 'text', input: 'in three', escapes: false }, 'history keeps the message, not the frame count');
    await assert.rejects(
      h.webview.sendRequest('send', { format: 'hex', input: '00', escapes: false, fragments: 0 }),
      /fragments must be an integer in \[1, 10000\]/,
    );
    assert.equal((await h.webview.sendRequest('getFrames', { seq: log.firstSeq })).total, 0, 'a meta entry has no frames');

    await h.webview.sendRequest('setAutoPong', { enabled: false });
    assert.equal(h.connection.autoPong, false);
    const pongs: string[] = [];
    h.peer.client().on('pong', (data) => pongs.push(String(data)));
    h.peer.client().ping('are you there');
    await eventually(() => log.kind(log.nextSeq - 1), (k) => k === 2, 'the ping logged');
    // An automatic pong would have left at once, ahead of this one; the server reads in order.
    await h.webview.sendRequest('pong', { payload: 'by hand' });
    await eventually(() => pongs.length, (n) => n === 1, 'the pong at the server');
    assert.deepEqual(pongs, ['by hand']);

    // ws on the server side refuses 1006 in a frame (it fails the connection), which is the point of sending it.
    h.peer.client().on('error', () => {});
    await h.webview.sendRequest('close', { code: 1006, reason: 'test' });
    await eventually(() => h.connection.state, (s) => s === 'closed', 'closed');
    assert.equal(log.code(seqOf(1, 4)), 1006);
    const close = await h.webview.sendRequest('getFrames', { seq: seqOf(1, 4) });
    assert.deepEqual(close.frames.map((f) => [f.opcode, f.masked, f.payloadLength]), [[8, true, 6]]);

    // A reconnect keeps the choice: the new connection does not answer pings either.
    await h.webview.sendRequest('connect', {});
    const snap = await eventually(() => h.events.find((e) => e.type === 'snapshot'), Boolean, 'the snapshot of the new connection');
    assert.equal((snap as HostEvents['snapshot']).snapshot.autoPong, false);
    assert.equal(second!.autoPong, false);
    second!.dispose();
  });
});
