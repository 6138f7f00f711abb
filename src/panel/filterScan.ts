// Runs a compiled filter over the log in slices: from the oldest retained entry up to the newest, then
// on each new entry, with one cursor. A slice stops at a time budget so scanning a million entries
// never blocks the extension host for long. A regular expression that may take exponential time is
// tested on the pattern worker instead (advanceOffThread): a slice copies the payloads it takes into a
// batch, then awaits the worker, holding no view into the log (whose memory is reused) meanwhile.
import type { EntryColumns } from '../../shared/entryBatch';
import { runStart } from '../../shared/logModel';
import { PatternBatch, type PatternRunner } from '../core/patterns/patternRunner';
import { FILTER_SCAN_BYTES, type CompiledFilter } from './logFilter';

/** How many entries are tested between two looks at the clock. */
const CLOCK_EVERY = 2048;
/** Most entries and payload bytes one slice hands to the pattern worker. */
const BATCH_ENTRIES = 64 * 1024;
const BATCH_BYTES = 8 * 1024 * 1024;

/** What one slice on the pattern worker found. */
export interface OffThreadSlice {
  /** Marks the matching seqs in `sink` (call it only if the scan still matters: the filter may have changed meanwhile). */
  markInto(sink: MatchSink): void;
  /** Set when the pattern outlasted the worker's deadline on this entry: the filter can go no further. */
  readonly tooSlowAt?: number;
}

/** A filter's progress over one log. */
export class FilterScan {
  /** Every seq before this one has been tested. */
  private cursor: number;
  private running = false;

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

  /** Whether the filter's pattern runs on the pattern worker: scan with advanceOffThread. */
  get offThread(): boolean {
    return this.filter.offThread !== undefined;
  }

  /** Whether an advanceOffThread slice is under way (the next one waits for it). */
  get busy(): boolean {
    return this.running;
  }

  /** Tests entries from `seq` on again (a slice whose results were dropped). */
  rewind(seq: number): void {
    this.cursor = Math.min(this.cursor, seq);
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
        const start = runStart(run, i);
        if (this.filter.matches(run.dirKind[i]!, run.bytes, start, run.ends[i]!)) sink.mark(run.seq + (i - run.from));
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

  /**
   * As advanceInto() for a filter whose pattern runs on the pattern worker (see offThread): copies the
   * candidates' payloads into a batch and resolves with what the worker found. One slice at a time (busy).
   */
  async advanceOffThread(log: EntryColumns, budgetMs: number, runner: PatternRunner): Promise<OffThreadSlice> {
    const { batch, seqs } = this.collect(log, budgetMs);
    this.running = true;
    let result;
    try {
      // Only the batch's own copy is read from here on: the log may recycle its memory during the await.
      result = await runner.run([this.filter.offThread!], batch.take(), true);
    } finally {
      this.running = false;
    }
    const tested = result.ok ? seqs.length : result.item;
    const firstMatch = result.firstMatch;
    return {
      markInto(sink) {
        for (let i = 0; i < tested; i++) if (firstMatch[i] === 0) sink.mark(seqs[i]!);
      },
      ...(result.ok ? {} : { tooSlowAt: seqs[result.item]! }),
    };
  }

  /**
   * Copies the payloads (their first FILTER_SCAN_BYTES) of the entries the filter's masks let through,
   * from the cursor on, until a batch is full or `budgetMs` elapsed.
   */
  private collect(log: EntryColumns, budgetMs: number): { batch: PatternBatch; seqs: number[] } {
    if (this.cursor < log.firstSeq) this.cursor = log.firstSeq;
    const batch = new PatternBatch();
    const seqs: number[] = [];
    const deadline = performance.now() + budgetMs;
    let stop = false;
    let visited = 0;
    const end = log.nextSeq;
    log.forEachRun(this.cursor, end, (run) => {
      if (stop) return;
      for (let i = run.from; i < run.to; i++) {
        const dk = run.dirKind[i]!;
        const seq = run.seq + (i - run.from);
        if (this.filter.accepts(dk)) {
          const start = runStart(run, i);
          batch.add(run.bytes, start, Math.min(run.ends[i]!, start + FILTER_SCAN_BYTES));
          seqs.push(seq);
        }
        this.cursor = seq + 1;
        if (seqs.length >= BATCH_ENTRIES || batch.byteLength >= BATCH_BYTES || (++visited % CLOCK_EVERY === 0 && performance.now() >= deadline)) {
          stop = true;
          return;
        }
      }
    });
    if (!stop) this.cursor = Math.max(this.cursor, end);
    return { batch, seqs };
  }
}

/** Where a scan puts the seqs that match, in ascending order. */
export interface MatchSink {
  mark(seq: number): void;
}
