// The Protobuf wire format (protobuf.dev/programming-guides/encoding): tags, varints, fixed-width
// numbers and length-delimited records, read with the byte offset of every mistake. Both the
// schema-less view and the typed decoder walk payloads with this reader, so their errors read alike.
import { OffsetError } from '../../errors/offsetError';

/** Wire types by number; 3 and 4 are the deprecated group start and end. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_FIXED32 = 5;

const WIRE_TYPE_NAMES = ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32'];

/** The wire type as words: `2 (length-delimited)`. */
export function wireTypeName(wireType: number): string {
  return `${wireType} (${WIRE_TYPE_NAMES[wireType] ?? 'invalid'})`;
}

/** The largest field number (2^29 - 1). */
export const MAX_FIELD_NUMBER = 0x1fffffff;

/** A payload that is not valid Protobuf at `offset`; the decoders turn it into DecodedMessage.error. */
export class WireError extends OffsetError {}

/** A tag: field number and wire type, with where it starts. */
export interface Tag {
  readonly fieldNumber: number;
  readonly wireType: number;
  readonly offset: number;
}

/**
 * A cursor over one payload. Varints are read as two 32-bit halves (lo, hi) so that 64-bit values stay
 * exact without a BigInt per number; `varintBig()` and friends make the BigInt only when asked.
 */
export class WireReader {
  pos: number;
  /** The halves of the last varint or fixed64 read. */
  lo = 0;
  hi = 0;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a varint into lo/hi; throws at its first byte when it is cut short or longer than 10 bytes. */
  varint(): void {
    const start = this.pos;
    const b = this.bytes;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) {
        throw new WireError(start, `truncated varint: the payload ends after ${i} of its bytes`);
      }
      if (i === 10) throw new WireError(start, 'varint longer than 10 bytes');
      const byte = b[this.pos++]!;
      if (i < 4) lo |= (byte & 0x7f) << shift;
      else if (i === 4) {
        lo |= (byte & 0x0f) << 28;
        hi = (byte & 0x7f) >>> 4;
      } else hi |= (byte & 0x7f) << (shift - 32);
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** The last varint as an unsigned 64-bit BigInt. */
  u64(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The last varint as a signed 64-bit BigInt (int64, sfixed64). */
  i64(): bigint {
    return BigInt.asIntN(64, this.u64());
  }

  /** The last varint zigzag-decoded (sint32, sint64). */
  zigzag64(): bigint {
    const u = this.u64();
    return (u >> 1n) ^ -(u & 1n);
  }

  /** A varint that must fit a JavaScript number as an unsigned length or field count. */
  length(what: string): number {
    const start = this.pos;
    this.varint();
    if (this.hi !== 0 || this.lo > 0x7fffffff) throw new WireError(start, `${what} ${this.u64()} is too large`);
    return this.lo;
  }

  /** Reads a tag; throws on field number 0, beyond 2^29 - 1, or wire types 6 and 7. */
  tag(): Tag {
    const offset = this.pos;
    this.varint();
    if (this.hi !== 0) throw new WireError(offset, 'field tag larger than 32 bits');
    const fieldNumber = this.lo >>> 3;
    const wireType = this.lo & 7;
    if (fieldNumber === 0) throw new WireError(offset, 'field number 0 is not allowed (this is not a Protobuf message here)');
    if (wireType > 5) throw new WireError(offset, `invalid wire type ${wireType} for field ${fieldNumber}`);
    return { fieldNumber, wireType, offset };
  }

  /** Checks that `n` more bytes are there; returns where they start. */
  take(n: number, what: string, from = this.pos): number {
    const at = this.pos;
    if (this.end - at < n) {
      throw new WireError(from, `${what} needs ${n} bytes but only ${this.end - at} remain`);
    }
    this.pos += n;
    return at;
  }

  fixed32(): number {
    const at = this.take(4, 'fixed32 value');
    const b = this.bytes;
    return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  }

  /** Reads 8 bytes into lo/hi. */
  fixed64(): void {
    const at = this.take(8, 'fixed64 value');
    const b = this.bytes;
    this.lo = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
    this.hi = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
  }

  /** Reads a length prefix and returns [start, end) of the record's content. */
  lengthDelimited(): [number, number] {
    const offset = this.pos;
    const n = this.length('length');
    if (this.end - this.pos < n) {
      throw new WireError(offset, `length ${n} goes beyond the end (only ${this.end - this.pos} bytes remain)`);
    }
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }
}

const float32 = new Float32Array(1);
const float32Bits = new Uint32Array(float32.buffer);
const float64 = new Float64Array(1);
const float64Bits = new Uint32Array(float64.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function floatFromBits(bits: number): number {
  float32Bits[0] = bits;
  return float32[0]!;
}

export function floatToBits(value: number): number {
  float32[0] = value;
  return float32Bits[0]!;
}

export function doubleFromBits(lo: number, hi: number): number {
  float64Bits[littleEndian ? 0 : 1] = lo;
  float64Bits[littleEndian ? 1 : 0] = hi;
  return float64[0]!;
}

export function doubleToBits(value: number): [lo: number, hi: number] {
  float64[0] = value;
  return littleEndian ? [float64Bits[0]!, float64Bits[1]!] : [float64Bits[1]!, float64Bits[0]!];
}

/** A float32 as the shortest decimal that reads back to the same float (0.1, not 0.10000000149011612). */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  for (let p = 1; p <= 9; p++) {
    const text = value.toPrecision(p);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where the first invalid UTF-8 sequence in bytes[start, end) starts, or -1 when it is all valid. */
export function invalidUtf8At(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    if (i + n >= end) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k]!;
      if ((cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** bytes[start, end) as a string; throws a WireError at the first invalid UTF-8 byte. */
export function readUtf8(b: Uint8Array, start: number, end: number, what: string): string {
  try {
    return utf8.decode(b.subarray(start, end));
  } catch {
    const at = invalidUtf8At(b, start, end);
    throw new WireError(at < 0 ? start : at, `invalid UTF-8 in ${what}`);
  }
}

/** bytes[start, end) as a string, or undefined when it is not valid UTF-8. */
export function tryUtf8(b: Uint8Array, start: number, end: number): string | undefined {
  try {
    return utf8.decode(b.subarray(start, end));
  } catch {
    return undefined;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Bytes as lowercase hex, at most `maxBytes` of them followed by `… (N B)`. */
export function hexOf(b: Uint8Array, start: number, end: number, maxBytes = Infinity): string {
  const stop = Math.min(end, start + maxBytes);
  let out = '';
  for (let i = start; i < stop; i++) out += HEX[b[i]!];
  return stop < end ? `${out}… (${end - start} B)` : out;
}
