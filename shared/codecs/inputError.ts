import { type ErrorCode, SocketInspectorError, positionOf } from '../errors';

/** Shows one character of user input so a person can recognise it, even when it is invisible. */
export function describeChar(text: string, offset: number): string {
  const cp = text.codePointAt(offset);
  if (cp === undefined) return 'end of input';
  // Invisible or layout-breaking characters are named by code point rather than quoted.
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xad || (cp >= 0x2000 && cp <= 0x200f) ||
      (cp >= 0x2028 && cp <= 0x202f) || (cp >= 0x2060 && cp <= 0x206f) || cp === 0xfeff ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${String.fromCodePoint(cp)}'`;
}

/**
 * Builds the error for a bad character in user input:
 * `Invalid hex: 'g' at line 1, column 4 (not a hex digit)`.
 * `subject` overrides the quoted character (e.g. a whole escape sequence).
 */
export function inputError(
  code: ErrorCode,
  label: string,
  text: string,
  offset: number,
  reason: string,
  subject?: string,
): SocketInspectorError {
  const position = positionOf(text, offset);
  const what = subject ?? (offset >= text.length ? 'unexpected end of input' : describeChar(text, offset));
  return new SocketInspectorError(
    code,
    `${label}: ${what} at line ${position.line}, column ${position.column} (${reason})`,
    { position },
  );
}
