import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  batchDirection,
  batchKind,
  batchPayload,
  decodeEntryBatch,
  encodeEntryList,
  encodeEntryRange,
  exactArrayBuffer,
} from '../../shared/entryBatch';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { forAll } from '../support/seededRandom';

const text = (s: string) => new TextEncoder().encode(s);

function sampleLog(): EntryLog {
  const log = new EntryLog();
  log.append(Direction.In, Kind.Text, text('hello'));
  log.append(Direction.Out, Kind.Binary, new Uint8Array([0, 255, 128]));
  log.append(Direction.In, Kind.Close, text('going away'), 1001);
  log.appendText(Direction.Meta, Kind.Closed, 'Connection closed');
  log.append(Direction.In, Kind.Text, new Uint8Array(0));
  return log;
}

describe('entry batches', () => {
  it('round-trips a range with every column exact', () => {
    const log = sampleLog();
    const batch = decodeEntryBatch(encodeEntryRange(log, 0, log.nextSeq, 1024));
    assert.equal(batch.count, 5);
    assert.deepEqual([...batch.seq], [0, 1, 2, 3, 4]);
    for (let i = 0; i < batch.count; i++) {
      const e = log.get(i)!;
      assert.equal(batch.wallTime[i], e.wallTime);
      assert.equal(batchDirection(batch, i), e.direction);
      assert.equal(batchKind(batch, i), e.kind);
      assert.equal(batch.length[i], e.length);
      assert.equal(batch.code[i], e.code);
      assert.deepEqual([...batchPayload(batch, i)], [...e.payload]);
    }
    assert.equal(batch.code[2], 1001);
  });

  it('caps carried bytes per entry and keeps the true length', () => {
    const log = new EntryLog();
    log.append(Direction.In, Kind.Binary, new Uint8Array(10_000).fill(7));
    log.append(Direction.In, Kind.Text, text('short'));
    const batch = decodeEntryBatch(encodeEntryRange(log, 0, 2, 16));
    assert.equal(batch.length[0], 10_000);
    assert.equal(batchPayload(batch, 0).length, 16);
    assert.deepEqual([...batchPayload(batch, 1)], [...text('short')]);
    assert.equal(batch.previewCap, 16);
  });

  it('clamps a range to the retained entries and walks across segments', () => {
    const log = new EntryLog({ maxEntries: 40_000 });
    for (let i = 0; i < 50_000; i++) log.append(Direction.In, Kind.Text, text(`m${i}`));
    assert.equal(log.firstSeq, 10_000);
    const batch = decodeEntryBatch(encodeEntryRange(log, 9_990, 30_000, 64));
    assert.equal(batch.count, 20_000);
    assert.equal(batch.seq[0], 10_000);
    assert.equal(new TextDecoder().decode(batchPayload(batch, 19_999)), 'm29999');
    assert.equal(decodeEntryBatch(encodeEntryRange(log, 60_000, 70_000, 64)).count, 0);
  });

  it('encodes a list of seqs in the given order, skipping those not retained', () => {
    const log = sampleLog();
    log.clear();
    log.append(Direction.Out, Kind.Text, text('after clear'));
    const batch = decodeEntryBatch(encodeEntryList(log, new Float64Array([0, 5, 42, 5.5]), 64));
    assert.deepEqual([...batch.seq], [5]);
    assert.equal(batchDirection(batch, 0), Direction.Out);
    assert.equal(new TextDecoder().decode(batchPayload(batch, 0)), 'after clear');
  });

  it('refuses buffers that are not batches', () => {
    assert.throws(() => decodeEntryBatch(new ArrayBuffer(4)), /too short/);
    assert.throws(() => decodeEntryBatch(new ArrayBuffer(64)), /bad magic/);
    const good = encodeEntryRange(sampleLog(), 0, 5, 64);
    assert.throws(() => decodeEntryBatch(good.slice(0, good.byteLength - 1)), /size does not match/);
    // The first entry's length (the varint after the time runs' lengths) no longer matches the payload.
    const corrupt = good.slice(0);
    const header = new Uint32Array(corrupt, 0, 8);
    const lengthsAt = 40 + header[5]! * 8 + header[5]!;
    new Uint8Array(corrupt)[lengthsAt] = 100;
    assert.throws(() => decodeEntryBatch(corrupt), /lengths do not add up/);
  });

  it('copies a view into a pooled buffer to exactly its own bytes', () => {
    const pooled = Buffer.from('abc'); // small Buffers are slices of a shared 8 KiB pool
    assert.ok(pooled.buffer.byteLength > 3);
    const exact = exactArrayBuffer(pooled);
    assert.equal(exact.byteLength, 3);
    assert.ok(!Buffer.isBuffer(exact));
    assert.deepEqual([...new Uint8Array(exact)], [97, 98, 99]);
  });

  it('packs 64-byte frames read together in at most 1.05 times their payload', () => {
    // As WsConnection logs a flood: every message parsed from one socket read has the read's time.
    const log = new EntryLog();
    const payload = new Uint8Array(64).fill(120);
    for (let read = 0; read < 10; read++) {
      for (let m = 0; m < 1000; m++) log.append(Direction.In, Kind.Text, payload, 0, 1000 + read);
    }
    const buffer = encodeEntryRange(log, 0, log.nextSeq, 256);
    assert.ok(buffer.byteLength <= 10_000 * 64 * 1.05, `${buffer.byteLength / 10_000} bytes per frame`);
    const batch = decodeEntryBatch(buffer);
    assert.equal(batch.count, 10_000);
    assert.equal(batch.wallTime[999], log.wallTime(999));
    assert.equal(batch.wallTime[1000], log.wallTime(1000));
    assert.notEqual(batch.wallTime[999], batch.wallTime[1000]);
  });

  it('keeps close codes and payload order in a list given out of order', () => {
    const log = sampleLog();
    const batch = decodeEntryBatch(encodeEntryList(log, [3, 2, 0], 4));
    assert.deepEqual([...batch.seq], [3, 2, 0]);
    assert.deepEqual([...batch.code], [0, 1001, 0]);
    assert.deepEqual([...batch.length], [17, 10, 5]);
    assert.deepEqual(new TextDecoder().decode(batchPayload(batch, 1)), 'goin');
    assert.deepEqual(new TextDecoder().decode(batchPayload(batch, 2)), 'hell');
  });

  it('refuses batches whose varints, time runs or codes do not hold together', () => {
    const good = encodeEntryRange(sampleLog(), 0, 5, 64);
    const header = (b: ArrayBuffer) => new Uint32Array(b, 0, 8);
    const runs = good.slice(0);
    // One more entry claimed by the first time run.
    const runBytes = new Uint8Array(runs);
    runBytes[40 + header(runs)[5]! * 8]! += 1;
    assert.throws(() => decodeEntryBatch(runs), /time runs do not add up/);
    const truncated = good.slice(0);
    // Every varint byte says "more follows".
    const varStart = 40 + header(truncated)[5]! * 8;
    new Uint8Array(truncated).fill(0x80, varStart, varStart + header(truncated)[6]!);
    assert.throws(() => decodeEntryBatch(truncated), /malformed varints|do not add up/);
  });

  it('round-trips random ranges and lists of a random log (seeded)', () => {
    forAll('round-trips random ranges and lists of a random log', 0x5eb2, 40, (rng) => {
      const log = new EntryLog({ maxEntries: rng.range(50, 400) });
      const cap = rng.range(0, 300);
      // Half the logs take socket reads (EntryLog.claimRead): frames side by side at the front of a
      // slab, everything else from its back, so payloads do not lie in the order of their entries.
      const reading = rng.chance(0.5);
      if (reading) log.beginReads(() => false);
      let mono = 0;
      for (let i = 0, n = rng.range(1, 600); i < n; i++) {
        if (rng.chance(0.4)) mono += rng.range(1, 5) / 7;
        const kind = rng.chance(0.1) ? Kind.Close : rng.chance(0.5) ? Kind.Text : Kind.Binary;
        const length = rng.chance(0.1) ? rng.range(200, 3000) : rng.range(0, 130);
        if (reading && rng.chance(0.3)) {
          const space = log.claimRead(rng.range(64, 4096), 64);
          const starts: number[] = [];
          const ends: number[] = [];
          let at = 0;
          for (;;) {
            const header = rng.range(2, 14);
            const size = rng.chance(0.1) ? rng.range(200, 1000) : rng.range(0, 130);
            if (at + header + size > space.length) break;
            starts.push(at + header);
            ends.push(at + header + size);
            at += header + size;
          }
          space.set(rng.bytes(at));
          log.commitRead(space, at);
          log.appendSpans(NaN, mono, Direction.In, Kind.Binary, space, starts, ends, starts.length);
        } else if (rng.chance(0.2)) {
          // Framed messages stored with the delimiters between them (EntryLog.appendSpans).
          const chunk = rng.bytes(rng.range(1, 400));
          const cuts = Array.from({ length: rng.range(2, 12) }, () => rng.int(chunk.length + 1)).sort((a, b) => a - b);
          const starts: number[] = [];
          const ends: number[] = [];
          for (let c = 0; c + 1 < cuts.length; c += 2) {
            starts.push(cuts[c]!);
            ends.push(cuts[c + 1]!);
          }
          log.appendSpans(mono + 5000, mono, Direction.In, Kind.Data, chunk, starts, ends, starts.length);
        } else {
          log.append(rng.chance(0.5) ? Direction.In : Direction.Out, kind, rng.bytes(length), kind === Kind.Close && rng.chance(0.8) ? rng.range(1000, 4999) : 0, mono);
        }
      }
      const check = (batch: ReturnType<typeof decodeEntryBatch>, seqs: number[]): void => {
        assert.deepEqual([...batch.seq], seqs);
        for (let i = 0; i < batch.count; i++) {
          const e = log.get(seqs[i]!)!;
          assert.equal(batch.wallTime[i], e.wallTime);
          assert.equal(batch.length[i], e.length);
          assert.equal(batch.code[i], e.code);
          assert.equal(batchDirection(batch, i), e.direction);
          assert.equal(batchKind(batch, i), e.kind);
          assert.deepEqual(batchPayload(batch, i), e.payload.subarray(0, cap));
        }
      };
      const from = log.firstSeq - 5 + rng.int(log.size + 10);
      const to = from + rng.int(log.size + 10);
      const expected: number[] = [];
      for (let q = Math.max(from, log.firstSeq); q < Math.min(to, log.nextSeq); q++) expected.push(q);
      check(decodeEntryBatch(encodeEntryRange(log, from, to, cap)), expected);
      const listed = Array.from({ length: rng.int(50) }, () => log.firstSeq - 10 + rng.int(log.size + 20));
      check(decodeEntryBatch(encodeEntryList(log, listed, cap)), listed.filter((q) => log.has(q)));
    });
  });
});
