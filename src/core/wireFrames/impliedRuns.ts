// Frames that need no storage of their own: a frame that is the whole of its message (FIN, no RSV bit,
// text or binary, unmasked, shortest length encoding, nothing anomalous) says nothing its log entry
// does not: opcode from the entry's kind, payload length from its length, header length from that.
// Under a flood almost every received frame is one, and consecutive ones belong to consecutive
// entries, so they are kept as runs: frame firstIndex + k is entry firstSeq + k, for k < count.
// One direction's runs, oldest first, in a ring of typed columns.

const INITIAL_RUNS = 64;

/** Runs of implied frames of one direction, addressed by frame index or by entry seq. */
export class ImpliedRuns {
  private firstIndex = new Float64Array(INITIAL_RUNS);
  private firstSeq = new Float64Array(INITIAL_RUNS);
  private count = new Float64Array(INITIAL_RUNS);
  /** Ring position of the oldest run, and how many runs are held. */
  private head = 0;
  private length = 0;

  /** Runs held. */
  get size(): number {
    return this.length;
  }

  get memoryBytes(): number {
    return this.firstIndex.length * 24;
  }

  /** Records that frame `index` is the frame of entry `seq`; both ascend from call to call. */
  add(index: number, seq: number): void {
    if (this.length > 0) {
      const last = this.at(this.length - 1);
      const n = this.count[last]!;
      if (this.firstIndex[last]! + n === index && this.firstSeq[last]! + n === seq) {
        this.count[last] = n + 1;
        return;
      }
    }
    if (this.length === this.firstIndex.length) this.grow();
    const p = this.at(this.length++);
    this.firstIndex[p] = index;
    this.firstSeq[p] = seq;
    this.count[p] = 1;
  }

  /** The seq of the entry whose frame is `index`, or -1 when no run holds it. */
  seqOf(index: number): number {
    return this.translate(this.firstIndex, this.firstSeq, index);
  }

  /** The index of the frame of entry `seq`, or -1 when no run holds it. */
  indexOf(seq: number): number {
    return this.translate(this.firstSeq, this.firstIndex, seq);
  }

  /** `value` in the run column `from` mapped to the same position in column `to`; -1 when no run holds it. */
  private translate(from: Float64Array, to: Float64Array, value: number): number {
    const r = this.find(from, value);
    if (r < 0) return -1;
    const p = this.at(r);
    const k = value - from[p]!;
    return k < this.count[p]! ? to[p]! + k : -1;
  }

  /** Forgets frames before `index` (evicted). */
  dropBefore(index: number): void {
    while (this.length > 0) {
      const p = this.head;
      const first = this.firstIndex[p]!;
      const n = this.count[p]!;
      if (first >= index) return;
      if (first + n > index) {
        const cut = index - first;
        this.firstIndex[p] = index;
        this.firstSeq[p] = this.firstSeq[p]! + cut;
        this.count[p] = n - cut;
        return;
      }
      this.head = (this.head + 1) % this.firstIndex.length;
      this.length--;
    }
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
  }

  /** Ring position of the r-th oldest run. */
  private at(r: number): number {
    return (this.head + r) % this.firstIndex.length;
  }

  /** The last run (counting from the oldest) whose column value is at most `key`, or -1. */
  private find(column: Float64Array, key: number): number {
    let lo = 0;
    let hi = this.length - 1;
    if (hi < 0 || column[this.at(0)]! > key) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (column[this.at(mid)]! <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private grow(): void {
    const size = this.firstIndex.length * 2;
    const columns = [new Float64Array(size), new Float64Array(size), new Float64Array(size)] as const;
    const old = [this.firstIndex, this.firstSeq, this.count] as const;
    for (let r = 0; r < this.length; r++) {
      const p = this.at(r);
      for (let c = 0; c < 3; c++) columns[c]![r] = old[c]![p]!;
    }
    [this.firstIndex, this.firstSeq, this.count] = columns;
    this.head = 0;
  }
}
