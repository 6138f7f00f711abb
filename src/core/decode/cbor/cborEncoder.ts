// Items to CBOR bytes: every head in its shortest form and definite lengths (RFC 8949 §4.2.1's
// preferred serialization, as cbor2 writes), floats in the width the item keeps, integers beyond 64
// bits as bignums (tags 2 and 3).
import { ByteWriter } from '../dataItem/byteWriter';
import { type DataItem, EncodeProblem } from '../dataItem/dataItem';

const TWO_64 = 1n << 64n;

/** Encodes an item; throws EncodeProblem at the item CBOR cannot hold. */
export function encodeCbor(item: DataItem): Uint8Array {
  const w = new ByteWriter();
  write(w, item);
  return w.finish();
}

/** Writes a head: major type and argument in the shortest form. */
function head(w: ByteWriter, major: number, arg: number | bigint): void {
  const m = major << 5;
  const n = BigInt(arg);
  if (n < 24n) w.u8(m | Number(n));
  else if (n < 0x100n) {
    w.u8(m | 24);
    w.u8(Number(n));
  } else if (n < 0x10000n) {
    w.u8(m | 25);
    w.u16(Number(n));
  } else if (n < 0x1_0000_0000n) {
    w.u8(m | 26);
    w.u32(Number(n));
  } else {
    w.u8(m | 27);
    w.u64(n);
  }
}

function bignumBytes(n: bigint): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function write(w: ByteWriter, item: DataItem): void {
  switch (item.kind) {
    case 'int': {
      const v = item.value;
      if (v >= 0n && v < TWO_64) return head(w, 0, v);
      if (v < 0n && v >= -TWO_64) return head(w, 1, -1n - v);
      // Beyond 64 bits: a bignum, tag 2 (n) or 3 (-1 - n) around its bytes.
      const magnitude = v >= 0n ? v : -1n - v;
      head(w, 6, v >= 0n ? 2 : 3);
      const bytes = bignumBytes(magnitude);
      head(w, 2, bytes.length);
      return w.bytes(bytes);
    }
    case 'float':
      if (item.width === 16) {
        w.u8(0xf9);
        return w.f16(item.value);
      }
      if (item.width === 32) {
        w.u8(0xfa);
        return w.f32(item.value);
      }
      w.u8(0xfb);
      return w.f64(item.value);
    case 'str': {
      const bytes = new TextEncoder().encode(item.value);
      head(w, 3, bytes.length);
      return w.bytes(bytes);
    }
    case 'bin':
      head(w, 2, item.value.length);
      return w.bytes(item.value);
    case 'array':
      head(w, 4, item.items.length);
      for (const child of item.items) write(w, child);
      return;
    case 'map':
      head(w, 5, item.entries.length);
      for (const { key, value } of item.entries) {
        write(w, key);
        if (!value) throw new EncodeProblem(key.offset, 'this map key has no value');
        write(w, value);
      }
      return;
    case 'tag':
      head(w, 6, item.tag);
      if (!item.content) throw new EncodeProblem(item.offset, 'this tag has no item');
      return write(w, item.content);
    case 'bool':
      return w.u8(item.value ? 0xf5 : 0xf4);
    case 'null':
      return w.u8(0xf6);
    case 'undefined':
      return w.u8(0xf7);
    case 'simple':
      if (item.value < 24) return w.u8(0xe0 | item.value);
      w.u8(0xf8);
      return w.u8(item.value);
    case 'ext':
      throw new EncodeProblem(
        item.offset,
        'CBOR has no ext types ($ext is MessagePack); a tagged item is written {"$tag": [number, value]}',
      );
  }
}
