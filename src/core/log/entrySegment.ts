// One segment of an entry log: a run of consecutive entries held column-wise (a few typed arrays and
// one byte slab), so the log stores no object and no Buffer per entry. EntryLog (entryLog.ts) keeps
// its segments in a SegmentDeque and decides where each payload goes; this class holds the columns,
// grows, trims and recycles them.

/** Entries per segment; a segment is also sealed early when its byte slab is full. */
export const SEGMENT_ENTRIES = 16_384;
/** Default byte slab of a segment; a larger payload gets a slab of its own size. */
export const SEGMENT_BYTES = 1024 * 1024;
/** A sealed segment using less than this share of its arrays is trimmed to size. */
const TRIM_BELOW = 0.75;

/**
 * One run of consecutive entries. Wall time is not stored per entry: it is the segment's clock offset
 * (taken when the segment opened) plus the entry's monotonic time, so a wall-clock change is picked up
 * at the next segment while each entry pays for a single Float64.
 */
export class EntrySegment {
  /** Monotonic time of each entry, ms (performance.now() clock). */
  mono: Float64Array;
  /** End offset of each entry's payload in `bytes`; the start is the previous entry's end. */
  ends: Uint32Array;
  /** direction << 4 | kind. */
  dirKind: Uint8Array;
  bytes: Uint8Array;
  /**
   * Start offset of each entry's payload, only once the segment holds bytes between payloads (see
   * appendSpans); until then a payload starts where the previous one ended.
   */
  starts: Uint32Array | undefined;
  /** Entries the index arrays can hold. */
  capacity: number;
  /** Bytes the slab can hold. */
  slabBytes: number;
  /** Entries written. */
  count = 0;
  /** Local index of the oldest retained entry (entries before it were evicted). */
  start = 0;
  /** Bytes used at the front of the slab. */
  used = 0;
  /**
   * Start of the bytes used at the back of the slab: while socket reads fill the front (claimRead),
   * everything else is placed from the back down, so consecutive reads stay side by side.
   */
  back: number;

  constructor(
    /** Seq of local index 0. */
    public baseSeq: number,
    /** Date.now() - performance.now() when the segment opened. */
    public wallOffset: number,
    slabBytes: number,
    entries = SEGMENT_ENTRIES,
  ) {
    this.mono = new Float64Array(entries);
    this.ends = new Uint32Array(entries);
    this.dirKind = new Uint8Array(entries);
    this.bytes = new Uint8Array(slabBytes);
    this.starts = undefined;
    this.capacity = entries;
    this.slabBytes = slabBytes;
    this.back = slabBytes;
  }

  /**
   * Makes a fully evicted segment the new tail, keeping whichever of its arrays still have the
   * standard size: under a flood at the retention cap, segments are recycled instead of allocated,
   * which spares the garbage collector a megabyte of external memory every few thousand entries.
   */
  reuse(baseSeq: number, wallOffset: number): this {
    this.baseSeq = baseSeq;
    this.wallOffset = wallOffset;
    this.count = 0;
    this.start = 0;
    this.used = 0;
    // A sealed segment's columns were trimmed to what it held; they grow again if more entries come
    // (growColumns): a segment of large messages holds few entries, and full-size columns for each
    // recycled one would be fresh, page-faulting memory (bench/README.md, 64 KiB messages).
    if (this.starts && this.starts.length !== this.capacity) this.starts = undefined;
    if (this.slabBytes !== SEGMENT_BYTES) {
      this.bytes = new Uint8Array(SEGMENT_BYTES);
      this.slabBytes = SEGMENT_BYTES;
    }
    this.back = this.slabBytes;
    return this;
  }

  /** Doubles the columns (at most SEGMENT_ENTRIES): a recycled segment's trimmed columns fill up. */
  growColumns(): void {
    const size = Math.min(SEGMENT_ENTRIES, Math.max(16, this.capacity * 2));
    const grow = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a.subarray(0, this.count) as never);
      return b;
    };
    this.mono = grow(this.mono, (n) => new Float64Array(n));
    this.ends = grow(this.ends, (n) => new Uint32Array(n));
    this.dirKind = grow(this.dirKind, (n) => new Uint8Array(n));
    if (this.starts) this.starts = grow(this.starts, (n) => new Uint32Array(n));
    this.capacity = size;
  }

  startOf(i: number): number {
    return this.starts ? this.starts[i]! : i === 0 ? 0 : this.ends[i - 1]!;
  }

  /** Where the next entry starts if it is given no start of its own. */
  get impliedStart(): number {
    return this.count === 0 ? 0 : this.ends[this.count - 1]!;
  }

  /** The starts column, created from the ends of the entries so far. */
  withStarts(): Uint32Array {
    if (this.starts) return this.starts;
    const starts = new Uint32Array(this.capacity);
    for (let i = 1; i < this.count; i++) starts[i] = this.ends[i - 1]!;
    this.starts = starts;
    return starts;
  }

  /**
   * Gives back the unused tail of the arrays once no more entries will be written. Bytes placed from
   * the back first move down to the end of the front's (entries' views taken before are stale then,
   * as payload() says of every view).
   */
  seal(): void {
    if (this.back < this.slabBytes) {
      const shift = this.back - this.used;
      if (shift > 0) {
        this.bytes.copyWithin(this.used, this.back, this.slabBytes);
        // Back bytes are placed with a start of their own, so the column exists.
        const starts = this.withStarts();
        for (let i = 0; i < this.count; i++) {
          if (starts[i]! >= this.back) {
            starts[i] = starts[i]! - shift;
            this.ends[i] = this.ends[i]! - shift;
          }
        }
      }
      this.used += this.slabBytes - this.back;
      this.back = this.slabBytes;
    }
    if (this.count < this.capacity * TRIM_BELOW) {
      this.mono = this.mono.slice(0, this.count);
      this.ends = this.ends.slice(0, this.count);
      this.dirKind = this.dirKind.slice(0, this.count);
      this.starts = this.starts?.slice(0, this.count);
      this.capacity = this.count;
    }
    if (this.used < this.slabBytes * TRIM_BELOW) {
      this.bytes = this.bytes.slice(0, this.used);
      this.slabBytes = this.used;
      this.back = this.used;
    }
  }

  get memoryBytes(): number {
    return this.mono.byteLength + this.ends.byteLength + this.dirKind.byteLength + this.bytes.byteLength + (this.starts?.byteLength ?? 0);
  }
}
