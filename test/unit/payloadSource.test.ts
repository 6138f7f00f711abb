// The detail views' paged payload: pages fetched once, a bounded cache, ranges across pages, and a
// disposed source keeping nothing that arrives late. The fetcher is the host's own page and find
// functions over a real EntryLog.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { findInPayload, payloadPage } from '../../src/panel/payloadHandlers';
import { MAX_LOAD, PAYLOAD_PAGE_BYTES, PayloadSource, type PayloadPageFetcher } from '../../webview/payloadSource';

function logWith(payload: Uint8Array): { log: EntryLog; seq: number } {
  const log = new EntryLog();
  const seq = log.append(Direction.In, Kind.Binary, payload);
  return { log, seq };
}

function fetcherOf(log: EntryLog): PayloadPageFetcher & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    getPayloadPage: async (seq, offset, length) => {
      asked.push(offset);
      return payloadPage(log, seq, offset, length);
    },
    findInPayload: async (seq, needle, from, backwards) => findInPayload(log, seq, needle, from, backwards),
  };
}

describe('payload source', () => {
  const size = 200 * PAYLOAD_PAGE_BYTES + 123;
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 16)) & 0xff;

  it('reads any range across pages, each page fetched once, and draws cached ranges synchronously', async () => {
    const { log, seq } = logWith(bytes);
    const fetcher = fetcherOf(log);
    const source = new PayloadSource(seq, size, fetcher, bytes.subarray(0, PAYLOAD_PAGE_BYTES + 10));
    assert.deepEqual(source.cached(5, 100), bytes.subarray(5, 105), 'the prefix is cached');
    assert.equal(source.cached(PAYLOAD_PAGE_BYTES, 20), undefined, 'a partial page is not');
    const from = 150 * PAYLOAD_PAGE_BYTES - 17;
    assert.deepEqual(await source.load(from, 3 * PAYLOAD_PAGE_BYTES), bytes.subarray(from, from + 3 * PAYLOAD_PAGE_BYTES));
    assert.deepEqual(fetcher.asked, [149, 150, 151, 152].map((p) => p * PAYLOAD_PAGE_BYTES));
    assert.deepEqual(source.cached(from + 5, 10), bytes.subarray(from + 5, from + 15));
    assert.deepEqual(await source.load(size - 50, 1000), bytes.subarray(size - 50), 'clipped to the end');
    assert.deepEqual(await source.load(size + 5, 10), new Uint8Array(0));
    await assert.rejects(source.load(0, MAX_LOAD + 1), RangeError);
  });

  it('keeps a bounded number of pages, least recently used evicted first', async () => {
    const { log, seq } = logWith(bytes);
    const fetcher = fetcherOf(log);
    const source = new PayloadSource(seq, size, fetcher);
    await source.load(0, 10);
    for (let p = 1; p < 100; p++) {
      await source.load(p * PAYLOAD_PAGE_BYTES, 10);
      source.cached(0, 10); // page 0 stays in use
    }
    assert.ok(source.cached(0, 10), 'the page in use is kept');
    assert.equal(source.cached(PAYLOAD_PAGE_BYTES, 10), undefined, 'an old page is evicted');
    assert.ok(source.cached(99 * PAYLOAD_PAGE_BYTES, 10));
  });

  it('fetches a page once for concurrent loads, keeps nothing once disposed, and finds on the host', async () => {
    const { log, seq } = logWith(bytes);
    const fetcher = fetcherOf(log);
    const source = new PayloadSource(seq, size, fetcher);
    await Promise.all([source.load(10, 5), source.load(20, 5), source.load(30, 5)]);
    assert.deepEqual(fetcher.asked, [0]);
    const late = source.load(7 * PAYLOAD_PAGE_BYTES, 5);
    source.dispose();
    await assert.rejects(late, /no longer shown/);
    assert.equal(source.cached(7 * PAYLOAD_PAGE_BYTES, 5), undefined);
    const needle = bytes.slice(190 * PAYLOAD_PAGE_BYTES + 3, 190 * PAYLOAD_PAGE_BYTES + 40);
    const fresh = new PayloadSource(seq, size, fetcher);
    const at = await fresh.find(needle, 0, false);
    assert.equal(at, bytes.findIndex((_, i) => needle.every((b, j) => bytes[i + j] === b)));
    assert.equal(await fresh.find(needle, at + 1, false), bytes.findIndex((_, i) => i > at && needle.every((b, j) => bytes[i + j] === b)));
  });
});
