// Short ASCII strings (topics, map keys, event names) read without a TextDecoder call, which costs more
// than the rest of a decoded row. Anything else goes to the caller's decoder, so strictness is theirs.

/** Longest run decoded by hand; longer text is cheaper through TextDecoder. */
const SHORT = 64;

/** `bytes` as text: by hand when short and all ASCII, else through `decoder` (which may throw). */
export function decodeShortText(decoder: { decode(bytes: Uint8Array): string }, bytes: Uint8Array): string {
  const n = bytes.length;
  if (n > SHORT) return decoder.decode(bytes);
  let text = '';
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return decoder.decode(bytes);
    text += String.fromCharCode(b);
  }
  return text;
}
