import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEntryBatch, encodeEntryList, encodeEntryRange } from '../../shared/entryBatch';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { decodeMatchBits, encodeMatchBits } from '../../shared/matchBits';
import { FilterMatches } from '../../webview/filterMatches';
import { PAGE_ENTRIES, PageCache } from '../../webview/pageCache';

describe('filter matches', () => {
  /** The bitmap of `seqs` over [from, to), as the host posts it. */
  const bits = (from: number, to: number, seqs: number[]) => decodeMatchBits(encodeMatchBits(from, to, Float64Array.from(seqs)));

  it('grows, trims evicted seqs off the front, and finds seqs', () => {
    const m = new FilterMatches();
    m.appendBits(bits(0, 6000, Array.from({ length: 3000 }, (_, i) => i * 2)));
    assert.equal(m.length, 3000);
    assert.equal(m.indexOf(200), 100);
    assert.equal(m.indexOf(201), -1);
    assert.equal(m.trimBelow(1001), 501);
    assert.equal(m.at(0), 1002);
    assert.equal(m.indexOf(1000), -1, 'trimmed');
    m.appendBits(bits(6000, 10_003, [10_000, 10_002]));
    assert.equal(m.length, 2501);
    assert.equal(m.at(m.length - 1), 10_002);
    assert.equal(m.lowerBound(5999), 2499);
    assert.throws(() => m.appendBits(bits(9000, 9100, [])), /out of order/);
    m.clear();
    assert.equal(m.length, 0);
    assert.equal(m.at(0), undefined);
  });

  it('agrees with a plain list over unaligned ranges, gaps, trims and compaction', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const m = new FilterMatches();
    let list: number[] = [];
    let next = 5;
    let first = 0;
    for (let round = 0; round < 300; round++) {
      const from = next + (rnd() < 0.1 ? Math.floor(rnd() * 100) : 0);
      const to = from + Math.floor(rnd() * 3000);
      const density = rnd();
      const found: number[] = [];
      for (let s = from; s < to; s++) if (rnd() < density) found.push(s);
      m.appendBits(bits(from, to, found));
      list.push(...found);
      next = Math.max(next, to);
      if (rnd() < 0.3) {
        first += Math.floor(rnd() * 4000);
        const before = list.length;
        list = list.filter((s) => s >= first);
        assert.equal(m.trimBelow(first), before - list.length);
      }
      assert.equal(m.length, list.length);
      for (let k = 0; k < 20 && list.length; k++) {
        const i = Math.floor(rnd() * list.length);
        assert.equal(m.at(i), list[i]);
        assert.equal(m.indexOf(list[i]!), i);
        assert.equal(m.indexOf(list[i]! + 0.5), -1);
      }
      const probe = first + Math.floor(rnd() * (next - first + 10));
      assert.equal(m.lowerBound(probe), list.filter((s) => s < probe).length);
    }
    assert.equal(m.at(list.length), undefined);
  });

  it('restarts rather than filling a gap of evicted entries wider than the bitmap', () => {
    const m = new FilterMatches();
    m.appendBits(bits(0, 100, [1, 2]));
    m.appendBits(bits(1e9, 1e9 + 64, [1e9 + 63]));
    assert.equal(m.length, 1);
    assert.equal(m.at(0), 1e9 + 63);
  });
});

describe('page cache', () => {
  const log = new EntryLog();
  for (let i = 0; i < 5000; i++) log.append(i % 2 ? Direction.Out : Direction.In, i % 5 ? Kind.Text : Kind.Binary, new TextEncoder().encode(`e${i}`));

  it('stores batches by page and returns exact entries', () => {
    const cache = new PageCache(64);
    cache.put(decodeEntryBatch(encodeEntryRange(log, 250, 600, 64)));
    assert.equal(cache.has(249), false);
    assert.equal(cache.has(250), true);
    assert.equal(cache.has(599), true);
    const e = cache.get(300)!;
    assert.equal(new TextDecoder().decode(e.page.preview(e.slot)), 'e300');
    assert.equal(e.page.dirKind[e.slot], (Direction.In << 4) | Kind.Binary);
    assert.equal(e.page.base, 256);
  });

  it('evicts the least recently used page', () => {
    const cache = new PageCache(3);
    for (let p = 0; p < 3; p++) cache.put(decodeEntryBatch(encodeEntryRange(log, p * PAGE_ENTRIES, (p + 1) * PAGE_ENTRIES, 8)));
    cache.get(0); // page 0 is now the most recently used
    cache.put(decodeEntryBatch(encodeEntryRange(log, 3 * PAGE_ENTRIES, 4 * PAGE_ENTRIES, 8)));
    assert.equal(cache.size, 3);
    assert.equal(cache.has(0), true);
    assert.equal(cache.has(PAGE_ENTRIES), false, 'page 1 was the least recently used');
    assert.equal(cache.has(3 * PAGE_ENTRIES), true);
  });

  it('reuses an evicted page for new seqs without showing anything it held before', () => {
    const cache = new PageCache(2);
    for (let p = 0; p < 3; p++) cache.put(decodeEntryBatch(encodeEntryRange(log, p * PAGE_ENTRIES, (p + 1) * PAGE_ENTRIES, 64)));
    const evicted = cache.get(0);
    assert.equal(evicted, undefined, 'page 0 was evicted');
    // Page 3 takes page 0's arrays and slab, and gets only its first ten entries.
    cache.put(decodeEntryBatch(encodeEntryRange(log, 3 * PAGE_ENTRIES, 3 * PAGE_ENTRIES + 10, 64)));
    for (let seq = 3 * PAGE_ENTRIES; seq < 4 * PAGE_ENTRIES; seq++) assert.equal(cache.has(seq), seq < 3 * PAGE_ENTRIES + 10, `seq ${seq}`);
    for (let seq = 3 * PAGE_ENTRIES; seq < 3 * PAGE_ENTRIES + 10; seq++) {
      const e = cache.get(seq)!;
      assert.equal(e.page.base, 3 * PAGE_ENTRIES);
      assert.equal(new TextDecoder().decode(e.page.preview(e.slot)), `e${seq}`);
    }
    assert.equal(cache.get(3 * PAGE_ENTRIES)!.page.size, 10);
    assert.equal(cache.has(5), false);
  });

  it('forgets entries below the first retained seq', () => {
    const cache = new PageCache(64);
    cache.put(decodeEntryBatch(encodeEntryRange(log, 0, 1000, 8)));
    cache.dropBelow(300);
    assert.equal(cache.has(0), false);
    assert.equal(cache.has(299), false);
    assert.equal(cache.has(300), true);
  });

  it('keeps every preview exact when batches overlap what is held, in runs and in lists', () => {
    const cache = new PageCache(64);
    cache.put(decodeEntryBatch(encodeEntryList(log, Float64Array.from([3, 5, 6, 9, 300, 301, 700]), 64)));
    cache.put(decodeEntryBatch(encodeEntryRange(log, 0, 800, 64)));
    for (let seq = 0; seq < 800; seq++) {
      const e = cache.get(seq)!;
      assert.equal(new TextDecoder().decode(e.page.preview(e.slot)), `e${seq}`, `seq ${seq}`);
      assert.equal(e.page.dirKind[e.slot], ((seq % 2 ? Direction.Out : Direction.In) << 4) | (seq % 5 ? Kind.Text : Kind.Binary));
    }
  });

  it('packs previews into one slab per page, sized for the page, and keeps an entry put twice once', () => {
    const flood = new EntryLog();
    const payload = new Uint8Array(64).fill(120);
    for (let i = 0; i < 4 * PAGE_ENTRIES; i++) flood.append(Direction.In, Kind.Text, payload, 0, Math.floor(i / 100));
    const cache = new PageCache(64);
    // Live batches of 100 entries cut across pages, as the panel controller sends them.
    for (let s = 0; s < 4 * PAGE_ENTRIES; s += 100) cache.put(decodeEntryBatch(encodeEntryRange(flood, s, s + 100, 256)));
    cache.put(decodeEntryBatch(encodeEntryRange(flood, 0, PAGE_ENTRIES, 256)));
    const page = cache.get(PAGE_ENTRIES + 5)!.page;
    assert.equal(page.size, PAGE_ENTRIES);
    assert.ok(page.memoryBytes <= PAGE_ENTRIES * (64 + 24) * 1.05, `${page.memoryBytes / PAGE_ENTRIES} bytes per entry`);
    assert.deepEqual(cache.get(0)!.page.preview(0), payload);
    assert.deepEqual(page.preview(5), payload);
  });
});
