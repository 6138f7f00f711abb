// The same traffic, recorded by the real engine over loopback, reduced to what must not depend on how it
// was received: every entry (direction, kind, code, payload), each message's wire frames, and the NDJSON
// and pcapng exports of the log (times fixed, ports and handshake keys, which differ per connection,
// replaced). The fast receive paths' tests record it with the paths on and off and compare
// (fastReceive.parity.test.ts, fastReceive.fallback.test.ts).
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import WebSocket from 'ws';
import { DIRECTION_NAMES, Direction, KIND_NAMES, Kind, type LogEntry } from '../../shared/logModel';
import { LINES_LF, type FramerSpec } from '../../shared/framerSpec';
import type { Connection, WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { exportChunks } from '../../src/core/export/exportFormats';
import { exportSourceFromEntries } from '../../src/core/export/exportSource';
import { FramedLog } from '../../src/core/framing/framedLog';
import { createTcpListener } from '../../src/core/listen/tcpListener';
import { createWsListener } from '../../src/core/listen/wsListener';
import type { EntryLog } from '../../src/core/log/entryLog';
import { eventually } from './eventually';
import { peerNumber } from './listenClients';
import { waitForEnd, waitForEntry } from './logReading';
import { startTcpServer, startWsServer } from './nodePeers';

/** The traffic of each case. */
export const SCENARIOS = [
  'WebSocket: a server to our client',
  'WebSocket: a server to our client, compressed',
  "WebSocket: a client's masked frames to our listener",
  'TCP: a server to our client, unframed',
  'TCP: a server to our client, framed by lines',
  'TCP: a server to our client, framed by a length prefix',
  "TCP: a client to our listener's peer",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** What a recording reduces to; equal recordings mean the receive path made no difference. */
export interface Recording {
  /** One line per entry: direction, kind, code, length and a hash of the payload (meta texts normalized). */
  readonly entries: string[];
  /** One line per received message's wire frames. */
  readonly frames: string[];
  /** SHA-256 of the NDJSON and pcapng exports; '' where the entries are socket reads (their cuts vary). */
  readonly ndjson: string;
  readonly pcapng: string;
  /** The received data entries' lines, to compare with what the peer sent. */
  readonly received: string[];
  /** What the peer sent, as `received` lines. */
  readonly sent: string[];
}

const sha = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/** Bytes that depend on their index and position, so a mix-up between messages shows. */
function payload(i: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let j = 0; j < size; j++) b[j] = (i * 131 + j * 7 + (j >>> 9)) & 0xff;
  return b;
}

/** UTF-8 text of about `size` bytes with multi-byte characters for reads to split. */
function text(i: number, size: number): Buffer {
  const unit = `${i}:ünïcödé ✓ 🚀 `;
  return Buffer.from(unit.repeat(Math.max(1, Math.ceil(size / Buffer.byteLength(unit)))), 'utf8');
}

type Sent = { kind: 'text' | 'binary'; data: Buffer; fragments?: number } | { kind: 'ping' | 'pong'; data: Buffer };

/** WebSocket messages from 64 B to 1 MiB, a burst of small ones, fragments, pings and pongs between. */
function wsPlan(): Sent[] {
  const out: Sent[] = [];
  const sizes = [64, 125, 126, 1000, 4095, 4096, 65535, 65536, 65537, 200_000, 1 << 20];
  sizes.forEach((size, i) => out.push(i % 3 === 1 ? { kind: 'text', data: text(i, size) } : { kind: 'binary', data: payload(i, size) }));
  out.push({ kind: 'ping', data: Buffer.from('ping 1') });
  for (let i = 0; i < 300; i++) out.push(i % 2 ? { kind: 'text', data: text(100 + i, 40) } : { kind: 'binary', data: payload(100 + i, 64) });
  out.push({ kind: 'text', data: text(500, 100_000), fragments: 3 });
  out.push({ kind: 'pong', data: Buffer.from('unsolicited pong') });
  out.push({ kind: 'binary', data: payload(501, 70_000), fragments: 10 });
  out.push({ kind: 'binary', data: payload(502, 64) });
  return out;
}

function send(ws: WebSocket, s: Sent): void {
  if (s.kind === 'ping') ws.ping(s.data);
  else if (s.kind === 'pong') ws.pong(s.data);
  else {
    const n = 'fragments' in s ? (s.fragments ?? 1) : 1;
    const size = Math.ceil(s.data.length / n);
    for (let k = 0; k < n; k++) ws.send(s.data.subarray(k * size, (k + 1) * size), { binary: s.kind === 'binary', fin: k === n - 1 });
  }
}

const entryLine = (direction: string, kind: string, code: number, bytes: Uint8Array): string => `${direction} ${kind} ${code} ${bytes.length} ${sha(bytes)}`;

/** Meta texts without what differs from one connection to the next: ports and handshake keys. */
function normalize(textValue: string): string {
  return textValue.replace(/(Sec-WebSocket-(?:Key|Accept)): [^\r\n]*/gi, '$1: X').replace(/:\d{2,5}\b/g, ':PORT');
}

/** The log's entries with fixed times and normalized meta payloads (for entry lines and exports). */
function normalizedEntries(log: EntryLog): LogEntry[] {
  const out: LogEntry[] = [];
  for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
    const e = log.get(seq);
    if (!e) continue;
    const bytes = e.direction === Direction.Meta || e.kind === Kind.Handshake ? Buffer.from(normalize(Buffer.from(e.payload).toString('latin1')), 'latin1') : Buffer.from(e.payload);
    const time = Date.UTC(2024, 4, 1, 12) + out.length * 1.25;
    out.push({ ...e, seq: out.length, wallTime: time, monoTime: 1000 + out.length * 1.25, length: bytes.length, payload: bytes });
  }
  return out;
}

function exportHash(format: 'ndjson' | 'pcapng', kind: 'ws' | 'tcp', entries: LogEntry[]): string {
  const source = exportSourceFromEntries({ kind, target: kind === 'ws' ? 'ws://127.0.0.1:PORT/' : 'tcp://127.0.0.1:9' }, entries);
  const hash = createHash('sha256');
  for (const chunk of exportChunks(format, source)) hash.update(chunk);
  return hash.digest('hex').slice(0, 16);
}

function wsRecording(c: WebSocketConnection, sent: Sent[]): Recording {
  const entries = normalizedEntries(c.log);
  const isData = (e: LogEntry): boolean => e.direction === Direction.In && (e.kind === Kind.Text || e.kind === Kind.Binary);
  const frames: string[] = [];
  for (let seq = c.log.firstSeq; seq < c.log.nextSeq; seq++) {
    if (c.log.direction(seq) !== Direction.In) continue;
    const list = c.framesOf(seq);
    if (list.length === 0) continue;
    // Not the frame's index (In and Out interleave as reads fall) nor its times or masking key.
    frames.push(list.map((f) => `${f.fin ? 'F' : '-'}${f.rsv1 ? 'C' : '-'}${f.masked ? 'M' : '-'} op${f.opcode} ${f.payloadLength}/${f.headerLength}${f.anomalies ? ` !${f.anomalies}` : ''}`).join(', '));
  }
  return {
    entries: entries.map((e) => entryLine(DIRECTION_NAMES[e.direction]!, KIND_NAMES[e.kind]!, e.code, e.payload)),
    frames,
    ndjson: exportHash('ndjson', 'ws', entries),
    pcapng: exportHash('pcapng', 'ws', entries),
    received: entries.filter(isData).map((e) => entryLine('in', KIND_NAMES[e.kind]!, 0, e.payload)),
    sent: sent.filter((s) => s.kind === 'text' || s.kind === 'binary').map((s) => entryLine('in', s.kind, 0, s.data)),
  };
}

/** Lines of `size`-ish bytes, 0 to 70,000 long, for a newline framer. */
function linesData(): Buffer {
  const lines: Buffer[] = [];
  [0, 1, 63, 1000, 65535, 70_000, 5, 200_000, 17].forEach((size, i) => lines.push(Buffer.concat([payload(i, size).map((b) => (b === 10 ? 11 : b)), Buffer.of(10)])));
  for (let i = 0; i < 2000; i++) lines.push(Buffer.from(`line ${i}\n`));
  return Buffer.concat(lines);
}

/** Messages behind a 4-byte big-endian length, 64 B to 1 MiB. */
const LENGTH_PREFIX: FramerSpec = { type: 'lengthPrefix', width: 4, littleEndian: false, includesHeader: false };
function prefixedData(): Buffer {
  const parts: Buffer[] = [];
  [64, 65536, 1 << 20, 3, 70_000, 0, 200_000].forEach((size, i) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(size);
    parts.push(head, payload(i, size));
  });
  for (let i = 0; i < 1000; i++) parts.push(Buffer.from([0, 0, 0, 64]), payload(1000 + i, 64));
  return Buffer.concat(parts);
}

/** Writes `data` in pieces of every size, some after a pause, then ends. */
async function trickle(socket: net.Socket, data: Buffer): Promise<void> {
  let at = 0;
  let k = 0;
  while (at < data.length) {
    const size = [1, 100, 70_000, 5000, 300_000, 17, 65536][k++ % 7]!;
    const ok = socket.write(data.subarray(at, at + size));
    at += size;
    if (!ok) await new Promise((r) => socket.once('drain', r));
    if (k % 5 === 0) await new Promise((r) => setTimeout(r, 2));
  }
  socket.end();
}

function tcpRecording(c: Connection, data: Buffer, framer: FramerSpec | undefined, framedLog?: EntryLog): Recording {
  const raw = normalizedEntries(c.log);
  // The chunks are socket reads, cut wherever the reads fell: only their bytes, in order, count.
  const inBytes = Buffer.concat(raw.filter((e) => e.direction === Direction.In).map((e) => e.payload));
  const others = raw.filter((e) => e.direction !== Direction.In).map((e) => entryLine(DIRECTION_NAMES[e.direction]!, KIND_NAMES[e.kind]!, e.code, e.payload));
  const entries = [...others, `in data, all chunks: ${entryLine('in', 'data', 0, inBytes)}`];
  if (!framer || !framedLog) {
    return { entries, frames: [], ndjson: '', pcapng: '', received: [entryLine('in', 'data', 0, inBytes)], sent: [entryLine('in', 'data', 0, data)] };
  }
  const framed = normalizedEntries(framedLog);
  const messages = framed.filter((e) => e.direction === Direction.In);
  return {
    entries: [...entries, ...framed.map((e) => `framed: ${entryLine(DIRECTION_NAMES[e.direction]!, KIND_NAMES[e.kind]!, e.code, e.payload)}`)],
    frames: [],
    ndjson: exportHash('ndjson', 'tcp', framed),
    pcapng: exportHash('pcapng', 'tcp', framed),
    received: [entryLine('in', 'data', 0, inBytes), `${messages.length} messages`],
    sent: [entryLine('in', 'data', 0, data), `${framer === LINES_LF ? data.filter((b) => b === 10).length : 1007} messages`],
  };
}

/** Our WebSocket listener on loopback with a ws client (no compression) connected: the client and its peer's connection. */
export async function wsListenerWithClient(cleanup: Array<() => void | Promise<void>>): Promise<{ client: WebSocket; peer: WebSocketConnection }> {
  const session = createWsListener({ address: { host: '127.0.0.1', port: 0 } });
  cleanup.push(() => session.dispose());
  await session.start();
  const client = new WebSocket(`ws://127.0.0.1:${session.address!.port}/`, { perMessageDeflate: false });
  client.on('error', () => {});
  cleanup.push(() => client.terminate());
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  return { client, peer: (await peerNumber(session, 1)).connection as WebSocketConnection };
}

/**
 * Records `scenario` once: the peer sends its traffic and closes, the engine records it. `cleanup`
 * collects what the caller's afterEach disposes of.
 */
export async function record(scenario: Scenario, cleanup: Array<() => void | Promise<void>>): Promise<Recording> {
  switch (scenario) {
    case 'WebSocket: a server to our client':
    case 'WebSocket: a server to our client, compressed': {
      const deflate = scenario.endsWith('compressed');
      const peer = await startWsServer({ echo: false, perMessageDeflate: deflate });
      cleanup.push(() => peer.close());
      const c = createWebSocketConnection({ url: peer.url('/'), perMessageDeflate: deflate });
      cleanup.push(() => c.dispose());
      await c.connect();
      const server = await peer.client(0);
      const sent = wsPlan();
      for (const s of sent) send(server, s);
      server.close(4000, 'done');
      await waitForEnd(c);
      return wsRecording(c, sent);
    }
    case "WebSocket: a client's masked frames to our listener": {
      const { client, peer: c } = await wsListenerWithClient(cleanup);
      const sent = wsPlan();
      for (const s of sent) send(client, s);
      client.close(4000, 'done');
      await waitForEnd(c);
      return wsRecording(c, sent);
    }
    case 'TCP: a server to our client, unframed':
    case 'TCP: a server to our client, framed by lines':
    case 'TCP: a server to our client, framed by a length prefix': {
      const framer = scenario.endsWith('lines') ? LINES_LF : scenario.endsWith('prefix') ? LENGTH_PREFIX : undefined;
      const data = framer === LENGTH_PREFIX ? prefixedData() : linesData();
      const peer = await startTcpServer((socket) => void trickle(socket, data));
      cleanup.push(() => peer.close());
      const c = createTcpConnection({ host: '127.0.0.1', port: peer.port });
      cleanup.push(() => c.dispose());
      const framed = framer ? new FramedLog(c.log, framer, { connection: c }) : undefined;
      if (framed) cleanup.push(() => framed.dispose());
      await c.connect();
      await eventually(() => c.log.totals(Direction.In).bytes, (n) => n === data.length, 'every byte received');
      await waitForEntry(c.log, 'the FIN', (e) => e.kind === 'closed' && e.text.startsWith('Peer half-closed'));
      c.close();
      await waitForEnd(c);
      return tcpRecording(c, data, framer, framed?.log);
    }
    case "TCP: a client to our listener's peer": {
      const session = createTcpListener({ address: { host: '127.0.0.1', port: 0 } });
      cleanup.push(() => session.dispose());
      await session.start();
      const data = linesData();
      const client = net.connect(session.address!.port, '127.0.0.1');
      client.on('error', () => {});
      cleanup.push(() => void client.destroy());
      await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
      const c = (await peerNumber(session, 1)).connection;
      await trickle(client, data);
      await eventually(() => c.log.totals(Direction.In).bytes, (n) => n === data.length, 'every byte received');
      // The client half-closed; once its FIN is logged, our end closes too (in this order every time).
      await waitForEntry(c.log, 'the FIN', (e) => e.kind === 'closed' && e.text.startsWith('Peer half-closed'));
      (c as Connection & { close(): void }).close();
      await waitForEnd(c);
      return tcpRecording(c, data, undefined);
    }
  }
}

/** Which fast paths a scenario's connection engages where they are on. */
export function expectedPaths(scenario: Scenario): Array<'readIntoLog' | 'plainFrameBypass' | 'inPlaceReassembly'> {
  if (scenario === 'WebSocket: a server to our client') return ['readIntoLog', 'plainFrameBypass', 'inPlaceReassembly'];
  // Compressed: ws inflates into buffers of its own, so nothing is read into the log.
  if (scenario === 'WebSocket: a server to our client, compressed') return ['plainFrameBypass', 'inPlaceReassembly'];
  // A server's end gets masked frames: only reassembly in place.
  if (scenario === "WebSocket: a client's masked frames to our listener") return ['inPlaceReassembly'];
  return ['readIntoLog'];
}
