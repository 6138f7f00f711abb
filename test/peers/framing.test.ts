// TCP framing against real peers: redis-server read through CRLF framing, a length-prefix echo server
// written with Node's net (its own plain parser, not ours), and a PanelController switching its view
// and framing what it sends, driven through the real protocol by the webview's MessageHandler.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { decodeEntryBatch } from '../../shared/entryBatch';
import { Direction } from '../../shared/logModel';
import { MessageHandler } from '../../shared/messageHandler';
import { webviewIncoming } from '../../shared/messageSchema';
import type { HostEvents, HostRequests, PanelSnapshot, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import type { Connection, TcpConnection } from '../../src/core/connection/connectionTypes';
import { FramedLog } from '../../src/core/framing/framedLog';
import { encodeFramed } from '../../src/core/framing/framerEncoder';
import { LINES_CRLF, type FramerSpec } from '../../shared/framerSpec';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { PanelController } from '../../src/panel/panelController';
import { eventually } from '../support/eventually';
import { entries, waitForEnd, waitForEntry } from '../support/logReading';
import { startTcpServer, startWsServer, type Peer } from '../support/nodePeers';
import { startRedis } from '../support/processPeers';
import { redisMissing, requirePeer } from '../support/requirePeer';
import { hostEventHandlers } from '../support/panelWiring';
import { decodeMatchBits, matchSeqs } from '../../shared/matchBits';

const connections: TcpConnection[] = [];
function tcp(port: number): TcpConnection {
  const c = createTcpConnection({ host: '127.0.0.1', port });
  connections.push(c);
  return c;
}
after(() => {
  for (const c of connections) c.dispose();
});

/** "direction kind text" of each derived entry, meta entries shortened to their kind. */
function messages(framed: FramedLog): string[] {
  return entries(framed.log).map((e) => (e.direction === 'meta' ? `meta ${e.kind}` : `${e.direction} ${e.text}`));
}

describe('CRLF framing of a redis-server conversation', () => {
  let redis: Peer | undefined;
  before(async () => {
    if (!redisMissing()) redis = await startRedis();
  });
  after(() => redis?.close());

  it('shows each RESP line as one message, in both directions, whatever chunks TCP delivered', async (t: TestContext) => {
    if (!requirePeer(t, 'redis-server', redisMissing())) return;
    const c = tcp(redis!.port);
    const framed = new FramedLog(c.log, LINES_CRLF, { connection: c });
    try {
      await c.connect();
      // Pipelined: one write carries four commands, and the replies may come in one chunk.
      c.sendText('PING\r\nSET greeting hello\r\nGET greeting\r\nGET missing\r\n');
      await waitForEntry(framed.log, 'the nil reply', (e) => e.text === '$-1');
      // A value much larger than one socket read arrives in many chunks and becomes one message.
      // (Sent as a RESP array: redis refuses inline commands this long.)
      const big = 'x'.repeat(300_000);
      c.sendText(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${big.length}\r\n${big}\r\nGET big\r\nQUIT\r\n`);
      // After QUIT redis sends FIN; we end our side too.
      await waitForEntry(c.log, "the peer's FIN", (e) => e.kind === 'closed');
      c.close();
      await waitForEnd(c);
      const rawIn = entries(c.log).filter((e) => e.direction === 'in' && e.kind === 'data');
      assert.ok(rawIn.length > 1, `the replies came in ${rawIn.length} chunks`);
      const short = (m: string): string => (m.length > 60 ? `${m.slice(0, 20)}… (${m.length})` : m);
      const shown = messages(framed).map(short);
      // After the last reply the connection logs its close (FIN received, FIN sent, closed).
      const closing = shown.findIndex((m) => m === 'meta closed');
      assert.deepEqual(shown.slice(0, closing), [
        'meta connecting',
        'meta open',
        'out PING',
        'out SET greeting hello',
        'out GET greeting',
        'out GET missing',
        'in +PONG',
        'in +OK',
        'in $5',
        'in hello',
        'in $-1',
        'out *3',
        'out $3',
        'out SET',
        'out $3',
        'out big',
        'out $300000',
        short(`out ${big}`),
        'out GET big',
        'out QUIT',
        'in +OK',
        'in $300000',
        short(`in ${big}`),
        'in +OK',
      ]);
      assert.deepEqual(new Set(shown.slice(closing)), new Set(['meta closed']), 'nothing was left unframed at the end');
      const bigMessage = entries(framed.log).find((e) => e.direction === 'in' && e.payload.length === big.length);
      assert.equal(bigMessage?.text, big);
      // The message carries the time of the raw chunk that completed it.
      const wholeValue = `$300000\r\n${big}\r\n`;
      let soFar = '';
      const completing = rawIn.find((e) => (soFar += e.text).includes(wholeValue));
      assert.equal(framed.log.monoTime(bigMessage!.seq), c.log.monoTime(completing!.seq));
      assert.equal(framed.log.wallTime(bigMessage!.seq).toFixed(2), c.log.wallTime(completing!.seq).toFixed(2));
    } finally {
      framed.dispose();
    }
  });
});

/**
 * An echo server for 2-byte big-endian length-prefixed messages, with its own plain parser. It writes
 * each echoed frame in three separate writes (first header byte, second, payload) so that how the
 * bytes arrive is not up to one write.
 */
function startLengthEchoServer(received: Buffer[]): Promise<Peer> {
  return startTcpServer((socket: Socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      received.push(d);
      buffered = Buffer.concat([buffered, d]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const length = buffered.readUInt16BE(0);
        const frame = buffered.subarray(0, 2 + length);
        buffered = buffered.subarray(2 + length);
        socket.write(frame.subarray(0, 1));
        socket.write(frame.subarray(1, 2));
        if (length > 0) socket.write(frame.subarray(2));
      }
    });
  });
}

describe('length-prefix framing against an echo server', () => {
  it('shows each echoed message whole, and bytes left at close as a note and one entry', async () => {
    const received: Buffer[] = [];
    const peer = await startLengthEchoServer(received);
    const spec: FramerSpec = { type: 'lengthPrefix', width: 2, littleEndian: false, includesHeader: false };
    const c = tcp(peer.port);
    const framed = new FramedLog(c.log, spec, { connection: c });
    try {
      await c.connect();
      const binary = Buffer.from(Array.from({ length: 700 }, (_, i) => i & 0xff));
      const sent = [Buffer.from('hello'), Buffer.alloc(0), binary, Buffer.from('ünïcödé')];
      c.sendBytes(Buffer.concat(sent.map((m) => encodeFramed(spec, m))));
      await waitForEntry(framed.log, 'the last echo', (e) => e.direction === 'in' && e.text === 'ünïcödé');
      const got = entries(framed.log).filter((e) => e.direction !== 'meta');
      assert.deepEqual(
        got.map((e) => [e.direction, e.payload.toString('hex')]),
        [...sent.map((m) => ['out', m.toString('hex')]), ...sent.map((m) => ['in', m.toString('hex')])],
      );
      // An incomplete frame (prefix announces 10, 3 sent) is shown at close rather than lost.
      c.sendBytes(Buffer.from([0x00, 0x0a, 0x61, 0x62, 0x63]));
      await eventually(() => Buffer.concat(received).length, (n) => n === sent.reduce((s, m) => s + 2 + m.length, 0) + 5, 'the partial frame at the server');
      c.close();
      await waitForEnd(c);
      const tail = entries(framed.log).slice(-3);
      assert.deepEqual(
        tail.map((e) => [e.direction, e.kind, e.direction === 'meta' ? e.text.replace(/\(.*\)/, '(…)') : e.payload.toString('hex')]),
        [
          ['meta', 'closed', tail[0]!.text],
          ['meta', 'error', '5 bytes sent after the last complete message (…); shown as they are in the next entry.'],
          ['out', 'data', '000a616263'],
        ],
      );
      assert.match(tail[0]!.text, /^Closed by us/);
      assert.equal(framed.pending(Direction.In), 0);
    } finally {
      framed.dispose();
      await peer.close();
    }
  });
});

// --- the panel ------------------------------------------------------------------------------------

type HostEvent = { [K in keyof HostEvents]: { type: K } & HostEvents[K] }[keyof HostEvents];

interface PanelHarness {
  controller: PanelController;
  webview: MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>;
  events: HostEvent[];
  problems: string[];
}

const panels: PanelHarness[] = [];
afterEach(() => {
  for (const p of panels.splice(0)) {
    p.controller.dispose();
    p.webview.dispose();
  }
});

function openPanel(connection: Connection, reconnect: () => Promise<Connection>): PanelHarness {
  const h = { events: [], problems: [] } as unknown as PanelHarness;
  h.controller = new PanelController(
    connection,
    (message) => queueMicrotask(() => h.webview.handleMessage(message)),
    { connect: reconnect, disconnect: () => connection.close(), writeClipboard: () => {} },
    { log: (line) => h.problems.push(line) },
  );
  const record =
    <K extends keyof HostEvents>(type: K) =>
    (params: HostEvents[K]): void => {
      h.events.push({ ...params, type } as HostEvent);
      if (type === 'entries') h.webview.sendEvent('ack', { batchId: (params as HostEvents['entries']).batchId });
    };
  h.webview = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
    post: (m) => queueMicrotask(() => h.controller.handleMessage(m)),
    schemas: webviewIncoming,
    requests: {},
    events: hostEventHandlers(record),
    onProblem: (p) => h.problems.push(`webview: ${p}`),
  });
  panels.push(h);
  return h;
}

/** The entries the webview can page in from `fromSeq` on: "direction text" lines (meta: "meta"). */
async function view(h: PanelHarness, fromSeq: number): Promise<string[]> {
  const { batch } = await h.webview.sendRequest('getRange', { fromSeq, count: 4096 });
  const b = decodeEntryBatch(batch);
  const dec = new TextDecoder();
  return Array.from({ length: b.count }, (_, i) => {
    const direction = b.dirKind[i]! >> 4;
    const preview = dec.decode(b.payload.subarray(i === 0 ? 0 : b.end[i - 1]!, b.end[i]!));
    return direction === Direction.Meta ? 'meta' : `${direction === Direction.In ? 'in' : 'out'} ${preview}`;
  });
}

function lastSnapshot(h: PanelHarness): PanelSnapshot | undefined {
  return h.events.filter((e): e is HostEvent & { type: 'snapshot' } => e.type === 'snapshot').at(-1)?.snapshot;
}

describe('PanelController with framing', () => {
  it('switches the view with setFraming, sends framed bytes, and keeps the framing across a reconnect', async () => {
    const received: Buffer[] = [];
    // A line echo server: each line comes back with "echo: " in front; the greeting goes out in two writes.
    const peer = await startTcpServer((socket) => {
      socket.write('wel');
      socket.write('come\r\n');
      let pending = '';
      socket.on('data', (d: Buffer) => {
        received.push(d);
        pending += d.toString('latin1');
        let i: number;
        while ((i = pending.indexOf('\r\n')) >= 0) {
          socket.write(`echo: ${pending.slice(0, i)}\r\n`);
          pending = pending.slice(i + 2);
        }
      });
    });
    const rawIn = (c: TcpConnection): string =>
      Buffer.concat(entries(c.log).filter((e) => e.direction === 'in').map((e) => e.payload)).toString('latin1');
    try {
      const first = tcp(peer.port);
      await first.connect();
      let second: TcpConnection | undefined;
      const h = openPanel(first, async () => {
        second = tcp(peer.port);
        await second.connect();
        return second;
      });
      const snapshot = await h.webview.sendRequest('ready', {});
      assert.equal(snapshot.framing, undefined, 'raw chunks by default');
      await eventually(() => rawIn(first), (t) => t === 'welcome\r\n', 'the greeting');

      // Framing a TCP log starts the webview over from a snapshot of the framed log.
      await h.webview.sendRequest('setFraming', { spec: { type: 'delimiter', delimiter: '0d0a' } });
      const framedSnapshot = (await eventually(() => lastSnapshot(h), Boolean, 'the snapshot of the framed view'))!;
      assert.deepEqual(framedSnapshot.framing, { type: 'delimiter', delimiter: '0d0a' });
      assert.equal(h.controller.framing?.type, 'delimiter');
      const from = framedSnapshot.stats.firstSeq;
      assert.deepEqual(await view(h, from), ['meta', 'meta', 'in welcome']);
      assert.equal(framedSnapshot.stats.in.entries, 1, 'counters count messages');

      // Sent with framing: the composer's text plus CRLF on the wire; the view shows the message.
      const { bytes } = await h.webview.sendRequest('send', { format: 'text', input: 'hi there', escapes: false, framed: true });
      assert.equal(bytes, 10);
      await eventually(() => Buffer.concat(received).toString('latin1'), (t) => t === 'hi there\r\n', 'the framed bytes at the server');
      const shown = await eventually(() => view(h, from), (v) => v.length === 5, 'the echo in the framed view');
      assert.deepEqual(shown, ['meta', 'meta', 'in welcome', 'out hi there', 'in echo: hi there']);
      const echoSeq = from + 4;
      const payload = await h.webview.sendRequest('getPayload', { seq: echoSeq, limit: 100 });
      assert.equal(Buffer.from(payload.payload).toString(), 'echo: hi there');
      assert.deepEqual(h.controller.composerLists.history, [{ format: 'text', input: 'hi there', escapes: false }], 'history keeps what was typed');

      // The filter runs over messages.
      await h.webview.sendRequest('setFilter', { generation: 1, filter: { text: 'echo', directions: [], kinds: [] } });
      const matches = await eventually(
        () => h.events.filter((e): e is HostEvent & { type: 'filterMatches' } => e.type === 'filterMatches' && e.generation === 1),
        (ms) => ms.some((m) => m.done),
        'the filter to finish',
      );
      assert.deepEqual(matches.flatMap((m) => matchSeqs(decodeMatchBits(m.bits))), [echoSeq]);

      // Bad requests are refused with a reason, and nothing is sent.
      await assert.rejects(h.webview.sendRequest('setFraming', { spec: { type: 'delimiter', delimiter: '' } }), /The delimiter is empty/);
      await h.webview.sendRequest('setFraming', { spec: { type: 'fixed', size: 2 } });
      await assert.rejects(
        h.webview.sendRequest('send', { format: 'hex', input: '01 02 03', escapes: false, framed: true }),
        /Fixed-size framing sends exactly 2 bytes per message; this message is 3 bytes\./,
      );
      await h.webview.sendRequest('setFraming', { spec: null });
      await assert.rejects(h.webview.sendRequest('send', { format: 'text', input: 'x', escapes: false, framed: true }), /needs a framer: choose one under View as/);
      assert.equal(Buffer.concat(received).toString('latin1'), 'hi there\r\n');

      // Raw again: the webview pages the connection's own log.
      const raw = lastSnapshot(h)!;
      assert.equal(raw.framing, undefined);
      assert.equal(raw.stats.nextSeq, first.log.nextSeq);
      assert.deepEqual((await view(h, raw.stats.firstSeq)).filter((l) => l.startsWith('out')), ['out hi there\r\n']);

      // The framing belongs to the panel: a reconnect reads the new connection the same way.
      await h.webview.sendRequest('setFraming', { spec: { type: 'delimiter', delimiter: '0d0a' } });
      first.close();
      await waitForEnd(first);
      const before = h.events.length;
      await h.webview.sendRequest('connect', {});
      const reconnected = (await eventually(
        () => h.events.slice(before).filter((e): e is HostEvent & { type: 'snapshot' } => e.type === 'snapshot').at(-1)?.snapshot,
        (s) => s !== undefined && s.state === 'open',
        'the snapshot of the new connection',
      ))!;
      assert.equal(h.controller.connection, second);
      assert.deepEqual(reconnected.framing, { type: 'delimiter', delimiter: '0d0a' });
      assert.deepEqual(await eventually(() => view(h, reconnected.stats.firstSeq), (v) => v.length === 3, 'the greeting as one message'), ['meta', 'meta', 'in welcome']);
      assert.deepEqual(h.problems, []);
    } finally {
      await peer.close();
    }
  });

  it('refuses a malformed framer at the message schema, and framing of a WebSocket connection', async () => {
    const tcpPeer = await startTcpServer(() => {});
    const wsPeer = await startWsServer();
    const ws = createWebSocketConnection({ url: wsPeer.url() });
    try {
      const c = tcp(tcpPeer.port);
      await c.connect();
      const h = openPanel(c, async () => c);
      await h.webview.sendRequest('ready', {});
      await assert.rejects(
        h.webview.sendRequest('setFraming', { spec: { type: 'lengthPrefix', width: 3 } } as never),
        /request 'setFraming': spec width must be 1, 2 or 4/,
      );
      await h.webview.sendRequest('setFraming', { spec: { type: 'lengthPrefix', width: 4, littleEndian: true, includesHeader: true } });
      assert.deepEqual(h.controller.framing, { type: 'lengthPrefix', width: 4, littleEndian: true, includesHeader: true });

      await ws.connect();
      const w = openPanel(ws, async () => ws);
      await w.webview.sendRequest('ready', {});
      await assert.rejects(w.webview.sendRequest('setFraming', { spec: { type: 'delimiter', delimiter: '0a' } }), /Framing applies to TCP connections/);
      assert.equal(w.controller.framing, undefined);
    } finally {
      ws.dispose();
      await wsPeer.close();
      await tcpPeer.close();
    }
  });
});
