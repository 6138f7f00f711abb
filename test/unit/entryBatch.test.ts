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
import { FrameLog } from '../../src/core/frameLog';

const text = (s: string) => new TextEncoder().encode(s);

function sampleLog(): FrameLog {
  const log = new FrameLog();
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
    const log = new FrameLog();
    log.append(Direction.In, Kind.Binary, new Uint8Array(10_000).fill(7));
    log.append(Direction.In, Kind.Text, text('short'));
    const batch = decodeEntryBatch(encodeEntryRange(log, 0, 2, 16));
    assert.equal(batch.length[0], 10_000);
    assert.equal(batchPayload(batch, 0).length, 16);
    assert.deepEqual([...batchPayload(batch, 1)], [...text('short')]);
    assert.equal(batch.previewCap, 16);
  });

  it('clamps a range to the retained entries and walks across segments', () => {
    const log = new FrameLog({ maxEntries: 40_000 });
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
    const corrupt = good.slice(0);
    // The end offset of entry 0 lies after entry 1's: out of order.
    const header = new Uint32Array(corrupt, 0, 4);
    const endColumn = new Uint32Array(corrupt, 16 + header[1]! * 20, header[1]!);
    endColumn[0] = 1000;
    assert.throws(() => decodeEntryBatch(corrupt), /out of order/);
  });

  it('copies a view into a pooled buffer to exactly its own bytes', () => {
    const pooled = Buffer.from('abc'); // small Buffers are slices of a shared 8 KiB pool
    assert.ok(pooled.buffer.byteLength > 3);
    const exact = exactArrayBuffer(pooled);
    assert.equal(exact.byteLength, 3);
    assert.ok(!Buffer.isBuffer(exact));
    assert.deepEqual([...new Uint8Array(exact)], [97, 98, 99]);
  });
});
