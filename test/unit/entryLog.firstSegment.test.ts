// EntryLogOptions.firstSegmentBytes: a log that may stay small (a listener's peer) starts with a small
// segment and grows with what it holds, and keeps every entry exact doing so: appends, socket reads into
// the log, entries placed while a read is under way, eviction at its caps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';

const KiB = 1024;

/** Deterministic bytes for entry `n`. */
function payloadFor(n: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  for (let i = 0; i < size; i++) p[i] = (n * 31 + i * 7) & 0xff;
  return p;
}

describe('EntryLog with a small first segment', () => {
  it('holds a one-byte log in kilobytes, where a standard first segment takes 1.2 MiB', () => {
    const small = new EntryLog({ firstSegmentBytes: 16 * KiB });
    const standard = new EntryLog();
    for (const log of [small, standard]) log.append(Direction.In, Kind.Data, new Uint8Array([1]));
    assert.ok(small.memoryBytes <= 17 * KiB, `${small.memoryBytes} bytes`);
    assert.ok(standard.memoryBytes > 1024 * KiB, `${standard.memoryBytes} bytes`);
  });

  it('grows its segments with what it holds, so a large log costs about what it holds', () => {
    const log = new EntryLog({ firstSegmentBytes: 16 * KiB });
    const expected: Uint8Array[] = [];
    for (let n = 0; n < 4000; n++) {
      const p = payloadFor(n, 1 + ((n * 997) % 3000));
      expected.push(p);
      log.append(n % 2 ? Direction.In : Direction.Out, Kind.Binary, p);
    }
    const bytes = expected.reduce((s, p) => s + p.length, 0);
    assert.equal(log.retainedBytes, bytes);
    assert.ok(log.memoryBytes < bytes * 1.6, `${log.memoryBytes} bytes hold ${bytes}`);
    expected.forEach((p, seq) => assert.deepEqual(log.payload(seq), p, `entry ${seq}`));
  });

  it('reads into small segments side by side, with entries appended during a read placed apart, all exact', () => {
    const log = new EntryLog({ firstSegmentBytes: 16 * KiB, maxBytes: 200 * KiB });
    log.beginReads(() => false);
    const expected = new Map<number, Uint8Array>();
    const one = new Uint32Array([0]);
    const end = new Uint32Array(1);
    for (let round = 0; round < 400; round++) {
      const space = log.claimRead(64 * KiB, 16 * KiB);
      // Something else is logged while the read is under way (an Open entry, a reply).
      const note = payloadFor(100_000 + round, 30 + (round % 50));
      expected.set(log.append(Direction.Out, Kind.Text, note), note);
      const nread = Math.min(space.length, 1 + ((round * 7919) % 6000));
      space.set(payloadFor(round, nread).subarray(0, nread));
      assert.equal(log.commitRead(space, nread), true);
      end[0] = nread;
      log.appendSpans(NaN, performance.now(), Direction.In, Kind.Data, space, one, end, 1);
      expected.set(log.nextSeq - 1, payloadFor(round, nread));
    }
    log.endReads(false);
    let checked = 0;
    for (const [seq, payload] of expected) {
      if (!log.has(seq)) continue;
      assert.deepEqual(log.payload(seq), payload, `entry ${seq}`);
      checked++;
    }
    assert.ok(checked > 100 && log.dropped.entries > 0, `${checked} checked, ${log.dropped.entries} evicted`);
    assert.ok(log.retainedBytes <= 200 * KiB);
  });
});
