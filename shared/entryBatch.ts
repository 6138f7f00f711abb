// A run of log entries packed into one ArrayBuffer, so thousands of entries cross postMessage as a
// single blob instead of thousands of objects, at little more than their payload: a 64-byte frame
// takes about 66 bytes (issue #6). Layout (little-endian):
//
//   header     Uint32 ×8   magic 'SIB2', count, payload bytes carried, preview cap, flags,
//                          time runs, varint bytes, coded entries
//              Float64     first seq
//   times      Float64 ×timeRuns     wall time of each run of consecutive entries stamped alike
//   seqs       Float64 ×count        only with the SEQS_LISTED flag; otherwise seqs count up from the first
//   varints    unsigned LEB128, `varint bytes` in all: each time run's length (×timeRuns), each
//              entry's true length (×count), then (entry index minus the previous coded one's, close
//              code) for each coded entry
//   dirKind    Uint8 ×count          direction << 4 | kind, and AUTO_REPLY_BIT on an auto-reply
//   payload    Uint8 ×carried        the first min(length, previewCap) bytes of each entry
//
// Why this shape: messages parsed from one socket read share one timestamp (wsConnection.ts), so times
// compress to runs; a range has consecutive seqs, so it lists none; an entry carries min(length,
// previewCap) bytes, so its length alone locates its bytes; close codes are rare. The decoder expands
// all of it back into plain columns (EntryBatch): readers never see the packing.
import { AUTO_REPLY_BIT, type Direction, type Kind, type LogRun } from './logModel';

const MAGIC = 0x32424953; // 'SIB2' little-endian
const HEADER_BYTES = 40;
/** Seqs are listed (a filtered list); otherwise they count up from the first seq (a range). */
const SEQS_LISTED = 1;
/** Kind.Close: the only entries with a code. */
const KIND_CLOSE = 4;

/** What the encoder reads: the column accessors of EntryLog (src/core/log/entryLog.ts). */
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
  /** Whether an auto-reply rule sent the entry (encodeEntryList keeps the mark; ranges copy dirKind as it is). */
  isAutoReply(seq: number): boolean;
  forEachRun(
    fromSeq: number,
    toSeq: number,
    visit: (run: LogRun) => void,
  ): void;
}

/** A decoded batch: plain columns indexed 0..count-1 (payload is a view into the batch's buffer). */
export interface EntryBatch {
  readonly count: number;
  readonly previewCap: number;
  readonly seq: Float64Array;
  readonly wallTime: Float64Array;
  readonly length: Uint32Array;
  /** End offset of each entry's carried bytes in `payload`; the start is the previous entry's end. */
  readonly end: Uint32Array;
  readonly code: Uint16Array;
  /** direction << 4 | kind, and AUTO_REPLY_BIT on an auto-reply: read with batchDirection, batchKind, batchIsAutoReply. */
  readonly dirKind: Uint8Array;
  readonly payload: Uint8Array;
}

/** Bytes of the unsigned 32-bit integer `n` as a varint. */
function varintBytes(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Writes `n` as a varint at `at`; returns the offset after it. */
function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

/** What the first pass found: sizes, time runs and close codes. */
interface Plan {
  count: number;
  carried: number;
  lengthBytes: number;
  runTimes: number[];
  runLengths: number[];
  codeIndex: number[];
  codeValue: number[];
  /** Wall time of the last entry planned (to extend its run). */
  lastTime: number;
}

function newPlan(): Plan {
  return { count: 0, carried: 0, lengthBytes: 0, runTimes: [], runLengths: [], codeIndex: [], codeValue: [], lastTime: NaN };
}

/** Adds one entry to the plan. */
function planEntry(plan: Plan, length: number, previewCap: number, wallTime: number, code: number): void {
  plan.carried += length < previewCap ? length : previewCap;
  plan.lengthBytes += varintBytes(length);
  if (wallTime === plan.lastTime) plan.runLengths[plan.runLengths.length - 1]!++;
  else {
    plan.runTimes.push(wallTime);
    plan.runLengths.push(1);
    plan.lastTime = wallTime;
  }
  if (code !== 0) {
    plan.codeIndex.push(plan.count);
    plan.codeValue.push(code);
  }
  plan.count++;
}

function layout(count: number, timeRuns: number, seqsListed: boolean, varBytes: number, carried: number) {
  const times = HEADER_BYTES;
  const seqs = times + timeRuns * 8;
  const varints = seqs + (seqsListed ? count * 8 : 0);
  const dirKind = varints + varBytes;
  const payload = dirKind + count;
  return { times, seqs, varints, dirKind, payload, size: payload + carried };
}

/** A batch allocated from a plan, with its header, times and codes written; where the rest goes. */
interface Allocated {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  readonly seqs: Float64Array | undefined;
  /** Offsets of the next entry's length varint, dirKind byte and payload. */
  lengthAt: number;
  dirKindAt: number;
  payloadAt: number;
}

function allocate(plan: Plan, previewCap: number, firstSeq: number, seqsListed: boolean): Allocated {
  let runBytes = 0;
  for (const n of plan.runLengths) runBytes += varintBytes(n);
  let codeBytes = 0;
  for (let c = 0; c < plan.codeIndex.length; c++) {
    codeBytes += varintBytes(plan.codeIndex[c]! - (c === 0 ? 0 : plan.codeIndex[c - 1]!)) + varintBytes(plan.codeValue[c]!);
  }
  const varBytes = runBytes + plan.lengthBytes + codeBytes;
  const at = layout(plan.count, plan.runTimes.length, seqsListed, varBytes, plan.carried);
  const buffer = new ArrayBuffer(at.size);
  const header = new Uint32Array(buffer, 0, 8);
  header[0] = MAGIC;
  header[1] = plan.count;
  header[2] = plan.carried;
  header[3] = Math.min(previewCap, 0xffffffff);
  header[4] = seqsListed ? SEQS_LISTED : 0;
  header[5] = plan.runTimes.length;
  header[6] = varBytes;
  header[7] = plan.codeIndex.length;
  new Float64Array(buffer, 32, 1)[0] = firstSeq;
  new Float64Array(buffer, at.times, plan.runTimes.length).set(plan.runTimes);
  const bytes = new Uint8Array(buffer);
  let v = at.varints;
  for (const n of plan.runLengths) v = writeVarint(bytes, v, n);
  let c = at.varints + runBytes + plan.lengthBytes;
  for (let i = 0; i < plan.codeIndex.length; i++) {
    c = writeVarint(bytes, c, plan.codeIndex[i]! - (i === 0 ? 0 : plan.codeIndex[i - 1]!));
    c = writeVarint(bytes, c, plan.codeValue[i]!);
  }
  return {
    buffer,
    bytes,
    seqs: seqsListed ? new Float64Array(buffer, at.seqs, plan.count) : undefined,
    lengthAt: v,
    dirKindAt: at.dirKind,
    payloadAt: at.payload,
  };
}

/** Entries up to this many bytes are copied with word moves through DataViews; longer ones with `set`. */
const WORD_COPY_MAX = 96;

/**
 * Copies src[from, to) to out at `at`. A `set` of a subarray allocates a view and calls a builtin
 * (some 60 ns on the bench VM, whatever the size); word moves do a 64-byte frame in about half that.
 */
function copyBytes(out: Uint8Array, outView: DataView, at: number, src: Uint8Array, srcView: DataView, from: number, to: number): void {
  if (to - from > WORD_COPY_MAX) {
    out.set(src.subarray(from, to), at);
    return;
  }
  let s = from;
  for (; s + 8 <= to; s += 8, at += 8) {
    outView.setInt32(at, srcView.getInt32(s, true), true);
    outView.setInt32(at + 4, srcView.getInt32(s + 4, true), true);
  }
  if (s + 4 <= to) {
    outView.setInt32(at, srcView.getInt32(s, true), true);
    s += 4;
    at += 4;
  }
  for (; s < to; s++) out[at++] = src[s]!;
}

/**
 * Packs retained entries [fromSeq, toSeq) with at most `previewCap` payload bytes each. Walks the
 * log's segments directly, with no object or call per entry; payloads stored side by side are copied
 * a span at a time, short ones between frame headers (socket reads stored whole) word by word.
 */
export function encodeEntryRange(log: EntryColumns, fromSeq: number, toSeq: number, previewCap: number): ArrayBuffer {
  const lo = Math.max(fromSeq, log.firstSeq);
  const hi = Math.max(lo, Math.min(toSeq, log.nextSeq));
  // The loops below run in this function, not in callbacks: V8 optimizes them at once and for good.
  const runs: LogRun[] = [];
  log.forEachRun(lo, hi, (run) => runs.push(run));
  // First pass, in locals: sizes, time runs and close codes.
  const plan = newPlan();
  let count = 0;
  let carried = 0;
  let lengthBytes = 0;
  let lastTime = NaN;
  let runLength = 0;
  for (const run of runs) {
    const { ends, mono, dirKind, wallOffset, starts } = run;
    let end = run.from === 0 ? 0 : ends[run.from - 1]!;
    for (let i = run.from; i < run.to; i++) {
      const start = starts === undefined ? end : starts[i]!;
      end = ends[i]!;
      const length = end - start;
      carried += length < previewCap ? length : previewCap;
      lengthBytes += length < 0x80 ? 1 : varintBytes(length);
      const time = wallOffset + mono[i]!;
      if (time === lastTime) runLength++;
      else {
        if (runLength > 0) plan.runLengths.push(runLength);
        plan.runTimes.push(time);
        lastTime = time;
        runLength = 1;
      }
      if ((dirKind[i]! & 15) === KIND_CLOSE) {
        const code = log.code(run.seq + (i - run.from));
        if (code !== 0) {
          plan.codeIndex.push(count);
          plan.codeValue.push(code);
        }
      }
      count++;
    }
  }
  if (runLength > 0) plan.runLengths.push(runLength);
  plan.count = count;
  plan.carried = carried;
  plan.lengthBytes = lengthBytes;
  const out = allocate(plan, previewCap, lo, false);
  const bytes = out.bytes;
  const view = new DataView(out.buffer);
  let lengthAt = out.lengthAt;
  let dirKindAt = out.dirKindAt;
  let payloadAt = out.payloadAt;
  for (const run of runs) {
    const { ends, dirKind, bytes: slab, starts } = run;
    const slabView = new DataView(slab.buffer, slab.byteOffset, slab.byteLength);
    // Bytes [spanStart, spanEnd) of the slab are still to be copied, in one go.
    let spanStart = starts !== undefined ? starts[run.from]! : run.from === 0 ? 0 : ends[run.from - 1]!;
    let spanEnd = spanStart;
    for (let i = run.from; i < run.to; i++) {
      let start = spanEnd;
      if (starts !== undefined && starts[i] !== spanEnd) {
        // Bytes between payloads (frame headers, a framer's delimiters) are not carried: the span ends here.
        copyBytes(bytes, view, payloadAt, slab, slabView, spanStart, spanEnd);
        payloadAt += spanEnd - spanStart;
        start = spanStart = spanEnd = starts[i]!;
      }
      const end = ends[i]!;
      const length = end - start;
      if (length < 0x80) bytes[lengthAt++] = length;
      else lengthAt = writeVarint(bytes, lengthAt, length);
      bytes[dirKindAt++] = dirKind[i]!;
      if (length <= previewCap) {
        spanEnd = end;
        continue;
      }
      // A capped entry breaks the span: copy what came before it, then its prefix.
      copyBytes(bytes, view, payloadAt, slab, slabView, spanStart, start);
      payloadAt += start - spanStart;
      copyBytes(bytes, view, payloadAt, slab, slabView, start, start + previewCap);
      payloadAt += previewCap;
      spanStart = spanEnd = end;
    }
    copyBytes(bytes, view, payloadAt, slab, slabView, spanStart, spanEnd);
    payloadAt += spanEnd - spanStart;
  }
  return out.buffer;
}

/** Packs the listed seqs that are still retained (in the given order), `previewCap` bytes each. */
export function encodeEntryList(log: EntryColumns, seqs: ArrayLike<number>, previewCap: number): ArrayBuffer {
  const plan = newPlan();
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    if (log.has(seq)) planEntry(plan, log.length(seq), previewCap, log.wallTime(seq), log.code(seq));
  }
  const out = allocate(plan, previewCap, plan.count > 0 ? firstRetained(log, seqs) : 0, true);
  let k = 0;
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    const payload = log.payload(seq);
    if (!payload) continue;
    out.seqs![k++] = seq;
    out.lengthAt = writeVarint(out.bytes, out.lengthAt, payload.length);
    out.bytes[out.dirKindAt++] = ((log.direction(seq) ?? 2) << 4) | (log.kind(seq) ?? 9) | (log.isAutoReply(seq) ? AUTO_REPLY_BIT : 0);
    const carried = Math.min(payload.length, previewCap);
    out.bytes.set(payload.subarray(0, carried), out.payloadAt);
    out.payloadAt += carried;
  }
  return out.buffer;
}

function firstRetained(log: EntryColumns, seqs: ArrayLike<number>): number {
  for (let i = 0; i < seqs.length; i++) if (log.has(seqs[i]!)) return seqs[i]!;
  return 0;
}

/** Reads unsigned varints from [at, limit) of `bytes`; throws when one runs past the limit. */
class VarintReader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
    private readonly limit: number,
  ) {}

  next(): number {
    let n = 0;
    let shift = 0;
    for (;;) {
      if (this.at >= this.limit || shift > 28) throw new TypeError('Entry batch: malformed varints');
      const b = this.bytes[this.at++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  }
}

/** Reads a packed batch; throws a TypeError naming the problem if the buffer is not one. */
export function decodeEntryBatch(buffer: ArrayBuffer): EntryBatch {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < HEADER_BYTES) throw new TypeError('Entry batch: too short');
  const header = new Uint32Array(buffer, 0, 8);
  if (header[0] !== MAGIC) throw new TypeError('Entry batch: bad magic');
  const count = header[1]!;
  const carried = header[2]!;
  const previewCap = header[3]!;
  const seqsListed = (header[4]! & SEQS_LISTED) !== 0;
  const timeRuns = header[5]!;
  const varBytes = header[6]!;
  const coded = header[7]!;
  const firstSeq = new Float64Array(buffer, 32, 1)[0]!;
  const at = layout(count, timeRuns, seqsListed, varBytes, carried);
  if (at.size !== buffer.byteLength) throw new TypeError('Entry batch: size does not match header');

  // The columns readers get, in one allocation.
  const columns = new ArrayBuffer(count * 26);
  const seq = new Float64Array(columns, 0, count);
  const wallTime = new Float64Array(columns, count * 8, count);
  const length = new Uint32Array(columns, count * 16, count);
  const end = new Uint32Array(columns, count * 20, count);
  const code = new Uint16Array(columns, count * 24, count);

  if (seqsListed) seq.set(new Float64Array(buffer, at.seqs, count));
  else for (let i = 0; i < count; i++) seq[i] = firstSeq + i;

  const bytes = new Uint8Array(buffer);
  const varints = new VarintReader(bytes, at.varints, at.dirKind);
  const times = new Float64Array(buffer, at.times, timeRuns);
  let k = 0;
  for (let r = 0; r < timeRuns; r++) {
    const n = varints.next();
    if (k + n > count) throw new TypeError('Entry batch: time runs do not add up');
    wallTime.fill(times[r]!, k, k + n);
    k += n;
  }
  if (k !== count) throw new TypeError('Entry batch: time runs do not add up');
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const n = varints.next();
    length[i] = n;
    offset += n < previewCap ? n : previewCap;
    end[i] = offset;
  }
  if (offset !== carried) throw new TypeError('Entry batch: payload lengths do not add up');
  let index = 0;
  for (let c = 0; c < coded; c++) {
    const delta = varints.next();
    index += delta;
    const value = varints.next();
    if ((c > 0 && delta === 0) || index >= count || value === 0 || value > 0xffff) throw new TypeError('Entry batch: bad close codes');
    code[index] = value;
  }
  if (varints.at !== at.dirKind) throw new TypeError('Entry batch: malformed varints');
  return {
    count,
    previewCap,
    seq,
    wallTime,
    length,
    end,
    code,
    dirKind: new Uint8Array(buffer, at.dirKind, count),
    payload: new Uint8Array(buffer, at.payload, carried),
  };
}

/** Direction of entry `i`. */
export function batchDirection(batch: EntryBatch, i: number): Direction {
  return ((batch.dirKind[i]! >> 4) & 3) as Direction;
}

/** Whether entry `i` is an auto-reply (sent by an auto-reply rule, not the user). */
export function batchIsAutoReply(batch: EntryBatch, i: number): boolean {
  return (batch.dirKind[i]! & AUTO_REPLY_BIT) !== 0;
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
