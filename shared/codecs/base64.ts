// Base64 without Buffer or atob/btoa, so the same code runs in the host and in the webview and
// reports exactly where bad input is.
import { inputError } from './inputError';

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STANDARD_CODES = Uint8Array.from(STANDARD, (c) => c.charCodeAt(0));
const URL_SAFE_CODES = Uint8Array.from(URL_SAFE, (c) => c.charCodeAt(0));

/** Base64 alphabet value of each char code < 128, -1 for anything else. */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  VALUES[STANDARD.charCodeAt(i)] = i;
  VALUES[URL_SAFE.charCodeAt(i)] = i;
}
const PAD = 0x3d; // '='
const asciiDecoder = new TextDecoder();

/** Options for {@link encodeBase64}. */
export interface Base64EncodeOptions {
  /** Use `-` and `_` instead of `+` and `/` (RFC 4648 §5). Default false. */
  readonly urlSafe?: boolean;
  /** Append `=` padding to a multiple of 4 characters. Default true. */
  readonly pad?: boolean;
}

/** Options for {@link decodeBase64}. */
export interface Base64DecodeOptions {
  /** Which alphabet to accept: both (default), only `+/`, or only `-_`. */
  readonly alphabet?: 'any' | 'standard' | 'url';
}

/** Encodes bytes as base64 (standard alphabet with padding unless told otherwise). */
export function encodeBase64(bytes: Uint8Array, options: Base64EncodeOptions = {}): string {
  const codes = options.urlSafe ? URL_SAFE_CODES : STANDARD_CODES;
  const pad = options.pad ?? true;
  const whole = bytes.length - (bytes.length % 3);
  const rest = bytes.length - whole;
  const outLength = (whole / 3) * 4 + (rest === 0 ? 0 : pad ? 4 : rest + 1);
  const out = new Uint8Array(outLength);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = codes[n >>> 18]!;
    out[o++] = codes[(n >>> 12) & 63]!;
    out[o++] = codes[(n >>> 6) & 63]!;
    out[o++] = codes[n & 63]!;
  }
  if (rest === 1) {
    const n = bytes[whole]!;
    out[o++] = codes[n >>> 2]!;
    out[o++] = codes[(n & 3) << 4]!;
    if (pad) {
      out[o++] = PAD;
      out[o++] = PAD;
    }
  } else if (rest === 2) {
    const n = (bytes[whole]! << 8) | bytes[whole + 1]!;
    out[o++] = codes[n >>> 10]!;
    out[o++] = codes[(n >>> 4) & 63]!;
    out[o++] = codes[(n & 15) << 2]!;
    if (pad) out[o++] = PAD;
  }
  // The output is ASCII, so a UTF-8 decoder turns it into a string in one native call.
  return asciiDecoder.decode(out);
}

function isBase64Whitespace(c: number): boolean {
  // ASCII whitespace as in the WHATWG forgiving-base64 decoder: TAB, LF, FF, CR, SPACE.
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c;
}

/**
 * Decodes base64 in either alphabet; padding is optional, whitespace (e.g. line breaks) is ignored.
 * Throws SocketInspectorError('INVALID_BASE64') naming the bad character and its line and column.
 */
export function decodeBase64(text: string, options: Base64DecodeOptions = {}): Uint8Array {
  const alphabet = options.alphabet ?? 'any';
  function fail(offset: number, reason: string): never {
    throw inputError('INVALID_BASE64', 'Invalid base64', text, offset, reason);
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let o = 0;
  let acc = 0; // bits of the current 4-character quantum
  let inQuantum = 0; // data characters in the current quantum
  let dataCount = 0;
  let lastData = -1; // offset of the last data character
  let padStart = -1; // offset of the first '='
  let padCount = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isBase64Whitespace(c)) continue;
    if (c === PAD) {
      if (padStart < 0) {
        if (inQuantum < 2) {
          fail(i, inQuantum === 0 ? 'padding where data was expected' : 'padding after a single character');
        }
        padStart = i;
      }
      padCount++;
      if (inQuantum + padCount > 4) fail(i, 'too much padding');
      continue;
    }
    const v = c < 128 ? VALUES[c]! : -1;
    if (v < 0) fail(i, 'not a base64 character');
    if (alphabet === 'standard' && (c === 0x2d || c === 0x5f)) {
      fail(i, "URL-safe character in standard base64; expected '+' or '/'");
    }
    if (alphabet === 'url' && (c === 0x2b || c === 0x2f)) {
      fail(i, "standard character in URL-safe base64; expected '-' or '_'");
    }
    if (padStart >= 0) fail(i, 'data after padding');
    acc = (acc << 6) | v;
    lastData = i;
    dataCount++;
    if (++inQuantum === 4) {
      out[o++] = acc >>> 16;
      out[o++] = (acc >>> 8) & 0xff;
      out[o++] = acc & 0xff;
      acc = 0;
      inQuantum = 0;
    }
  }
  if (inQuantum === 1) {
    const count = `${dataCount} data character${dataCount === 1 ? '' : 's'}`;
    fail(lastData, `${count}; base64 of length 4n+1 is never valid, a character is missing or extra`);
  }
  if (padStart >= 0 && inQuantum + padCount !== 4) {
    fail(padStart, `incomplete padding; expected ${4 - inQuantum} '=' here`);
  }
  // Leftover bits below a whole byte are dropped, as in the WHATWG forgiving-base64 decoder.
  if (inQuantum === 2) {
    out[o++] = acc >>> 4;
  } else if (inQuantum === 3) {
    out[o++] = acc >>> 10;
    out[o++] = (acc >>> 2) & 0xff;
  }
  return out.slice(0, o);
}
