// Request/response pairs found so far, looked up by either seq, in bounded memory: pairs are kept in the
// order their responses arrived (which is seq order), the oldest dropped beyond a cap or once both of
// their entries have left the log.

/** One request and the entry that answered it. */
export interface PairRecord {
  readonly request: number;
  readonly response: number;
  readonly rttMs: number;
  readonly via: 'json' | 'ping' | 'ack';
  readonly key?: string;
}

/** Most pairs remembered per log; older ones lose their annotation (their RTTs stay in the summary). */
export const MAX_PAIRS = 100_000;

/** The pairs of one log. */
export class PairStore {
  private readonly bySeq = new Map<number, PairRecord | PairRecord[]>();
  private order: PairRecord[] = [];
  private head = 0;

  constructor(private readonly maxPairs = MAX_PAIRS) {}

  /** Pairs remembered. */
  get size(): number {
    return this.order.length - this.head;
  }

  /** Records a pair; its response must not be older than any recorded before. */
  add(pair: PairRecord): void {
    this.order.push(pair);
    this.index(pair.request, pair);
    this.index(pair.response, pair);
    while (this.size > this.maxPairs) this.dropOldest();
    this.compact();
  }

  /** The pairs `seq` is part of (as request or response). */
  of(seq: number): readonly PairRecord[] {
    const v = this.bySeq.get(seq);
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }

  /** Forgets pairs whose entries are both before `firstSeq` (evicted from the log). */
  prune(firstSeq: number): void {
    while (this.head < this.order.length && this.order[this.head]!.response < firstSeq) this.dropOldest();
    this.compact();
  }

  clear(): void {
    this.bySeq.clear();
    this.order = [];
    this.head = 0;
  }

  private index(seq: number, pair: PairRecord): void {
    const v = this.bySeq.get(seq);
    if (v === undefined) this.bySeq.set(seq, pair);
    else if (Array.isArray(v)) v.push(pair);
    else this.bySeq.set(seq, [v, pair]);
  }

  private unindex(seq: number, pair: PairRecord): void {
    const v = this.bySeq.get(seq);
    if (v === pair) this.bySeq.delete(seq);
    else if (Array.isArray(v)) {
      const rest = v.filter((p) => p !== pair);
      if (rest.length === 0) this.bySeq.delete(seq);
      else this.bySeq.set(seq, rest.length === 1 ? rest[0]! : rest);
    }
  }

  private dropOldest(): void {
    const pair = this.order[this.head]!;
    this.order[this.head] = undefined as unknown as PairRecord;
    this.head++;
    this.unindex(pair.request, pair);
    this.unindex(pair.response, pair);
  }

  /** Shifts the array now and then instead of on every drop. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
