// The values a message carries in the pairing field, as keys: one for a JSON document, one per element
// of a top-level array (a JSON-RPC batch), one per line of newline-delimited JSON (TCP streams that
// frame messages by lines). Keys are the values' JSON text, so 7 and "7" stay different.
import { readField, type PathSegment } from './jsonFieldPath';

/** Payloads longer than this are not parsed for pairing (a response body, not a request id carrier). */
export const MAX_PAIRING_BYTES = 1024 * 1024;
/** Longest key kept; longer values are cut (they still pair by their full text). */
const MAX_KEY_SHOWN = 64;

const utf8 = new TextDecoder('utf-8');

/** Whether the first non-whitespace byte opens a JSON object or array: the cheap test before decoding. */
function looksLikeJson(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}

/** The key of a field value: scalars only (null, objects and arrays identify nothing). */
function keyOf(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  return undefined;
}

function keysOfDocument(doc: unknown, segments: readonly PathSegment[], out: string[]): void {
  const direct = keyOf(readField(doc, segments));
  if (direct !== undefined) {
    out.push(direct);
    return;
  }
  // A batch: the field is looked up in each element (unless the path itself starts with an index).
  if (Array.isArray(doc) && typeof segments[0] !== 'number') {
    for (const item of doc) {
      const k = keyOf(readField(item, segments));
      if (k !== undefined) out.push(k);
    }
  }
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The pairing keys of the payload bytes[start, end); empty for non-JSON or JSON without the field. */
export function pairKeys(bytes: Uint8Array, start: number, end: number, segments: readonly PathSegment[]): string[] {
  if (segments.length === 0 || end - start > MAX_PAIRING_BYTES || !looksLikeJson(bytes, start, end)) return [];
  const text = utf8.decode(bytes.subarray(start, end));
  const out: string[] = [];
  const whole = tryParse(text);
  if (whole.ok) {
    keysOfDocument(whole.value, segments, out);
    return out;
  }
  if (!text.includes('\n')) return out;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || (t[0] !== '{' && t[0] !== '[')) continue;
    const parsed = tryParse(t);
    if (parsed.ok) keysOfDocument(parsed.value, segments, out);
  }
  return out;
}

/** A key as shown to people: cut to a readable length. */
export function displayKey(key: string): string {
  return key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN - 1)}…` : key;
}
