// How a TCP byte stream is cut into messages: at a delimiter, after a length prefix, or every N bytes.
// Specs come from people (the panel's "View as" choice, a typed delimiter) and from the webview over
// postMessage, so everything here validates and explains what is wrong. No Node-only API: the webview
// bundles this file to describe and check a choice before sending it.
import { parseHex } from './codecs/hexInput';
import { toHex } from './codecs/hexDump';
import { encodeTextWithEscapes } from './codecs/textEscapes';
import { SocketInspectorError } from './errors';

/** A framer: where one message ends and the next begins in a byte stream. */
export type FramerSpec =
  | { readonly type: 'delimiter'; readonly delimiter: Uint8Array }
  | { readonly type: 'lengthPrefix'; readonly width: 1 | 2 | 4; readonly littleEndian: boolean; readonly includesHeader: boolean }
  | { readonly type: 'fixed'; readonly size: number }
  /** MQTT control packets: a fixed header whose remaining length (a variable byte integer) says where the packet ends. */
  | { readonly type: 'mqtt' };

/** A FramerSpec as JSON can carry it (postMessage, settings): the delimiter as lower-case hex digits. */
export type FramerSpecJson =
  | { readonly type: 'delimiter'; readonly delimiter: string }
  | { readonly type: 'lengthPrefix'; readonly width: 1 | 2 | 4; readonly littleEndian: boolean; readonly includesHeader: boolean }
  | { readonly type: 'fixed'; readonly size: number }
  | { readonly type: 'mqtt' };

/** Longest delimiter accepted; longer ones are almost certainly a paste gone wrong. */
export const MAX_DELIMITER_BYTES = 256;
/** Largest fixed message size, and the default limit of a decoder's buffered message. */
export const MAX_FIXED_SIZE = 16 * 1024 * 1024;

/** Lines ending in \n. */
export const LINES_LF: FramerSpec = { type: 'delimiter', delimiter: Uint8Array.of(0x0a) };
/** Lines ending in \r\n (Redis, SMTP, HTTP headers). */
export const LINES_CRLF: FramerSpec = { type: 'delimiter', delimiter: Uint8Array.of(0x0d, 0x0a) };
/** NUL-terminated messages (STOMP, some game and IoT protocols). */
export const NUL_TERMINATED: FramerSpec = { type: 'delimiter', delimiter: Uint8Array.of(0x00) };
/** MQTT packets (3.1.1 and 5 share the fixed header). */
export const MQTT_PACKETS: FramerSpec = { type: 'mqtt' };

function bad(message: string): SocketInspectorError {
  return new SocketInspectorError('BAD_FRAMER', message);
}

function checkDelimiter(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) throw bad('The delimiter is empty; give at least one byte, e.g. \\n or 0a.');
  if (bytes.length > MAX_DELIMITER_BYTES) {
    throw bad(`The delimiter is ${bytes.length} bytes long; at most ${MAX_DELIMITER_BYTES} are allowed.`);
  }
  return bytes;
}

/**
 * Text that reads as hex digits only: groups of digits, optionally 0x-prefixed, between separators.
 * Each group must end at a separator or the end, so a long run cannot backtrack exponentially.
 */
const HEX_LOOKING = /^[\s,:;-]*(?:(?:0x)?[0-9a-f]+(?:[\s,:;-]+|$))+$/i;

/**
 * Reads a delimiter as a person types it:
 * - quoted (`"END"`, `'\r\n'`): the text between the quotes, with backslash escapes;
 * - containing a backslash (`\n`, `\r\n`, `\0`, `\x1e`): text with escapes;
 * - hex digits (`0a`, `0d0a`, `0d 0a`, `0x0d,0x0a`): those bytes;
 * - any other text (`END`, or a real newline character): its UTF-8.
 * Throws SocketInspectorError (BAD_FRAMER, INVALID_HEX or INVALID_ESCAPE) saying what is wrong.
 */
export function parseDelimiter(text: string): Uint8Array {
  if (text.length === 0) throw bad('The delimiter is empty; give at least one byte, e.g. \\n or 0a.');
  const quoted = /^(["'])([\s\S]*)\1$/.exec(text);
  if (quoted && text.length >= 2) return checkDelimiter(encodeTextWithEscapes(quoted[2]!));
  if (text.includes('\\')) return checkDelimiter(encodeTextWithEscapes(text));
  if (HEX_LOOKING.test(text)) return checkDelimiter(parseHex(text));
  return checkDelimiter(new TextEncoder().encode(text));
}

/** Checks a spec that came from outside (JSON, another module); returns a normalized copy or throws BAD_FRAMER. */
export function validateFramerSpec(spec: unknown): FramerSpec {
  if (typeof spec !== 'object' || spec === null) throw bad('A framer must be an object with a type.');
  const s = spec as Record<string, unknown>;
  switch (s.type) {
    case 'delimiter': {
      if (!(s.delimiter instanceof Uint8Array)) throw bad('A delimiter framer needs its delimiter as bytes.');
      return { type: 'delimiter', delimiter: checkDelimiter(s.delimiter.slice()) };
    }
    case 'lengthPrefix': {
      if (s.width !== 1 && s.width !== 2 && s.width !== 4) {
        throw bad(`A length prefix is 1, 2 or 4 bytes wide, not ${String(s.width)}.`);
      }
      if (typeof s.littleEndian !== 'boolean') throw bad('A length prefix needs littleEndian: true or false.');
      if (typeof s.includesHeader !== 'boolean') throw bad('A length prefix needs includesHeader: true or false.');
      return { type: 'lengthPrefix', width: s.width, littleEndian: s.littleEndian, includesHeader: s.includesHeader };
    }
    case 'fixed': {
      const size = s.size;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_FIXED_SIZE) {
        throw bad(`A fixed message size must be a whole number of bytes from 1 to ${MAX_FIXED_SIZE}, not ${String(size)}.`);
      }
      return { type: 'fixed', size };
    }
    case 'mqtt':
      return MQTT_PACKETS;
    default:
      throw bad(`Unknown framer type ${JSON.stringify(s.type)}; use delimiter, lengthPrefix, fixed or mqtt.`);
  }
}

/** The JSON form of a spec (delimiter as hex). */
export function framerSpecToJson(spec: FramerSpec): FramerSpecJson {
  if (spec.type === 'delimiter') return { type: 'delimiter', delimiter: toHex(spec.delimiter) };
  return { ...spec };
}

/** Reads and validates the JSON form of a spec; throws BAD_FRAMER or INVALID_HEX. */
export function framerSpecFromJson(json: unknown): FramerSpec {
  if (typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'delimiter') {
    const hex = (json as { delimiter?: unknown }).delimiter;
    if (typeof hex !== 'string') throw bad('A delimiter framer needs its delimiter as a string of hex digits.');
    return validateFramerSpec({ type: 'delimiter', delimiter: parseHex(hex) });
  }
  return validateFramerSpec(json);
}

/** Whether two specs frame identically. */
export function sameFramer(a: FramerSpec | undefined, b: FramerSpec | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.type === 'delimiter' && b.type === 'delimiter') {
    return a.delimiter.length === b.delimiter.length && a.delimiter.every((x, i) => x === b.delimiter[i]);
  }
  if (a.type === 'lengthPrefix' && b.type === 'lengthPrefix') {
    // One byte has no byte order.
    return a.width === b.width && (a.width === 1 || a.littleEndian === b.littleEndian) && a.includesHeader === b.includesHeader;
  }
  if (a.type === 'mqtt' || b.type === 'mqtt') return a.type === b.type;
  return a.type === 'fixed' && b.type === 'fixed' && a.size === b.size;
}

const NAMED_ESCAPES: Readonly<Record<number, string>> = { 0x0a: '\\n', 0x0d: '\\r', 0x00: '\\0', 0x09: '\\t', 0x5c: '\\\\' };

/** A delimiter as readable text when it is printable ASCII plus common escapes, otherwise undefined. */
function delimiterAsText(bytes: Uint8Array): string | undefined {
  let out = '';
  for (const b of bytes) {
    const named = NAMED_ESCAPES[b];
    if (named !== undefined) out += named;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else return undefined;
  }
  return out;
}

/** A short label for a spec, as the panel shows it: "Lines (\n)", "Length prefix: 2 bytes, big-endian". */
export function describeFramer(spec: FramerSpec): string {
  switch (spec.type) {
    case 'delimiter': {
      const d = spec.delimiter;
      if (d.length === 1 && d[0] === 0x0a) return 'Lines (\\n)';
      if (d.length === 2 && d[0] === 0x0d && d[1] === 0x0a) return 'Lines (\\r\\n)';
      if (d.length === 1 && d[0] === 0x00) return 'NUL-terminated (\\0)';
      const text = delimiterAsText(d);
      return text === undefined ? `Delimiter ${toHex(d, ' ')}` : `Delimiter "${text}" (${toHex(d, ' ')})`;
    }
    case 'lengthPrefix': {
      const order = spec.width === 1 ? '' : spec.littleEndian ? ', little-endian' : ', big-endian';
      const header = spec.includesHeader ? ', length includes the prefix' : '';
      return `Length prefix: ${spec.width} byte${spec.width === 1 ? '' : 's'}${order}${header}`;
    }
    case 'fixed':
      return `Fixed size: ${spec.size} byte${spec.size === 1 ? '' : 's'}`;
    case 'mqtt':
      return 'MQTT packets';
  }
}

/**
 * Reads a framer written as a short text, for settings and scripts:
 * `lines` / `lf`, `crlf`, `nul`, `delimiter:<delimiter as parseDelimiter reads it>`,
 * `length:<1|2|4>[be|le][+header]` (e.g. `length:2be`, `length:4le+header`; big-endian by default),
 * `fixed:<bytes>`, `mqtt`. Throws BAD_FRAMER naming the accepted forms.
 */
export function parseFramerSpec(text: string): FramerSpec {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'lines' || lower === 'lf') return LINES_LF;
  if (lower === 'crlf') return LINES_CRLF;
  if (lower === 'nul' || lower === 'null') return NUL_TERMINATED;
  if (lower === 'mqtt') return MQTT_PACKETS;
  const colon = t.indexOf(':');
  const kind = colon < 0 ? lower : lower.slice(0, colon);
  const arg = colon < 0 ? '' : t.slice(colon + 1);
  if (kind === 'delimiter') return { type: 'delimiter', delimiter: parseDelimiter(arg) };
  if (kind === 'length') {
    const m = /^\s*([124])\s*(be|le)?\s*(\+\s*header)?\s*$/i.exec(arg);
    if (!m) throw bad(`Cannot read the length prefix '${arg}': write e.g. length:2be, length:4le or length:2be+header.`);
    return { type: 'lengthPrefix', width: Number(m[1]) as 1 | 2 | 4, littleEndian: m[2]?.toLowerCase() === 'le', includesHeader: m[3] !== undefined };
  }
  if (kind === 'fixed') {
    if (!/^\s*\d+\s*$/.test(arg)) throw bad(`Cannot read the fixed size '${arg}': write e.g. fixed:16.`);
    return validateFramerSpec({ type: 'fixed', size: Number(arg) });
  }
  throw bad(`Unknown framer '${t}': use lines, crlf, nul, delimiter:<hex or \\escapes>, length:<1|2|4>[be|le][+header], fixed:<bytes> or mqtt.`);
}

/** The short text form of a spec that parseFramerSpec reads back (for settings and session files). */
export function formatFramerSpec(spec: FramerSpec): string {
  switch (spec.type) {
    case 'delimiter': {
      if (sameFramer(spec, LINES_LF)) return 'lines';
      if (sameFramer(spec, LINES_CRLF)) return 'crlf';
      if (sameFramer(spec, NUL_TERMINATED)) return 'nul';
      return `delimiter:${toHex(spec.delimiter)}`;
    }
    case 'lengthPrefix':
      return `length:${spec.width}${spec.width === 1 ? '' : spec.littleEndian ? 'le' : 'be'}${spec.includesHeader ? '+header' : ''}`;
    case 'fixed':
      return `fixed:${spec.size}`;
    case 'mqtt':
      return 'mqtt';
  }
}
