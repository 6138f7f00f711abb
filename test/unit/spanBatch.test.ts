import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { SpanBatch } from '../../src/core/log/spanBatch';

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** A batch writing into a log, and the log's entries as [direction, kind, text]. */
function setup(maxGap: number): { batch: SpanBatch; log: EntryLog; writes: number[]; entries: () => Array<[number, number, string]> } {
  const log = new EntryLog();
  const writes: number[] = [];
  const batch = new SpanBatch((direction, kind, bytes, starts, ends, count) => {
    writes.push(count);
    log.appendSpans(NaN, 1, direction, kind, bytes, starts, ends, count);
  }, maxGap);
  const entries = () => {
    const out: Array<[number, number, string]> = [];
    for (let s = log.firstSeq; s < log.nextSeq; s++) out.push([log.direction(s)!, log.kind(s)!, decode(log.payload(s)!)]);
    return out;
  };
  return { batch, log, writes, entries };
}

describe('span batch', () => {
  it('writes side-by-side views of one buffer at once, each payload exact', () => {
    const { batch, writes, entries } = setup(14);
    // Two-byte "headers" between payloads, as WebSocket frames have; views like the ones ws hands out.
    const read = Buffer.from('..one..two..three');
    batch.add(Direction.In, Kind.Text, read.subarray(2, 5), 0, 3);
    batch.add(Direction.In, Kind.Text, read.subarray(7, 10), 0, 3);
    batch.add(Direction.In, Kind.Text, read.subarray(12), 0, 5);
    assert.equal(batch.size, 3);
    batch.flush();
    assert.deepEqual(writes, [3]);
    assert.deepEqual(entries(), [
      [Direction.In, Kind.Text, 'one'],
      [Direction.In, Kind.Text, 'two'],
      [Direction.In, Kind.Text, 'three'],
    ]);
  });

  it('starts a new write for another buffer, direction or kind, a gap too large, or a span going back', () => {
    const { batch, writes, entries } = setup(2);
    const a = text('aa--bb-------cc');
    batch.add(Direction.In, Kind.Text, a, 0, 2);
    batch.add(Direction.In, Kind.Text, a, 4, 6);
    batch.add(Direction.In, Kind.Text, a, 13, 15); // gap of 7 > 2
    batch.add(Direction.In, Kind.Binary, a, 15, 15); // another kind
    batch.add(Direction.Out, Kind.Binary, a, 15, 15); // another direction
    batch.add(Direction.Out, Kind.Binary, a, 0, 2); // goes back
    batch.add(Direction.Out, Kind.Binary, text('zz'), 0, 2); // another buffer
    batch.flush();
    assert.deepEqual(writes, [2, 1, 1, 1, 1, 1]);
    assert.deepEqual(
      entries().map((e) => e[2]),
      ['aa', 'bb', 'cc', '', '', 'aa', 'zz'],
    );
  });

  it('grows past its initial capacity and keeps every span', () => {
    const { batch, log } = setup(1);
    const bytes = new Uint8Array(5000).map((_, i) => i % 251);
    for (let i = 0; i + 2 <= 5000; i += 2) batch.add(Direction.In, Kind.Binary, bytes, i, i + 1);
    batch.flush();
    assert.equal(log.size, 2500);
    assert.deepEqual([...log.payload(2499)!], [bytes[4998]]);
  });
});
