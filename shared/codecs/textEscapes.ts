// Text typed in the composer with backslash escapes, for sending bytes a keyboard cannot type.
// `\xHH` is a raw byte (so invalid UTF-8 can be sent on purpose); `\uHHHH` and `\u{H…}` are code
// points, sent as their UTF-8.
import { inputError } from './inputError';

const encoder = new TextEncoder();

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  '0': 0x00,
  '\\': 0x5c,
  a: 0x07,
  b: 0x08,
  e: 0x1b,
  f: 0x0c,
  v: 0x0b,
  '"': 0x22,
  "'": 0x27,
};

/** The escapes understood, for help text. */
export const TEXT_ESCAPES_HELP =
  '\\n \\r \\t \\0 \\\\ \\a \\b \\e \\f \\v \\" \\\' \\xHH (raw byte) \\uHHHH \\u{H…} (code point)';

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** Collects byte chunks and joins them once. */
class ByteChunks {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  toBytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/**
 * Encodes text as UTF-8, interpreting backslash escapes (see {@link TEXT_ESCAPES_HELP}).
 * Throws SocketInspectorError('INVALID_ESCAPE') at the backslash of a bad escape.
 */
export function encodeTextWithEscapes(text: string): Uint8Array {
  const out = new ByteChunks();
  let literalStart = 0;
  let i = text.indexOf('\\');
  // Shows the escape as typed (up to the end of its line) so the message names what is wrong.
  function fail(at: number, length: number, reason: string): never {
    let shown = text.slice(at, Math.min(text.length, at + length));
    const newline = shown.search(/[\r\n]/);
    if (newline >= 0) shown = shown.slice(0, newline);
    throw inputError('INVALID_ESCAPE', 'Invalid escape', text, at, reason, `'${shown}'`);
  }
  const hexDigitsAt = (from: number, count: number): number => {
    let n = 0;
    while (n < count && isHex(text.charCodeAt(from + n))) n++;
    return n;
  };
  while (i >= 0) {
    out.push(encoder.encode(text.slice(literalStart, i)));
    const e = text[i + 1];
    let next: number;
    if (e === undefined) {
      fail(i, 1, 'backslash at the end; write \\\\ for a backslash');
    }
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out.push(Uint8Array.of(simple));
      next = i + 2;
    } else if (e === 'x') {
      if (hexDigitsAt(i + 2, 2) < 2) fail(i, 4, '\\x needs exactly two hex digits');
      out.push(Uint8Array.of(parseInt(text.slice(i + 2, i + 4), 16)));
      next = i + 4;
    } else if (e === 'u' && text[i + 2] === '{') {
      const digits = hexDigitsAt(i + 3, 7);
      const close = i + 3 + digits;
      if (digits === 0 || digits > 6 || text[close] !== '}') {
        fail(i, digits + 4, '\\u{…} needs 1 to 6 hex digits and a closing }');
      }
      const cp = parseInt(text.slice(i + 3, close), 16);
      if (cp > 0x10ffff) fail(i, close + 1 - i, 'code point above U+10FFFF');
      if (cp >= 0xd800 && cp <= 0xdfff) fail(i, close + 1 - i, 'a surrogate cannot be encoded as UTF-8');
      out.push(encoder.encode(String.fromCodePoint(cp)));
      next = close + 1;
    } else if (e === 'u') {
      if (hexDigitsAt(i + 2, 4) < 4) fail(i, 6, '\\u needs exactly four hex digits (or \\u{…})');
      let cp = parseInt(text.slice(i + 2, i + 6), 16);
      next = i + 6;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        // A high surrogate must be followed by an escaped low one, as in JavaScript source: \uD83D\uDE00.
        const low = text.startsWith('\\u', next) && hexDigitsAt(next + 2, 4) === 4
          ? parseInt(text.slice(next + 2, next + 6), 16)
          : -1;
        if (low < 0xdc00 || low > 0xdfff) fail(i, 6, 'high surrogate not followed by a \\u low surrogate');
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        next += 6;
      } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        fail(i, 6, 'low surrogate without a high surrogate before it');
      }
      out.push(encoder.encode(String.fromCodePoint(cp)));
    } else {
      fail(i, 2, 'unknown escape; write \\\\ for a backslash');
    }
    literalStart = next;
    i = text.indexOf('\\', literalStart);
  }
  out.push(encoder.encode(text.slice(literalStart)));
  return out.toBytes();
}
