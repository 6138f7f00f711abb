// The seqs matching the current filter, as the host streams them: a bitmap over the entries the scan
// tested (shared/matchBits.ts), with the number of set bits before each block of 1,024 bits, so the
// n-th match (the row to seq of a filtered view) and the rank of a seq (seq to row) take a binary
// search and at most one block. 1 bit per scanned entry: a million entries, whatever matches, 125 KB.
// Evicted entries are trimmed off the front with a moving start, compacted as it passes half the bits.
import { popcount32, type MatchBits } from '../shared/matchBits';
import { t } from './l10n';

/** Words per counted block (1,024 entries). */
const BLOCK_WORDS = 32;
const BLOCK_BITS = BLOCK_WORDS * 32;
/** A gap wider than this between two appended ranges restarts the bitmap rather than filling zeros. */
const MAX_GAP_BITS = 1 << 22;

/** Ordered set of matching seqs. */
export class FilterMatches {
  private words = new Uint32Array(BLOCK_WORDS);
  /** Seq of bit 0. */
  private base = 0;
  /** Bits held: entries [base, base + bits) were tested. */
  private bits = 0;
  /** Bits below this are trimmed (their entries were evicted). */
  private startBit = 0;
  /** Set bits below startBit. */
  private dropped = 0;
  /** blockCum[b] = set bits in blocks before b, valid for b ≤ countedBlocks. */
  private blockCum = new Float64Array(2);
  private countedBlocks = 0;

  /** Number of matches. */
  get length(): number {
    this.count();
    return this.blockCum[this.blockCount()]! - this.dropped;
  }

  /** Seq after the last tested entry (base + bits). */
  get end(): number {
    return this.base + this.bits;
  }

  /** The seq of match `i` (0-based), or undefined out of range. */
  at(i: number): number | undefined {
    if (!(i >= 0) || i >= this.length) return undefined;
    const k = i + this.dropped;
    // Last block whose cumulative count is ≤ k.
    let lo = 0;
    let hi = this.blockCount() - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.blockCum[mid]! <= k) lo = mid;
      else hi = mid - 1;
    }
    let r = k - this.blockCum[lo]!;
    for (let w = lo * BLOCK_WORDS; ; w++) {
      let word = this.words[w]!;
      const c = popcount32(word);
      if (r >= c) {
        r -= c;
        continue;
      }
      for (; r > 0; r--) word &= word - 1;
      return this.base + w * 32 + (31 - Math.clz32(word & -word));
    }
  }

  /** Appends the matches of entries [bits.from, bits.to), tested after every entry held. */
  appendBits(bits: MatchBits): void {
    const { from, to, words } = bits;
    if (to <= from) return;
    if (this.bits === 0 && this.startBit === 0) this.base = from;
    let p = from - this.base;
    if (p < this.bits) throw new Error(t('filter matches out of order: {0} < {1}', from, this.end));
    if (p - this.bits > MAX_GAP_BITS) {
      // Entries in the gap were evicted before the scan reached them, so were all held ones.
      this.clear();
      this.base = from;
      p = 0;
    }
    const endBit = to - this.base;
    this.reserve(Math.ceil(endBit / 32));
    const shift = p & 31;
    let at = p >>> 5;
    for (let i = 0; i < words.length; i++, at++) {
      const w = words[i]!;
      if (w === 0) continue;
      this.words[at]! |= w << shift;
      if (shift !== 0) this.words[at + 1]! |= w >>> (32 - shift);
    }
    // The old last bit's block onwards must be counted again.
    this.countedBlocks = Math.min(this.countedBlocks, Math.floor(this.bits / BLOCK_BITS));
    this.bits = endBit;
  }

  /** Index of the first match with seq >= `seq` (length if none). */
  lowerBound(seq: number): number {
    const p = Math.min(this.bits, Math.max(this.startBit, Math.ceil(seq - this.base)));
    return this.rank(p) - this.dropped;
  }

  /** Index of `seq`, or -1 if it is not a match. */
  indexOf(seq: number): number {
    const p = seq - this.base;
    if (!(p >= this.startBit && p < this.bits) || !Number.isInteger(p)) return -1;
    if ((this.words[p >>> 5]! & (1 << (p & 31))) === 0) return -1;
    return this.rank(p) - this.dropped;
  }

  /** Drops matches below `firstSeq` (evicted from the log); returns how many were dropped. */
  trimBelow(firstSeq: number): number {
    const p = Math.min(this.bits, Math.ceil(firstSeq - this.base));
    if (!(p > this.startBit)) return 0;
    const dropped = this.rank(p);
    const n = dropped - this.dropped;
    this.dropped = dropped;
    this.startBit = p;
    if (this.startBit >= BLOCK_BITS && this.startBit * 2 >= this.bits) this.compact();
    return n;
  }

  clear(): void {
    if (this.words.length > 1 << 16) this.words = new Uint32Array(BLOCK_WORDS);
    else this.words.fill(0);
    this.base = 0;
    this.bits = 0;
    this.startBit = 0;
    this.dropped = 0;
    this.countedBlocks = 0;
  }

  // ------------------------------------------------------------------------------------------------

  private blockCount(): number {
    return Math.ceil(this.bits / BLOCK_BITS);
  }

  /** Set bits in [0, p). */
  private rank(p: number): number {
    this.count();
    const block = Math.floor(p / BLOCK_BITS);
    let n = this.blockCum[block]!;
    const word = p >>> 5;
    for (let w = block * BLOCK_WORDS; w < word; w++) n += popcount32(this.words[w]!);
    const bit = p & 31;
    if (bit !== 0) n += popcount32(this.words[word]! & (0xffffffff >>> (32 - bit)));
    return n;
  }

  /** Brings blockCum up to date. */
  private count(): void {
    const blocks = this.blockCount();
    if (this.countedBlocks >= blocks && this.blockCum.length > blocks) return;
    if (this.blockCum.length < blocks + 2) {
      const grown = new Float64Array(Math.max(blocks + 2, this.blockCum.length * 2));
      grown.set(this.blockCum.subarray(0, this.countedBlocks + 1));
      this.blockCum = grown;
    }
    for (let b = this.countedBlocks; b < blocks; b++) {
      let n = 0;
      const end = (b + 1) * BLOCK_WORDS;
      for (let w = b * BLOCK_WORDS; w < end; w++) n += popcount32(this.words[w]!);
      this.blockCum[b + 1] = this.blockCum[b]! + n;
    }
    this.countedBlocks = blocks;
  }

  /** Room for `words` words (and one more for an unaligned append), whole blocks. */
  private reserve(words: number): void {
    const needed = (Math.ceil(words / BLOCK_WORDS) + 1) * BLOCK_WORDS;
    if (needed <= this.words.length) return;
    const grown = new Uint32Array(Math.max(needed, this.words.length * 2));
    grown.set(this.words);
    this.words = grown;
  }

  /** Moves the bitmap down by the whole blocks below startBit. */
  private compact(): void {
    const blocks = Math.floor(this.startBit / BLOCK_BITS);
    const shiftWords = blocks * BLOCK_WORDS;
    const usedWords = Math.ceil(this.bits / 32);
    this.words.copyWithin(0, shiftWords, usedWords);
    this.words.fill(0, usedWords - shiftWords, usedWords);
    this.base += blocks * BLOCK_BITS;
    this.bits -= blocks * BLOCK_BITS;
    this.startBit -= blocks * BLOCK_BITS;
    this.countedBlocks = 0;
    this.blockCum[0] = 0;
    this.dropped = this.rank(this.startBit);
  }
}
