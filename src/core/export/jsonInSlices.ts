// JSON.parse for a large text on the extension host: the same value, built in time slices with the
// event loop turning between them (JSON.parse of a 16 MB HAR holds the host for 150 ms to seconds).
// Values up to SMALL_VALUE characters (in a HAR: each message, each header) are still parsed by
// JSON.parse; only the containers larger than that are walked here, member by member. The nesting
// depth is checked on the way, as findTooDeep does before a JSON.parse.

/** Largest value (in characters) handed to JSON.parse whole. */
const SMALL_VALUE = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** The text nests deeper than allowed; `offset` is the first bracket beyond the limit. */
export class JsonTooDeepError extends Error {
  constructor(readonly offset: number) {
    super(`nested too deep at offset ${offset}`);
  }
}

/** The text is not JSON; `offset` is near where that was found (ask findJsonSyntaxError for the exact place). */
export class JsonSyntaxError extends Error {
  constructor(readonly offset: number) {
    super(`not valid JSON near offset ${offset}`);
  }
}

/** Something that lets the event loop turn now and then (TimeSlices). */
export interface Slicer {
  tick(): Promise<void> | undefined;
}

/** A container being filled. */
interface Open {
  readonly array: boolean;
  readonly value: unknown[] | Record<string, unknown>;
  /** The key of the member being read (objects). */
  key: string;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  return pos;
}

/** JSON.parse of text[from, to), any failure reported at `from`. */
function parseSlice(text: string, from: number, to: number): unknown {
  try {
    return JSON.parse(text.slice(from, to));
  } catch {
    throw new JsonSyntaxError(from);
  }
}

/** End (exclusive) of the string starting with the quote at `pos`. */
function stringEnd(text: string, pos: number): number {
  let q = pos;
  for (;;) {
    q = text.indexOf('"', q + 1);
    if (q < 0) throw new JsonSyntaxError(pos);
    let backslashes = 0;
    for (let j = q - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
}

/** End (exclusive) of the number or literal at `pos`. */
function literalEnd(text: string, pos: number): number {
  let i = pos;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT || isSpace(c)) break;
    i++;
  }
  if (i === pos) throw new JsonSyntaxError(pos);
  return i;
}

/**
 * End (exclusive) of the container at `pos` if it closes within SMALL_VALUE characters, else -1.
 * `outer` containers enclose it; a bracket deeper than `maxDepth` throws JsonTooDeepError.
 */
function smallContainerEnd(text: string, pos: number, outer: number, maxDepth: number): number {
  const limit = Math.min(text.length, pos + SMALL_VALUE);
  let level = 0;
  for (let i = pos; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < limit; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (outer + ++level > maxDepth) throw new JsonTooDeepError(i);
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (--level === 0) return i + 1;
    }
  }
  return -1;
}

function add(open: Open, value: unknown): void {
  if (open.array) (open.value as unknown[]).push(value);
  // As JSON.parse does: "__proto__" becomes an own property, never the object's prototype.
  else if (open.key === '__proto__') Object.defineProperty(open.value, open.key, { value, writable: true, enumerable: true, configurable: true });
  else (open.value as Record<string, unknown>)[open.key] = value;
}

/** Reads an object member's key and colon at `pos`; returns where its value starts. */
function readKey(text: string, pos: number, open: Open): number {
  if (text.charCodeAt(pos) !== QUOTE) throw new JsonSyntaxError(pos);
  const end = stringEnd(text, pos);
  open.key = parseSlice(text, pos, end) as string;
  const colon = skipSpace(text, end);
  if (text.charCodeAt(colon) !== COLON) throw new JsonSyntaxError(colon);
  return skipSpace(text, colon + 1);
}

/**
 * Parses `text` as JSON.parse does, letting the event loop turn through `slicer` between values.
 * Throws JsonTooDeepError beyond `maxDepth` levels of nesting, JsonSyntaxError when it is not JSON.
 */
export async function parseJsonInSlices(text: string, maxDepth: number, slicer: Slicer): Promise<unknown> {
  const stack: Open[] = [];
  let pos = skipSpace(text, 0);
  for (;;) {
    const pause = slicer.tick();
    if (pause) await pause;
    // One value at pos: whole, or (a large container) opened and its first member read next.
    let value: unknown;
    const c = text.charCodeAt(pos);
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (stack.length + 1 > maxDepth) throw new JsonTooDeepError(pos);
      const end = smallContainerEnd(text, pos, stack.length, maxDepth);
      if (end >= 0) {
        value = parseSlice(text, pos, end);
        pos = end;
      } else {
        const array = c === OPEN_ARRAY;
        const open: Open = { array, value: array ? [] : {}, key: '' };
        pos = skipSpace(text, pos + 1);
        if (text.charCodeAt(pos) !== (array ? CLOSE_ARRAY : CLOSE_OBJECT)) {
          stack.push(open);
          if (!array) pos = readKey(text, pos, open);
          continue;
        }
        pos++;
        value = open.value;
      }
    } else if (c === QUOTE) {
      const end = stringEnd(text, pos);
      value = parseSlice(text, pos, end);
      pos = end;
    } else {
      const end = literalEnd(text, pos);
      value = parseSlice(text, pos, end);
      pos = end;
    }
    // Hand the value to its container; close the containers it completes.
    for (;;) {
      const open = stack[stack.length - 1];
      if (open === undefined) {
        if (skipSpace(text, pos) !== text.length) throw new JsonSyntaxError(pos);
        return value;
      }
      add(open, value);
      pos = skipSpace(text, pos);
      const d = text.charCodeAt(pos);
      if (d === COMMA) {
        pos = skipSpace(text, pos + 1);
        if (!open.array) pos = readKey(text, pos, open);
        break;
      }
      if (d !== (open.array ? CLOSE_ARRAY : CLOSE_OBJECT)) throw new JsonSyntaxError(pos);
      pos++;
      stack.pop();
      value = open.value;
    }
  }
}
