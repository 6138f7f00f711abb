// Delimiter framing: a message ends at each occurrence of the delimiter. A one-byte delimiter is found
// with Node's native indexOf (memchr) and messages inside a chunk are passed on as spans of it; a longer
// delimiter is searched for across chunk boundaries too.
import { SocketInspectorError } from '../../../shared/errors';
import { describeFramer, type FramerSpec } from '../../../shared/framerSpec';
import type { MessageSink, SpanSink } from './framerDecoder';
import { formatBytes, HeldBytes } from './heldBytes';

/** Delimiter framing, shared by both delimiter decoders. */
abstract class DelimiterDecoder extends HeldBytes {
  /** A message ran past the limit: bytes are dropped until the next delimiter. */
  protected discarding = false;
  protected readonly label: string;

  constructor(spec: FramerSpec & { type: 'delimiter' }, emit: MessageSink, max: number, onError: ((e: SocketInspectorError) => void) | undefined) {
    super(emit, max, onError);
    this.label = describeFramer(spec);
  }

  override get pending(): number {
    return this.discarding ? 0 : this.len;
  }

  override takeRemainder(): Uint8Array {
    if (this.discarding) {
      this.discarding = false;
      this.reset();
      return new Uint8Array(0);
    }
    return super.takeRemainder();
  }

  protected tooLong(): SocketInspectorError {
    return new SocketInspectorError(
      'PAYLOAD_TOO_LARGE',
      `No delimiter within ${formatBytes(this.max)} (the message limit) while framing as ${this.label}; the bytes up to the next delimiter were skipped.`,
    );
  }
}

/**
 * Node's Buffer.prototype.indexOf, which works on any Uint8Array: it is memchr behind a fast call, about
 * three times faster per line than V8's TypedArray indexOf (bench/README.md, TCP lines). Absent
 * outside Node.
 */
const nodeIndexOf = typeof Buffer === 'function' ? (Buffer.prototype.indexOf as (this: Uint8Array, value: number, byteOffset: number) => number) : undefined;

/** Index of `byte` in `hay` at or after `from`, or -1. */
function byteIndexOf(hay: Uint8Array, byte: number, from: number): number {
  return nodeIndexOf ? nodeIndexOf.call(hay, byte, from) : hay.indexOf(byte, from);
}

/** A one-byte delimiter, found with byteIndexOf. */
export class ByteDelimiterDecoder extends DelimiterDecoder {
  private readonly byte: number;

  constructor(
    spec: FramerSpec & { type: 'delimiter' },
    emit: MessageSink,
    max: number,
    onError: ((e: SocketInspectorError) => void) | undefined,
    private readonly onSpan: SpanSink | undefined,
  ) {
    super(spec, emit, max, onError);
    this.byte = spec.delimiter[0]!;
  }

  push(chunk: Uint8Array): void {
    const d = this.byte;
    const max = this.max;
    const emit = this.emit;
    const n = chunk.length;
    let start = 0;
    let i = byteIndexOf(chunk, d, 0);
    if (this.discarding) {
      if (i === -1) return;
      this.discarding = false;
      start = i + 1;
      i = byteIndexOf(chunk, d, start);
    } else if (this.len > 0) {
      if (i === -1) {
        this.holdTail(chunk, 0, n);
        this.throwDeferred();
        return;
      }
      if (this.len + i > max) {
        this.reset();
        this.report(this.tooLong());
      } else {
        this.hold(chunk, 0, i);
        this.emitHeld();
      }
      start = i + 1;
      i = byteIndexOf(chunk, d, start);
    }
    const onSpan = this.onSpan;
    while (i !== -1) {
      if (i - start > max) this.report(this.tooLong());
      else if (onSpan) onSpan(chunk, start, i);
      else emit(chunk.subarray(start, i));
      start = i + 1;
      i = byteIndexOf(chunk, d, start);
    }
    if (start < n) this.holdTail(chunk, start, n);
    this.throwDeferred();
  }

  private holdTail(chunk: Uint8Array, from: number, to: number): void {
    if (this.len + (to - from) > this.max) {
      this.reset();
      this.discarding = true;
      this.report(this.tooLong());
    } else {
      this.hold(chunk, from, to);
    }
  }
}

/** First index >= from where `d` occurs in full in `hay`, or -1. */
function indexOfSequence(hay: Uint8Array, d: Uint8Array, from: number): number {
  const first = d[0]!;
  const dl = d.length;
  const last = hay.length - dl;
  let i = byteIndexOf(hay, first, from);
  while (i !== -1 && i <= last) {
    let j = 1;
    while (j < dl && hay[i + j] === d[j]) j++;
    if (j === dl) return i;
    i = byteIndexOf(hay, first, i + 1);
  }
  return -1;
}

/**
 * A delimiter of several bytes, which may straddle chunks: the held bytes can end with the start of a
 * delimiter, so up to `length - 1` extra bytes are held beyond the limit, and while discarding only
 * those last bytes are kept.
 */
export class SequenceDelimiterDecoder extends DelimiterDecoder {
  private readonly delim: Uint8Array;
  /** Delimiter length minus one: the most delimiter bytes that can sit at the end of the held bytes. */
  private readonly overlap: number;
  /** Where the held bytes' delimiter starts, set by boundaryMatch. */
  private boundaryAt = 0;

  constructor(spec: FramerSpec & { type: 'delimiter' }, emit: MessageSink, max: number, onError: ((e: SocketInspectorError) => void) | undefined) {
    super(spec, emit, max, onError);
    this.delim = spec.delimiter;
    this.overlap = spec.delimiter.length - 1;
  }

  push(chunk: Uint8Array): void {
    const d = this.delim;
    const dl = d.length;
    const max = this.max;
    const emit = this.emit;
    const n = chunk.length;
    if (n === 0) return;
    let start = 0;
    if (this.len > 0 || this.discarding) {
      const after = this.boundaryMatch(chunk);
      if (after >= 0) {
        this.endHeld(this.boundaryAt);
        start = after;
      } else {
        const i = indexOfSequence(chunk, d, 0);
        if (i === -1) {
          this.holdTail(chunk, 0, n);
          this.throwDeferred();
          return;
        }
        const total = this.len + i;
        if (!this.discarding && total <= max) this.hold(chunk, 0, i);
        this.endHeld(total);
        start = i + dl;
      }
    }
    let i = indexOfSequence(chunk, d, start);
    while (i !== -1) {
      if (i - start > max) this.report(this.tooLong());
      else emit(chunk.subarray(start, i));
      start = i + dl;
      i = indexOfSequence(chunk, d, start);
    }
    if (start < n) this.holdTail(chunk, start, n);
    this.throwDeferred();
  }

  /** The held message ends at `length` (its delimiter was found): passes it on, or drops it. */
  private endHeld(length: number): void {
    if (this.discarding) {
      this.discarding = false;
      this.reset();
    } else if (length > this.max) {
      this.reset();
      this.report(this.tooLong());
    } else {
      this.emitHeld(length);
    }
  }

  /**
   * The leftmost delimiter that starts in the held bytes and ends in `chunk`: returns the chunk offset
   * just past it (and sets boundaryAt), or -1. A candidate the chunk is too short to confirm also gives
   * -1; it stays among the last held bytes and is checked again on the next push.
   */
  private boundaryMatch(chunk: Uint8Array): number {
    const d = this.delim;
    const dl = d.length;
    const len = this.len;
    const buf = this.buf;
    for (let p = Math.max(0, len - dl + 1); p < len; p++) {
      const inHeld = len - p;
      let j = 0;
      while (j < inHeld && buf[p + j] === d[j]) j++;
      if (j < inHeld) continue;
      const need = dl - inHeld;
      const have = Math.min(need, chunk.length);
      let m = 0;
      while (m < have && chunk[m] === d[inHeld + m]) m++;
      if (m < have) continue;
      if (have < need) return -1;
      this.boundaryAt = p;
      return need;
    }
    return -1;
  }

  /** Holds chunk[from, to) (no delimiter in it); past the limit, switches to discarding. */
  private holdTail(chunk: Uint8Array, from: number, to: number): void {
    const add = to - from;
    if (!this.discarding && this.len + add <= this.max + this.overlap) {
      this.hold(chunk, from, to);
      return;
    }
    if (!this.discarding) {
      this.discarding = true;
      this.report(this.tooLong());
    }
    // Keep only the last `overlap` bytes: the start of a delimiter the next chunk may complete.
    const k = this.overlap;
    this.ensure(k);
    if (add >= k) {
      this.buf.set(chunk.subarray(to - k, to), 0);
      this.len = k;
    } else {
      const fromHeld = Math.min(k - add, this.len);
      this.buf.copyWithin(0, this.len - fromHeld, this.len);
      this.buf.set(chunk.subarray(from, to), fromHeld);
      this.len = fromHeld + add;
    }
  }
}
