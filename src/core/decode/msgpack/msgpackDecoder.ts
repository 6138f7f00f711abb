// MessagePack bytes to items, each with its byte range and type as the spec names it, by a walker of
// our own: a library decodes to plain values and throws without a position, and the tree needs both.
// Hostile input is bounded: lengths are checked against the bytes left before anything is allocated,
// nesting stops at MAX_DEPTH, and past the node budget items are checked but not built (msgpackCheck.ts).
import {
  type ArrayItem,
  type DataItem,
  DecodeStop,
  type DecodeResult,
  type ExtItem,
  type MapItem,
  plural,
  runDecoder,
} from '../dataItem/dataItem';
import { hex2, isoTime, ItemReader, readContainer } from '../dataItem/itemReader';
import { skipMsgpack } from './msgpackCheck';

/** Decodes one MessagePack value; builds at most `budget` items (the rest is checked only). */
export function decodeMsgpack(bytes: Uint8Array, budget = Infinity): DecodeResult {
  const r = new ItemReader(bytes, budget);
  return runDecoder(bytes, 'MessagePack', () => readItem(r, 0, true)!, () => r.pos);
}

/** The timestamp an ext -1 holds, as a date, or why it is not one. */
export function timestampNote(data: Uint8Array): string {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let seconds: bigint;
  let nanoseconds: number;
  if (data.length === 4) {
    seconds = BigInt(view.getUint32(0));
    nanoseconds = 0;
  } else if (data.length === 8) {
    const high = view.getUint32(0);
    nanoseconds = high >>> 2;
    seconds = (BigInt(high & 3) << 32n) | BigInt(view.getUint32(4));
  } else if (data.length === 12) {
    nanoseconds = view.getUint32(0);
    seconds = view.getBigInt64(4);
  } else {
    return `not a timestamp: ${plural(data.length, 'byte')} (4, 8 or 12 expected)`;
  }
  if (nanoseconds > 999_999_999) return `not a timestamp: ${nanoseconds} nanoseconds`;
  return isoTime(seconds, nanoseconds) ?? `${seconds}s ${nanoseconds}ns since 1970 (beyond dates)`;
}

function readItem(r: ItemReader, depth: number, build: boolean): DataItem | undefined {
  const start = r.pos;
  const b = r.bytes[r.pos++]!;
  if (build) r.budget--;
  const at = (): { offset: number; length: number } => ({ offset: start, length: r.pos - start });

  if (b <= 0x7f) return build ? { kind: 'int', value: BigInt(b), wire: 'uint', ...at() } : undefined;
  if (b >= 0xe0) return build ? { kind: 'int', value: BigInt(b - 0x100), wire: 'int', ...at() } : undefined;
  if (b >= 0x80 && b <= 0x8f) return readMap(r, depth, build, start, b & 0x0f, 'map');
  if (b >= 0x90 && b <= 0x9f) return readArray(r, depth, build, start, b & 0x0f, 'array');
  if (b >= 0xa0 && b <= 0xbf) return readStr(r, build, start, b & 0x1f, 'str');

  const header = (n: number, what: string): void => r.need(n, what, start);
  switch (b) {
    case 0xc0:
      return build ? { kind: 'null', wire: 'nil', ...at() } : undefined;
    case 0xc1:
      throw new DecodeStop(start, `0xc1 at offset ${start} is not a MessagePack type (the spec never uses it)`);
    case 0xc2:
    case 0xc3:
      return build ? { kind: 'bool', value: b === 0xc3, wire: 'bool', ...at() } : undefined;
    case 0xc4:
    case 0xc5:
    case 0xc6: {
      const what = `bin${8 << (b - 0xc4)}`;
      const size = readLength(r, 1 << (b - 0xc4), what, start);
      r.need(size, () => `${what} of ${plural(size, 'byte')}`, start);
      const data = r.take(size);
      return build ? { kind: 'bin', value: data.slice(), wire: 'bin', ...at() } : undefined;
    }
    case 0xc7:
    case 0xc8:
    case 0xc9: {
      const what = `ext${8 << (b - 0xc7)}`;
      const size = readLength(r, 1 << (b - 0xc7), what, start);
      return readExt(r, build, start, size, what);
    }
    case 0xca:
      header(4, 'float32');
      r.pos += 4;
      return build ? { kind: 'float', value: r.view.getFloat32(start + 1), width: 32, wire: 'float32', ...at() } : undefined;
    case 0xcb:
      header(8, 'float64');
      r.pos += 8;
      return build ? { kind: 'float', value: r.view.getFloat64(start + 1), width: 64, wire: 'float64', ...at() } : undefined;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf: {
      const size = 1 << (b - 0xcc);
      const wire = `uint${size * 8}`;
      header(size, wire);
      r.pos += size;
      return build ? { kind: 'int', value: uintAt(r.view, start + 1, size), wire, ...at() } : undefined;
    }
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      const size = 1 << (b - 0xd0);
      const wire = `int${size * 8}`;
      header(size, wire);
      r.pos += size;
      return build ? { kind: 'int', value: intAt(r.view, start + 1, size), wire, ...at() } : undefined;
    }
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return readExt(r, build, start, 1 << (b - 0xd4), `fixext${1 << (b - 0xd4)}`);
    case 0xd9:
    case 0xda:
    case 0xdb: {
      const what = `str${8 << (b - 0xd9)}`;
      return readStr(r, build, start, readLength(r, 1 << (b - 0xd9), what, start), 'str');
    }
    case 0xdc:
    case 0xdd:
      return readArray(r, depth, build, start, readLength(r, b === 0xdc ? 2 : 4, 'array', start), 'array');
    case 0xde:
    case 0xdf:
      return readMap(r, depth, build, start, readLength(r, b === 0xde ? 2 : 4, 'map', start), 'map');
    default:
      throw new Error(`unreachable: 0x${hex2(b)}`);
  }
}

/** Reads a big-endian length of 1, 2 or 4 bytes after a type byte. */
function readLength(r: ItemReader, size: number, what: string, start: number): number {
  r.need(size, () => `${what} length`, start);
  const at = r.pos;
  r.pos += size;
  return size === 1 ? r.view.getUint8(at) : size === 2 ? r.view.getUint16(at) : r.view.getUint32(at);
}

function uintAt(view: DataView, at: number, size: number): bigint {
  if (size === 8) return view.getBigUint64(at);
  return BigInt(size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at) : view.getUint32(at));
}

function intAt(view: DataView, at: number, size: number): bigint {
  if (size === 8) return view.getBigInt64(at);
  return BigInt(size === 1 ? view.getInt8(at) : size === 2 ? view.getInt16(at) : view.getInt32(at));
}

function readStr(r: ItemReader, build: boolean, start: number, size: number, wire: string): DataItem | undefined {
  r.need(size, () => `str of ${plural(size, 'byte')}`, start);
  const value = r.utf8(r.take(size), 'str', start);
  return build ? { kind: 'str', value, wire, offset: start, length: r.pos - start } : undefined;
}

function readExt(r: ItemReader, build: boolean, start: number, size: number, what: string): ExtItem | undefined {
  r.need(1 + size, () => `${what} of ${plural(size, 'byte')}`, start);
  const type = r.view.getInt8(r.pos++);
  const data = r.take(size);
  if (!build) return undefined;
  const item: ExtItem = { kind: 'ext', type, data: data.slice(), wire: `ext ${type}`, offset: start, length: r.pos - start };
  if (type === -1) item.note = timestampNote(data);
  return item;
}

function readArray(r: ItemReader, depth: number, build: boolean, start: number, count: number, wire: string): ArrayItem | undefined {
  const item: ArrayItem = { kind: 'array', items: [], wire, offset: start, length: 0 };
  return readContainer(r, item, depth, build, count, (b) => readItem(r, depth + 1, b), skipMsgpack);
}

function readMap(r: ItemReader, depth: number, build: boolean, start: number, count: number, wire: string): MapItem | undefined {
  const item: MapItem = { kind: 'map', entries: [], wire, offset: start, length: 0 };
  return readContainer(r, item, depth, build, count, (b) => readItem(r, depth + 1, b), skipMsgpack);
}
