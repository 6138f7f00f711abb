// The value model MessagePack and CBOR share: what a payload decodes to (with the byte range of every
// item) and what the composer's extended JSON parses to (with the text offset of every item), so one
// tree, summary, notation printer and pair of encoders serve both formats.
import { OffsetError } from '../../errors/offsetError';

/** Deepest nesting either decoder or the notation parser follows; hostile input stops here with an error. */
export const MAX_DEPTH = 512;

interface ItemBase {
  /** Byte offset in the payload (decoded) or character offset in the text (parsed). */
  offset: number;
  /** Bytes the item took, head and content (decoded); 0 for parsed items. */
  length: number;
  /** The type as the format names it on the wire ('uint16', 'float32', 'str (indefinite)'); '' when parsed. */
  wire: string;
  /** Decoding stopped inside this item: it holds what was read before the error. */
  incomplete?: boolean;
}

export interface IntItem extends ItemBase {
  readonly kind: 'int';
  value: bigint;
}

export interface FloatItem extends ItemBase {
  readonly kind: 'float';
  value: number;
  /** Bits on the wire; kept so that a float32 is encoded back as a float32. */
  width: 16 | 32 | 64;
}

export interface StrItem extends ItemBase {
  readonly kind: 'str';
  value: string;
  /** CBOR indefinite-length strings: the chunks as they came. */
  chunks?: StrItem[];
}

export interface BinItem extends ItemBase {
  readonly kind: 'bin';
  value: Uint8Array;
  chunks?: BinItem[];
}

/** Children of a container that were checked but not built (the tree's node budget ran out). */
export interface MoreItems {
  count: number;
  offset: number;
  length: number;
}

export interface ArrayItem extends ItemBase {
  readonly kind: 'array';
  items: DataItem[];
  indefinite?: boolean;
  more?: MoreItems;
}

export interface MapEntry {
  key: DataItem;
  /** Absent when decoding stopped between the key and its value. */
  value?: DataItem;
}

export interface MapItem extends ItemBase {
  readonly kind: 'map';
  entries: MapEntry[];
  indefinite?: boolean;
  more?: MoreItems;
}

/** MessagePack extension type. */
export interface ExtItem extends ItemBase {
  readonly kind: 'ext';
  type: number;
  data: Uint8Array;
  /** What the ext means when the format defines it (ext -1: the timestamp as a date). */
  note?: string;
}

/** CBOR tag. */
export interface TagItem extends ItemBase {
  readonly kind: 'tag';
  tag: bigint;
  /** Absent when decoding stopped before the tagged item. */
  content?: DataItem;
  /** What the tag means when it is a well-known one (dates, bignums). */
  note?: string;
}

export interface BoolItem extends ItemBase {
  readonly kind: 'bool';
  value: boolean;
}

export interface NullItem extends ItemBase {
  readonly kind: 'null';
}

/** CBOR undefined (simple value 23). */
export interface UndefinedItem extends ItemBase {
  readonly kind: 'undefined';
}

/** CBOR simple values other than false, true, null and undefined. */
export interface SimpleItem extends ItemBase {
  readonly kind: 'simple';
  value: number;
}

export type DataItem =
  | IntItem
  | FloatItem
  | StrItem
  | BinItem
  | ArrayItem
  | MapItem
  | ExtItem
  | TagItem
  | BoolItem
  | NullItem
  | UndefinedItem
  | SimpleItem;

/** What a decoder made of a payload: the item (possibly cut short) and where and why it stopped. */
export interface DecodeResult {
  /** Absent when not even the first item's head could be read. */
  readonly root?: DataItem;
  readonly error?: { readonly offset: number; readonly message: string };
}

/** Thrown inside a decoder where input stops making sense; `partial` carries the item being built upward. */
export class DecodeStop extends OffsetError {
  partial?: DataItem;
}

/** Thrown by an encoder for an item the format cannot hold; `offset` is the item's place in the text. */
export class EncodeProblem extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** `1 byte`, `2 bytes`: a count and its word in the right number. */
export function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 || n === 1n ? one : many}`;
}

/**
 * Runs a decoder's top-level read and turns a stop into the result's error, keeping what was built.
 * A complete item followed by more bytes is an error at the first extra byte: a payload is one item.
 */
export function runDecoder(
  bytes: Uint8Array,
  formatName: string,
  readRoot: () => DataItem,
  position: () => number,
): DecodeResult {
  if (bytes.length === 0) {
    return { error: { offset: 0, message: `empty payload: a ${formatName} value needs at least one byte` } };
  }
  try {
    const root = readRoot();
    const end = position();
    if (end < bytes.length) {
      const extra = bytes.length - end;
      return {
        root,
        error: {
          offset: end,
          message: `trailing bytes: ${plural(extra, 'byte')} after the ${formatName} value that ends at offset ${end}`,
        },
      };
    }
    return { root };
  } catch (e) {
    if (!(e instanceof DecodeStop)) throw e;
    return { root: e.partial, error: { offset: e.offset, message: e.message } };
  }
}

/** Marks `item` as cut short by `stop` and hands it to the caller, which attaches it to its own item. */
export function passUp(stop: unknown, item: DataItem, start: number): never {
  if (stop instanceof DecodeStop) {
    item.incomplete = true;
    item.length = Math.max(0, stop.offset - start);
    stop.partial = item;
  }
  throw stop;
}

/** Lets a container keep a child that was cut short (carried in the stop) before passing itself up. */
export function partialOf(stop: unknown): DataItem | undefined {
  return stop instanceof DecodeStop ? stop.partial : undefined;
}
