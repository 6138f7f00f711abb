// The oldest-first list of segments behind every column store that takes millions of records and
// evicts the oldest: the entry log, the wire frame store and its message units. Each keeps its records
// in fixed-size segments of typed arrays; this deque holds the segments, releases them from the front
// without shifting the array on every release, keeps the last one released for reuse (a flood at the
// cap recycles segments instead of allocating them), and finds the segment of a record by binary search.
//
// The bases (the first record number of each segment) are kept in an array of their own, so the search
// reads plain numbers and never a segment's properties: the same code serves three segment classes
// without turning its property accesses polymorphic.

/** Released slots at the front tolerated before the arrays are compacted (and only when they are most of it). */
const COMPACT_AFTER = 64;

/** Segments, oldest first, each with the number of its first record. Positions count live segments from 0 (the oldest). */
export class SegmentDeque<S> {
  private items: Array<S | undefined> = [];
  private bases: number[] = [];
  /** Index in `items` of the oldest live segment; those before it are released. */
  private head = 0;
  private released: S | undefined;

  /** Live segments. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** The live segment at `position` (0 the oldest); the caller keeps it within [0, length). */
  at(position: number): S {
    return this.items[this.head + position] as S;
  }

  /** The first record number of the live segment at `position`. */
  baseAt(position: number): number {
    return this.bases[this.head + position]!;
  }

  get oldest(): S | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  get newest(): S | undefined {
    return this.head < this.items.length ? this.items[this.items.length - 1] : undefined;
  }

  /** Adds `segment` as the newest; `base` is its first record number, at least every earlier one's. */
  push(segment: S, base: number): void {
    this.items.push(segment);
    this.bases.push(base);
  }

  /** Releases the oldest live segment; it becomes the spare (replacing any earlier one). */
  releaseOldest(): void {
    if (this.head >= this.items.length) return;
    this.released = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    // Compact now and then instead of shifting on every release.
    if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.bases = this.bases.slice(this.head);
      this.head = 0;
    }
  }

  /** The last segment released, kept for reuse, if any. */
  get spare(): S | undefined {
    return this.released;
  }

  /** The spare, which the deque then no longer keeps. */
  takeSpare(): S | undefined {
    const spare = this.released;
    this.released = undefined;
    return spare;
  }

  /**
   * Position of the last live segment whose base is at most `key`: the one that holds record `key` if
   * any does. 0 when every live segment starts after `key` or there is none (check against length).
   */
  find(key: number): number {
    const bases = this.bases;
    let lo = this.head;
    let hi = bases.length - 1;
    // The newest segment first: onDidAppend listeners read the entry just appended, on the ingest path.
    if (hi >= lo && bases[hi]! <= key) return hi - this.head;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bases[mid]! <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo - this.head;
  }

  /** Forgets every segment and the spare. */
  clear(): void {
    this.items = [];
    this.bases = [];
    this.head = 0;
    this.released = undefined;
  }
}
