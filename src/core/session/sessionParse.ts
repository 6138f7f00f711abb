// Reads the text of a session file, guarded against hostile input: a size limit checked before anything
// else, a nesting limit checked by an iterative scan before JSON.parse, then the format validator.
// (Node 20's JSON.parse itself is iterative and survives 1e6 nested arrays, but everything that walks the
// result recursively afterwards — JSON.stringify included — overflows the stack from about 10k levels.)
import { positionOf, SocketInspectorError } from '../../../shared/errors';
import { findJsonSyntaxError } from '../../../shared/codecs/jsonSyntax';
import { MAX_SESSION_BYTES, MAX_SESSION_DEPTH, type Session, type SessionWarning } from './sessionFormat';
import { validateSession } from './sessionValidate';

export interface ParseSessionOptions {
  /** Largest text accepted, in UTF-8 bytes (default MAX_SESSION_BYTES). */
  readonly maxBytes?: number;
  /** Deepest nesting of arrays and objects accepted (default MAX_SESSION_DEPTH). */
  readonly maxDepth?: number;
}

/** A byte count for messages: 80.0 MiB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The error for a session larger than the limit. */
export function tooLargeError(bytes: number, maxBytes: number): SocketInspectorError {
  return new SocketInspectorError(
    'BAD_SESSION',
    `The session file is ${formatSize(bytes)}; Socket Inspector opens session files of at most ${formatSize(maxBytes)}. Save the session without its log, or with a shorter one.`,
  );
}

/**
 * Offset of the first `[` or `{` that opens a level deeper than `maxDepth`, or -1. Strings are skipped,
 * so brackets inside them do not count. Iterative and linear.
 */
export function findTooDeep(text: string, maxDepth: number): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return -1;
}

/**
 * Parses and validates session text, returning warnings about fields this version does not know.
 * Throws SocketInspectorError('BAD_SESSION') with a message naming what is wrong and where.
 */
export function parseSessionWithWarnings(
  text: string,
  options: ParseSessionOptions = {},
): { session: Session; warnings: SessionWarning[] } {
  const maxBytes = options.maxBytes ?? MAX_SESSION_BYTES;
  // text.length ≤ UTF-8 length ≤ 3 × text.length: the cheap test first, the exact count only if needed.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes)) {
    throw tooLargeError(Buffer.byteLength(text, 'utf8'), maxBytes);
  }
  // Editors on Windows may save a byte order mark; it is not JSON, but it is not an error either.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const offsetShift = body === text ? 0 : 1;
  if (body.trim() === '') {
    throw new SocketInspectorError(
      'BAD_SESSION',
      'The file is empty; a session holds at least { "version": 1, "connection": { … } }',
    );
  }
  const maxDepth = options.maxDepth ?? MAX_SESSION_DEPTH;
  const deep = findTooDeep(body, maxDepth);
  if (deep >= 0) {
    const position = positionOf(text, deep + offsetShift);
    throw new SocketInspectorError(
      'BAD_SESSION',
      `The file nests lists and objects more than ${maxDepth} levels deep (line ${position.line}, column ${position.column}); no session is that deep`,
      { position },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const found = findJsonSyntaxError(body);
    const offset = (found?.offset ?? 0) + offsetShift;
    const position = positionOf(text, offset);
    const reason = found?.reason ?? (e instanceof Error ? e.message : String(e));
    const truncated = found !== undefined && found.offset >= body.trimEnd().length ? ' — the file looks cut short' : '';
    throw new SocketInspectorError(
      'BAD_SESSION',
      `The file is not valid JSON: ${reason} at line ${position.line}, column ${position.column}${truncated}`,
      { position },
      { cause: e },
    );
  }
  return validateSession(value);
}

/** Parses and validates session text. Throws SocketInspectorError('BAD_SESSION') naming what is wrong. */
export function parseSession(text: string, options: ParseSessionOptions = {}): Session {
  return parseSessionWithWarnings(text, options).session;
}
