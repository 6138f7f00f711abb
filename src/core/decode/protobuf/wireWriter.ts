// Writing the Protobuf wire format: tags, varints (64-bit exact through BigInt), fixed-width numbers and
// length-delimited records. Nested messages are written to their own writer and then copied behind
// their length, which keeps the writer simple; payloads are composer-sized.
import { doubleToBits, floatToBits } from './wireFormat';

export class WireWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned varint of up to 32 bits. */
  uint32(value: number): void {
    this.room(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }

  /** A varint of a 64-bit value, given as a BigInt (negative numbers as their two's complement). */
  uint64(value: bigint): void {
    this.room(10);
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  tag(fieldNumber: number, wireType: number): void {
    this.uint32(((fieldNumber << 3) | wireType) >>> 0);
  }

  fixed32(value: number): void {
    this.room(4);
    const v = value >>> 0;
    this.buf[this.len++] = v & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = v >>> 24;
  }

  fixed64(value: bigint): void {
    const v = BigInt.asUintN(64, value);
    this.fixed32(Number(v & 0xffffffffn));
    this.fixed32(Number(v >> 32n));
  }

  float(value: number): void {
    this.fixed32(floatToBits(value));
  }

  double(value: number): void {
    const [lo, hi] = doubleToBits(value);
    this.fixed32(lo);
    this.fixed32(hi);
  }

  /** Raw bytes, as they are. */
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** A length prefix and the bytes. */
  lengthDelimited(bytes: Uint8Array): void {
    this.uint32(bytes.length);
    this.raw(bytes);
  }

  get length(): number {
    return this.len;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
