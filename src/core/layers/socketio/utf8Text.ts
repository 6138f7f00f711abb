// A text message's bytes as a string, and the way back from a string offset to a byte offset, so that
// every position a Socket.IO decode reports is a byte offset into the payload as logged.

const fatal = new TextDecoder('utf-8', { fatal: true });

/** The text, or the byte offset of the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { text: string; invalidAt?: undefined } | { text?: undefined; invalidAt: number } {
  try {
    return { text: fatal.decode(bytes) };
  } catch {
    return { invalidAt: firstInvalidByte(bytes) };
  }
}

function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, surrogates and code points beyond U+10FFFF.
    const c1 = b[i + 1] ?? 0;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    i += n + 1;
  }
  return b.length;
}

/** Maps UTF-16 offsets of a decoded text to byte offsets of its UTF-8 bytes. */
export function byteOffsets(text: string, byteLength: number): (offset: number) => number {
  if (byteLength === text.length) return (offset) => offset; // ASCII: one byte per character.
  let table: Uint32Array | undefined;
  return (offset) => {
    if (table === undefined) {
      table = new Uint32Array(text.length + 1);
      let bytes = 0;
      for (let i = 0; i < text.length; i++) {
        table[i] = bytes;
        const c = text.charCodeAt(i);
        bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 2 : c >= 0xdc00 && c <= 0xdfff ? 2 : 3;
      }
      table[text.length] = bytes;
    }
    return table[Math.max(0, Math.min(offset, text.length))]!;
  }
}
