// UTF-8 decoding for display: valid text as text, invalid bytes kept visible and marked so a view can
// style them. Runs in Node and in the webview, so only TextDecoder and typed arrays are used.
import { escapeAllControls, escapedWidth, isControlCode } from './controlEscapes';

/** A run of decoded text, either valid UTF-8 or a run of invalid bytes shown as `\xHH`. */
export interface Utf8Segment {
  /** Decoded text, or for an invalid run its bytes as `\xHH` escapes (e.g. `\xC0\x80`). */
  readonly text: string;
  readonly invalid: boolean;
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** Result of {@link decodeUtf8}. */
export interface Utf8Decoded {
  /** The text exactly as `new TextDecoder()` would give it (U+FFFD per maximal invalid subpart), BOM kept. */
  readonly text: string;
  /** Valid and invalid runs in byte order; adjacent invalid subparts are merged into one segment. */
  readonly segments: readonly Utf8Segment[];
  /** Number of maximal invalid subparts, i.e. U+FFFD characters that `text` got for them. */
  readonly invalidCount: number;
  /** Number of bytes that are part of an invalid subpart. */
  readonly invalidBytes: number;
}

// ignoreBOM keeps a leading U+FEFF: an inspector shows what was sent, not a cleaned-up version.
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

const HEX_ESCAPES: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => '\\x' + b.toString(16).toUpperCase().padStart(2, '0'),
);

/** Renders bytes as `\xHH` escapes, the way invalid bytes are shown. */
export function escapeBytes(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_ESCAPES[bytes[i]!];
  return s;
}

/**
 * Length of the maximal subpart starting at `i` that is the start of a well-formed sequence, as in
 * the WHATWG decoder and Unicode §3.9 (U+FFFD substitution of maximal subparts). Returns the full
 * sequence length when it is valid, or a negative number `-n` when the first `n` bytes are an invalid
 * maximal subpart (n ≥ 1).
 */
function sequenceAt(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  let needed: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) needed = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    needed = 2;
    if (b0 === 0xe0) lower = 0xa0; // overlong
    if (b0 === 0xed) upper = 0x9f; // surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    needed = 3;
    if (b0 === 0xf0) lower = 0x90; // overlong
    if (b0 === 0xf4) upper = 0x8f; // above U+10FFFF
  } else return -1; // continuation byte, C0/C1 (always overlong) or F5..FF
  for (let k = 1; k <= needed; k++) {
    const b = bytes[i + k];
    if (b === undefined || b < lower || b > upper) return -k;
    lower = 0x80;
    upper = 0xbf;
  }
  return needed + 1;
}

/** True when `bytes` are well-formed UTF-8: checked without a decoder, which throws (slowly) on bad input. */
export function isWellFormedUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; ) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const n = sequenceAt(bytes, i);
    if (n < 0) return false;
    i += n;
  }
  return true;
}

/** Decodes bytes as UTF-8, keeping invalid bytes visible and marked instead of silently replaced. */
export function decodeUtf8(bytes: Uint8Array): Utf8Decoded {
  try {
    const text = fatalDecoder.decode(bytes);
    const segments: Utf8Segment[] =
      bytes.length === 0 ? [] : [{ text, invalid: false, byteOffset: 0, byteLength: bytes.length }];
    return { text, segments, invalidCount: 0, invalidBytes: 0 };
  } catch {
    return decodeMarked(bytes);
  }
}

function decodeMarked(bytes: Uint8Array): Utf8Decoded {
  const segments: Utf8Segment[] = [];
  const textParts: string[] = [];
  let invalidCount = 0;
  let invalidBytes = 0;
  let validStart = 0;
  let invalidStart = -1;
  let i = 0;
  const flushValid = (end: number): void => {
    if (end > validStart) {
      // The run is known to be valid, so the lenient decoder gives exactly its text.
      const text = lenientDecoder.decode(bytes.subarray(validStart, end));
      segments.push({ text, invalid: false, byteOffset: validStart, byteLength: end - validStart });
      textParts.push(text);
    }
  };
  const flushInvalid = (end: number): void => {
    if (invalidStart >= 0) {
      segments.push({
        text: escapeBytes(bytes.subarray(invalidStart, end)),
        invalid: true,
        byteOffset: invalidStart,
        byteLength: end - invalidStart,
      });
      invalidStart = -1;
    }
  };
  while (i < bytes.length) {
    // ASCII dominates real payloads; skip it without the general sequence check.
    if (bytes[i]! < 0x80 && invalidStart < 0) {
      i++;
      continue;
    }
    const n = sequenceAt(bytes, i);
    if (n > 0) {
      if (invalidStart >= 0) {
        flushInvalid(i);
        validStart = i;
      }
      i += n;
    } else {
      if (invalidStart < 0) {
        flushValid(i);
        invalidStart = i;
      }
      invalidCount++;
      invalidBytes += -n;
      textParts.push('\uFFFD');
      i += -n;
    }
  }
  if (invalidStart >= 0) flushInvalid(i);
  else flushValid(i);
  return { text: textParts.join(''), segments, invalidCount, invalidBytes };
}

/**
 * A string from the network made safe to read on one line: control and invisible characters spelled as
 * escapes (`\r\n`, `\0`, `\u202E`, controlEscapes.ts), so a header value, certificate name or URL cannot
 * break the line or make its text read backwards. Where elements can be made, webview/escapedText.ts
 * draws the escapes muted instead.
 */
export function visibleText(text: string): string {
  return escapeAllControls(text);
}

/**
 * One-line preview of a payload for a log row: its characters as they are (control characters included:
 * the row draws them as escapes), invalid UTF-8 as U+FFFD, cut so that, escapes spelled out, it is at
 * most `maxChars` code points, the ellipsis included when truncated.
 * Only a prefix of the bytes is decoded, so the cost does not grow with the payload.
 */
export function previewText(bytes: Uint8Array, maxChars: number): string {
  if (!(maxChars >= 1) || bytes.length === 0) return '';
  maxChars = Math.floor(maxChars);
  // Every decoded code point (valid or an invalid subpart) uses at most 4 bytes, so this prefix holds
  // more than maxChars of them whenever the payload is longer than the prefix.
  const limit = Math.min(bytes.length, maxChars * 4 + 4);
  const end = limit < bytes.length ? charBoundaryBefore(bytes, limit) : limit;
  const decoded = lenientDecoder.decode(bytes.subarray(0, end));
  let width = 0;
  let i = 0;
  /** Where the text ends if it needs the ellipsis: the last point with width ≤ maxChars - 1. */
  let cut = 0;
  while (i < decoded.length) {
    const cp = decoded.codePointAt(i)!;
    const w = isControlCode(cp) ? escapedWidth(cp) : 1;
    if (width + w > maxChars) break;
    width += w;
    i += cp > 0xffff ? 2 : 1;
    if (width < maxChars) cut = i;
  }
  if (i === decoded.length && end === bytes.length) return decoded;
  return decoded.slice(0, cut) + '\u2026';
}

/** Moves `end` back so it does not cut a multi-byte sequence that would be complete past it. */
export function charBoundaryBefore(bytes: Uint8Array, end: number): number {
  for (let i = end - 1; i >= 0 && i >= end - 3; i--) {
    const b = bytes[i]!;
    if (b >= 0x80 && b <= 0xbf) continue; // continuation byte, keep looking for its lead
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + len > end ? i : end;
  }
  return end;
}
