import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SegmentDeque } from '../../src/core/log/segmentDeque';

/** A stand-in segment: records [base, base + size). */
class Seg {
  constructor(
    readonly base: number,
    readonly size: number,
  ) {}
}

/** A deque of `n` segments of `size` records each, from record 0. */
function filled(n: number, size: number): SegmentDeque<Seg> {
  const deque = new SegmentDeque<Seg>();
  for (let k = 0; k < n; k++) deque.push(new Seg(k * size, size), k * size);
  return deque;
}

/** The bases of the live segments, oldest first, read through at() and checked against baseAt(). */
function bases(deque: SegmentDeque<Seg>): number[] {
  const out: number[] = [];
  for (let k = 0; k < deque.length; k++) {
    assert.equal(deque.at(k).base, deque.baseAt(k));
    out.push(deque.at(k).base);
  }
  return out;
}

describe('SegmentDeque', () => {
  it('is empty at first: no oldest, newest or spare, and find answers 0', () => {
    const deque = new SegmentDeque<Seg>();
    assert.equal(deque.length, 0);
    assert.equal(deque.oldest, undefined);
    assert.equal(deque.newest, undefined);
    assert.equal(deque.spare, undefined);
    assert.equal(deque.find(123), 0);
    deque.releaseOldest();
    assert.equal(deque.length, 0);
    assert.equal(deque.spare, undefined);
  });

  it('keeps segments oldest first and tells the oldest and the newest', () => {
    const deque = filled(3, 10);
    assert.equal(deque.length, 3);
    assert.deepEqual(bases(deque), [0, 10, 20]);
    assert.equal(deque.oldest?.base, 0);
    assert.equal(deque.newest?.base, 20);
  });

  it('finds the segment holding a record: the last one starting at or before it', () => {
    const deque = filled(5, 10);
    for (let record = 0; record < 50; record++) {
      const k = deque.find(record);
      assert.equal(deque.at(k).base, Math.floor(record / 10) * 10, `record ${record}`);
    }
    // Past the newest segment's start: the newest. Before the oldest: position 0, which the caller checks.
    assert.equal(deque.find(1e9), 4);
    assert.equal(deque.find(-1), 0);
  });

  it('finds with uneven sizes and gaps between segments (a frame store skips implied frames)', () => {
    const deque = new SegmentDeque<Seg>();
    const starts = [0, 3, 4, 100, 101, 5000];
    for (const b of starts) deque.push(new Seg(b, 1), b);
    assert.deepEqual([2, 3, 4, 99, 100, 101, 4999, 5000, 5001].map((r) => deque.at(deque.find(r)).base), [0, 3, 4, 4, 100, 101, 101, 5000, 5000]);
  });

  it('releases from the front, keeps the last released as the spare until taken', () => {
    const deque = filled(4, 10);
    const first = deque.oldest!;
    deque.releaseOldest();
    assert.equal(deque.spare, first);
    assert.deepEqual(bases(deque), [10, 20, 30]);
    assert.equal(deque.find(5), 0, 'a released record is not found; position 0 is the oldest live');
    assert.equal(deque.at(deque.find(25)).base, 20);
    const second = deque.oldest!;
    deque.releaseOldest();
    assert.equal(deque.spare, second, 'the newer release replaces the spare');
    assert.equal(deque.takeSpare(), second);
    assert.equal(deque.spare, undefined);
    assert.equal(deque.takeSpare(), undefined);
  });

  it('stays exact across compactions while segments are pushed and released like a flood at the cap', () => {
    const deque = new SegmentDeque<Seg>();
    let nextBase = 0;
    const live: number[] = [];
    // Keep about 40 live segments while 10,000 pass through: the front is compacted many times.
    for (let round = 0; round < 10_000; round++) {
      const reused = deque.takeSpare();
      const seg = reused ? new Seg(nextBase, reused.size) : new Seg(nextBase, 7);
      deque.push(seg, nextBase);
      live.push(nextBase);
      nextBase += 7;
      if (live.length > 40) {
        deque.releaseOldest();
        live.shift();
      }
      if (round % 997 === 0) {
        assert.deepEqual(bases(deque), live);
        for (const b of [live[0]!, live[live.length >> 1]! + 3, live[live.length - 1]! + 6]) {
          assert.equal(deque.at(deque.find(b)).base, b - (b % 7));
        }
      }
    }
    assert.equal(deque.length, 40);
    assert.deepEqual(bases(deque), live);
  });

  it('forgets every segment and the spare on clear, and takes new ones after', () => {
    const deque = filled(3, 10);
    deque.releaseOldest();
    deque.clear();
    assert.equal(deque.length, 0);
    assert.equal(deque.spare, undefined);
    assert.equal(deque.newest, undefined);
    deque.push(new Seg(500, 10), 500);
    assert.deepEqual(bases(deque), [500]);
    assert.equal(deque.find(505), 0);
  });
});
