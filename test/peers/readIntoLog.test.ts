// Socket reads straight into the log (src/core/receive/readIntoLog.ts) over real loopback sockets: every byte
// reaches the socket's 'data' listeners once and in order, the views stay intact while the log keeps
// them, reads lie side by side in the log, and pause/resume, reads outside the log, a cleared log and
// disposal all keep the stream exact.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterEach, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { readIntoLog, type ReaderState } from '../../src/core/receive/readIntoLog';
import { eventually } from '../support/eventually';
import { makeSelfSigned } from '../support/certificates';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Deterministic bytes that differ at every offset for a long way, so a shifted or repeated read shows. */
function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + (i >>> 8) * 7 + (i >>> 16)) & 0xff;
  return b;
}

/** A server that writes `data` to each client in chunks of varying size, some after a pause, then ends. */
async function sender(data: Buffer, options: { waitFor?: Promise<void> } = {}): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    void (async () => {
      await options.waitFor;
      let at = 0;
      let k = 0;
      while (at < data.length) {
        const size = [1, 100, 70_000, 5000, 300_000, 17][k++ % 6]!;
        const ok = socket.write(data.subarray(at, at + size));
        at += size;
        if (!ok) await new Promise((r) => socket.once('drain', r));
        if (k % 5 === 0) await new Promise((r) => setTimeout(r, 2));
      }
      socket.end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  cleanup.push(() => void socket.destroy());
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** Collects every 'data' chunk (kept as given: views) until the peer ends. */
function collect(socket: net.Socket): { chunks: Buffer[]; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => socket.once('end', resolve).once('error', reject));
  return { chunks, ended };
}

const idle: ReaderState = { holds: () => false, awaits: () => 0 };

describe('socket reads into the log', () => {
  it('hand every byte to the data listeners once and in order, read side by side into the log', async () => {
    const data = pattern(3_000_000);
    const socket = await connect(await sender(data));
    const log = new EntryLog();
    const reads = readIntoLog(socket, log, idle);
    assert.ok(reads, 'a plain TCP socket can read into the log');
    cleanup.push(() => reads.dispose());
    const { chunks, ended } = collect(socket);
    // Entries logged meanwhile (what a connection sends) must not land where reads go.
    const sent = new Map<number, Buffer>();
    socket.on('data', () => {
      const bytes = pattern(50 + sent.size);
      sent.set(log.append(Direction.Out, Kind.Binary, bytes), bytes);
    });
    await ended;
    // Checked at the end: views taken early must still hold what was read.
    assert.ok(Buffer.concat(chunks).equals(data), `${chunks.length} reads, exact`);
    for (const [seq, bytes] of sent) assert.ok(Buffer.from(log.payload(seq)!).equals(bytes), `entry ${seq}`);
    const slabs = new Set(chunks.map((c) => c.buffer));
    assert.ok(slabs.size <= 6, `3 MB read into ${slabs.size} slabs of the log`);
    let adjacent = 0;
    for (let i = 1; i < chunks.length; i++) {
      const [a, b] = [chunks[i - 1]!, chunks[i]!];
      if (a.buffer === b.buffer && b.byteOffset === a.byteOffset + a.length) adjacent++;
    }
    assert.ok(adjacent >= chunks.length - 1 - slabs.size, `each read follows the previous one in its slab (${adjacent} of ${chunks.length - 1})`);
  });

  it('stop while the socket is paused and go on when it is resumed', async () => {
    const data = pattern(1_000_000);
    let start!: () => void;
    const socket = await connect(await sender(data, { waitFor: new Promise<void>((r) => (start = r)) }));
    const reads = readIntoLog(socket, new EntryLog(), idle)!;
    cleanup.push(() => reads.dispose());
    const { chunks, ended } = collect(socket);
    socket.pause();
    start();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(chunks.length, 0, 'nothing is read while paused');
    socket.resume();
    await eventually(() => chunks.length, (n) => n > 0, 'reads after resume');
    socket.pause();
    const count = chunks.length;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(chunks.length, count, 'paused again mid-stream');
    socket.resume();
    await ended;
    assert.ok(Buffer.concat(chunks).equals(data));
  });

  it('read outside the log what its newest segment has no room for, reusing those buffers', async () => {
    const data = pattern(2_000_000);
    const socket = await connect(await sender(data));
    const log = new EntryLog();
    // A reader waiting for more than any segment has left (a payload larger than a segment).
    const reads = readIntoLog(socket, log, { holds: () => false, awaits: () => 1 << 30 })!;
    cleanup.push(() => reads.dispose());
    const { chunks, ended } = collect(socket);
    const copies: Buffer[] = [];
    // Buffers outside the log are reused once let go of: copy each read before the next.
    socket.on('data', (chunk: Buffer) => copies.push(Buffer.from(chunk)));
    await ended;
    assert.ok(Buffer.concat(copies).equals(data));
    assert.equal(log.size, 0);
    const buffers = new Set(chunks.map((c) => c.buffer));
    assert.ok(buffers.size <= 4, `${chunks.length} reads into ${buffers.size} buffers`);
    for (const b of buffers) assert.equal(b.byteLength, 65536, 'a buffer of its own, not a slab of the log');
  });

  it('keep the stream exact when the log is cleared or reads are disposed of mid-stream', async () => {
    for (const stop of ['clear', 'dispose'] as const) {
      const data = pattern(1_500_000);
      const socket = await connect(await sender(data));
      const log = new EntryLog();
      const reads = readIntoLog(socket, log, idle)!;
      cleanup.push(() => reads.dispose());
      const { chunks, ended } = collect(socket);
      const copies: Buffer[] = [];
      let seen = 0;
      socket.on('data', (chunk: Buffer) => {
        copies.push(Buffer.from(chunk));
        seen += chunk.length;
        if (seen > 400_000 && seen - chunk.length <= 400_000) {
          if (stop === 'clear') log.clear();
          else reads.dispose();
        }
        log.append(Direction.Out, Kind.Binary, pattern(100));
      });
      await ended;
      assert.ok(Buffer.concat(copies).equals(data), `${stop}: every byte once, in order`);
      if (stop === 'clear') assert.ok(Buffer.concat(chunks).equals(data), 'clear: views taken before and after stay intact');
      for (let seq = log.firstSeq; seq < log.nextSeq; seq++) assert.ok(Buffer.from(log.payload(seq)!).equals(pattern(100)), `${stop}: entry ${seq}`);
    }
  });

  it('leave TLS sockets and sockets that already read into a buffer of their own as they are', async () => {
    const { cert, key } = makeSelfSigned();
    const server = tls.createServer({ cert, key }, (s) => s.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as net.AddressInfo).port;
    const secure = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    cleanup.push(() => void secure.destroy());
    await new Promise((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    assert.equal(readIntoLog(secure, new EntryLog(), idle), undefined);
    const text = await new Promise<string>((resolve) => secure.once('data', (d: Buffer) => resolve(d.toString())));
    assert.equal(text, 'hello', 'the TLS socket reads as before');

    const own = Buffer.alloc(1024);
    const received: string[] = [];
    const plainPort = await sender(Buffer.from('plain'));
    const socket = net.connect({ port: plainPort, host: '127.0.0.1', onread: { buffer: own, callback: (n, b) => { received.push(Buffer.from(b.subarray(0, n)).toString()); return true; } } });
    cleanup.push(() => void socket.destroy());
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    assert.equal(readIntoLog(socket, new EntryLog(), idle), undefined);
    await eventually(() => received.join(''), (t) => t === 'plain', 'the own-buffer socket to read');
  });
});
