// Messages of one direction complete on the wire whose log entry has not been noted yet (a received
// message is logged at the end of its socket read, after the frame tap has seen its frames), oldest
// first. A message of one implied frame (see impliedRuns.ts) waits here with what its entry must
// match; any other waits as the ordinal of its MessageUnits unit. A ring of typed columns: a flood
// passes every frame through it without an allocation.

/** A power of two, as every later size: positions wrap with a mask. */
const INITIAL = 256;

/** What the head of the queue is. */
export interface PendingHead {
  /** An implied frame (its index), or -1 for a stored unit (see `ordinal`). */
  index: number;
  ordinal: number;
  /** The implied frame's first header byte, payload length and time. */
  b0: number;
  length: number;
  mono: number;
}

/** A FIFO of completed messages waiting for their entries. */
export class PendingUnits {
  /** Frame index (>= 0) of an implied frame, or -(ordinal + 1) of a stored unit. */
  private ref = new Float64Array(INITIAL);
  private len = new Float64Array(INITIAL);
  private mono = new Float64Array(INITIAL);
  private b0 = new Uint8Array(INITIAL);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get memoryBytes(): number {
    return this.ref.length * 25;
  }

  pushFrame(index: number, b0: number, length: number, mono: number): void {
    const p = this.slot();
    this.ref[p] = index;
    this.b0[p] = b0;
    this.len[p] = length;
    this.mono[p] = mono;
  }

  pushUnit(ordinal: number): void {
    this.ref[this.slot()] = -(ordinal + 1);
  }

  /** Reads the oldest into `out` and removes it; false when empty. */
  shift(out: PendingHead): boolean {
    if (this.count === 0) return false;
    const p = this.head;
    const ref = this.ref[p]!;
    if (ref >= 0) {
      out.index = ref;
      out.ordinal = -1;
      out.b0 = this.b0[p]!;
      out.length = this.len[p]!;
      out.mono = this.mono[p]!;
    } else {
      out.index = -1;
      out.ordinal = -ref - 1;
    }
    this.head = (p + 1) & (this.ref.length - 1);
    this.count--;
    return true;
  }

  /** The implied frame `index` if it is waiting here (a linear search: queries only). */
  findFrame(index: number, out: PendingHead): boolean {
    for (let k = 0; k < this.count; k++) {
      const p = (this.head + k) & (this.ref.length - 1);
      if (this.ref[p] === index) {
        out.index = index;
        out.ordinal = -1;
        out.b0 = this.b0[p]!;
        out.length = this.len[p]!;
        out.mono = this.mono[p]!;
        return true;
      }
    }
    return false;
  }

  private slot(): number {
    if (this.count === this.ref.length) this.grow();
    return (this.head + this.count++) & (this.ref.length - 1);
  }

  private grow(): void {
    const size = this.ref.length * 2;
    const ref = new Float64Array(size);
    const len = new Float64Array(size);
    const mono = new Float64Array(size);
    const b0 = new Uint8Array(size);
    for (let k = 0; k < this.count; k++) {
      const p = (this.head + k) % this.ref.length;
      ref[k] = this.ref[p]!;
      len[k] = this.len[p]!;
      mono[k] = this.mono[p]!;
      b0[k] = this.b0[p]!;
    }
    this.ref = ref;
    this.len = len;
    this.mono = mono;
    this.b0 = b0;
    this.head = 0;
  }
}
