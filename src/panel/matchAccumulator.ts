// Filter matches found over several scan slices, held until they are posted together as one bitmap
// (shared/matchBits.ts): one message (and one redraw in the webview) per post interval instead of one
// per 8 ms slice.
import { encodeMatchBits } from '../../shared/matchBits';

/** The matches of the entries scanned since the last post. */
export class MatchAccumulator {
  private seqs = new Float64Array(1024);
  private count = 0;
  /** First seq of the entries tested since the last take(), or undefined when none were. */
  private from: number | undefined;

  /** Records a slice that tested entries from `from` on and found `seqs` (ascending, ≥ from). */
  add(from: number, seqs: Float64Array): void {
    this.from ??= from;
    if (seqs.length === 0) return;
    if (this.count + seqs.length > this.seqs.length) {
      const grown = new Float64Array(Math.max(this.count + seqs.length, this.seqs.length * 2));
      grown.set(this.seqs.subarray(0, this.count));
      this.seqs = grown;
    }
    this.seqs.set(seqs, this.count);
    this.count += seqs.length;
  }

  /** The matches of entries [first tested, `to`) as a bitmap; the accumulator is empty afterwards. */
  take(to: number): ArrayBuffer {
    const from = Math.min(this.from ?? to, to);
    const bits = encodeMatchBits(from, to, this.seqs, this.count);
    this.clear();
    return bits;
  }

  /** Forgets what is held (and a large buffer). */
  clear(): void {
    this.count = 0;
    this.from = undefined;
    if (this.seqs.length > 1 << 16) this.seqs = new Float64Array(1024);
  }
}
