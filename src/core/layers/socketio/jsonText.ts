// JSON as Socket.IO carries it, read token by token: every value keeps where it lies in the text and
// numbers keep their spelling, so a packet can be shown exactly (12345678901234567890 stays whole),
// pointed into (byte offsets of a mistake) and written back unchanged. Never throws on bad input.

/** A JSON value and the UTF-16 range [start, end) of the text it was read from. */
export type JsonNode =
  | { readonly kind: 'object'; readonly start: number; readonly end: number; readonly entries: readonly JsonEntry[] }
  | { readonly kind: 'array'; readonly start: number; readonly end: number; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly start: number; readonly end: number; readonly value: string }
  | { readonly kind: 'number' | 'true' | 'false' | 'null'; readonly start: number; readonly end: number };

export interface JsonEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly value: JsonNode;
}

/** Where and why the text stopped being JSON (UTF-16 offset). */
export interface JsonTextError {
  readonly offset: number;
  readonly reason: string;
}

export type JsonParse = { readonly node: JsonNode; readonly error?: undefined } | { readonly node?: undefined; readonly error: JsonTextError };

/** Deeper nesting is refused: the reader is recursive and hostile input must not exhaust the stack. */
export const MAX_JSON_DEPTH = 200;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Stop {
  constructor(readonly error: JsonTextError) {}
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Reads `text[from, to)` as exactly one JSON value (surrounding whitespace allowed). */
export function parseJsonText(text: string, from = 0, to = text.length): JsonParse {
  let i = from;
  const fail = (offset: number, reason: string): never => {
    throw new Stop({ offset, reason });
  };
  const skip = () => {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
  };
  const expected = (what: string): never =>
    fail(i, i >= to ? `the text ends where ${what} should follow` : `expected ${what}`);

  const readString = (): JsonNode => {
    const start = i++;
    let plain = true;
    for (;;) {
      if (i >= to) fail(start, 'this string is not closed');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail(i, 'a control character must be escaped in a string');
      if (c === 0x5c) {
        plain = false;
        const e = text.charCodeAt(i + 1);
        if (e === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) || i + 6 > to) fail(i, '\\u needs four hex digits');
          i += 6;
          continue;
        }
        if (i + 1 >= to || '"\\/bfnrt'.indexOf(String.fromCharCode(e)) < 0) fail(i, 'not a JSON escape');
        i += 2;
        continue;
      }
      i++;
    }
    i++;
    const value = plain ? text.slice(start + 1, i - 1) : (JSON.parse(text.slice(start, i)) as string);
    return { kind: 'string', start, end: i, value };
  };

  const readValue = (depth: number): JsonNode => {
    skip();
    if (i >= to) expected('a value');
    const c = text.charCodeAt(i);
    if (c === 0x22) return readString();
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_JSON_DEPTH) fail(i, `nested deeper than ${MAX_JSON_DEPTH} levels`);
      const start = i++;
      const object = c === 0x7b;
      const close = object ? 0x7d : 0x5d;
      const entries: JsonEntry[] = [];
      const items: JsonNode[] = [];
      skip();
      if (text.charCodeAt(i) === close && i < to) {
        i++;
      } else {
        for (;;) {
          if (object) {
            skip();
            if (i >= to || text.charCodeAt(i) !== 0x22) expected('a key in quotes');
            const keyStart = i;
            const key = readString() as { value: string };
            skip();
            if (i >= to || text.charCodeAt(i) !== 0x3a) expected("':' after the key");
            i++;
            entries.push({ key: key.value, keyStart, value: readValue(depth + 1) });
          } else {
            items.push(readValue(depth + 1));
          }
          skip();
          if (i < to && text.charCodeAt(i) === 0x2c) {
            i++;
            continue;
          }
          if (i < to && text.charCodeAt(i) === close) {
            i++;
            break;
          }
          expected(object ? "',' or '}'" : "',' or ']'");
        }
      }
      return object ? { kind: 'object', start, end: i, entries } : { kind: 'array', start, end: i, items };
    }
    for (const word of ['true', 'false', 'null'] as const) {
      if (text.startsWith(word, i) && i + word.length <= to) {
        const start = i;
        i += word.length;
        return { kind: word, start, end: i };
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && i + m[0].length <= to && m[0] !== '-') {
      const start = i;
      i += m[0].length;
      return { kind: 'number', start, end: i };
    }
    return expected('a value');
  };

  try {
    const node = readValue(0);
    skip();
    if (i < to) fail(i, 'more text after the JSON value');
    return { node };
  } catch (e) {
    if (e instanceof Stop) return { error: e.error };
    throw e;
  }
}

/** The value's text with the whitespace between tokens removed; strings and numbers kept as written. */
export function compactJson(text: string, node: JsonNode): string {
  let out = '';
  let runStart = node.start;
  let inString = false;
  for (let i = node.start; i < node.end; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (isSpace(c)) {
      out += text.slice(runStart, i);
      runStart = i + 1;
    }
  }
  return out + text.slice(runStart, node.end);
}

/** The plain JavaScript value of a node (numbers beyond double precision lose digits: show them with compactJson). */
export function jsonValue(text: string, node: JsonNode): unknown {
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'number':
      return Number(text.slice(node.start, node.end));
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case 'array':
      return node.items.map((n) => jsonValue(text, n));
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const e of node.entries) Object.defineProperty(o, e.key, { value: jsonValue(text, e.value), enumerable: true, writable: true, configurable: true });
      return o;
    }
  }
}

/** The entry of an object node with this key (the last one, as JSON.parse keeps). */
export function jsonMember(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.kind !== 'object') return undefined;
  for (let k = node.entries.length - 1; k >= 0; k--) if (node.entries[k]!.key === key) return node.entries[k]!.value;
  return undefined;
}
