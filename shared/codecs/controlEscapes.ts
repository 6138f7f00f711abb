// Control and invisible characters spelled as escapes, for views that show text as it was sent: a line
// feed reads `\n`, a NUL `\0`, a right-to-left override `\u202E`. Escapes are plain ASCII, so they do not
// depend on a font having control pictures (␍␊ drew as tiny boxes), and they are one-to-one: the
// original text is recovered from them (unescapeControls) for Copy.

/**
 * Characters shown as escapes: C0 controls, DEL, C1 controls, zero-width characters, line and paragraph
 * separators, bidi embeddings, overrides and isolates, and the BOM. The one table: the regular
 * expressions and isControlCode are made from it.
 */
const CONTROL_RANGES: ReadonlyArray<readonly [first: number, last: number]> = [
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2066, 0x2069],
  [0xfeff, 0xfeff],
];

const CLASS = CONTROL_RANGES.map(([a, b]) => (a === b ? u(a) : `${u(a)}-${u(b)}`)).join('');
function u(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** Runs of characters shown as escapes. */
export const CONTROL_RUN = new RegExp(`[${CLASS}]+`, 'g');
const ANY_CONTROL = new RegExp(`[${CLASS}]`);

/** Whether a code point is shown as an escape. */
export function isControlCode(code: number): boolean {
  if (code >= 0x20 && code < 0x7f) return false; // printable ASCII: the common case, decided at once
  for (const [first, last] of CONTROL_RANGES) if (code >= first && code <= last) return true;
  return false;
}

/** Whether any character of `text` is shown as an escape (a row without one stays one text node). */
export function hasControls(text: string): boolean {
  return ANY_CONTROL.test(text);
}

const SHORT: Readonly<Record<number, string>> = { 0x00: '\\0', 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

/** One control character as its escape: `\n` `\r` `\t` `\0`, `\xHH` for other C0 and DEL, else `\uHHHH`. */
export function controlEscape(code: number): string {
  const short = SHORT[code];
  if (short) return short;
  if (code < 0x20 || code === 0x7f) return '\\x' + code.toString(16).toUpperCase().padStart(2, '0');
  return '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
}

/** How many characters the escape of a control code point takes (controlEscape(code).length). */
export function escapedWidth(code: number): number {
  return SHORT[code] ? 2 : code < 0x20 || code === 0x7f ? 4 : 6;
}

/** A run of characters matched by CONTROL_RUN, escaped. */
export function escapeControls(run: string): string {
  let out = '';
  for (let i = 0; i < run.length; i++) out += controlEscape(run.charCodeAt(i));
  return out;
}

/** Text with every control character escaped, for places that hold plain text (a title, an option). */
export function escapeAllControls(text: string): string {
  return hasControls(text) ? text.replace(CONTROL_RUN, escapeControls) : text;
}

/** The characters an escaped run stands for (the inverse of escapeControls). */
export function unescapeControls(escaped: string): string {
  return escaped.replace(/\\(?:x([0-9A-F]{2})|u([0-9A-F]{4})|([0trn]))/g, (_, x?: string, u?: string, c?: string) => {
    if (c !== undefined) return c === '0' ? '\0' : c === 't' ? '\t' : c === 'r' ? '\r' : '\n';
    return String.fromCharCode(parseInt((x ?? u)!, 16));
  });
}

/** A piece of text: plain, or a run of control characters with its escape. */
export interface TextPiece {
  readonly text: string;
  readonly control: boolean;
}

/**
 * Splits text into plain pieces and escaped control runs, in order. After `maxRuns` runs the rest is one
 * plain piece with its controls escaped in it: the same text, in a bounded number of pieces.
 */
export function splitControls(text: string, maxRuns = Infinity): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  let runs = 0;
  CONTROL_RUN.lastIndex = 0;
  for (let m = CONTROL_RUN.exec(text); m; m = CONTROL_RUN.exec(text)) {
    if (runs === maxRuns) break;
    if (m.index > at) pieces.push({ text: text.slice(at, m.index), control: false });
    pieces.push({ text: escapeControls(m[0]), control: true });
    at = m.index + m[0].length;
    runs++;
  }
  if (at < text.length) pieces.push({ text: escapeAllControls(text.slice(at)), control: false });
  return pieces;
}
