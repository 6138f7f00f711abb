// MQTT's primitive data types (MQTT 5 §1.5, the same in 3.1.1): big-endian integers, the variable byte
import { decodeShortText } from '../../../../shared/codecs/shortText';
import { OffsetError } from '../../errors/offsetError';
// integer, length-prefixed UTF-8 strings and binary data. The reader knows its byte offset so a
// malformed packet is reported where it stops making sense; the writer collects parts and joins them once.

/** A packet that does not parse: what was wrong and at which byte (from the start of the input). */
export class MqttWireError extends OffsetError {}

/** Largest value of a variable byte integer (four bytes). */
export const MAX_VARINT = 268_435_455;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Reads a variable byte integer at `at`; undefined when the input ends first. Throws after 4 bytes. */
export function readVarint(bytes: Uint8Array, at: number, end = bytes.length): { value: number; size: number } | undefined {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    if (at + i >= end) return undefined;
    const b = bytes[at + i]!;
    value += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return { value, size: i + 1 };
    multiplier *= 128;
  }
  throw new MqttWireError(at, 'A variable byte integer is longer than 4 bytes');
}

/** Reads fields from bytes[start, end), throwing MqttWireError with the offset of what is missing or wrong. */
export class MqttReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new MqttWireError(this.pos, `The packet ends inside ${what} (${n} byte${n === 1 ? '' : 's'} needed, ${this.end - this.pos} left)`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return b[p]! * 0x1000000 + b[p + 1]! * 0x10000 + b[p + 2]! * 0x100 + b[p + 3]!;
  }

  varint(what: string): number {
    const at = this.pos;
    const r = readVarint(this.bytes, at, this.end);
    if (!r) throw new MqttWireError(at, `The packet ends inside ${what} (a variable byte integer)`);
    this.pos += r.size;
    return r.value;
  }

  binary(what: string): Uint8Array {
    const n = this.u16(`the length of ${what}`);
    this.need(n, what);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  utf8(what: string): string {
    const at = this.pos;
    const n = this.u16(`the length of ${what}`);
    this.need(n, what);
    // Decoded at once: a view, not a copy as binary() keeps.
    const bytes = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    try {
      return decodeShortText(utf8, bytes);
    } catch {
      throw new MqttWireError(at + 2, `${what} is not valid UTF-8`);
    }
  }

  /** The bytes left, copied. */
  rest(): Uint8Array {
    const out = this.bytes.slice(this.pos, this.end);
    this.pos = this.end;
    return out;
  }
}

/** Collects the parts of a packet body; `bytes()` joins them. */
export class MqttWriter {
  private readonly parts: Uint8Array[] = [];
  length = 0;

  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.length += bytes.length;
    return this;
  }

  u8(v: number): this {
    return this.raw(Uint8Array.of(v & 0xff));
  }

  u16(v: number): this {
    return this.raw(Uint8Array.of((v >> 8) & 0xff, v & 0xff));
  }

  u32(v: number): this {
    return this.raw(Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }

  varint(v: number): this {
    return this.raw(encodeVarint(v));
  }

  binary(bytes: Uint8Array, what: string): this {
    if (bytes.length > 0xffff) throw new RangeError(`${what} is ${bytes.length} bytes; MQTT allows at most 65,535`);
    return this.u16(bytes.length).raw(bytes);
  }

  utf8(text: string, what: string): this {
    return this.binary(encoder.encode(text), what);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** A variable byte integer's bytes. */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VARINT) {
    throw new RangeError(`${value} does not fit a variable byte integer (0 to ${MAX_VARINT})`);
  }
  const out: number[] = [];
  let v = value;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return Uint8Array.from(out);
}
