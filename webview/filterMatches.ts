// The seqs matching the current filter, in order, as the host streams them. A growable Float64Array
// with a moving start, so trimming evicted entries off the front is O(log n) and allocation-free.

/** Ordered list of matching seqs. */
export class FilterMatches {
  private seqs = new Float64Array(1024);
  private start = 0;
  private end = 0;

  /** Number of matches. */
  get length(): number {
    return this.end - this.start;
  }

  /** The seq of match `i` (0-based), or undefined out of range. */
  at(i: number): number | undefined {
    return i >= 0 && i < this.length ? this.seqs[this.start + i] : undefined;
  }

  /** Appends seqs (ascending, after every seq held). */
  append(seqs: Float64Array): void {
    if (seqs.length === 0) return;
    if (this.end + seqs.length > this.seqs.length) {
      const needed = this.length + seqs.length;
      const capacity = Math.max(needed, this.seqs.length * 2);
      const grown = new Float64Array(capacity);
      grown.set(this.seqs.subarray(this.start, this.end));
      this.seqs = grown;
      this.end -= this.start;
      this.start = 0;
    }
    this.seqs.set(seqs, this.end);
    this.end += seqs.length;
  }

  /** Index of the first match with seq >= `seq` (length if none). */
  lowerBound(seq: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.start;
  }

  /** Index of `seq`, or -1 if it is not a match. */
  indexOf(seq: number): number {
    const i = this.lowerBound(seq);
    return this.at(i) === seq ? i : -1;
  }

  /** Drops matches below `firstSeq` (evicted from the log); returns how many were dropped. */
  trimBelow(firstSeq: number): number {
    const n = this.lowerBound(firstSeq);
    this.start += n;
    return n;
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
    if (this.seqs.length > 1 << 20) this.seqs = new Float64Array(1024);
  }
}
