// The messages of one direction as the frame store sees them: one "unit" per complete data message or
// control frame, in the order they completed on the wire, each with its frame range and (once the log
// has the matching entry) the entry's seq. Held column-wise in chunks, like the log.

/** Units per chunk. */
const CHUNK = 4096;

class UnitChunk {
  /** Frame index of the unit's last frame (the FIN frame, or the control frame itself). */
  readonly last = new Float64Array(CHUNK);
  /** last - first frame index. */
  readonly span = new Uint32Array(CHUNK);
  /** Seq of the log entry, or -1 until it is known. */
  readonly seq = new Float64Array(CHUNK);
  count = 0;
  constructor(readonly base: number) {}
}

/** Units of one direction, addressed by ordinal (0 = the direction's first message ever). */
export class MessageUnits {
  private chunks: UnitChunk[] = [];
  private head = 0;
  /** Oldest retained ordinal. */
  private first = 0;
  private next = 0;

  /** Ordinal the next unit gets. */
  get nextOrdinal(): number {
    return this.next;
  }

  get firstOrdinal(): number {
    return this.first;
  }

  /** Adds a unit spanning frames [firstFrame, lastFrame]; returns its ordinal. */
  append(firstFrame: number, lastFrame: number, seq: number): number {
    let chunk = this.chunks.length > this.head ? this.chunks[this.chunks.length - 1]! : undefined;
    if (!chunk || chunk.count === CHUNK) {
      chunk = new UnitChunk(this.next);
      this.chunks.push(chunk);
    }
    const i = chunk.count++;
    chunk.last[i] = lastFrame;
    chunk.span[i] = Math.min(lastFrame - firstFrame, 0xffffffff);
    chunk.seq[i] = seq;
    return this.next++;
  }

  has(ordinal: number): boolean {
    return ordinal >= this.first && ordinal < this.next;
  }

  last(ordinal: number): number {
    const [c, i] = this.locate(ordinal);
    return c.last[i]!;
  }

  firstFrame(ordinal: number): number {
    const [c, i] = this.locate(ordinal);
    return c.last[i]! - c.span[i]!;
  }

  seq(ordinal: number): number {
    const [c, i] = this.locate(ordinal);
    return c.seq[i]!;
  }

  setSeq(ordinal: number, seq: number): void {
    if (!this.has(ordinal)) return;
    const [c, i] = this.locate(ordinal);
    c.seq[i] = seq;
  }

  /** Lowest retained ordinal whose last frame is at or after `frame`, or nextOrdinal when none is. */
  firstEndingAtOrAfter(frame: number): number {
    let lo = this.first;
    let hi = this.next;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.last(mid) < frame) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The ordinal among [firstOrdinal, below) whose seq is `seq` (seqs ascend there), or -1. */
  findSeq(seq: number, below: number): number {
    let lo = this.first;
    let hi = Math.min(below, this.next) - 1;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const s = this.seq(mid);
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Forgets units whose last frame is before `frame` (their frames were evicted). */
  dropEndingBefore(frame: number): void {
    while (this.first < this.next && this.last(this.first) < frame) {
      this.first++;
      const chunk = this.chunks[this.head]!;
      if (this.first >= chunk.base + CHUNK) {
        this.chunks[this.head] = undefined as unknown as UnitChunk;
        this.head++;
      }
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Forgets every unit; ordinals keep counting. */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.first = this.next;
  }

  get memoryBytes(): number {
    return (this.chunks.length - this.head) * CHUNK * 20;
  }

  private locate(ordinal: number): [UnitChunk, number] {
    // Chunks are full except the newest, so the chunk is found by arithmetic.
    const firstBase = this.chunks[this.head]!.base;
    const chunk = this.chunks[this.head + Math.floor((ordinal - firstBase) / CHUNK)]!;
    return [chunk, ordinal - chunk.base];
  }
}
