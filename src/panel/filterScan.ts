// Runs a compiled filter over the log in slices: from the oldest retained entry up to the newest, then
// on each new entry, with one cursor. A slice stops at a time budget so scanning a million entries
// never blocks the extension host for long.
import type { EntryColumns } from '../../shared/entryBatch';
import { runStart } from '../../shared/logModel';
import type { CompiledFilter } from './logFilter';

/** How many entries are tested between two looks at the clock. */
const CLOCK_EVERY = 2048;

/** A filter's progress over one log. */
export class FilterScan {
  /** Every seq before this one has been tested. */
  private cursor: number;

  constructor(
    readonly generation: number,
    private readonly filter: CompiledFilter,
    startSeq: number,
  ) {
    this.cursor = startSeq;
  }

  /** Seq up to which entries have been tested. */
  get scannedTo(): number {
    return this.cursor;
  }

  /** Whether every entry appended so far has been tested. */
  isCaughtUp(log: EntryColumns): boolean {
    return this.cursor >= log.nextSeq;
  }

  /** Tests entries from the cursor on until caught up or `budgetMs` elapsed; returns the matching seqs. */
  advance(log: EntryColumns, budgetMs: number): Float64Array {
    const found: number[] = [];
    this.advanceInto(log, budgetMs, { mark: (seq) => found.push(seq) });
    return Float64Array.from(found);
  }

  /**
   * As advance(), handing each match to `sink` instead of collecting them: the panel marks them in a
   * reused bitmap, where a list per slice was megabytes of fresh memory per million matches (bench/).
   */
  advanceInto(log: EntryColumns, budgetMs: number, sink: MatchSink): void {
    if (this.cursor < log.firstSeq) this.cursor = log.firstSeq;
    this.filter.beginScan?.();
    const deadline = performance.now() + budgetMs;
    let stop = false;
    let tested = 0;
    const end = log.nextSeq;
    log.forEachRun(this.cursor, end, (run) => {
      if (stop) return;
      for (let i = run.from; i < run.to; i++) {
        const dk = run.dirKind[i]!;
        const start = runStart(run, i);
        if (this.filter.matches(dk >> 4, dk & 15, run.bytes, start, run.ends[i]!)) sink.mark(run.seq + (i - run.from));
        this.cursor = run.seq + (i - run.from) + 1;
        if (++tested % CLOCK_EVERY === 0 && performance.now() >= deadline) {
          stop = true;
          return;
        }
      }
    });
    // Unless stopped, every retained entry before `end` was visited (evicted ones are simply gone).
    if (!stop) this.cursor = Math.max(this.cursor, end);
  }
}

/** Where a scan puts the seqs that match, in ascending order. */
export interface MatchSink {
  mark(seq: number): void;
}
