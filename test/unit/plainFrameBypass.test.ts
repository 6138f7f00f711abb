// ws's own Receiver with the plain-frame bypass installed, fed a server's frames cut into reads at any
// byte: every message comes out exactly once, in order, whether the bypass took it or ws did, and
// whatever ws must judge (control frames, fragments, long lengths, invalid UTF-8, maxPayload) still
// reaches ws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { bypassPlainFrames } from '../../src/core/receive/plainFrameBypass';

type ReceiverOptions = { maxPayload?: number; allowSynchronousEvents?: boolean };
interface Receiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'ping' | 'pong', listener: (data: Buffer) => void): void;
  on(event: 'conclude', listener: (code: number, reason: Buffer) => void): void;
  on(event: 'error', listener: (e: Error) => void): void;
}
const ReceiverClass = (WebSocket as unknown as { Receiver: new (options: ReceiverOptions) => Receiver }).Receiver;

/** A server frame (unmasked), its length in the shortest form. */
function frame(opcode: number, payload: Buffer, fin = true): Buffer {
  const n = payload.length;
  const head = n < 126 ? [n] : n < 65536 ? [126, n >> 8, n & 255] : [127, 0, 0, 0, 0, (n / 2 ** 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, ...head]), payload]);
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Event = { what: 'text' | 'binary' | 'ping'; bytes: Buffer; by: 'bypass' | 'ws' };

function harness(options: ReceiverOptions = {}) {
  const receiver = new ReceiverClass({ allowSynchronousEvents: true, ...options });
  const events: Event[] = [];
  const errors: Error[] = [];
  const bypass = bypassPlainFrames({ _receiver: receiver } as unknown as WebSocket, (binary, read, start, end) =>
    events.push({ what: binary ? 'binary' : 'text', bytes: Buffer.from(read.subarray(start, end)), by: 'bypass' }),
  );
  receiver.on('message', (data, binary) => events.push({ what: binary ? 'binary' : 'text', bytes: Buffer.from(data), by: 'ws' }));
  receiver.on('ping', (data) => events.push({ what: 'ping', bytes: Buffer.from(data), by: 'ws' }));
  receiver.on('error', (e) => errors.push(e));
  const feed = (cuts: Buffer[]): void => {
    for (const c of cuts) receiver.write(c);
  };
  return { receiver, events, errors, bypass, feed };
}

/** Cuts bytes into reads (each its own buffer, as a socket delivers them). */
function cut(bytes: Buffer, sizes: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = Math.max(1, Math.min(bytes.length - at, sizes()));
    out.push(Buffer.from(bytes.subarray(at, at + n)));
    at += n;
  }
  return out;
}

describe('plain-frame bypass (ws Receiver)', () => {
  it('takes the plain frames of a flood itself, each message once and in order', () => {
    const h = harness();
    assert.ok(h.bypass, 'ws 8 receiver recognized');
    const sent = Array.from({ length: 2000 }, (_, i) => Buffer.from(`message ${i} `.padEnd(64, '.')));
    h.feed(cut(Buffer.concat(sent.map((p, i) => frame(i % 3 === 0 ? 2 : 1, p))), () => 65536));
    assert.equal(h.events.length, sent.length);
    h.events.forEach((e, i) => {
      assert.equal(e.what, i % 3 === 0 ? 'binary' : 'text');
      assert.ok(e.bytes.equals(sent[i]!), `message ${i}`);
    });
    const byWs = h.events.filter((e) => e.by === 'ws').length;
    assert.ok(byWs < 10, `ws got only the frames cut by a read's end (${byWs})`);
  });

  it('matches ws alone for any mix of frames cut at any byte', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rnd = random(seed);
      const wire: Buffer[] = [];
      const expected: Array<{ what: string; bytes: Buffer }> = [];
      for (let k = 0; k < 60; k++) {
        const r = rnd();
        const size = rnd() < 0.7 ? Math.floor(rnd() * 130) : rnd() < 0.8 ? 126 + Math.floor(rnd() * 3000) : 65536 + Math.floor(rnd() * 2000);
        const payload = Buffer.from(Array.from({ length: size }, (_, j) => 0x20 + ((j * 7 + k) % 90)));
        if (r < 0.45) {
          wire.push(frame(1, payload));
          expected.push({ what: 'text', bytes: payload });
        } else if (r < 0.85) {
          wire.push(frame(2, payload));
          expected.push({ what: 'binary', bytes: payload });
        } else if (r < 0.93) {
          const ping = payload.subarray(0, 100);
          wire.push(frame(9, ping));
          expected.push({ what: 'ping', bytes: ping });
        } else {
          // A message in three fragments: ws's to put together.
          const a = payload.subarray(0, Math.floor(size / 3));
          const b = payload.subarray(a.length, Math.floor((2 * size) / 3));
          const c = payload.subarray(a.length + b.length);
          wire.push(frame(2, a, false), frame(0, b, false), frame(0, c, true));
          expected.push({ what: 'binary', bytes: payload });
        }
      }
      const h = harness();
      const maxRead = [3, 100, 4096, 65536][seed % 4]!;
      h.feed(cut(Buffer.concat(wire), () => 1 + Math.floor(rnd() * maxRead)));
      assert.deepEqual(h.errors, [], `seed ${seed}`);
      assert.equal(h.events.length, expected.length, `seed ${seed}: count`);
      h.events.forEach((e, i) => {
        assert.equal(e.what, expected[i]!.what, `seed ${seed}, event ${i}`);
        assert.ok(e.bytes.equals(expected[i]!.bytes), `seed ${seed}, event ${i}: bytes`);
      });
    }
  });

  it('leaves invalid UTF-8 to ws, which fails the connection as it always does, after the messages before it', async () => {
    const h = harness();
    const good = Buffer.from('fine');
    const bad = Buffer.from([0x61, 0xff, 0x62]);
    h.feed([Buffer.concat([frame(1, good), frame(1, bad), frame(1, good)])]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      h.events.map((e) => e.bytes.toString('latin1')),
      ['fine'],
    );
    assert.match(String(h.errors[0]), /invalid UTF-8/);
  });

  it('leaves a frame over maxPayload to ws, which refuses it', async () => {
    const h = harness({ maxPayload: 100 });
    h.feed([Buffer.concat([frame(2, Buffer.alloc(100, 1)), frame(2, Buffer.alloc(101, 2))])]);
    await new Promise((r) => setImmediate(r));
    assert.equal(h.events.length, 1);
    assert.match(String(h.errors[0]), /Max payload size exceeded/);
  });

  it('passes nothing on after a close frame, as ws ignores what follows it', () => {
    const h = harness();
    let closed = false;
    h.receiver.on('conclude', () => {
      closed = true;
    });
    h.feed([Buffer.concat([frame(1, Buffer.from('before')), frame(8, Buffer.from([0x03, 0xe8])), frame(1, Buffer.from('after'))])]);
    h.feed([frame(1, Buffer.from('later'))]);
    assert.ok(closed);
    assert.deepEqual(
      h.events.map((e) => e.bytes.toString()),
      ['before'],
    );
  });

  it('does not install on a receiver that defers its events, and dispose() restores ws', () => {
    assert.equal(harness({ allowSynchronousEvents: false }).bypass, undefined);
    const h = harness();
    h.bypass!.dispose();
    h.feed([frame(1, Buffer.from('hello'))]);
    assert.deepEqual(
      h.events.map((e) => e.by),
      ['ws'],
    );
  });
});
