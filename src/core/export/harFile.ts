// Reads a HAR file (as Chrome DevTools exports it) and lists its WebSocket entries; harImport.ts turns
// one of them into a session. The file may be hostile: its size is checked before reading, its nesting
// before (or while) parsing, with a message that says where the problem is. A file read from disk is
// decoded and parsed in time slices (jsonInSlices.ts): a HAR of 200k messages is tens of megabytes,
// and JSON.parse of that would hold the extension host for a second.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { findJsonSyntaxError } from '../../../shared/codecs/jsonSyntax';
import { isSocketInspectorError, positionOf, SocketInspectorError } from '../../../shared/errors';
import { TimeSlices } from '../base/timeSlices';
import { findTooDeep, formatSize } from '../session/sessionParse';
import { JsonTooDeepError, parseJsonInSlices } from './jsonInSlices';

/** Largest HAR file read: 128 MiB (Chrome's HARs hold response bodies too). */
export const MAX_HAR_BYTES = 128 * 1024 * 1024;
/** Deepest nesting accepted. Chrome's `_initiator` stacks nest a few dozen levels; nothing needs hundreds. */
export const MAX_HAR_DEPTH = 512;
/** Bytes decoded from UTF-8 between two looks at the clock. */
const DECODE_BYTES = 1024 * 1024;

/** A WebSocket entry of a HAR file, as offered for choosing. */
export interface HarWebSocketEntry {
  /** Index in log.entries. */
  readonly index: number;
  readonly url: string;
  readonly startedDateTime: string | undefined;
  /** Number of `_webSocketMessages` (0 when absent). */
  readonly messages: number;
}

/** A parsed HAR file and its WebSocket entries. */
export interface ParsedHar {
  readonly entries: readonly unknown[];
  readonly webSockets: readonly HarWebSocketEntry[];
}

export interface HarParseOptions {
  readonly maxBytes?: number;
  readonly maxDepth?: number;
}

export type Json = Record<string, unknown>;

export function bad(message: string): SocketInspectorError {
  return new SocketInspectorError('BAD_HAR', message);
}

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a value for messages: a string (cut), a number, or its type. */
export function found(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'a list';
  return v === undefined ? 'nothing' : 'an object';
}

/** Own property only: a HAR cannot reach Object.prototype through "__proto__" or "constructor". */
export function field(obj: Json, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function isWebSocketEntry(entry: unknown): boolean {
  if (!isRecord(entry)) return false;
  if (Array.isArray(field(entry, '_webSocketMessages'))) return true;
  if (field(entry, '_resourceType') === 'websocket') return true;
  const request = field(entry, 'request');
  const url = isRecord(request) ? field(request, 'url') : undefined;
  return typeof url === 'string' && /^wss?:\/\//i.test(url);
}

/** The text to parse: within the size limit, without a BOM, not empty. */
function harBody(text: string, maxBytes: number): string {
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes)) {
    throw bad(`The HAR file is ${formatSize(Buffer.byteLength(text, 'utf8'))}; Socket Inspector imports HAR files of at most ${formatSize(maxBytes)}`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // A test, not trim(): trim copies a text of tens of megabytes.
  if (/^\s*$/.test(body)) throw bad('The file is empty; a HAR file is JSON with a "log" object');
  return body;
}

function tooDeep(body: string, offset: number, maxDepth: number): SocketInspectorError {
  const p = positionOf(body, offset);
  return bad(`The file nests lists and objects more than ${maxDepth} levels deep (line ${p.line}, column ${p.column}); no HAR file is that deep`);
}

/** The error for text JSON.parse refused: too deep if it is (that is checked first), else where the syntax breaks. */
function notJson(body: string, maxDepth: number, e: unknown): SocketInspectorError {
  const deep = findTooDeep(body, maxDepth);
  if (deep >= 0) return tooDeep(body, deep, maxDepth);
  const syntax = findJsonSyntaxError(body);
  const p = positionOf(body, syntax?.offset ?? 0);
  return new SocketInspectorError(
    'BAD_HAR',
    `The file is not valid JSON: ${syntax?.reason ?? (e instanceof Error ? e.message : String(e))} at line ${p.line}, column ${p.column}`,
    {},
    { cause: e },
  );
}

/** The WebSocket entries of parsed HAR JSON. */
function harFrom(root: unknown): ParsedHar {
  if (!isRecord(root) || !isRecord(field(root, 'log'))) {
    throw bad('This is not a HAR file: it has no top-level "log" object');
  }
  const entries = field(field(root, 'log') as Json, 'entries');
  if (!Array.isArray(entries)) throw bad(`This is not a HAR file: "log.entries" must be a list (found ${found(entries)})`);
  const webSockets: HarWebSocketEntry[] = [];
  entries.forEach((entry, index) => {
    if (!isWebSocketEntry(entry)) return;
    const e = entry as Json;
    const request = field(e, 'request');
    const url = isRecord(request) ? field(request, 'url') : undefined;
    const started = field(e, 'startedDateTime');
    const messages = field(e, '_webSocketMessages');
    webSockets.push({
      index,
      url: typeof url === 'string' ? url : '',
      startedDateTime: typeof started === 'string' ? started : undefined,
      messages: Array.isArray(messages) ? messages.length : 0,
    });
  });
  return { entries, webSockets };
}

/**
 * Parses HAR text and lists its WebSocket entries (those with `_webSocketMessages`, `_resourceType:
 * "websocket"` or a ws:// or wss:// URL). Throws SocketInspectorError('BAD_HAR') saying what is wrong.
 * In one piece: for a file from disk, loadHarFile parses in slices.
 */
export function parseHar(text: string, options: HarParseOptions = {}): ParsedHar {
  const body = harBody(text, options.maxBytes ?? MAX_HAR_BYTES);
  const maxDepth = options.maxDepth ?? MAX_HAR_DEPTH;
  const deep = findTooDeep(body, maxDepth);
  if (deep >= 0) throw tooDeep(body, deep, maxDepth);
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (e) {
    throw notJson(body, maxDepth, e);
  }
  return harFrom(root);
}

/** parseHar, in time slices with the event loop turning between them; the same result and errors. */
export async function parseHarInSlices(text: string, options: HarParseOptions = {}, slices = new TimeSlices()): Promise<ParsedHar> {
  const body = harBody(text, options.maxBytes ?? MAX_HAR_BYTES);
  const maxDepth = options.maxDepth ?? MAX_HAR_DEPTH;
  let root: unknown;
  try {
    root = await parseJsonInSlices(body, maxDepth, slices);
  } catch (e) {
    throw e instanceof JsonTooDeepError ? tooDeep(body, e.offset, maxDepth) : notJson(body, maxDepth, e);
  }
  return harFrom(root);
}

/** UTF-8 bytes to text, a megabyte per slice; throws on bytes that are not UTF-8. */
async function decodeUtf8(bytes: Uint8Array, slices: TimeSlices): Promise<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += DECODE_BYTES) {
    const end = Math.min(bytes.length, at + DECODE_BYTES);
    parts.push(decoder.decode(bytes.subarray(at, end), { stream: end < bytes.length }));
    await slices.yield();
  }
  return parts.join('');
}

/** Reads a HAR file, refusing one larger than `maxBytes` without reading it all; parses it in slices. */
export async function loadHarFile(path: string, options: HarParseOptions = {}): Promise<ParsedHar> {
  const maxBytes = options.maxBytes ?? MAX_HAR_BYTES;
  const name = basename(path);
  const slices = new TimeSlices();
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw bad('it is not a regular file');
      if (info.size > maxBytes) {
        throw bad(`it is ${formatSize(info.size)}; Socket Inspector imports HAR files of at most ${formatSize(maxBytes)}`);
      }
      // One byte more than allowed: a file that grew since stat is caught without reading it all.
      const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, info.size + 1));
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length === buffer.length) break;
      }
      if (length > maxBytes) throw bad(`it is larger than ${formatSize(maxBytes)}, the most Socket Inspector imports`);
      try {
        text = await decodeUtf8(buffer.subarray(0, length), slices);
      } catch {
        throw bad('it is not UTF-8 text; a HAR file is JSON in UTF-8');
      }
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    const why = isSocketInspectorError(e)
      ? e.message
      : code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder, not a file'
            : e instanceof Error
              ? e.message
              : String(e);
    throw new SocketInspectorError('BAD_HAR', `Cannot import "${name}": ${why}`, {}, { cause: e });
  }
  try {
    return await parseHarInSlices(text, { ...options, maxBytes }, slices);
  } catch (e) {
    throw new SocketInspectorError('BAD_HAR', `Cannot import "${name}": ${(e as Error).message}`, {}, { cause: e });
  }
}
