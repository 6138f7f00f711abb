// The messages of one direction as the frame store sees them: one "unit" per complete data message or
// control frame, in the order they completed on the wire, each with its frame range and (once the log
// has the matching entry) the entry's seq. Held column-wise in chunks, like the log.
import { SegmentDeque } from '../log/segmentDeque';

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
  constructor(public base: number) {}
}

/** Units of one direction, addressed by ordinal (0 = the direction's first message ever). */
export class MessageUnits {
  /** Chunks by the ordinal of their first unit; a released one is kept for the next append that needs one. */
  private readonly chunks = new SegmentDeque<UnitChunk>();
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
    let chunk = this.chunks.newest;
    if (!chunk || chunk.count === CHUNK) {
      const spare = this.chunks.takeSpare();
      if (spare) {
        spare.base = this.next;
        spare.count = 0;
        chunk = spare;
      } else {
        chunk = new UnitChunk(this.next);
      }
      this.chunks.push(chunk, chunk.base);
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
    const c = this.chunkOf(ordinal);
    return c.last[ordinal - c.base]!;
  }

  firstFrame(ordinal: number): number {
    const c = this.chunkOf(ordinal);
    const i = ordinal - c.base;
    return c.last[i]! - c.span[i]!;
  }

  seq(ordinal: number): number {
    const c = this.chunkOf(ordinal);
    return c.seq[ordinal - c.base]!;
  }

  setSeq(ordinal: number, seq: number): void {
    if (!this.has(ordinal)) return;
    const c = this.chunkOf(ordinal);
    c.seq[ordinal - c.base] = seq;
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
      if (this.first >= this.chunks.baseAt(0) + CHUNK) this.chunks.releaseOldest();
    }
  }

  /** Forgets every unit; ordinals keep counting. */
  clear(): void {
    this.chunks.clear();
    this.first = this.next;
  }

  get memoryBytes(): number {
    return this.chunks.length * CHUNK * 20;
  }

  /** The chunk holding `ordinal`; no tuple, as this runs for every frame of a flood. */
  private chunkOf(ordinal: number): UnitChunk {
    // Chunks are full except the newest, so the chunk is found by arithmetic.
    const chunks = this.chunks;
    return chunks.at(Math.floor((ordinal - chunks.baseAt(0)) / CHUNK));
  }
}
