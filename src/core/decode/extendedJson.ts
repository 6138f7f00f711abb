// The composer's notation for MessagePack and CBOR: JSON, plus one-key objects for what JSON cannot say
// (binary, ext types, tags, integers beyond 2^53, floats of a given width or holding an integer value,
// maps with non-string keys, undefined, simple values). One notation for both codecs; docs/codecs.md
// describes it. `toExtendedJson(parse(text))` gives back the same items, so a held message can be
// edited as text and sent re-encoded without a change the user did not make.
import { jsonError } from '../../../shared/codecs/jsonFormat';
import { inputError } from '../../../shared/codecs/inputError';
import { toHex } from '../../../shared/codecs/hexDump';
import type { SocketInspectorError } from '../../../shared/errors';
import {
  type DataItem,
  MAX_DEPTH,
  type MapEntry,
  type MapItem,
  type StrItem,
} from './dataItem/dataItem';
import { roundToWidth } from './dataItem/byteWriter';

/** The one-key objects the notation gives meaning to. */
export const NOTATION_KEYS = [
  '$bin',
  '$ext',
  '$tag',
  '$int',
  '$float',
  '$float32',
  '$float16',
  '$map',
  '$undefined',
  '$simple',
] as const;

const TWO_64 = 1n << 64n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function notationError(text: string, offset: number, reason: string): SocketInspectorError {
  return inputError('INVALID_JSON', 'Invalid extended JSON', text, offset, reason);
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Parses JSON in the extended notation into items whose `offset` is their place in the text.
 * Throws SocketInspectorError('INVALID_JSON') naming the line and column of the first mistake.
 */
export function parseExtendedJson(text: string): DataItem {
  const syntax = jsonError(text);
  if (syntax) throw syntax;
  const fail = (offset: number, reason: string): never => {
    throw notationError(text, offset, reason);
  };
  let i = 0;
  const skip = (): void => {
    while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  };
  // The text is valid JSON, so only the notation can be wrong from here on.
  const stringToken = (): string => {
    const start = i;
    i++;
    while (text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (depth: number): DataItem => {
    skip();
    const offset = i;
    if (depth > MAX_DEPTH) fail(offset, `nested deeper than ${MAX_DEPTH} levels`);
    const base = { offset, length: 0, wire: '' };
    const c = text[i];
    if (c === '{') {
      i++;
      const map: MapItem = { kind: 'map', entries: [], ...base };
      skip();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          skip();
          const keyOffset = i;
          const key: StrItem = { kind: 'str', value: stringToken(), offset: keyOffset, length: 0, wire: '' };
          skip();
          i++; // ':'
          map.entries.push({ key, value: value(depth + 1) });
          skip();
          if (text[i++] === '}') break;
        }
      }
      return notation(map);
    }
    if (c === '[') {
      i++;
      const items: DataItem[] = [];
      skip();
      if (text[i] === ']') i++;
      else {
        for (;;) {
          items.push(value(depth + 1));
          skip();
          if (text[i++] === ']') break;
        }
      }
      return { kind: 'array', items, ...base };
    }
    if (c === '"') return { kind: 'str', value: stringToken(), ...base };
    if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      i += word.length;
      return word === 'null' ? { kind: 'null', ...base } : { kind: 'bool', value: word === 'true', ...base };
    }
    while (i < text.length && /[-+.\deE]/.test(text[i]!)) i++;
    const literal = text.slice(offset, i);
    if (/[.eE]/.test(literal)) return { kind: 'float', value: Number(literal), width: 64, ...base };
    return { kind: 'int', value: BigInt(literal), ...base };
  };

  /** Gives a one-key `{"$…": …}` object its meaning; any other object is a map with string keys. */
  const notation = (map: MapItem): DataItem => {
    const only = map.entries.length === 1 ? map.entries[0]! : undefined;
    if (!only || only.key.kind !== 'str' || !only.key.value.startsWith('$')) return map;
    const name = only.key.value;
    const v = only.value!;
    const base = { offset: map.offset, length: 0, wire: '' };
    const integer = (item: DataItem, what: string, min: bigint, max: bigint): bigint => {
      if (item.kind !== 'int') return fail(item.offset, `${what} must be an integer`);
      if (item.value < min || item.value > max) fail(item.offset, `${what} must be from ${min} to ${max}`);
      return item.value;
    };
    const hex = (item: DataItem, what: string): Uint8Array => {
      if (item.kind !== 'str') return fail(item.offset, `${what} must be a string of hex digits`);
      const s = item.value;
      if (s.length % 2 !== 0) fail(item.offset, `${what} needs an even number of hex digits, not ${s.length}`);
      const out = new Uint8Array(s.length / 2);
      for (let k = 0; k < s.length; k += 2) {
        const byte = Number.parseInt(s.slice(k, k + 2), 16);
        if (!/^[0-9a-fA-F]{2}$/.test(s.slice(k, k + 2))) {
          const bad = /[0-9a-fA-F]/.test(s[k]!) ? k + 1 : k;
          fail(item.offset + 1 + bad, `${what}: '${s[bad]}' is not a hex digit`);
        }
        out[k / 2] = byte;
      }
      return out;
    };
    const pair = (item: DataItem, what: string): [DataItem, DataItem] => {
      if (item.kind !== 'array' || item.items.length !== 2) return fail(item.offset, `${what} must be an array of two`);
      return [item.items[0]!, item.items[1]!];
    };
    switch (name) {
      case '$bin':
        return { kind: 'bin', value: hex(v, '$bin'), ...base };
      case '$ext': {
        const [type, data] = pair(v, '$ext [type, "hex"]');
        return {
          kind: 'ext',
          type: Number(integer(type, 'the ext type', -128n, 127n)),
          data: hex(data, 'the ext data'),
          ...base,
        };
      }
      case '$tag': {
        const [tag, content] = pair(v, '$tag [number, value]');
        return { kind: 'tag', tag: integer(tag, 'the tag number', 0n, TWO_64 - 1n), content, ...base };
      }
      case '$int': {
        if (v.kind === 'int') return { ...v, ...base };
        if (v.kind !== 'str' || !/^-?\d+$/.test(v.value)) {
          return fail(v.offset, '$int must be a string of decimal digits, e.g. "18446744073709551615"');
        }
        return { kind: 'int', value: BigInt(v.value), ...base };
      }
      case '$float':
      case '$float32':
      case '$float16': {
        const width = name === '$float' ? 64 : name === '$float32' ? 32 : 16;
        let n: number;
        if (v.kind === 'int' || v.kind === 'float') n = Number(v.value);
        else if (v.kind === 'str' && /^(NaN|-?Infinity|-0(\.0*)?|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/.test(v.value)) {
          n = Number(v.value);
        } else {
          return fail(v.offset, `${name} must be a number, or "NaN", "Infinity", "-Infinity", "-0"`);
        }
        return { kind: 'float', value: roundToWidth(n, width), width, ...base };
      }
      case '$map': {
        if (v.kind !== 'array') return fail(v.offset, '$map must be an array of [key, value] pairs');
        const entries: MapEntry[] = v.items.map((e) => {
          const [key, value] = pair(e, 'each $map entry [key, value]');
          return { key, value };
        });
        return { kind: 'map', entries, ...base };
      }
      case '$undefined':
        if (v.kind !== 'bool' || !v.value) fail(v.offset, '$undefined must be true');
        return { kind: 'undefined', ...base };
      case '$simple': {
        const n = Number(integer(v, '$simple', 0n, 255n));
        if (n >= 20 && n <= 31) {
          fail(v.offset, `simple value ${n} is ${n <= 23 ? 'false, true, null or undefined: write that instead' : 'reserved'}`);
        }
        return { kind: 'simple', value: n, ...base };
      }
      default:
        return fail(
          only.key.offset,
          `unknown notation ${JSON.stringify(name)} (known: ${NOTATION_KEYS.join(', ')}); a map with this one key is written {"$map": [[${JSON.stringify(name)}, …]]}`,
        );
    }
  };

  return value(0);
}

/** A float of the given width written so that parsing gives the same float back. */
function floatNotation(v: number, width: 16 | 32 | 64): string {
  let literal: string;
  if (Number.isNaN(v) || v === Infinity || v === -Infinity || Object.is(v, -0)) {
    literal = JSON.stringify(Object.is(v, -0) ? '-0' : String(v));
  } else {
    literal = String(v);
    if (width === 64 && /[.eE]/.test(literal)) return literal;
  }
  return `{"$float${width === 64 ? '' : width}": ${literal}}`;
}

/** A CBOR bignum (tag 2/3) that a plain `$int` says exactly: minimal bytes, beyond 64 bits. */
function bignumValue(item: DataItem): bigint | undefined {
  if (item.kind !== 'tag' || (item.tag !== 2n && item.tag !== 3n) || item.content?.kind !== 'bin') return undefined;
  const bytes = item.content.value;
  if (bytes.length === 0 || bytes[0] === 0) return undefined;
  const n = BigInt(`0x${toHex(bytes)}`);
  if (n < TWO_64) return undefined;
  return item.tag === 2n ? n : -1n - n;
}

function intNotation(v: bigint): string {
  return v > SAFE || v < -SAFE ? `{"$int": "${v}"}` : v.toString();
}

/** Whether a map can be written as a plain JSON object and read back as the same map. */
function isPlainObject(map: MapItem): boolean {
  const seen = new Set<string>();
  for (const { key } of map.entries) {
    if (key.kind !== 'str' || seen.has(key.value)) return false;
    seen.add(key.value);
  }
  return !(map.entries.length === 1 && (map.entries[0]!.key as StrItem).value.startsWith('$'));
}

/** Writes an item in the extended notation, indented by two spaces. */
export function toExtendedJson(root: DataItem): string {
  const write = (item: DataItem, indent: string): string => {
    const inner = `${indent}  `;
    switch (item.kind) {
      case 'int':
        return intNotation(item.value);
      case 'float':
        return floatNotation(item.value, item.width);
      case 'str':
        return JSON.stringify(item.value);
      case 'bin':
        return `{"$bin": "${toHex(item.value)}"}`;
      case 'bool':
        return String(item.value);
      case 'null':
        return 'null';
      case 'undefined':
        return '{"$undefined": true}';
      case 'simple':
        return `{"$simple": ${item.value}}`;
      case 'ext':
        return `{"$ext": [${item.type}, "${toHex(item.data)}"]}`;
      case 'tag': {
        const big = bignumValue(item);
        if (big !== undefined) return `{"$int": "${big}"}`;
        return `{"$tag": [${item.tag}, ${item.content ? write(item.content, indent) : 'null'}]}`;
      }
      case 'array':
        if (item.items.length === 0) return '[]';
        return `[\n${item.items.map((c) => inner + write(c, inner)).join(',\n')}\n${indent}]`;
      case 'map': {
        if (item.entries.length === 0) return '{}';
        if (isPlainObject(item)) {
          const lines = item.entries.map(
            (e) => `${inner}${JSON.stringify((e.key as StrItem).value)}: ${e.value ? write(e.value, inner) : 'null'}`,
          );
          return `{\n${lines.join(',\n')}\n${indent}}`;
        }
        const deeper = `${inner}  `;
        const pairs = item.entries.map(
          (e) => `${inner}[${write(e.key, deeper)}, ${e.value ? write(e.value, deeper) : 'null'}]`,
        );
        return `{"$map": [\n${pairs.join(',\n')}\n${indent}]}`;
      }
    }
  };
  return write(root, '');
}

