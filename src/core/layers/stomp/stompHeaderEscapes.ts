// STOMP 1.2 header escaping: \r \n \c \\ stand for CR, LF, ':' and '\' (1.1 lacks \r). An undefined
// escape (`\t`) is a fatal protocol error (STOMP 1.2 §"Value Encoding").
import type { StompVersion } from './stompFrame';

const utf8 = new TextDecoder('utf-8');
const BACKSLASH = 0x5c;

/** An escape the spec does not define, and the byte offset of its backslash. */
export interface EscapeProblem {
  readonly offset: number;
  readonly message: string;
}

/** What an escape character stands for, or undefined when the version does not define it. */
function escaped(byte: number | undefined, version: StompVersion): string | undefined {
  if (byte === 0x6e) return '\n';
  if (byte === 0x63) return ':';
  if (byte === BACKSLASH) return '\\';
  if (byte === 0x72 && version === '1.2') return '\r';
  return undefined;
}

/**
 * The header name or value in bytes[start, end) as text (UTF-8), its escapes undone when `version` is
 * given; a problem names the first bad escape by its byte offset.
 */
export function readHeaderText(bytes: Uint8Array, start: number, end: number, version: StompVersion | undefined): string | EscapeProblem {
  let at = version === undefined ? -1 : bytes.indexOf(BACKSLASH, start);
  if (at < 0 || at >= end) return utf8.decode(bytes.subarray(start, end));
  let out = '';
  let from = start;
  while (at >= 0 && at < end) {
    const next = at + 1 < end ? bytes[at + 1] : undefined;
    const c = escaped(next, version!);
    if (c === undefined) {
      const what = next === undefined ? 'a backslash with nothing after it' : `the undefined escape \\${String.fromCharCode(next)}`;
      return { offset: at, message: `${what} (STOMP ${version} defines ${version === '1.2' ? '\\r ' : ''}\\n \\c \\\\)` };
    }
    out += utf8.decode(bytes.subarray(from, at)) + c;
    from = at + 2;
    at = bytes.indexOf(BACKSLASH, from);
  }
  return out + utf8.decode(bytes.subarray(from, end));
}

/**
 * Escapes a header name or value for the wire; undefined when the text holds a character this version
 * cannot carry (CR in 1.1; CR, LF in 1.0, and ':' in a 1.0 name is the caller's to refuse).
 */
export function escapeHeader(text: string, version: StompVersion): string | undefined {
  if (!/[\\\r\n:]/.test(text)) return text;
  if (version === '1.0') return /[\r\n]/.test(text) ? undefined : text;
  if (version === '1.1' && text.includes('\r')) return undefined;
  return text.replace(/[\\\r\n:]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\c'));
}
