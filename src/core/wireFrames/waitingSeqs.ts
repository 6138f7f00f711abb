// Seqs of one direction's logged message entries whose frames have not completed yet (a sent message
// is logged before ws frames it), oldest first: the other half of PendingUnits. Capped, as a peer
// that logs without framing must not grow it without bound.

/** Most entries waiting for their frames per direction; beyond it the oldest waits are given up. */
const MAX_WAITING = 1_000_000;
/** Taken slots at the front tolerated before the array is compacted (and only when they are most of it). */
const COMPACT_AFTER = 1024;

/** A FIFO of seqs that does not shift the array on every take. */
export class WaitingSeqs {
  private items: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds `seq` as the newest, giving up the oldest wait when the queue is full. */
  push(seq: number): void {
    if (this.length >= MAX_WAITING) this.shift();
    this.items.push(seq);
  }

  /** Removes and returns the oldest; the caller checks length first. */
  shift(): number {
    const n = this.items[this.head++]!;
    if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return n;
  }
}
