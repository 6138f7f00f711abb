// What an entry log holds and every read of it: the retained range, counts and totals, and the
// lookups by seq (one entry, one column, or bulk runs of raw columns). EntryLog (entryLog.ts) extends
// it with everything that writes: appending, socket reads into the log, retention and clearing.
import { type AutoReplyOrigin, type Direction, type DirectionTotals, type Kind, type LogEntry, type LogRun, AUTO_REPLY_BIT } from '../../../shared/logModel';
import { AutoReplyRuns, FORGOTTEN_AUTO_REPLY } from './autoReplyRuns';
import type { EntrySegment } from './entrySegment';
import { SegmentDeque } from './segmentDeque';

export function newTotals(): DirectionTotals[] {
  return [
    { entries: 0, bytes: 0 },
    { entries: 0, bytes: 0 },
    { entries: 0, bytes: 0 },
  ];
}

/** The retained entries of a log and the reads of them; see EntryLog. */
export abstract class EntryLogQueries {
  /** Live segments, oldest first, by the seq of their first entry. */
  protected segments = new SegmentDeque<EntrySegment>();
  /** Close codes by seq: close entries are rare, so a column for them would be almost all zeros. */
  protected readonly codes = new Map<number, number>();
  /** Which rule sent each auto-reply (the entries carry AUTO_REPLY_BIT). */
  protected readonly autoReplies = new AutoReplyRuns();
  protected totalsByDirection = newTotals();
  protected droppedEntries = 0;
  protected droppedBytes = 0;
  protected first = 0;
  protected next = 0;
  protected bytesRetained = 0;
  /** Monotonic time of the entry just before `first` (evicted or cleared), for the time since it. */
  protected goneMono = NaN;

  constructor(
    protected readonly maxEntries: number,
    protected readonly maxBytes: number,
  ) {}

  /** The retention caps this log was created with (a derived log copies them). */
  get retention(): { readonly maxEntries: number; readonly maxBytes: number } {
    return { maxEntries: this.maxEntries, maxBytes: this.maxBytes };
  }

  /** Oldest retained seq. */
  get firstSeq(): number {
    return this.first;
  }

  /** Seq the next appended entry gets; retained entries are [firstSeq, nextSeq). */
  get nextSeq(): number {
    return this.next;
  }

  /** Retained entries. */
  get size(): number {
    return this.next - this.first;
  }

  /** Payload bytes of retained entries. */
  get retainedBytes(): number {
    return this.bytesRetained;
  }

  /** Entries and payload bytes evicted by the retention cap since creation or the last clear. */
  get dropped(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.droppedEntries, bytes: this.droppedBytes };
  }

  /** Cumulative count and bytes of one direction since creation or the last clear, evicted ones included. */
  totals(direction: Direction): DirectionTotals {
    const t = this.totalsByDirection[direction]!;
    return { entries: t.entries, bytes: t.bytes };
  }

  /** Bytes held by the log's arrays (index and payload slabs), for memory accounting. */
  get memoryBytes(): number {
    let sum = 0;
    for (let s = 0; s < this.segments.length; s++) sum += this.segments.at(s).memoryBytes;
    return sum;
  }

  has(seq: number): boolean {
    return Number.isInteger(seq) && seq >= this.first && seq < this.next;
  }

  /** The entry with this seq, or undefined if it was evicted or never existed. Its payload is a view (see payload()). */
  get(seq: number): LogEntry | undefined {
    const loc = this.locate(seq);
    if (!loc) return undefined;
    const [seg, i] = loc;
    const dk = seg.dirKind[i]!;
    const start = seg.startOf(i);
    const end = seg.ends[i]!;
    const mono = seg.mono[i]!;
    const entry: LogEntry = {
      seq,
      wallTime: seg.wallOffset + mono,
      monoTime: mono,
      direction: ((dk >> 4) & 3) as Direction,
      kind: (dk & 15) as Kind,
      length: end - start,
      code: this.codes.get(seq) ?? 0,
      payload: seg.bytes.subarray(start, end),
    };
    return (dk & AUTO_REPLY_BIT) === 0 ? entry : { ...entry, autoReply: this.autoReplies.originOf(seq) ?? FORGOTTEN_AUTO_REPLY };
  }

  /**
   * The payload bytes of an entry, as a view. Read it before the entry can be evicted (a released
   * segment's slab is reused for new entries), i.e. synchronously: copy what must be kept.
   */
  payload(seq: number): Uint8Array | undefined {
    const loc = this.locate(seq);
    if (!loc) return undefined;
    const [seg, i] = loc;
    return seg.bytes.subarray(seg.startOf(i), seg.ends[i]);
  }

  wallTime(seq: number): number {
    const loc = this.locate(seq);
    return loc ? loc[0].wallOffset + loc[0].mono[loc[1]]! : NaN;
  }

  monoTime(seq: number): number {
    const loc = this.locate(seq);
    return loc ? loc[0].mono[loc[1]]! : NaN;
  }

  /**
   * Monotonic time of the entry before `seq` in the log: retained, or the last one evicted or cleared
   * when `seq` is the oldest retained. NaN for the very first entry or a seq too old to know.
   */
  previousMonoTime(seq: number): number {
    if (this.has(seq - 1)) return this.monoTime(seq - 1);
    return seq === this.first ? this.goneMono : NaN;
  }

  direction(seq: number): Direction | undefined {
    const loc = this.locate(seq);
    return loc ? (((loc[0].dirKind[loc[1]]! >> 4) & 3) as Direction) : undefined;
  }

  /** Whether an auto-reply rule sent the entry (rather than the user). */
  isAutoReply(seq: number): boolean {
    const loc = this.locate(seq);
    return loc !== undefined && (loc[0].dirKind[loc[1]]! & AUTO_REPLY_BIT) !== 0;
  }

  /** The rule that sent the auto-reply `seq`, as it was then; undefined for other entries and when forgotten. */
  autoReplyOrigin(seq: number): AutoReplyOrigin | undefined {
    return this.isAutoReply(seq) ? this.autoReplies.originOf(seq) : undefined;
  }

  /** Runs of auto-reply origins kept (see AutoReplyRuns), for tests of their bound. */
  get autoReplyRunCount(): number {
    return this.autoReplies.count;
  }

  kind(seq: number): Kind | undefined {
    const loc = this.locate(seq);
    return loc ? ((loc[0].dirKind[loc[1]]! & 15) as Kind) : undefined;
  }

  length(seq: number): number {
    const loc = this.locate(seq);
    return loc ? loc[0].ends[loc[1]]! - loc[0].startOf(loc[1]) : 0;
  }

  code(seq: number): number {
    return this.has(seq) ? (this.codes.get(seq) ?? 0) : 0;
  }

  /**
   * Calls `visit` for each retained entry in [fromSeq, toSeq) with the segment's raw columns, so bulk
   * readers (batch encoders, filters) walk the log without a lookup or an allocation per entry.
   */
  forEachRun(fromSeq: number, toSeq: number, visit: (run: LogRun) => void): void {
    const lo = Math.max(fromSeq, this.first);
    const hi = Math.min(toSeq, this.next);
    if (lo >= hi) return;
    const segments = this.segments;
    for (let s = segments.find(lo); s < segments.length; s++) {
      const seg = segments.at(s);
      if (seg.baseSeq >= hi) break;
      const from = Math.max(lo - seg.baseSeq, seg.start);
      const to = Math.min(hi - seg.baseSeq, seg.count);
      if (from < to) {
        // One literal with every property, `starts` too when absent: its map is the literal's own, which
        // V8 keeps. Spreading `starts` in made each run's map a transition that a full GC dropped with the
        // last run using it, and with it the optimized code of every reader that checks for it (the batch
        // encoder was deoptimized at every full GC, and ran unoptimized until recompiled).
        visit({
          seq: seg.baseSeq + from,
          from,
          to,
          wallOffset: seg.wallOffset,
          mono: seg.mono,
          ends: seg.ends,
          dirKind: seg.dirKind,
          bytes: seg.bytes,
          starts: seg.starts,
        });
      }
    }
  }

  private locate(seq: number): [EntrySegment, number] | undefined {
    if (!this.has(seq)) return undefined;
    const seg = this.segments.at(this.segments.find(seq));
    return [seg, seq - seg.baseSeq];
  }
}
