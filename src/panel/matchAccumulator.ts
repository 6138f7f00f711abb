// Filter matches found over several scan slices, held until they are posted together: one message
// (and one redraw in the webview) per post interval instead of one per 8 ms slice.

/** A growable list of seqs, emptied by take(). */
export class MatchAccumulator {
  private seqs = new Float64Array(1024);
  private count = 0;

  /** Seqs held. */
  get length(): number {
    return this.count;
  }

  /** Appends seqs (in order, after those held). */
  add(seqs: Float64Array): void {
    if (seqs.length === 0) return;
    if (this.count + seqs.length > this.seqs.length) {
      const grown = new Float64Array(Math.max(this.count + seqs.length, this.seqs.length * 2));
      grown.set(this.seqs.subarray(0, this.count));
      this.seqs = grown;
    }
    this.seqs.set(seqs, this.count);
    this.count += seqs.length;
  }

  /** The seqs held, as an exact ArrayBuffer; the accumulator is empty afterwards. */
  take(): ArrayBuffer {
    const out = this.seqs.slice(0, this.count).buffer;
    this.clear();
    return out;
  }

  /** Forgets the seqs held (and a large buffer). */
  clear(): void {
    this.count = 0;
    if (this.seqs.length > 1 << 16) this.seqs = new Float64Array(1024);
  }
}
