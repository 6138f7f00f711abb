// The Text tab's row indexes kept per panel: asked for again, an entry's index is not built again; a
// cleared or evicted entry's index is dropped, a few are kept, and each log keeps its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexTextRows } from '../../shared/codecs/textRows';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { TextRowIndexes } from '../../src/panel/textRowIndexes';

/** A cache whose builds are counted. */
function counted(): { cache: TextRowIndexes; builds: () => number } {
  let builds = 0;
  const cache = new TextRowIndexes((payload) => {
    builds++;
    return indexTextRows(payload);
  });
  return { cache, builds: () => builds };
}

/** Lines enough for rows in more than one index block (64 KiB). */
const text = (tag: string) => Buffer.from(Array.from({ length: 5000 }, (_, i) => `${tag} line ${i} ${'x'.repeat(i % 200)}`).join('\n'));

const rowsOf = (cache: TextRowIndexes, log: EntryLog, seq: number) => cache.rows(log, seq, log.payload(seq)!);

describe('kept Text row indexes', () => {
  it('answers a second request for an entry from the kept index, the same as a fresh one', () => {
    const { cache, builds } = counted();
    const log = new EntryLog();
    const seq = log.append(Direction.In, Kind.Text, text('a'));
    const first = rowsOf(cache, log, seq);
    const second = rowsOf(cache, log, seq);
    assert.equal(builds(), 1);
    assert.deepEqual(second, first);
    const fresh = indexTextRows(log.payload(seq)!);
    assert.ok(fresh.rows > 5000 && fresh.rowsBefore.length > 1, `${fresh.rows} rows in ${fresh.rowsBefore.length} blocks`);
    assert.deepEqual(second, { seq, total: log.payload(seq)!.length, rows: fresh.rows, rowsBefore: fresh.rowsBefore.buffer, firstStart: fresh.firstStart.buffer });
    // What was posted is a copy: changing it leaves the kept index as it was.
    new Float64Array(second.rowsBefore).fill(-1);
    assert.deepEqual(rowsOf(cache, log, seq), first);
    assert.equal(builds(), 1);
    log.dispose();
  });

  it('drops the indexes of a cleared log: its next entry, and any, is built anew', () => {
    const { cache, builds } = counted();
    const log = new EntryLog();
    rowsOf(cache, log, log.append(Direction.In, Kind.Text, text('a')));
    rowsOf(cache, log, log.append(Direction.Out, Kind.Text, text('b')));
    assert.equal(cache.size, 2);
    log.clear();
    assert.equal(cache.size, 0);
    const seq = log.append(Direction.In, Kind.Text, text('c'));
    rowsOf(cache, log, seq);
    rowsOf(cache, log, seq);
    assert.equal(builds(), 3);
    log.dispose();
  });

  it('drops an evicted entry\'s index at the next request', () => {
    const { cache } = counted();
    const log = new EntryLog({ maxEntries: 2 });
    const gone = log.append(Direction.In, Kind.Text, text('a'));
    rowsOf(cache, log, gone);
    log.append(Direction.In, Kind.Text, text('b'));
    const last = log.append(Direction.In, Kind.Text, text('c'));
    assert.equal(log.has(gone), false);
    rowsOf(cache, log, last);
    assert.equal(cache.size, 1);
    log.dispose();
  });

  it('keeps the four asked for last, and tells logs apart', () => {
    const { cache, builds } = counted();
    const log = new EntryLog();
    const seqs = ['a', 'b', 'c', 'd', 'e'].map((tag) => log.append(Direction.In, Kind.Text, text(tag)));
    for (const seq of seqs) rowsOf(cache, log, seq);
    assert.equal(cache.size, 4);
    rowsOf(cache, log, seqs[4]!);
    rowsOf(cache, log, seqs[1]!);
    assert.equal(builds(), 5);
    rowsOf(cache, log, seqs[0]!);
    assert.equal(builds(), 6, 'the first, least recently asked for, was dropped');
    // The same seq in another log is another entry.
    const other = new EntryLog();
    const seq = other.append(Direction.In, Kind.Text, text('z'));
    assert.equal(seq, seqs[0]);
    assert.equal(rowsOf(cache, other, seq).total, other.payload(seq)!.length);
    assert.equal(builds(), 7);
    cache.dispose();
    assert.equal(cache.size, 0);
    log.dispose();
    other.dispose();
  });
});
