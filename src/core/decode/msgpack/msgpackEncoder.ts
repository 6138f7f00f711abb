// Items to MessagePack bytes, in the shortest form for each integer and length (as msgpack-python and
// @msgpack/msgpack write them), floats in the width the item keeps, strings as str and binary as bin.
import { ByteWriter } from '../dataItem/byteWriter';
import { type DataItem, EncodeProblem } from '../dataItem/dataItem';

const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;
const MAX_LENGTH = 0xffff_ffff;

/** Encodes an item; throws EncodeProblem at the item MessagePack cannot hold. */
export function encodeMsgpack(item: DataItem): Uint8Array {
  const w = new ByteWriter();
  write(w, item);
  return w.finish();
}

function length(item: DataItem, n: number, what: string): number {
  if (n > MAX_LENGTH) throw new EncodeProblem(item.offset, `a MessagePack ${what} holds at most 2^32-1, not ${n}`);
  return n;
}

function write(w: ByteWriter, item: DataItem): void {
  switch (item.kind) {
    case 'null':
      return w.u8(0xc0);
    case 'bool':
      return w.u8(item.value ? 0xc3 : 0xc2);
    case 'int':
      return writeInt(w, item.value, item.offset);
    case 'float':
      if (item.width === 16) {
        throw new EncodeProblem(item.offset, 'MessagePack has no float16; use $float32 or $float');
      }
      if (item.width === 32) {
        w.u8(0xca);
        return w.f32(item.value);
      }
      w.u8(0xcb);
      return w.f64(item.value);
    case 'str': {
      const bytes = new TextEncoder().encode(item.value);
      head(w, length(item, bytes.length, 'str'), STR);
      return w.bytes(bytes);
    }
    case 'bin': {
      head(w, length(item, item.value.length, 'bin'), BIN);
      return w.bytes(item.value);
    }
    case 'array': {
      head(w, length(item, item.items.length, 'array'), ARRAY);
      for (const child of item.items) write(w, child);
      return;
    }
    case 'map': {
      head(w, length(item, item.entries.length, 'map'), MAP);
      for (const { key, value } of item.entries) {
        write(w, key);
        if (!value) throw new EncodeProblem(key.offset, 'this map key has no value');
        write(w, value);
      }
      return;
    }
    case 'ext': {
      const n = length(item, item.data.length, 'ext');
      const fixed = [1, 2, 4, 8, 16].indexOf(n);
      if (fixed >= 0) w.u8(0xd4 + fixed);
      else head(w, n, EXT);
      w.u8(item.type & 0xff);
      return w.bytes(item.data);
    }
    case 'tag':
      throw new EncodeProblem(item.offset, 'MessagePack has no tags ($tag is CBOR); an ext type is written {"$ext": [type, "hex"]}');
    case 'undefined':
      throw new EncodeProblem(item.offset, 'MessagePack has no undefined ($undefined is CBOR); use null');
    case 'simple':
      throw new EncodeProblem(item.offset, 'MessagePack has no simple values ($simple is CBOR)');
  }
}

/** Type bytes of a sized form: the fix form's base and limit (none: 0), then the 8-, 16- and 32-bit forms. */
interface Forms {
  readonly fix: number;
  readonly fixLimit: number;
  /** Absent for array and map, which have no 8-bit length. */
  readonly c8?: number;
  readonly c16: number;
  readonly c32: number;
}

const STR: Forms = { fix: 0xa0, fixLimit: 32, c8: 0xd9, c16: 0xda, c32: 0xdb };
const BIN: Forms = { fix: 0, fixLimit: 0, c8: 0xc4, c16: 0xc5, c32: 0xc6 };
const ARRAY: Forms = { fix: 0x90, fixLimit: 16, c16: 0xdc, c32: 0xdd };
const MAP: Forms = { fix: 0x80, fixLimit: 16, c16: 0xde, c32: 0xdf };
const EXT: Forms = { fix: 0, fixLimit: 0, c8: 0xc7, c16: 0xc8, c32: 0xc9 };

/** Writes a type byte and length in the shortest form that holds `n`. */
function head(w: ByteWriter, n: number, forms: Forms): void {
  if (n < forms.fixLimit) {
    w.u8(forms.fix | n);
  } else if (n < 0x100 && forms.c8 !== undefined) {
    w.u8(forms.c8);
    w.u8(n);
  } else if (n < 0x10000) {
    w.u8(forms.c16);
    w.u16(n);
  } else {
    w.u8(forms.c32);
    w.u32(n);
  }
}

function writeInt(w: ByteWriter, v: bigint, offset: number): void {
  if (v >= 0n) {
    if (v < 0x80n) return w.u8(Number(v));
    if (v < TWO_64) return sizedInt(w, 0xcc, BigInt.asUintN(64, v), v < 0x100n ? 1 : v < 0x10000n ? 2 : v < 0x1_0000_0000n ? 4 : 8);
    throw new EncodeProblem(offset, `${v} is beyond MessagePack's integers (at most 2^64-1 = 18446744073709551615)`);
  }
  if (v >= -32n) return w.u8(Number(v) & 0xff);
  if (v >= -TWO_63) return sizedInt(w, 0xd0, v, v >= -0x80n ? 1 : v >= -0x8000n ? 2 : v >= -0x8000_0000n ? 4 : 8);
  throw new EncodeProblem(offset, `${v} is beyond MessagePack's integers (at least -2^63 = -9223372036854775808)`);
}

/** Writes uint8…64 (first 0xcc) or int8…64 (first 0xd0) with `size` bytes of two's complement. */
function sizedInt(w: ByteWriter, first: number, v: bigint, size: 1 | 2 | 4 | 8): void {
  w.u8(first + Math.log2(size));
  const bits = BigInt.asUintN(size * 8, v);
  if (size === 8) w.u64(bits);
  else if (size === 4) w.u32(Number(bits));
  else if (size === 2) w.u16(Number(bits));
  else w.u8(Number(bits));
}
