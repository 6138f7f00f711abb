// Control and invisible characters spelled as escapes, for views that show text as it was sent: a line
// feed reads `\n`, a NUL `\0`, a right-to-left override `\u202E`. Escapes are plain ASCII, so they do not
// depend on a font having control pictures (␍␊ drew as tiny boxes), and they are one-to-one: the
// original text is recovered from them (unescapeControls) for Copy.

/**
 * Characters shown as escapes: C0 controls, DEL, C1 controls, zero-width characters, line and paragraph
 * separators, bidi embeddings, overrides and isolates, and the BOM.
 */
export const CONTROL_RUN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]+/g;

const SHORT: Readonly<Record<number, string>> = { 0x00: '\\0', 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

/** One control character as its escape: `\n` `\r` `\t` `\0`, `\xHH` for other C0 and DEL, else `\uHHHH`. */
export function controlEscape(code: number): string {
  const short = SHORT[code];
  if (short) return short;
  if (code < 0x20 || code === 0x7f) return '\\x' + code.toString(16).toUpperCase().padStart(2, '0');
  return '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
}

/** A run of characters matched by CONTROL_RUN, escaped. */
export function escapeControls(run: string): string {
  let out = '';
  for (let i = 0; i < run.length; i++) out += controlEscape(run.charCodeAt(i));
  return out;
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

/** Splits text into plain pieces and escaped control runs, in order. */
export function splitControls(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  CONTROL_RUN.lastIndex = 0;
  for (let m = CONTROL_RUN.exec(text); m; m = CONTROL_RUN.exec(text)) {
    if (m.index > at) pieces.push({ text: text.slice(at, m.index), control: false });
    pieces.push({ text: escapeControls(m[0]), control: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), control: false });
  return pieces;
}
