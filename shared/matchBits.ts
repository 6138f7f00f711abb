// Filter matches on the wire as a bitmap over the seqs a scan tested: one bit per entry, whatever the
// number of matches. A million entries cost 125 KB, where a list of 999,000 matching seqs cost 8 MB
// (and the webview's time to receive and append it: bench/, webview-1m).
//
// Layout: Float64 from, Float64 to, then ceil((to - from) / 32) Uint32 words; bit b of word w is
// entry from + 32·w + b.

/** Bytes before the words. */
const HEADER_BYTES = 16;

/** A decoded bitmap: entries [from, to), `words` as laid out above. */
export interface MatchBits {
  readonly from: number;
  readonly to: number;
  readonly words: Uint32Array;
}

/** Encodes `count` ascending seqs, all within [from, to), as a bitmap over [from, to). */
export function encodeMatchBits(from: number, to: number, seqs: Float64Array, count = seqs.length): ArrayBuffer {
  const span = Math.max(0, to - from);
  const words = new Uint32Array(Math.ceil(span / 32));
  for (let i = 0; i < count; i++) {
    const bit = seqs[i]! - from;
    if (bit < 0 || bit >= span) continue;
    words[bit >>> 5]! |= 1 << (bit & 31);
  }
  return packMatchBits(from, to, words);
}

/** The message form of a bitmap over [from, to) whose bits are the first words of `words`. */
export function packMatchBits(from: number, to: number, words: Uint32Array): ArrayBuffer {
  const span = Math.max(0, to - from);
  const n = Math.ceil(span / 32);
  const buffer = new ArrayBuffer(HEADER_BYTES + n * 4);
  const header = new Float64Array(buffer, 0, 2);
  header[0] = from;
  header[1] = from + span;
  new Uint32Array(buffer, HEADER_BYTES).set(words.subarray(0, n));
  // Bits past `to` in the last word are not part of the range.
  const tail = span & 31;
  if (tail !== 0) new Uint32Array(buffer, HEADER_BYTES)[n - 1]! &= 0xffffffff >>> (32 - tail);
  return buffer;
}

/** Why `buffer` is not a match bitmap, or undefined when it is one. */
export function matchBitsProblem(buffer: ArrayBuffer): string | undefined {
  if (buffer.byteLength < HEADER_BYTES || (buffer.byteLength - HEADER_BYTES) % 4 !== 0) return 'must be a match bitmap';
  const [from, to] = new Float64Array(buffer, 0, 2) as unknown as [number, number];
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) return 'must be a match bitmap over a seq range';
  if (Math.ceil((to - from) / 32) * 4 !== buffer.byteLength - HEADER_BYTES) return 'must be a match bitmap of its range';
  return undefined;
}

/** Reads a bitmap written by {@link encodeMatchBits} (checked by {@link matchBitsProblem}). */
export function decodeMatchBits(buffer: ArrayBuffer): MatchBits {
  const header = new Float64Array(buffer, 0, 2);
  return { from: header[0]!, to: header[1]!, words: new Uint32Array(buffer, HEADER_BYTES) };
}

/** Set bits in a 32-bit word. */
export function popcount32(w: number): number {
  w -= (w >>> 1) & 0x55555555;
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Every seq set in `bits`, ascending (tests and tools; the webview reads the bitmap itself). */
export function matchSeqs(bits: MatchBits): number[] {
  const out: number[] = [];
  for (let w = 0; w < bits.words.length; w++) {
    let word = bits.words[w]!;
    while (word !== 0) {
      const low = word & -word;
      out.push(bits.from + w * 32 + (31 - Math.clz32(low)));
      word ^= low;
    }
  }
  return out;
}
