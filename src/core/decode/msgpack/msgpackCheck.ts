// Checks MessagePack past the tree's node budget without building anything: no item, closure or string
// per value, so a 1 MiB payload of 100,000 values costs a walk over its bytes rather than the garbage
// collector's time. It only answers "well-formed, ending here" or "not": on "not" the full reader reads
// the same item again and says what is wrong and at which offset, so errors read exactly as before.
import { isUtf8 } from 'node:buffer';
import { MAX_DEPTH } from '../dataItem/dataItem';

/** Where the item starting at `pos` ends, or -1 when it is cut short or not well-formed. */
export function skipMsgpack(b: Uint8Array, pos: number, depth: number): number {
  const end = b.length;
  if (pos >= end) return -1;
  const t = b[pos++]!;
  if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) return pos;
  if (t <= 0x8f) return skipChildren(b, pos, depth, (t & 0x0f) * 2);
  if (t <= 0x9f) return skipChildren(b, pos, depth, t & 0x0f);
  if (t <= 0xbf) return skipStr(b, pos, t & 0x1f);
  switch (t) {
    case 0xc4: case 0xc5: case 0xc6: {
      const n = lengthAt(b, pos, 1 << (t - 0xc4));
      if (n < 0) return -1;
      pos += 1 << (t - 0xc4);
      return n <= end - pos ? pos + n : -1;
    }
    case 0xc7: case 0xc8: case 0xc9: {
      const n = lengthAt(b, pos, 1 << (t - 0xc7));
      if (n < 0) return -1;
      pos += 1 << (t - 0xc7);
      // An ext -1 (timestamp) is built only for a note; any size is well-formed.
      return n + 1 <= end - pos ? pos + 1 + n : -1;
    }
    case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce: case 0xcf: case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
      const size = t === 0xca ? 4 : t === 0xcb ? 8 : 1 << ((t - 0xcc) & 3);
      return size <= end - pos ? pos + size : -1;
    }
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: {
      const size = 1 + (1 << (t - 0xd4));
      return size <= end - pos ? pos + size : -1;
    }
    case 0xd9: case 0xda: case 0xdb: {
      const size = 1 << (t - 0xd9);
      const n = lengthAt(b, pos, size);
      return n < 0 ? -1 : skipStr(b, pos + size, n);
    }
    case 0xdc: case 0xdd: {
      const size = t === 0xdc ? 2 : 4;
      const n = lengthAt(b, pos, size);
      return n < 0 ? -1 : skipChildren(b, pos + size, depth, n);
    }
    case 0xde: case 0xdf: {
      const size = t === 0xde ? 2 : 4;
      const n = lengthAt(b, pos, size);
      return n < 0 ? -1 : skipChildren(b, pos + size, depth, n * 2);
    }
    default: // 0xc1: never used
      return -1;
  }
}

/** A big-endian length of `size` bytes at `pos`, or -1 when the payload ends first. */
function lengthAt(b: Uint8Array, pos: number, size: number): number {
  if (size > b.length - pos) return -1;
  if (size === 1) return b[pos]!;
  if (size === 2) return (b[pos]! << 8) | b[pos + 1]!;
  return ((b[pos]! << 24) >>> 0) + ((b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!);
}

/** `count` items (a map's keys and values counted apiece) of a container at `depth`. */
function skipChildren(b: Uint8Array, pos: number, depth: number, count: number): number {
  if (depth >= MAX_DEPTH) return -1;
  for (let i = 0; i < count; i++) {
    pos = skipMsgpack(b, pos, depth + 1);
    if (pos < 0) return -1;
  }
  return pos;
}

/** A string of `n` bytes at `pos`: there, and strict UTF-8 (ASCII checked here, the rest by Node). */
function skipStr(b: Uint8Array, pos: number, n: number): number {
  const end = pos + n;
  if (n > b.length - pos) return -1;
  for (let i = pos; i < end; i++) {
    if (b[i]! >= 0x80) return isUtf8(b.subarray(i, end)) ? end : -1;
  }
  return end;
}
