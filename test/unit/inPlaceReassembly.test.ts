// ws's own Receiver, fed frames split across reads as a socket delivers them: a large payload that spans
// reads is reassembled into the space reserve() hands out, and 'message' carries exactly that buffer;
// everything the diversion must leave to ws (payloads inside one read, small ones, fragments, a receiver
// that defers its events) still comes out of ws as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { MIN_DIVERTED_BYTES, reassembleInPlace } from '../../src/core/receive/inPlaceReassembly';

type ReceiverOptions = { isServer?: boolean; allowSynchronousEvents?: boolean };
interface Receiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (e: Error) => void): void;
  consume(n: number): Buffer;
}
const ReceiverClass = (WebSocket as unknown as { Receiver: new (options: ReceiverOptions) => Receiver }).Receiver;

/** One frame as the wire carries it; masked as a client sends it when `mask` is given. */
function frame(opcode: number, payload: Buffer, fin = true, mask?: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? [n] : n < 65536 ? [126, n >> 8, n & 255] : [127, 0, 0, 0, 0, (n / 2 ** 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  const first = Buffer.from([(fin ? 0x80 : 0) | opcode, (mask ? 0x80 : 0) | head[0]!, ...head.slice(1)]);
  if (!mask) return Buffer.concat([first, payload]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([first, mask, masked]);
}

/** Splits bytes into reads of `size` bytes, as separate buffers (a socket's reads never share one). */
function reads(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(Buffer.from(bytes.subarray(at, at + size)));
  return out;
}

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 255;
  return b;
}

/** A receiver with the diversion installed, and what it reserved and emitted. */
function harness(options: ReceiverOptions = {}) {
  const receiver = new ReceiverClass({ allowSynchronousEvents: true, ...options });
  const reserved: Buffer[] = [];
  const messages: Array<{ data: Buffer; binary: boolean }> = [];
  const errors: Error[] = [];
  const diversion = reassembleInPlace({ _receiver: receiver } as unknown as WebSocket, (n) => {
    const b = Buffer.alloc(n);
    reserved.push(b);
    return b;
  });
  receiver.on('message', (data, binary) => messages.push({ data, binary }));
  receiver.on('error', (e) => errors.push(e));
  const feed = (bytes: Buffer, size: number): void => {
    for (const r of reads(bytes, size)) receiver.write(r);
  };
  return { receiver, reserved, messages, errors, diversion, feed };
}

describe('in-place reassembly of large payloads (ws Receiver)', () => {
  it('reassembles a binary payload spanning reads into the reserved space, which the message is', () => {
    const h = harness();
    assert.ok(h.diversion, 'ws 8 receiver recognized');
    const payload = pattern(65536, 1);
    h.feed(frame(2, payload), 65536);
    assert.equal(h.reserved.length, 1);
    assert.equal(h.reserved[0]!.length, 65536);
    assert.equal(h.messages.length, 1);
    assert.equal(h.messages[0]!.data, h.reserved[0], 'the message is the reserved buffer itself');
    assert.equal(h.messages[0]!.binary, true);
    assert.ok(h.messages[0]!.data.equals(payload));
  });

  it('does the same for text split inside multi-byte characters, over many small reads', () => {
    const h = harness();
    const text = 'héllo wörld ✓ 🚀 '.repeat(1000);
    const payload = Buffer.from(text, 'utf8');
    h.feed(frame(1, payload), 999);
    assert.equal(h.reserved.length, 1);
    assert.equal(h.messages[0]!.data, h.reserved[0]);
    assert.equal(h.messages[0]!.binary, false);
    assert.equal(h.messages[0]!.data.toString('utf8'), text);
  });

  it('unmasks a client frame in the reserved space (server role)', () => {
    const h = harness({ isServer: true });
    const payload = pattern(70_000, 7);
    h.feed(frame(2, payload, true, Buffer.from([0x12, 0x34, 0x56, 0x78])), 4096);
    assert.equal(h.reserved.length, 1);
    assert.equal(h.messages[0]!.data, h.reserved[0]);
    assert.ok(h.messages[0]!.data.equals(payload));
  });

  it('keeps messages in order when diverted and undiverted ones are interleaved', () => {
    const h = harness();
    const sent = [pattern(100, 1), pattern(65536, 2), pattern(10, 3), pattern(200_000, 4), pattern(MIN_DIVERTED_BYTES - 1, 5)];
    h.feed(Buffer.concat(sent.map((p) => frame(2, p))), 65536);
    assert.deepEqual(
      h.messages.map((m) => m.data.length),
      sent.map((p) => p.length),
    );
    h.messages.forEach((m, i) => assert.ok(m.data.equals(sent[i]!), `message ${i}`));
    assert.deepEqual(
      h.reserved.map((r) => r.length),
      [65536, 200_000],
      'only the large payloads that span reads',
    );
  });

  it('leaves to ws a payload inside one read, a small one, and the fragments of a fragmented message', () => {
    const h = harness();
    const whole = pattern(20_000, 1);
    h.feed(frame(2, whole), 1 << 20);
    const small = pattern(MIN_DIVERTED_BYTES - 1, 2);
    h.feed(frame(2, small), 1000);
    const a = pattern(30_000, 3);
    const b = pattern(30_000, 4);
    h.feed(Buffer.concat([frame(2, a, false), frame(0, b, true)]), 7000);
    assert.equal(h.reserved.length, 0);
    assert.equal(h.messages.length, 3);
    assert.ok(h.messages[0]!.data.equals(whole));
    assert.ok(h.messages[1]!.data.equals(small));
    assert.ok(h.messages[2]!.data.equals(Buffer.concat([a, b])));
  });

  it('diverts the last fragment when the earlier ones were empty, since it is the whole message', () => {
    const h = harness();
    const last = pattern(50_000, 9);
    h.feed(Buffer.concat([frame(2, Buffer.alloc(0), false), frame(0, last, true)]), 8192);
    assert.equal(h.reserved.length, 1);
    assert.equal(h.messages[0]!.data, h.reserved[0]);
    assert.ok(h.messages[0]!.data.equals(last));
  });

  it('lets invalid UTF-8 in a diverted text payload fail as ws fails it, with no message', async () => {
    const h = harness();
    const bad = Buffer.concat([Buffer.alloc(40_000, 0x61), Buffer.from([0xff, 0xfe]), Buffer.alloc(40_000, 0x61)]);
    h.feed(frame(1, bad), 16_384);
    // The stream reports its write's error on a later tick.
    await new Promise((r) => setImmediate(r));
    assert.equal(h.reserved.length, 1);
    assert.equal(h.messages.length, 0);
    assert.match(String(h.errors[0]), /invalid UTF-8/);
  });

  it('does not install on a receiver that defers its events, and dispose() restores ws', () => {
    const deferred = harness({ allowSynchronousEvents: false });
    assert.equal(deferred.diversion, undefined);
    const h = harness();
    const before = h.receiver.consume;
    h.diversion!.dispose();
    assert.notEqual(h.receiver.consume, before);
    h.feed(frame(2, pattern(65536, 5)), 65536);
    assert.equal(h.reserved.length, 0);
    assert.ok(h.messages[0]!.data.equals(pattern(65536, 5)));
  });
});
