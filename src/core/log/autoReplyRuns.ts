// Which rule sent each auto-reply of an entry log. The entries themselves carry the mark (AUTO_REPLY_BIT
// of their dirKind byte); this keeps the rule as runs: "from this seq on, auto-replies were sent by that
// rule". One rule answering a flood of messages is one run, whatever the number of replies. Rules taking
// turns make a run per reply, so the runs are bounded: beyond MAX_AUTO_REPLY_RUNS the oldest go, and the
// replies before the oldest run left keep their mark but no longer say which rule sent them.
import type { AutoReplyOrigin } from '../../../shared/logModel';

/** The origin of an auto-reply whose rule is no longer known (its run was dropped). */
export const FORGOTTEN_AUTO_REPLY: AutoReplyOrigin = { rule: 0, match: '' };

/** Most runs one log keeps. */
export const MAX_AUTO_REPLY_RUNS = 10_000;

/** Auto-reply origins by seq, as runs; the entry log forgets them with its entries. */
export class AutoReplyRuns {
  /** First seq of each run, increasing, and its origin. */
  private readonly starts: number[] = [];
  private readonly origins: AutoReplyOrigin[] = [];

  get count(): number {
    return this.starts.length;
  }

  /** Auto-replies from `seq` on are `origin`'s (until the next note): a new run unless it is the last one's. */
  note(seq: number, origin: AutoReplyOrigin): void {
    const last = this.origins.length - 1;
    if (last >= 0 && this.origins[last] === origin) return;
    if (last >= 0 && this.starts[last] === seq) {
      this.origins[last] = origin;
      return;
    }
    if (this.starts.length >= MAX_AUTO_REPLY_RUNS) this.dropOldest(1 + (MAX_AUTO_REPLY_RUNS >> 6));
    this.starts.push(seq);
    this.origins.push(origin);
  }

  /** The origin of the auto-reply `seq` (the caller checked the mark), or undefined when it was forgotten. */
  originOf(seq: number): AutoReplyOrigin | undefined {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    // The last run starting at or before seq.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : this.origins[lo - 1];
  }

  /** Drops the runs that only cover seqs before `first` (evicted): the run `first` lies in stays. */
  forgetBefore(first: number): void {
    let n = 0;
    while (n + 1 < this.starts.length && this.starts[n + 1]! <= first) n++;
    if (n > 0) this.dropOldest(n);
  }

  clear(): void {
    this.starts.length = 0;
    this.origins.length = 0;
  }

  private dropOldest(n: number): void {
    this.starts.splice(0, n);
    this.origins.splice(0, n);
  }
}
