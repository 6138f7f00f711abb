// Pretty-printing that re-indents the text instead of round-tripping through JSON.parse, so numbers
// beyond double precision (12345678901234567890), number spellings (1.0, 1e3), escapes and duplicate
// keys are shown exactly as sent.
import { type SocketInspectorError } from '../errors';
import { inputError } from './inputError';
import { findJsonSyntaxError } from './jsonSyntax';

/** Checks that `text` is JSON; returns the INVALID_JSON error (with line and column) if it is not. */
export function jsonError(text: string): SocketInspectorError | undefined {
  // JSON.parse is the authority and fast; our scanner only explains a failure.
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const found = findJsonSyntaxError(text) ?? fallbackPosition(text, e);
    return inputError('INVALID_JSON', 'Invalid JSON', text, found.offset, found.reason);
  }
}

/** Uses the engine's own position if our scanner ever disagrees with it. */
function fallbackPosition(text: string, e: unknown): { offset: number; reason: string } {
  const message = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(message);
  return { offset: m ? Math.min(Number(m[1]), text.length) : 0, reason: message };
}

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Characters of numbers and of true/false/null. */
function isScalarChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === 0x2b || c === 0x2d ||
    c === 0x2e;
}

/**
 * Pretty-prints JSON text with `indent` (spaces or a string such as '\t'), keeping every token as
 * written. Throws SocketInspectorError('INVALID_JSON') if the text is not JSON.
 */
export function formatJson(text: string, indent: number | string = 2): string {
  const error = jsonError(text);
  if (error) throw error;
  const unit = typeof indent === 'number' ? ' '.repeat(Math.max(0, Math.min(10, indent))) : indent;
  const parts: string[] = [];
  let depth = 0;
  // An empty indent means compact output, as with JSON.stringify(value, null, 0).
  const newline = (): void => {
    if (unit !== '') parts.push('\n', unit.repeat(depth));
  };
  const n = text.length;
  let i = 0;
  const skipWhitespace = (from: number): number => {
    while (from < n && isJsonWhitespace(text.charCodeAt(from))) from++;
    return from;
  };
  while (i < n) {
    const c = text[i]!;
    if (isJsonWhitespace(text.charCodeAt(i))) {
      i++;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      const next = skipWhitespace(i + 1);
      if (text[next] === close) {
        parts.push(c, close);
        i = next + 1;
      } else {
        parts.push(c);
        depth++;
        newline();
        i++;
      }
    } else if (c === '}' || c === ']') {
      depth--;
      newline();
      parts.push(c);
      i++;
    } else if (c === ',') {
      parts.push(',');
      newline();
      i++;
    } else if (c === ':') {
      parts.push(unit === '' ? ':' : ': ');
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      parts.push(text.slice(i, j + 1));
      i = j + 1;
    } else {
      // A number or literal: runs up to the next structural character or whitespace.
      let j = i + 1;
      while (j < n && isScalarChar(text.charCodeAt(j))) j++;
      parts.push(text.slice(i, j));
      i = j;
    }
  }
  return parts.join('');
}
