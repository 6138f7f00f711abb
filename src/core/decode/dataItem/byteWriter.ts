// A growing byte buffer for the MessagePack and CBOR encoders, and IEEE 754 half precision (CBOR's
// float16), which neither DataView nor Node's Buffer reads or writes.

/** Appends big-endian numbers and bytes; `finish()` returns exactly what was written. */
export class ByteWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
  }

  f16(v: number): void {
    this.u16(float16Bits(v));
  }

  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** The number a half-precision float's 16 bits stand for. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The half-precision bits nearest to `v` (ties to even), as IEEE 754 rounds. */
export function float16Bits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -24 / 2) return sign; // rounds to zero (exactly half rounds to even: zero)
  if (a < 2 ** -14) {
    // Subnormal: units of 2^-24.
    return sign | roundHalfEven(a / 2 ** -24);
  }
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--; // log2 may round up just below a power of two
  if (2 ** (exponent + 1) <= a) exponent++;
  const fraction = roundHalfEven((a / 2 ** exponent - 1) * 1024);
  if (fraction === 1024) exponent++;
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | (fraction & 0x3ff);
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `v` rounded to the nearest float of `width` bits. */
export function roundToWidth(v: number, width: 16 | 32 | 64): number {
  if (width === 64) return v;
  if (width === 32) return Math.fround(v);
  return float16Value(float16Bits(v));
}
