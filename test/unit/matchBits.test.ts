import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMatchBits, encodeMatchBits, matchBitsProblem, matchSeqs } from '../../shared/matchBits';
import { MatchAccumulator } from '../../src/panel/matchAccumulator';

describe('match bitmaps', () => {
  it('round-trip the seqs of a range, and say what is wrong with a malformed one', () => {
    const bits = encodeMatchBits(100, 170, Float64Array.from([100, 131, 132, 169, 170, 99]));
    assert.equal(matchBitsProblem(bits), undefined);
    assert.deepEqual(matchSeqs(decodeMatchBits(bits)), [100, 131, 132, 169], 'seqs outside [from, to) are left out');
    assert.match(matchBitsProblem(new ArrayBuffer(20))!, /of its range/);
    assert.match(matchBitsProblem(new ArrayBuffer(8))!, /match bitmap/);
  });

  it('accumulate the matches of several slices into one range per take, and start afresh after it', () => {
    const acc = new MatchAccumulator();
    acc.begin(1000);
    for (const s of [1000, 1040]) acc.mark(s);
    acc.begin(1050); // a later slice does not move the range's start
    for (const s of [1063, 5000]) acc.mark(s);
    const first = decodeMatchBits(acc.take(5001));
    assert.deepEqual([first.from, first.to], [1000, 5001]);
    assert.deepEqual(matchSeqs(first), [1000, 1040, 1063, 5000]);
    acc.begin(5001);
    acc.mark(5002);
    const second = decodeMatchBits(acc.take(5010));
    assert.deepEqual([second.from, second.to], [5001, 5010]);
    assert.deepEqual(matchSeqs(second), [5002], 'nothing of the first range is left');
    const empty = decodeMatchBits(acc.take(5010));
    assert.deepEqual([empty.from, empty.to, empty.words.length], [5010, 5010, 0]);
  });
});
