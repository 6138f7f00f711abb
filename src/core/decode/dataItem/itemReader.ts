// What the MessagePack and CBOR decoders share: bounds-checked reads that report a truncation at the
// offset where input ran out, strict UTF-8, and the node budget that decides which items are built.
import { decodeUtf8 } from '../../../../shared/codecs/utf8Decode';
import { decodeShortText } from '../../../../shared/codecs/shortText';
import {
  type ArrayItem,
  type DataItem,
  DecodeStop,
  type MapItem,
  MAX_DEPTH,
  type MoreItems,
  partialOf,
  passUp,
  plural,
} from './dataItem';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class ItemReader {
  pos = 0;
  private dataView: DataView | undefined;
  /** Items that may still be built; once it is spent, the rest is only checked. */
  budget: number;

  constructor(
    readonly bytes: Uint8Array,
    budget: number,
  ) {
    this.budget = budget;
  }

  /** The payload as a DataView, made on first use (most payloads read no multi-byte number). */
  get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Stops with `truncated: <what> at offset <start> needs N more bytes` unless `n` bytes are left. */
  need(n: number | bigint, what: string | (() => string), start: number): void {
    const left = this.remaining;
    // Every item asks: the common case costs no BigInt and no text (`what` is made only for the error).
    if (typeof n === 'number' ? n <= left : n <= BigInt(left)) return;
    throw new DecodeStop(
      this.bytes.length,
      `truncated: ${typeof what === 'string' ? what : what()} at offset ${start} needs ${plural(BigInt(n) - BigInt(left), 'more byte')}`,
    );
  }

  /** Reads `n` bytes (after need()) as a view into the payload. */
  take(n: number): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Decodes UTF-8 strictly; invalid bytes stop decoding at the first bad byte. */
  utf8(bytes: Uint8Array, what: string, start: number): string {
    try {
      return decodeShortText(strictUtf8, bytes);
    } catch {
      const bad = decodeUtf8(bytes).segments.find((s) => s.invalid);
      const at = this.pos - bytes.length + (bad?.byteOffset ?? 0);
      throw new DecodeStop(at, `invalid UTF-8 in ${what} at offset ${start}: byte 0x${hex2(this.bytes[at] ?? 0)} at offset ${at}`);
    }
  }

  /** Stops when a container's next child has no byte left to start with. */
  needChild(what: () => string, start: number, missing: () => string): void {
    if (this.pos >= this.bytes.length) {
      throw new DecodeStop(this.bytes.length, `truncated: ${what()} at offset ${start} needs ${missing()}`);
    }
  }
}

export function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Date text of seconds and nanoseconds since 1970 (UTC), to the nanosecond; undefined out of range. */
export function isoTime(seconds: bigint, nanoseconds: number): string | undefined {
  const ms = seconds * 1000n;
  if (ms > 8_640_000_000_000_000n || ms < -8_640_000_000_000_000n) return undefined;
  const whole = new Date(Number(ms)).toISOString().replace(/\.000Z$/, '');
  if (nanoseconds === 0) return `${whole}Z`;
  return `${whole}.${String(nanoseconds).padStart(9, '0').replace(/0+$/, '')}Z`;
}

const BREAK = 0xff;

/** Reads one child item, building it or only checking it. */
export type ReadChild = (build: boolean) => DataItem | undefined;

/** Where the item at `pos` (nested `depth` deep) ends, or -1 when it is not well-formed; allocates nothing. */
export type SkipChild = (bytes: Uint8Array, pos: number, depth: number) => number;

/** The error for a container or tag nested deeper than MAX_DEPTH. */
export function tooDeep(start: number): DecodeStop {
  return new DecodeStop(start, `nested deeper than ${MAX_DEPTH} levels at offset ${start}`);
}

/** Counts a child past the node budget in the container's "more" node. */
function countMore(r: ItemReader, container: { more?: MoreItems }): void {
  container.more ??= { count: 0, offset: r.pos, length: 0 };
  container.more.count++;
}

/**
 * Reads the children of an array or map whose head was read at `start`: `count` of them, or up to a
 * break (0xff) when `count` is undefined (CBOR indefinite length). Keeps a child cut short by an error,
 * and passes the container up with it. Returns the container when `build`.
 */
export function readContainer<T extends ArrayItem | MapItem>(
  r: ItemReader,
  item: T,
  depth: number,
  build: boolean,
  count: number | bigint | undefined,
  readChild: ReadChild,
  skipChild?: SkipChild,
): T | undefined {
  const start = item.offset;
  if (depth >= MAX_DEPTH) throw tooDeep(start);
  const isMap = item.kind === 'map';
  const [one, many] = isMap ? ['entry', 'entries'] : ['item', 'items'];
  // Texts for an error only: made when one is thrown, not for every child.
  const what = (): string => (count === undefined ? `${item.kind} (indefinite)` : `${item.kind} of ${plural(count, one, many)}`);
  try {
    for (let i = 0; count === undefined || i < count; i++) {
      r.needChild(what, start, () =>
        count === undefined ? `more ${many} and a break (0xff)` : plural(BigInt(count) - BigInt(i), `more ${one}`, `more ${many}`),
      );
      if (count === undefined && r.bytes[r.pos] === BREAK) {
        r.pos++;
        break;
      }
      const buildChild = build && r.budget > 0;
      if (build && !buildChild) countMore(r, item);
      // Past the budget a definite-length child is only checked; if the check fails, the reader below
      // reads it again from the same byte to say what is wrong where.
      if (skipChild && !buildChild && count !== undefined) {
        const next = skipChild(r.bytes, r.pos, depth + 1);
        const end = next >= 0 && isMap ? skipChild(r.bytes, next, depth + 1) : next;
        if (end >= 0) {
          r.pos = end;
          continue;
        }
      }
      if (item.kind === 'array') readElement(r, item, buildChild, readChild);
      else readEntry(r, item, buildChild, readChild, what, count === undefined);
    }
  } catch (e) {
    if (!build) throw e;
    passUp(e, item, start);
  }
  if (item.more) item.more.length = r.pos - item.more.offset;
  item.length = r.pos - start;
  return build ? item : undefined;
}

function readElement(r: ItemReader, item: ArrayItem, build: boolean, readChild: ReadChild): void {
  try {
    const child = readChild(build);
    if (child) item.items.push(child);
  } catch (e) {
    const partial = partialOf(e);
    if (partial && build) item.items.push(partial);
    throw e;
  }
}

function readEntry(r: ItemReader, item: MapItem, build: boolean, readChild: ReadChild, what: () => string, indefinite: boolean): void {
  let key: DataItem | undefined;
  const keyStart = r.pos;
  try {
    key = readChild(build);
    r.needChild(what, item.offset, () => `a value for the key at offset ${keyStart}`);
    if (indefinite && r.bytes[r.pos] === BREAK) {
      throw new DecodeStop(
        r.pos,
        `break (0xff) at offset ${r.pos} where the map at offset ${item.offset} needs a value for the key at offset ${keyStart}`,
      );
    }
    const value = readChild(build);
    if (key) item.entries.push({ key, ...(value ? { value } : {}) });
  } catch (e) {
    const partial = partialOf(e);
    if (build) {
      if (key) item.entries.push({ key, ...(partial ? { value: partial } : {}) });
      else if (partial) item.entries.push({ key: partial });
    }
    throw e;
  }
}
