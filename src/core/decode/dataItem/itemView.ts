// How a decoded MessagePack or CBOR item is shown: the Decoded tab's tree (a node per item, with its
// bytes), the row's one-line summary, and the top-level fields the filter reads.
import { toHex } from '../../../../shared/codecs/hexDump';
import {
  clipSummary,
  type DecodedMessage,
  type DecodedNode,
  SUMMARY_MAX_CHARS,
} from '../../../../shared/decode/decoded';
import type { DataItem, DecodeResult, MapEntry } from './dataItem';

/**
 * Most items a tree is built with. The rest of a big message is still checked to its end (errors and
 * trailing bytes are found wherever they are), but each container past the budget ends in one node
 * "N more items" that covers their bytes; the panel pages a message by its raw bytes beyond that.
 */
export const TREE_NODE_BUDGET = 10_000;

/** Longest binary shown as hex in one node (the Hex tab has all of it). */
const NODE_HEX_BYTES = 1024;
/** Longest string shown in one node. */
const NODE_STRING_CHARS = 4096;
/** Longest map key text in a node's key. */
const KEY_CHARS = 200;
/** Longest binary shown in a summary or key. */
const SUMMARY_HEX_BYTES = 32;

/** Builds the DecodedMessage of a decode result. */
export function decodedMessage(format: string, result: DecodeResult): DecodedMessage {
  const { root, error } = result;
  const tree = root ? itemNode(root, '') : { key: '', type: 'nothing decoded', offset: 0, length: 0 };
  return {
    format,
    summary: summaryOf(result),
    tree,
    fields: root ? topLevelFields(root) : {},
    ...(error ? { error: { offset: error.offset, message: error.message } } : {}),
  };
}

/** The row's one-line summary of a decode result (decodedMessage's, without building the tree). */
export function summaryOf(result: DecodeResult): string {
  const { root, error } = result;
  let summary = root ? compactText(root, SUMMARY_MAX_CHARS + 1) : '';
  if (error) summary = summary === '' ? `⚠ ${error.message}` : `${summary} ⚠ ${error.message}`;
  return clipSummary(summary);
}

/** A float as people read it: `1.0` for an integer value, so it does not look like an int. */
export function floatText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function clipHex(bytes: Uint8Array, max: number): string {
  return bytes.length <= max ? toHex(bytes) : `${toHex(bytes.subarray(0, max))}…`;
}

function clipString(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** The node of one item; `key` is its field name, index or map key as text. */
export function itemNode(item: DataItem, key: string): DecodedNode {
  // Objects built whole (no spreads): a summary page builds thousands of these.
  const at = (value: string | undefined, children?: readonly DecodedNode[]): DecodedNode => {
    if (value === undefined) return { key, type: item.wire, offset: item.offset, length: item.length, children: children ?? [] };
    return children === undefined
      ? { key, type: item.wire, offset: item.offset, length: item.length, value }
      : { key, type: item.wire, offset: item.offset, length: item.length, value, children };
  };
  switch (item.kind) {
    case 'int':
      return at(item.value.toString());
    case 'float':
      return at(floatText(item.value));
    case 'str':
      return at(JSON.stringify(clipString(item.value, NODE_STRING_CHARS)), item.chunks ? item.chunks.map((c, i) => itemNode(c, String(i))) : undefined);
    case 'bin':
      return at(clipHex(item.value, NODE_HEX_BYTES), item.chunks ? item.chunks.map((c, i) => itemNode(c, String(i))) : undefined);
    case 'bool':
      return at(String(item.value));
    case 'null':
      return at(item.wire);
    case 'undefined':
      return at('undefined');
    case 'simple':
      return at(String(item.value));
    case 'ext':
      return at(item.note ?? clipHex(item.data, NODE_HEX_BYTES));
    case 'tag':
      return at(item.note, item.content ? [itemNode(item.content, 'value')] : []);
    case 'array': {
      const children = item.items.map((c, i) => itemNode(c, String(i)));
      if (item.more) children.push(moreNode(item.more, item.items.length));
      return at(plural(item.items.length + (item.more?.count ?? 0), 'item'), children);
    }
    case 'map': {
      const children = item.entries.map(entryNode);
      if (item.more) children.push(moreNode(item.more, item.entries.length));
      return at(plural(item.entries.length + (item.more?.count ?? 0), 'entry', 'entries'), children);
    }
  }
}

// One formatter for all counts: toLocaleString makes a new one per call.
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

function plural(n: number, one: string, many = `${one}s`): string {
  return `${COUNT_FORMAT.format(n)} ${n === 1 ? one : many}`;
}

function moreNode(more: { count: number; offset: number; length: number }, shown: number): DecodedNode {
  return {
    key: `${shown}…`,
    type: 'more',
    value: `${plural(more.count, 'more item')} (not expanded: the tree shows at most ${COUNT_FORMAT.format(TREE_NODE_BUDGET)} items)`,
    offset: more.offset,
    length: more.length,
  };
}

function entryNode(entry: MapEntry): DecodedNode {
  const key = keyText(entry.key);
  if (entry.value) return itemNode(entry.value, key);
  return { key, type: 'missing value', offset: entry.key.offset, length: entry.key.length };
}

/** A map key as text: a string as it is, anything else in the summary's notation. */
export function keyText(key: DataItem): string {
  return key.kind === 'str' ? clipString(key.value, KEY_CHARS) : compactText(key, KEY_CHARS);
}

/** Top-level map entries with a string key and a scalar value, as text, for the filter. */
export function topLevelFields(root: DataItem): Record<string, string> {
  const fields: Record<string, string> = {};
  if (root.kind !== 'map') return fields;
  for (const { key, value } of root.entries) {
    if (key.kind !== 'str' || !value || Object.hasOwn(fields, key.value)) continue;
    const text = scalarText(value);
    if (text !== undefined) fields[key.value] = text;
  }
  return fields;
}

function scalarText(item: DataItem): string | undefined {
  switch (item.kind) {
    case 'str':
      return item.value;
    case 'int':
      return item.value.toString();
    case 'float':
      return floatText(item.value);
    case 'bool':
      return String(item.value);
    case 'null':
      return 'null';
    case 'undefined':
      return 'undefined';
    case 'tag':
      return item.note;
    case 'ext':
      return item.note;
    default:
      return undefined;
  }
}

class Full extends Error {}

/**
 * The item in one line, JSON-like: `{"type": "chat", 1: h'0102', "at": 1(1700000000)}`. Binary is
 * `h'…'`, tags `N(…)` (CBOR's diagnostic notation), ext types `ext(N, h'…')`. Stops once `max`
 * characters are written, so a big message costs no more than its first few items.
 */
export function compactText(item: DataItem, max: number): string {
  const parts: string[] = [];
  let length = 0;
  const put = (s: string): void => {
    parts.push(s);
    length += s.length;
    if (length > max) throw new Full();
  };
  const write = (it: DataItem): void => {
    switch (it.kind) {
      case 'int':
        return put(it.value.toString());
      case 'float':
        return put(floatText(it.value));
      case 'str':
        return put(JSON.stringify(clipString(it.value, max)));
      case 'bin':
        return put(`h'${clipHex(it.value, SUMMARY_HEX_BYTES)}'`);
      case 'bool':
        return put(String(it.value));
      case 'null':
        return put('null');
      case 'undefined':
        return put('undefined');
      case 'simple':
        return put(`simple(${it.value})`);
      case 'ext':
        return put(`ext(${it.type}, ${it.note ?? `h'${clipHex(it.data, SUMMARY_HEX_BYTES)}'`})`);
      case 'tag':
        if ((it.tag === 2n || it.tag === 3n) && it.note !== undefined) return put(it.note);
        put(`${it.tag}(`);
        if (it.content) write(it.content);
        else put('…');
        return put(')');
      case 'array':
        put('[');
        it.items.forEach((c, i) => {
          if (i > 0) put(', ');
          write(c);
        });
        if (it.more || it.incomplete) put(it.items.length > 0 ? ', …' : '…');
        return put(']');
      case 'map':
        put('{');
        it.entries.forEach((e, i) => {
          if (i > 0) put(', ');
          write(e.key);
          put(': ');
          if (e.value) write(e.value);
          else put('…');
        });
        if (it.more || it.incomplete) put(it.entries.length > 0 ? ', …' : '…');
        return put('}');
    }
  };
  try {
    write(item);
  } catch (e) {
    if (!(e instanceof Full)) throw e;
  }
  const text = parts.join('');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
