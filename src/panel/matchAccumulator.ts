// Filter matches found over several scan slices, marked in one reused bitmap until they are posted
// together (shared/matchBits.ts): one message (and one redraw in the webview) per post interval instead
// of one per 8 ms slice, and no fresh memory per slice.
import { packMatchBits } from '../../shared/matchBits';
import type { MatchSink } from './filterScan';

/** The matches of the entries scanned since the last post. */
export class MatchAccumulator implements MatchSink {
  private words = new Uint32Array(1024);
  /** First seq of the entries tested since the last take(), or undefined when none were. */
  private from: number | undefined;
  /** Words in use (the rest are zero). */
  private used = 0;

  /** A slice starts testing entries from `from` on (the first call after a take() sets the range's start). */
  begin(from: number): void {
    this.from ??= from;
  }

  /** Records a matching seq (ascending, ≥ the range's start). */
  mark(seq: number): void {
    const bit = seq - this.from!;
    if (!(bit >= 0)) return;
    const w = bit >>> 5;
    if (w >= this.words.length) {
      const grown = new Uint32Array(Math.max(w + 1, this.words.length * 2));
      grown.set(this.words.subarray(0, this.used));
      this.words = grown;
    }
    this.words[w]! |= 1 << (bit & 31);
    if (w >= this.used) this.used = w + 1;
  }

  /** The matches of entries [range start, `to`) as a bitmap; the accumulator is empty afterwards. */
  take(to: number): ArrayBuffer {
    const from = Math.min(this.from ?? to, to);
    if (Math.ceil((to - from) / 32) > this.words.length) {
      const grown = new Uint32Array(Math.ceil((to - from) / 32));
      grown.set(this.words.subarray(0, this.used));
      this.words = grown;
    }
    const bits = packMatchBits(from, to, this.words);
    this.clear();
    return bits;
  }

  /** Forgets what is held (and a large bitmap). */
  clear(): void {
    if (this.words.length > 1 << 16) this.words = new Uint32Array(1024);
    else this.words.fill(0, 0, this.used);
    this.used = 0;
    this.from = undefined;
  }
}
