// CBOR (RFC 8949) bytes to items, each with its byte range, by a walker of our own for the same reasons
// as MessagePack's: offsets per item and errors at the byte. Indefinite-length strings keep their
// chunks; well-known tags get a note (0/1 dates, 2/3 bignums). Bounded like MessagePack's walker.
import { toHex } from '../../../../shared/codecs/hexDump';
import { float16Value } from '../dataItem/byteWriter';
import {
  type ArrayItem,
  type BinItem,
  type DataItem,
  DecodeStop,
  type DecodeResult,
  type MapItem,
  MAX_DEPTH,
  partialOf,
  passUp,
  plural,
  runDecoder,
  type StrItem,
  type TagItem,
} from '../dataItem/dataItem';
import { hex2, isoTime, ItemReader, readContainer, tooDeep } from '../dataItem/itemReader';

const MAJOR_NAMES = ['uint', 'negint', 'bin', 'str', 'array', 'map', 'tag', 'simple/float'] as const;
const INDEFINITE = -1;
const BREAK = 0xff;

/** Decodes one CBOR data item; builds at most `budget` items (the rest is checked only). */
export function decodeCbor(bytes: Uint8Array, budget = Infinity): DecodeResult {
  const r = new ItemReader(bytes, budget);
  return runDecoder(bytes, 'CBOR', () => readItem(r, 0, true)!, () => r.pos);
}

/**
 * Reads the argument after an initial byte: a number when it fits one exactly, else a bigint;
 * INDEFINITE for additional information 31.
 */
function readArgument(r: ItemReader, info: number, what: string, start: number): number | bigint {
  if (info < 24) return info;
  if (info === 31) return INDEFINITE;
  if (info > 27) {
    throw new DecodeStop(start, `reserved additional information ${info} in the ${what} head at offset ${start}`);
  }
  const size = 1 << (info - 24);
  r.need(size, () => `${what} head`, start);
  const at = r.pos;
  r.pos += size;
  if (size === 1) return r.view.getUint8(at);
  if (size === 2) return r.view.getUint16(at);
  if (size === 4) return r.view.getUint32(at);
  const big = r.view.getBigUint64(at);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function readItem(r: ItemReader, depth: number, build: boolean): DataItem | undefined {
  const start = r.pos;
  const initial = r.bytes[r.pos++]!;
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (build) r.budget--;
  const at = (): { offset: number; length: number } => ({ offset: start, length: r.pos - start });

  if (major === 7) return readSimple(r, build, start, info);
  const arg = readArgument(r, info, MAJOR_NAMES[major]!, start);
  if (arg === INDEFINITE && (major <= 1 || major === 6)) {
    throw new DecodeStop(start, `${MAJOR_NAMES[major]} at offset ${start} cannot have an indefinite length (0x${hex2(initial)})`);
  }
  switch (major) {
    case 0:
      return build ? { kind: 'int', value: BigInt(arg), wire: 'uint', ...at() } : undefined;
    case 1:
      return build ? { kind: 'int', value: -1n - BigInt(arg), wire: 'negint', ...at() } : undefined;
    case 2:
    case 3:
      if (arg === INDEFINITE) return readChunked(r, depth, build, start, major);
      return readString(r, build, start, major, arg);
    case 4:
      return readArray(r, depth, build, start, arg);
    case 5:
      return readMap(r, depth, build, start, arg);
    default:
      return readTag(r, depth, build, start, BigInt(arg));
  }
}

function readSimple(r: ItemReader, build: boolean, start: number, info: number): DataItem | undefined {
  const at = (): { offset: number; length: number } => ({ offset: start, length: r.pos - start });
  if (info === 31) throw new DecodeStop(start, `break (0xff) at offset ${start} outside an indefinite-length item`);
  if (info >= 28) throw new DecodeStop(start, `reserved additional information ${info} in the simple/float head at offset ${start}`);
  if (info >= 25) {
    const width = info === 25 ? 16 : info === 26 ? 32 : 64;
    r.need(width / 8, () => `float${width}`, start);
    const p = r.pos;
    r.pos += width / 8;
    if (!build) return undefined;
    const value = width === 16 ? float16Value(r.view.getUint16(p)) : width === 32 ? r.view.getFloat32(p) : r.view.getFloat64(p);
    return { kind: 'float', value, width, wire: `float${width}`, ...at() };
  }
  let value = info;
  if (info === 24) {
    r.need(1, 'simple value', start);
    value = r.bytes[r.pos++]!;
    if (value < 32) {
      throw new DecodeStop(start + 1, `simple value ${value} at offset ${start} must be written in one byte (0x${hex2(0xe0 | value)}), not two`);
    }
  }
  if (!build) return undefined;
  if (value === 20 || value === 21) return { kind: 'bool', value: value === 21, wire: 'bool', ...at() };
  if (value === 22) return { kind: 'null', wire: 'null', ...at() };
  if (value === 23) return { kind: 'undefined', wire: 'undefined', ...at() };
  return { kind: 'simple', value, wire: 'simple', ...at() };
}

function stringName(major: number): string {
  return major === 2 ? 'bin' : 'str';
}

function readString(
  r: ItemReader,
  build: boolean,
  start: number,
  major: number,
  size: number | bigint,
): StrItem | BinItem | undefined {
  const what = `${stringName(major)} of ${plural(size, 'byte')}`;
  r.need(size, what, start);
  const data = r.take(Number(size));
  if (major === 3) {
    const value = r.utf8(data, 'str', start);
    return build ? { kind: 'str', value, wire: 'str', offset: start, length: r.pos - start } : undefined;
  }
  return build ? { kind: 'bin', value: data.slice(), wire: 'bin', offset: start, length: r.pos - start } : undefined;
}

/** An indefinite-length string: definite chunks of the same major type up to a break. */
function readChunked(r: ItemReader, depth: number, build: boolean, start: number, major: number): DataItem | undefined {
  const name = stringName(major);
  const chunks: (StrItem | BinItem)[] = [];
  const item = (): StrItem | BinItem => {
    const length = r.pos - start;
    const wire = `${name} (indefinite)`;
    if (major === 3) {
      const str = chunks as StrItem[];
      return { kind: 'str', value: str.map((c) => c.value).join(''), chunks: str, wire, offset: start, length };
    }
    const bin = chunks as BinItem[];
    const value = new Uint8Array(bin.reduce((n, c) => n + c.value.length, 0));
    let o = 0;
    for (const c of bin) {
      value.set(c.value, o);
      o += c.value.length;
    }
    return { kind: 'bin', value, chunks: bin, wire, offset: start, length };
  };
  if (depth >= MAX_DEPTH) throw tooDeep(start);
  try {
    for (;;) {
      r.needChild(() => `${name} (indefinite)`, start, () => 'more chunks and a break (0xff)');
      const chunkStart = r.pos;
      const b = r.bytes[r.pos]!;
      if (b === BREAK) {
        r.pos++;
        break;
      }
      if (b >> 5 !== major || (b & 0x1f) === 31) {
        throw new DecodeStop(
          chunkStart,
          `a chunk of the indefinite-length ${name} at offset ${start} must be a definite ${name}; found 0x${hex2(b)} at offset ${chunkStart}`,
        );
      }
      r.pos++;
      const size = readArgument(r, b & 0x1f, name, chunkStart);
      const chunk = readString(r, build, chunkStart, major, size);
      if (chunk) {
        chunk.wire = `${name} chunk`;
        chunks.push(chunk);
      }
    }
  } catch (e) {
    if (!build) throw e;
    passUp(e, item(), start);
  }
  if (build) r.budget -= chunks.length;
  return build ? item() : undefined;
}

function readArray(r: ItemReader, depth: number, build: boolean, start: number, count: number | bigint): ArrayItem | undefined {
  const indefinite = count === INDEFINITE;
  const item: ArrayItem = { kind: 'array', items: [], wire: indefinite ? 'array (indefinite)' : 'array', offset: start, length: 0 };
  if (indefinite) item.indefinite = true;
  return readContainer(r, item, depth, build, indefinite ? undefined : count, (b) => readItem(r, depth + 1, b));
}

function readMap(r: ItemReader, depth: number, build: boolean, start: number, count: number | bigint): MapItem | undefined {
  const indefinite = count === INDEFINITE;
  const item: MapItem = { kind: 'map', entries: [], wire: indefinite ? 'map (indefinite)' : 'map', offset: start, length: 0 };
  if (indefinite) item.indefinite = true;
  return readContainer(r, item, depth, build, indefinite ? undefined : count, (b) => readItem(r, depth + 1, b));
}

function readTag(r: ItemReader, depth: number, build: boolean, start: number, tag: bigint): TagItem | undefined {
  if (depth >= MAX_DEPTH) throw tooDeep(start);
  const item: TagItem = { kind: 'tag', tag, wire: `tag ${tag}`, offset: start, length: 0 };
  try {
    r.needChild(() => `tag ${tag}`, start, () => 'the item it tags');
    const content = readItem(r, depth + 1, build);
    if (content) item.content = content;
  } catch (e) {
    if (!build) throw e;
    const partial = partialOf(e);
    if (partial) item.content = partial;
    passUp(e, item, start);
  }
  item.length = r.pos - start;
  if (!build) return undefined;
  const note = tagNote(item);
  if (note !== undefined) item.note = note;
  return item;
}

/** What a well-known tag means: the date of tags 0 and 1, the integer of bignums 2 and 3. */
export function tagNote(item: TagItem): string | undefined {
  const c = item.content;
  if (!c) return undefined;
  if (item.tag === 0n && c.kind === 'str') return `${c.value} (date)`;
  if (item.tag === 1n && (c.kind === 'int' || c.kind === 'float')) {
    if (c.kind === 'int') return isoTime(c.value, 0);
    if (!Number.isFinite(c.value)) return undefined;
    const seconds = Math.floor(c.value);
    return isoTime(BigInt(seconds), Math.round((c.value - seconds) * 1e9) % 1e9);
  }
  if ((item.tag === 2n || item.tag === 3n) && c.kind === 'bin') {
    const n = c.value.length === 0 ? 0n : BigInt(`0x${toHex(c.value)}`);
    return String(item.tag === 2n ? n : -1n - n);
  }
  return undefined;
}
