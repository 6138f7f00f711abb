// Frames derived from their log entries (a store given the log): every frame must read exactly as a
// store that keeps every header would report it, only cheaper; a frame whose entry does not match stays
// as the wire said; a derived frame lives as long as its entry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { WireFrameHeaderParser, type WireFrameSender } from '../../src/core/wireFrames/wireFrameHeaderParser';
import { WireFrameStore, type WireFrame } from '../../src/core/wireFrames/wireFrameStore';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Two stores fed the same bytes: one keeping every header, one deriving from `log`. */
function pair(options: { maxFrames?: number; log?: EntryLog } = {}) {
  const log = options.log ?? new EntryLog();
  const max = options.maxFrames !== undefined ? { maxFrames: options.maxFrames } : {};
  const full = new WireFrameStore(max);
  const derived = new WireFrameStore({ ...max, entries: log });
  // Received frames are the server's, sent ones ours (a client's).
  const parsers = [
    [Direction.In, 'server'],
    [Direction.Out, 'client'],
  ] as const satisfies ReadonlyArray<readonly [typeof Direction.In | typeof Direction.Out, WireFrameSender]>;
  const feeders = parsers.map(([direction, sender]) => [
    new WireFrameHeaderParser({ sender, rsv1Allowed: () => false, onHeader: (h) => full.add(direction, h, 1) }),
    new WireFrameHeaderParser({
      sender,
      rsv1Allowed: () => false,
      onHeader: (h) => derived.add(direction, h, 1),
      onPlainFrame: (b0, length) => derived.addPlain(direction, b0, length, 1),
    }),
  ]);
  return {
    log,
    full,
    derived,
    read: (s: string) => feeders[Direction.In]!.forEach((p) => p.push(hex(s))),
    write: (s: string) => feeders[Direction.Out]!.forEach((p) => p.push(hex(s))),
    /** Logs an entry and tells both stores, as the connection does. */
    entry(direction: typeof Direction.In | typeof Direction.Out, kind: Kind, payload: Uint8Array): number {
      const seq = log.append(direction, kind, payload, 0, 1);
      full.noteEntry(direction, seq);
      derived.noteEntry(direction, seq);
      return seq;
    },
  };
}

/** A frame without its times (a derived frame takes its entry's). */
function shape(f: WireFrame | undefined): Omit<WireFrame, 'monoTime' | 'wallTime'> | undefined {
  if (!f) return undefined;
  const { monoTime: _m, wallTime: _w, ...rest } = f;
  return rest;
}

function allFrames(store: WireFrameStore) {
  const out = [];
  for (let i = store.firstIndex; i < store.nextIndex; i++) out.push(shape(store.get(i)));
  return out;
}

const bytes = (n: number) => new Uint8Array(n);

describe('WireFrameStore deriving frames from the log', () => {
  it('reports every frame exactly as a store that keeps every header', () => {
    const p = pair();
    p.read('8103 616263'); // text, 7-bit length
    p.entry(Direction.In, Kind.Text, Buffer.from('abc'));
    p.read(`827e0100${'00'.repeat(256)}`); // binary, 16-bit length
    p.read(`827f0000000000010000${'00'.repeat(65536)}`); // 64-bit length
    p.entry(Direction.In, Kind.Binary, bytes(256));
    p.entry(Direction.In, Kind.Binary, bytes(65536));
    p.read('817e0003 616263'); // non-minimal length: kept as it is
    p.entry(Direction.In, Kind.Text, Buffer.from('abc'));
    p.entry(Direction.Out, Kind.Text, Buffer.from('hi'));
    p.write('8182 01020304 6a6b'); // masked: kept
    p.read('0101 61 8900 8001 62'); // fragmented, a ping inside
    p.entry(Direction.In, Kind.Ping, bytes(0));
    p.entry(Direction.In, Kind.Text, Buffer.from('ab'));
    p.read('8a00'); // pong
    p.entry(Direction.In, Kind.Pong, bytes(0));
    p.read('810178'); // framed, not logged yet
    assert.deepEqual(allFrames(p.derived), allFrames(p.full));
    for (let seq = 0; seq < p.log.nextSeq; seq++) assert.deepEqual(p.derived.framesOf(seq).map(shape), p.full.framesOf(seq).map(shape), `seq ${seq}`);
    assert.deepEqual(p.derived.collect(1, 5).wireBytes, 256);
    assert.equal(p.derived.get(0)!.seq, 0);
    assert.equal(p.derived.get(p.derived.nextIndex - 1)!.seq, -1, 'not logged yet');
    p.entry(Direction.In, Kind.Text, Buffer.from('x'));
    assert.deepEqual(allFrames(p.derived), allFrames(p.full));
    // A plain-looking frame inside a fragmented message is an anomaly, not a plain frame; a header cut
    // between two reads is parsed whole.
    p.read('0101 61 8101 62 81');
    p.read('01 63');
    assert.deepEqual(allFrames(p.derived), allFrames(p.full));
    assert.ok(p.derived.get(p.derived.nextIndex - 2)!.anomalies !== 0);
  });

  it('takes a derived frame\'s time from its entry', () => {
    const log = new EntryLog();
    const store = new WireFrameStore({ entries: log });
    new WireFrameHeaderParser({ sender: 'server', rsv1Allowed: () => false, onHeader: (h) => store.add(Direction.In, h, 5) }).push(hex('810161'));
    const seq = log.append(Direction.In, Kind.Text, Buffer.from('a'), 0, 42);
    store.noteEntry(Direction.In, seq);
    assert.equal(store.get(0)!.monoTime, 42);
    assert.equal(store.get(0)!.wallTime, log.wallTime(seq));
  });

  it('keeps a frame as the wire said when its entry does not match it', () => {
    const p = pair();
    p.read('8103 616263');
    // Not what the frame carried: the frame stays a 3-byte text frame.
    p.entry(Direction.In, Kind.Binary, bytes(5));
    p.read('8101 61');
    p.entry(Direction.In, Kind.Text, Buffer.from('a'));
    assert.deepEqual(allFrames(p.derived), allFrames(p.full));
    assert.deepEqual(p.derived.framesOf(0).map(shape), p.full.framesOf(0).map(shape));
    assert.equal(p.derived.framesOf(0)[0]!.payloadLength, 3);
  });

  it('links a batch of entries logged together (noteEntries), and entries noted before their frames', () => {
    const log = new EntryLog();
    const store = new WireFrameStore({ entries: log });
    const parser = new WireFrameHeaderParser({ sender: 'server', rsv1Allowed: () => false, onHeader: (h) => store.add(Direction.In, h, 1) });
    parser.push(hex('8101 61 8102 6162 8103 616263'));
    const wire = Buffer.from('abcabc');
    const starts = new Uint32Array([0, 1, 3]);
    const ends = new Uint32Array([1, 3, 6]);
    const first = log.nextSeq;
    log.appendSpans(NaN, 1, Direction.In, Kind.Text, wire, starts, ends, 3);
    store.noteEntries(Direction.In, Kind.Text, first, starts, ends, 3);
    assert.deepEqual([0, 1, 2].map((i) => [store.get(i)!.seq, store.get(i)!.payloadLength]), [[0, 1], [1, 2], [2, 3]]);
    // The entry first, then its frame.
    const seq = log.append(Direction.In, Kind.Binary, bytes(2), 0, 1);
    store.noteEntry(Direction.In, seq);
    parser.push(hex('8202 0000'));
    assert.deepEqual(store.framesOf(seq).map((f) => [f.index, f.opcode, f.payloadLength]), [[3, 2, 2]]);
  });

  it('forgets a derived frame with its entry, and evicts beyond maxFrames', () => {
    const log = new EntryLog({ maxEntries: 3 });
    const p = pair({ log, maxFrames: 1000 });
    for (let i = 0; i < 5; i++) {
      p.read('810161');
      p.entry(Direction.In, Kind.Text, Buffer.from('a'));
    }
    assert.equal(p.derived.get(0), undefined, 'its entry was evicted');
    assert.deepEqual(p.derived.framesOf(0), []);
    assert.equal(p.derived.get(4)!.seq, 4);
    const q = pair({ maxFrames: 3 });
    for (let i = 0; i < 600; i++) {
      q.read('810161');
      q.entry(Direction.In, Kind.Text, Buffer.from('a'));
    }
    assert.equal(q.derived.size, 3);
    assert.equal(q.derived.get(596), undefined);
    assert.deepEqual(q.derived.framesOf(596), []);
    assert.deepEqual(allFrames(q.derived), allFrames(q.full));
  });

  it('holds a million single-frame messages in almost nothing', () => {
    const log = new EntryLog({ maxEntries: 1_000_000 });
    const store = new WireFrameStore({ maxFrames: 1_000_000, entries: log });
    const h = { b0: 0x81, fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 1, masked: false, maskKey: 0, lengthHigh: 0, lengthLow: 1, headerLength: 2, anomalies: 0 };
    const payload = Buffer.from('a');
    for (let i = 0; i < 1_200_000; i++) {
      store.add(Direction.In, h, i);
      store.noteEntry(Direction.In, log.append(Direction.In, Kind.Text, payload, 0, i));
    }
    assert.equal(store.size, 1_000_000);
    assert.ok(store.memoryBytes < 100_000, `${store.memoryBytes} bytes`);
    assert.equal(store.get(700_000)!.seq, 700_000);
    assert.equal(store.framesOf(1_199_999)[0]!.index, 1_199_999);
  });
});
