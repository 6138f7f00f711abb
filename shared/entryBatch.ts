// A run of log entries packed into one ArrayBuffer, so thousands of entries cross postMessage as a
// single transferable blob instead of thousands of objects. Column layout (little-endian):
//
//   header   Uint32 ×4  magic 'SIB1', count, payload bytes used, preview cap
//   seq      Float64 ×count
//   wallTime Float64 ×count
//   length   Uint32 ×count   true payload length (may exceed the bytes carried)
//   end      Uint32 ×count   end offset of each entry's carried bytes in the payload area
//   code     Uint16 ×count   WS close code, 0 otherwise
//   dirKind  Uint8 ×count    direction << 4 | kind
//   payload  Uint8 ×used     the first min(length, previewCap) bytes of each entry
//
// Columns are ordered by element size so every typed array view is aligned without padding.
import type { Direction, Kind, LogRun } from './logModel';

const MAGIC = 0x31424953; // 'SIB1' little-endian
const HEADER_BYTES = 16;

/** What the encoder reads: the column accessors of FrameLog (src/core/frameLog.ts). */
export interface EntryColumns {
  readonly firstSeq: number;
  readonly nextSeq: number;
  has(seq: number): boolean;
  wallTime(seq: number): number;
  direction(seq: number): Direction | undefined;
  kind(seq: number): Kind | undefined;
  length(seq: number): number;
  code(seq: number): number;
  payload(seq: number): Uint8Array | undefined;
  forEachRun(
    fromSeq: number,
    toSeq: number,
    visit: (run: LogRun) => void,
  ): void;
}

/** A decoded batch: typed-array views over the one buffer, indexed 0..count-1. */
export interface EntryBatch {
  readonly count: number;
  readonly previewCap: number;
  readonly seq: Float64Array;
  readonly wallTime: Float64Array;
  readonly length: Uint32Array;
  readonly end: Uint32Array;
  readonly code: Uint16Array;
  readonly dirKind: Uint8Array;
  readonly payload: Uint8Array;
}

function layout(count: number): { seq: number; wall: number; length: number; end: number; code: number; dirKind: number; payload: number } {
  const seq = HEADER_BYTES;
  const wall = seq + count * 8;
  const length = wall + count * 8;
  const end = length + count * 4;
  const code = end + count * 4;
  const dirKind = code + count * 2;
  const payload = dirKind + count;
  return { seq, wall, length, end, code, dirKind, payload };
}

function views(buffer: ArrayBuffer, count: number, payloadBytes: number, previewCap: number): EntryBatch {
  const at = layout(count);
  return {
    count,
    previewCap,
    seq: new Float64Array(buffer, at.seq, count),
    wallTime: new Float64Array(buffer, at.wall, count),
    length: new Uint32Array(buffer, at.length, count),
    end: new Uint32Array(buffer, at.end, count),
    code: new Uint16Array(buffer, at.code, count),
    dirKind: new Uint8Array(buffer, at.dirKind, count),
    payload: new Uint8Array(buffer, at.payload, payloadBytes),
  };
}

function allocate(count: number, payloadBytes: number, previewCap: number): { buffer: ArrayBuffer; batch: EntryBatch } {
  const buffer = new ArrayBuffer(layout(count).payload + payloadBytes);
  const header = new Uint32Array(buffer, 0, 4);
  header[0] = MAGIC;
  header[1] = count;
  header[2] = payloadBytes;
  header[3] = Math.min(previewCap, 0xffffffff);
  return { buffer, batch: views(buffer, count, payloadBytes, previewCap) };
}

/**
 * Packs retained entries [fromSeq, toSeq) with at most `previewCap` payload bytes each. Walks the
 * log's segments directly: no per-entry object is created.
 */
export function encodeEntryRange(log: EntryColumns, fromSeq: number, toSeq: number, previewCap: number): ArrayBuffer {
  const lo = Math.max(fromSeq, log.firstSeq);
  const hi = Math.min(toSeq, log.nextSeq);
  let count = 0;
  let payloadBytes = 0;
  log.forEachRun(lo, hi, (run) => {
    count += run.to - run.from;
    for (let i = run.from; i < run.to; i++) {
      const start = i === 0 ? 0 : run.ends[i - 1]!;
      payloadBytes += Math.min(run.ends[i]! - start, previewCap);
    }
  });
  const { buffer, batch } = allocate(count, payloadBytes, previewCap);
  let k = 0;
  let offset = 0;
  log.forEachRun(lo, hi, (run) => {
    for (let i = run.from; i < run.to; i++, k++) {
      const start = i === 0 ? 0 : run.ends[i - 1]!;
      const length = run.ends[i]! - start;
      const carried = Math.min(length, previewCap);
      const seq = run.seq + (i - run.from);
      const dk = run.dirKind[i]!;
      batch.seq[k] = seq;
      batch.wallTime[k] = run.wallOffset + run.mono[i]!;
      batch.length[k] = length;
      batch.payload.set(run.bytes.subarray(start, start + carried), offset);
      offset += carried;
      batch.end[k] = offset;
      // Close codes live in a side table of the log; only close entries can have one.
      batch.code[k] = (dk & 15) === 4 ? log.code(seq) : 0;
      batch.dirKind[k] = dk;
    }
  });
  return buffer;
}

/** Packs the listed seqs that are still retained (in the given order), `previewCap` bytes each. */
export function encodeEntryList(log: EntryColumns, seqs: ArrayLike<number>, previewCap: number): ArrayBuffer {
  let count = 0;
  let payloadBytes = 0;
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    if (!log.has(seq)) continue;
    count++;
    payloadBytes += Math.min(log.length(seq), previewCap);
  }
  const { buffer, batch } = allocate(count, payloadBytes, previewCap);
  let k = 0;
  let offset = 0;
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    const payload = log.payload(seq);
    if (!payload) continue;
    const carried = Math.min(payload.length, previewCap);
    batch.seq[k] = seq;
    batch.wallTime[k] = log.wallTime(seq);
    batch.length[k] = payload.length;
    batch.payload.set(payload.subarray(0, carried), offset);
    offset += carried;
    batch.end[k] = offset;
    batch.code[k] = log.code(seq);
    batch.dirKind[k] = ((log.direction(seq) ?? 2) << 4) | (log.kind(seq) ?? 9);
    k++;
  }
  return buffer;
}

/** Reads a packed batch; throws a TypeError naming the problem if the buffer is not one. */
export function decodeEntryBatch(buffer: ArrayBuffer): EntryBatch {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < HEADER_BYTES) throw new TypeError('Entry batch: too short');
  const header = new Uint32Array(buffer, 0, 4);
  if (header[0] !== MAGIC) throw new TypeError('Entry batch: bad magic');
  const count = header[1]!;
  const payloadBytes = header[2]!;
  if (layout(count).payload + payloadBytes !== buffer.byteLength) throw new TypeError('Entry batch: size does not match header');
  const batch = views(buffer, count, payloadBytes, header[3]!);
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const end = batch.end[i]!;
    if (end < prev || end > payloadBytes) throw new TypeError('Entry batch: payload offsets out of order');
    prev = end;
  }
  return batch;
}

/** Direction of entry `i`. */
export function batchDirection(batch: EntryBatch, i: number): Direction {
  return (batch.dirKind[i]! >> 4) as Direction;
}

/** Kind of entry `i`. */
export function batchKind(batch: EntryBatch, i: number): Kind {
  return (batch.dirKind[i]! & 15) as Kind;
}

/** The carried payload bytes of entry `i` (a view into the batch). */
export function batchPayload(batch: EntryBatch, i: number): Uint8Array {
  return batch.payload.subarray(i === 0 ? 0 : batch.end[i - 1]!, batch.end[i]!);
}

/** Copies bytes into a fresh ArrayBuffer of exactly their length (never a pooled or shared buffer). */
export function exactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}
