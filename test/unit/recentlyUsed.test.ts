// The keyed list of the values used last: at most its capacity, the least recently used dropped first,
// using a value moves it last and peeking does not, and a key may be a pair compared by a function.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentlyUsed } from '../../src/core/base/recentlyUsed';

/** Which of `candidates` are kept (found by peeking, which moves nothing). */
function keysOf(list: RecentlyUsed<number, string>, candidates: readonly number[]): number[] {
  return candidates.filter((k) => list.peek(k) !== undefined);
}

describe('RecentlyUsed', () => {
  it('keeps at most its capacity, dropping the least recently added first', () => {
    const list = new RecentlyUsed<number, string>(3);
    for (const k of [1, 2, 3, 4, 5]) list.add(k, `v${k}`);
    assert.equal(list.size, 3);
    assert.deepEqual(keysOf(list, [1, 2, 3, 4, 5]), [3, 4, 5]);
    assert.equal(list.peek(5), 'v5');
  });

  it('a used value becomes the most recent; a peeked one keeps its place', () => {
    const list = new RecentlyUsed<number, string>(3);
    for (const k of [1, 2, 3]) list.add(k, `v${k}`);
    assert.equal(list.use(1), 'v1');
    assert.equal(list.peek(2), 'v2');
    list.add(4, 'v4');
    // 2 was least recently used (peeking did not count), so it went; 1 was used and stays.
    assert.deepEqual(keysOf(list, [1, 2, 3, 4]), [1, 3, 4]);
    assert.equal(list.use(9), undefined);
    assert.equal(list.peek(9), undefined);
  });

  it('adding a kept key replaces its value and makes it the most recent, without growing', () => {
    const list = new RecentlyUsed<number, string>(2);
    list.add(1, 'a');
    list.add(2, 'b');
    list.add(1, 'c');
    assert.equal(list.size, 2);
    list.add(3, 'd');
    assert.equal(list.peek(1), 'c');
    assert.equal(list.peek(2), undefined);
  });

  it('drops what dropWhere says, tells what it keeps with some, and empties on clear', () => {
    const list = new RecentlyUsed<number, string>(4);
    for (const k of [1, 2, 3, 4]) list.add(k, k % 2 ? 'odd' : 'even');
    list.dropWhere((_k, v) => v === 'odd');
    assert.deepEqual(keysOf(list, [1, 2, 3, 4]), [2, 4]);
    assert.equal(list.some((k) => k === 4), true);
    assert.equal(list.some((k) => k === 3), false);
    list.clear();
    assert.equal(list.size, 0);
  });

  it('compares pair keys with the function it is given', () => {
    const a = {};
    const b = {};
    const list = new RecentlyUsed<{ owner: object; n: number }, string>(4, (x, y) => x.owner === y.owner && x.n === y.n);
    list.add({ owner: a, n: 1 }, 'a1');
    list.add({ owner: b, n: 1 }, 'b1');
    assert.equal(list.use({ owner: a, n: 1 }), 'a1');
    assert.equal(list.use({ owner: b, n: 1 }), 'b1');
    assert.equal(list.use({ owner: a, n: 2 }), undefined);
    list.add({ owner: a, n: 1 }, 'a1 again');
    assert.equal(list.size, 2);
    assert.equal(list.peek({ owner: a, n: 1 }), 'a1 again');
  });
});
