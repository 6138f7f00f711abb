import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';

const bytes = (...values: number[]) => new Uint8Array(values);
/** A payload whose bytes encode its own index, so any mix-up between entries shows. */
function payloadFor(i: number, length: number): Uint8Array {
  const p = new Uint8Array(length);
  for (let j = 0; j < length; j++) p[j] = (i * 31 + j) & 0xff;
  return p;
}

describe('EntryLog', () => {
  it('keeps entries in order with exact bytes, direction, kind and code', () => {
    const log = new EntryLog();
    const a = log.append(Direction.Out, Kind.Text, new TextEncoder().encode('hello'));
    const b = log.append(Direction.In, Kind.Binary, bytes(0, 255, 128));
    const c = log.append(Direction.In, Kind.Close, new TextEncoder().encode('bye'), 4001);
    const d = log.appendText(Direction.Meta, Kind.Open, 'connected');
    assert.deepEqual([a, b, c, d], [0, 1, 2, 3]);
    assert.equal(log.size, 4);
    assert.equal(log.firstSeq, 0);
    assert.equal(log.nextSeq, 4);

    const eb = log.get(b)!;
    assert.equal(eb.direction, Direction.In);
    assert.equal(eb.kind, Kind.Binary);
    assert.equal(eb.length, 3);
    assert.deepEqual([...eb.payload], [0, 255, 128]);
    assert.equal(eb.code, 0);
    assert.equal(log.code(c), 4001);
    assert.equal(new TextDecoder().decode(log.payload(c)), 'bye');
    assert.equal(new TextDecoder().decode(log.payload(d)), 'connected');
    assert.equal(log.kind(d), Kind.Open);
    assert.equal(log.direction(a), Direction.Out);
    assert.equal(log.length(a), 5);
    assert.equal(log.get(99), undefined);
    assert.equal(log.get(-1), undefined);
    assert.equal(log.get(1.5), undefined);
  });

  it('copies the payload, so a reused source buffer does not change the log', () => {
    const log = new EntryLog();
    const pool = new Uint8Array(64).fill(7);
    log.append(Direction.In, Kind.Binary, pool.subarray(8, 12));
    pool.fill(9);
    assert.deepEqual([...log.payload(0)!], [7, 7, 7, 7]);
  });

  it('stamps wall-clock and monotonic times that agree with the clocks', () => {
    const log = new EntryLog();
    const before = Date.now();
    const monoBefore = performance.now();
    log.append(Direction.In, Kind.Data, bytes(1));
    const after = Date.now();
    const e = log.get(0)!;
    assert.ok(e.monoTime >= monoBefore && e.monoTime <= performance.now());
    // The wall time is derived from the monotonic clock; allow the 1 ms granularity of Date.now().
    assert.ok(e.wallTime >= before - 1 && e.wallTime <= after + 1, `${e.wallTime} not in [${before}, ${after}]`);
    log.append(Direction.In, Kind.Data, bytes(2), 0, 12345.5);
    assert.equal(log.monoTime(1), 12345.5);
  });

  it('keeps totals per direction, counting evicted entries too', () => {
    const log = new EntryLog({ maxEntries: 2 });
    log.append(Direction.In, Kind.Data, bytes(1, 2, 3));
    log.append(Direction.Out, Kind.Data, bytes(1));
    log.append(Direction.In, Kind.Data, bytes(1, 2));
    log.appendText(Direction.Meta, Kind.Closed, 'x');
    assert.deepEqual(log.totals(Direction.In), { entries: 2, bytes: 5 });
    assert.deepEqual(log.totals(Direction.Out), { entries: 1, bytes: 1 });
    assert.deepEqual(log.totals(Direction.Meta), { entries: 1, bytes: 1 });
  });

  it('evicts the oldest entries beyond maxEntries and counts every dropped one', () => {
    const log = new EntryLog({ maxEntries: 1000 });
    for (let i = 0; i < 50_000; i++) log.append(Direction.In, Kind.Data, payloadFor(i, 1 + (i % 40)));
    assert.equal(log.size, 1000);
    assert.equal(log.firstSeq, 49_000);
    assert.equal(log.dropped.entries, 49_000);
    let droppedBytes = 0;
    for (let i = 0; i < 49_000; i++) droppedBytes += 1 + (i % 40);
    assert.equal(log.dropped.bytes, droppedBytes);
    assert.equal(log.get(48_999), undefined);
    for (const seq of [49_000, 49_500, 49_999]) {
      assert.deepEqual(log.payload(seq), payloadFor(seq, 1 + (seq % 40)));
    }
  });

  it('evicts by bytes and always keeps the newest entry, even one larger than the cap', () => {
    const log = new EntryLog({ maxBytes: 100 });
    for (let i = 0; i < 10; i++) log.append(Direction.In, Kind.Binary, payloadFor(i, 30));
    assert.ok(log.retainedBytes <= 100);
    assert.equal(log.size, 3);
    assert.equal(log.dropped.entries, 7);
    assert.equal(log.dropped.bytes, 210);
    log.append(Direction.In, Kind.Binary, payloadFor(10, 500));
    assert.equal(log.size, 1);
    assert.equal(log.firstSeq, 10);
    assert.deepEqual(log.payload(10), payloadFor(10, 500));
  });

  it('reads back correctly across many segments, with payloads larger than a segment slab', () => {
    const log = new EntryLog();
    const sizes = [0, 1, 64, 70_000, 2 * 1024 * 1024, 3, 1024 * 1024, 5];
    const seqs: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20_000; i++) seqs.push(log.append(Direction.In, Kind.Binary, payloadFor(seqs.length, 16)));
      for (const size of sizes) seqs.push(log.append(Direction.Out, Kind.Binary, payloadFor(seqs.length, size)));
    }
    for (const seq of seqs) {
      const expected = log.direction(seq) === Direction.Out ? sizes[(seq % (20_000 + sizes.length)) - 20_000]! : 16;
      const p = log.payload(seq)!;
      assert.equal(p.length, expected, `length of ${seq}`);
      assert.deepEqual(p, payloadFor(seq, expected), `payload of ${seq}`);
    }
  });

  it('walks runs of raw columns that cover exactly the requested retained range', () => {
    const log = new EntryLog({ maxEntries: 30_000 });
    for (let i = 0; i < 40_000; i++) log.append(i % 2 ? Direction.In : Direction.Out, Kind.Text, payloadFor(i, 8));
    const seen: number[] = [];
    log.forEachRun(0, 25_000, (run) => {
      for (let i = run.from; i < run.to; i++) {
        const seq = run.seq + (i - run.from);
        seen.push(seq);
        const start = i === 0 ? 0 : run.ends[i - 1]!;
        assert.deepEqual(run.bytes.subarray(start, run.ends[i]), payloadFor(seq, 8));
        assert.equal(run.dirKind[i]! >> 4, seq % 2 ? Direction.In : Direction.Out);
      }
    });
    assert.equal(seen.length, 15_000);
    assert.equal(seen[0], 10_000);
    assert.equal(seen.at(-1), 24_999);
    assert.ok(seen.every((s, i) => i === 0 || s === seen[i - 1]! + 1));
  });

  it('clears retained entries and totals while seqs keep increasing', () => {
    const log = new EntryLog();
    let cleared = 0;
    log.onDidClear(() => cleared++);
    log.append(Direction.In, Kind.Text, bytes(65));
    log.append(Direction.In, Kind.Close, bytes(), 1000);
    log.clear();
    assert.equal(cleared, 1);
    assert.equal(log.size, 0);
    assert.equal(log.retainedBytes, 0);
    assert.deepEqual(log.totals(Direction.In), { entries: 0, bytes: 0 });
    assert.equal(log.get(0), undefined);
    assert.equal(log.append(Direction.In, Kind.Text, bytes(66)), 2);
    assert.equal(log.code(1), 0);
  });

  it('announces each append with its seq', () => {
    const log = new EntryLog();
    const seen: number[] = [];
    const sub = log.onDidAppend((seq) => seen.push(seq));
    log.append(Direction.In, Kind.Text, bytes(1));
    log.append(Direction.In, Kind.Text, bytes(2));
    sub.dispose();
    log.append(Direction.In, Kind.Text, bytes(3));
    assert.deepEqual(seen, [0, 1]);
  });

  it('holds a million 64-byte entries in little more than their payload', () => {
    const log = new EntryLog({ maxEntries: 1_000_000 });
    const p = payloadFor(1, 64);
    for (let i = 0; i < 1_000_000; i++) log.append(Direction.In, Kind.Binary, p);
    assert.equal(log.size, 1_000_000);
    const perEntry = log.memoryBytes / log.size;
    // 64 payload + 8 time + 4 end offset + 1 direction/kind, plus slack of the open segment.
    assert.ok(perEntry <= 64 + 16, `memory per entry ${perEntry.toFixed(1)} B`);
  });
  it('recycles segments trimmed to a few large entries for many small ones, entries exact throughout', () => {
    // 64 KiB entries seal segments of 16 entries (columns trimmed to 16); at the byte cap those segments
    // are recycled, and small entries must then grow their columns instead of losing anything.
    const log = new EntryLog({ maxBytes: 3 * 1024 * 1024 });
    const big = (i: number) => Buffer.alloc(65536, i & 0xff);
    const small = (i: number) => Buffer.from(`small ${i}`);
    for (let i = 0; i < 200; i++) log.append(Direction.In, Kind.Binary, big(i));
    const firstSmall = log.nextSeq;
    let firstBig = Infinity;
    const check = () => {
      for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
        const expected = seq >= firstBig ? big(seq - firstBig) : seq >= firstSmall ? small(seq - firstSmall) : big(seq);
        assert.ok(Buffer.from(log.payload(seq)!).equals(expected), `payload of ${seq}`);
      }
      assert.ok(log.retainedBytes <= 3 * 1024 * 1024);
    };
    // The small entries push the oldest big ones out: their trimmed segments are reused for small ones.
    for (let i = 0; i < 100_000; i++) log.append(Direction.In, Kind.Text, small(i));
    check();
    assert.ok(log.firstSeq < firstSmall + 10, 'the small entries are retained');
    firstBig = log.nextSeq;
    for (let i = 0; i < 300; i++) log.append(Direction.Out, Kind.Binary, big(i));
    check();
  });

  it('appends reserved space filled in place, across segments and at the retention cap, and survives an unused reservation', () => {
    const log = new EntryLog({ maxBytes: 2 * 1024 * 1024 });
    const one = new Uint32Array([0]);
    const end = new Uint32Array(1);
    const sizes = [65536, 100, 300_000, 65536, 5, 2 * 1024 * 1024 + 7, 65536];
    const appended: Array<{ seq: number; size: number; i: number }> = [];
    for (let round = 0; round < 40; round++) {
      const i = round % sizes.length;
      const size = sizes[i]!;
      if (size < 4096) {
        appended.push({ seq: log.append(Direction.In, Kind.Text, payloadFor(round, size)), size, i: round });
        continue;
      }
      const room = log.reserve(size);
      assert.equal(room.length, size);
      room.set(payloadFor(round, size));
      if (round % 5 === 4) continue; // never appended: the next append takes the room
      const seq = log.nextSeq;
      end[0] = size;
      log.appendSpans(NaN, performance.now(), Direction.In, Kind.Binary, room, one, end, 1);
      appended.push({ seq, size, i: round });
    }
    const retained = appended.filter((a) => a.seq >= log.firstSeq);
    assert.ok(retained.length >= 2, 'some entries retained');
    assert.equal(log.firstSeq + retained.length, log.nextSeq, 'nothing but what was appended');
    for (const a of retained) assert.deepEqual(log.payload(a.seq), payloadFor(a.i, a.size), `entry ${a.seq} (round ${a.i})`);
  });
});

describe('EntryLog, socket reads into its tail', () => {
  /** Writes frame-like records (a 2-byte header, then `size` payload bytes) into `space`; returns their payload spans. */
  function fill(space: Uint8Array, round: number, sizes: number[]): { nread: number; starts: number[]; ends: number[] } {
    const starts: number[] = [];
    const ends: number[] = [];
    let at = 0;
    sizes.forEach((wanted, k) => {
      // As much of each record as the space holds (a read takes what fits).
      const size = Math.max(0, Math.min(wanted, space.length - at - 2));
      if (at + 2 > space.length) return;
      space[at] = 0x82;
      space[at + 1] = size & 0x7f;
      space.set(payloadFor(round * 100 + k, size), at + 2);
      starts.push(at + 2);
      ends.push(at + 2 + size);
      at += 2 + size;
    });
    return { nread: at, starts, ends };
  }

  function logRead(log: EntryLog, space: Uint8Array, read: { nread: number; starts: number[]; ends: number[] }): number[] {
    assert.equal(log.commitRead(space, read.nread), true);
    const view = new Uint8Array(space.buffer, space.byteOffset, read.nread);
    const first = log.nextSeq;
    log.appendSpans(NaN, performance.now(), Direction.In, Kind.Binary, view, Uint32Array.from(read.starts), Uint32Array.from(read.ends), read.starts.length);
    return Array.from({ length: read.starts.length }, (_, k) => first + k);
  }

  it('logs spans of each read where it was read, reads side by side, everything else from the back', () => {
    const log = new EntryLog();
    log.beginReads(() => false);
    const expected = new Map<number, Uint8Array>();
    let previous: { buffer: ArrayBufferLike; end: number } | undefined;
    let adjacent = 0;
    for (let round = 0; round < 200; round++) {
      const space = log.claimRead(65536, 16384);
      if (previous && space.buffer === previous.buffer) {
        assert.equal(space.byteOffset, previous.end, `read ${round} starts where the previous one ended`);
        adjacent++;
      }
      // While the read is under way other entries are logged: they must not land in its space.
      const sent = payloadFor(10_000 + round, 40 + round);
      expected.set(log.append(Direction.Out, Kind.Text, sent), sent);
      const sizes = [100, 3, 1000 + (round % 7) * 500, 0, 77];
      const read = fill(space, round, sizes);
      const seqs = logRead(log, space, read);
      seqs.forEach((seq, k) => {
        const payload = log.payload(seq)!;
        const size = read.ends[k]! - read.starts[k]!;
        expected.set(seq, payloadFor(round * 100 + k, size));
        if (size > 0) {
          assert.equal(payload.buffer, space.buffer, 'logged where it was read, not copied');
          assert.equal(payload.byteOffset, space.byteOffset + read.starts[k]!);
        }
      });
      previous = { buffer: space.buffer, end: space.byteOffset + read.nread };
    }
    assert.ok(adjacent > 150, `most reads follow the previous one (${adjacent})`);
    for (const [seq, payload] of expected) assert.deepEqual(log.payload(seq), payload, `entry ${seq}`);
  });

  it('places reserved space at the back while reading, and keeps every entry exact across segments', () => {
    const log = new EntryLog();
    log.beginReads(() => false);
    const one = new Uint32Array([0]);
    const end = new Uint32Array(1);
    const expected = new Map<number, Uint8Array>();
    for (let round = 0; round < 120; round++) {
      const space = log.claimRead(65536, 16384);
      const read = fill(space, round, [60_000 - (round % 3) * 20_000]);
      for (const [k, seq] of logRead(log, space, read).entries()) expected.set(seq, payloadFor(round * 100 + k, read.ends[k]! - read.starts[k]!));
      // A payload joined from several reads, written into reserved space and appended where it lies.
      const size = 5000 + round * 97;
      const room = log.reserve(size);
      const bytes = payloadFor(20_000 + round, size);
      room.set(bytes);
      end[0] = size;
      const seq = log.nextSeq;
      log.appendSpans(NaN, performance.now(), Direction.In, Kind.Text, room, one, end, 1);
      assert.equal(log.payload(seq)!.buffer, room.buffer, 'appended in place');
      expected.set(seq, bytes);
    }
    for (const [seq, payload] of expected) assert.deepEqual(log.payload(seq), payload, `entry ${seq}`);
  });

  it('does not reuse a slab the reader still holds, and recycles the others at the cap', () => {
    const log = new EntryLog({ maxBytes: 2 * 1024 * 1024 });
    let held: ArrayBufferLike | undefined;
    log.beginReads((buffer) => buffer === held);
    const space = log.claimRead(65536, 16384);
    const read = fill(space, 0, [1000]);
    logRead(log, space, read);
    held = space.buffer;
    const before = Uint8Array.prototype.slice.call(new Uint8Array(space.buffer, space.byteOffset, read.nread));
    const buffers = new Set<ArrayBufferLike>();
    let movedOn = false;
    let heldReused = false;
    for (let round = 1; round < 600; round++) {
      const s = log.claimRead(65536, 16384);
      buffers.add(s.buffer);
      // Reads go on in the held slab until it is full; it must not come back after.
      if (s.buffer !== space.buffer) movedOn = true;
      else if (movedOn) heldReused = true;
      logRead(log, s, fill(s, round, [30_000, 30_000]));
    }
    assert.ok(log.dropped.entries > 0, 'the cap evicted the first read');
    assert.ok(!heldReused, 'the held slab was not reused');
    assert.deepEqual(new Uint8Array(space.buffer, space.byteOffset, read.nread), before, 'the held bytes are untouched');
    // 36 MB went through a 2 MiB cap in 1 MiB slabs.
    assert.ok(buffers.size <= 6, `released slabs are recycled (${buffers.size} slabs for 36 MB)`);
  });

  it('moves what was placed at the back down when a segment is sealed, entries exact, the slab trimmed', () => {
    const log = new EntryLog();
    log.beginReads(() => false);
    const expected = new Map<number, Uint8Array>();
    for (let round = 0; round < 5; round++) {
      const space = log.claimRead(65536, 16384);
      const sent = payloadFor(500 + round, 300);
      expected.set(log.append(Direction.Out, Kind.Text, sent), sent);
      const read = fill(space, round, [1000, 0, 20]);
      for (const [k, seq] of logRead(log, space, read).entries()) expected.set(seq, payloadFor(round * 100 + k, read.ends[k]! - read.starts[k]!));
    }
    assert.ok(log.memoryBytes > 1024 * 1024, 'a whole slab while reading');
    log.endReads(false);
    log.compact();
    assert.ok(log.memoryBytes < 64 * 1024, `${log.memoryBytes} bytes once sealed`);
    for (const [seq, payload] of expected) assert.deepEqual(log.payload(seq), payload, `entry ${seq}`);
    // Appending still works, after the moved bytes.
    const more = payloadFor(9, 5000);
    const seq = log.append(Direction.In, Kind.Binary, more);
    assert.deepEqual(log.payload(seq), more);
    for (const [s2, payload] of expected) assert.deepEqual(log.payload(s2), payload, `entry ${s2} after`);
  });

  it('keeps the space of a read under way when reads end or the log is cleared', () => {
    for (const stop of ['endReads', 'clear'] as const) {
      const log = new EntryLog();
      log.beginReads(() => false);
      logRead(log, log.claimRead(65536, 16384), { nread: 10, starts: [2], ends: [10] });
      const space = log.claimRead(65536, 16384);
      if (stop === 'endReads') log.endReads();
      else log.clear();
      const seqs: number[] = [];
      for (let i = 0; i < 50; i++) seqs.push(log.append(Direction.Out, Kind.Binary, payloadFor(i, 3000)));
      // The read lands now.
      space.fill(0xee);
      assert.equal(log.commitRead(space, space.length), false, `${stop}: the log no longer takes the read`);
      seqs.forEach((seq, i) => assert.deepEqual(log.payload(seq), payloadFor(i, 3000), `${stop}: entry ${seq}`));
      // Its spans can still be logged.
      const seq = log.nextSeq;
      log.appendSpans(NaN, performance.now(), Direction.In, Kind.Binary, space, new Uint32Array([5]), new Uint32Array([9]), 1);
      assert.deepEqual(log.payload(seq), new Uint8Array([0xee, 0xee, 0xee, 0xee]));
      seqs.forEach((s, i) => assert.deepEqual(log.payload(s), payloadFor(i, 3000), `${stop}: entry ${s} afterwards`));
    }
  });
});
