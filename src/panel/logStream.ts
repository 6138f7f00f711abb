// Streams the log a panel shows to its webview: entries appended to the log are announced in packed
// batches, at most one per flush interval (or sooner when a batch fills), at most a few unacknowledged
// at a time and within a rate allowance, so a flooding server never queues up more than the webview
// draws. A backlog beyond that is cut to the newest entries; the webview pages older ones on demand.
// Counters follow with every batch and on a timer.
import { encodeEntryList, encodeEntryRange } from '../../shared/entryBatch';
import { Direction } from '../../shared/logModel';
import type { LogEvents, PanelStats } from '../../shared/protocol';
import type { TimingSummary } from '../../shared/timingModel';
import type { IDisposable } from '../core/base/dispose';
import type { EntryLog } from '../core/log/entryLog';
import type { ShownLog } from './panelContext';
import { RateMeter } from './rateMeter';

/** Tuning of batching; the defaults suit an interactive panel. */
export interface LogStreamOptions {
  /** Longest an appended entry waits before it is posted, ms. */
  readonly flushIntervalMs?: number;
  /** Most entries in one batch; a full batch is posted at once. */
  readonly maxBatchEntries?: number;
  /** Batches posted but not yet acknowledged before the host waits; a backlog beyond what they can carry is cut to the newest entries. */
  readonly maxInFlightBatches?: number;
  /**
   * Most entries per second posted live; beyond it the newest are posted and older ones paged on
   * demand, so a flood of millions per second costs the extension host a bounded share of its time.
   */
  readonly maxEntriesPerSecond?: number;
  /** Payload bytes per entry carried in batches and pages (the row preview). */
  readonly previewBytes?: number;
  /** How often counters (and the message rate) are refreshed, ms. */
  readonly statsIntervalMs?: number;
}

const DEFAULTS: Required<LogStreamOptions> = {
  flushIntervalMs: 16,
  // 4 × 8,000 entries in flight: a flood of 200k/s keeps flowing through a webview round trip of up to
  // 160 ms. Fewer, bigger batches let a busy page take more: bench delivery at 100k/s 0.80 → 0.96–0.99
  // of entries, at 200k/s 0.41–0.47 → 0.63–0.73, against 16 × 2,000 (and 2 × 16,000 or 8 × 4,000 did
  // worse). That was measured through the bench's earlier bridge, whose DevTools overhead was per
  // message; with it fixed the page takes 200k/s in full (bench/README.md). Below about 500k entries/s
  // a batch goes out every flush interval anyway.
  maxBatchEntries: 8000,
  maxInFlightBatches: 4,
  // Above what anyone can read, and above the 200k/s the panel must deliver in full (issue #6).
  maxEntriesPerSecond: 250_000,
  previewBytes: 256,
  statsIntervalMs: 500,
};

/** What the stream asks of its panel beyond the log. */
export interface LogStreamHooks {
  /** The round-trip summary carried in the counters. */
  timing(): TimingSummary;
  /** Called at each flush before entries go out: post what else changed (handshake, peers, filter matches). */
  beforeFlush(): void;
}

/** The flow of one panel's log to its webview. */
export class LogStream implements IDisposable {
  private readonly opts: Required<LogStreamOptions>;
  private readonly rate = new RateMeter();
  /** Seqs before this one were posted (or deliberately skipped) to the current webview. */
  private sentUpTo = 0;
  private inFlight = 0;
  /** Entries that may be posted now under maxEntriesPerSecond, and when it was last topped up. */
  private allowance = Infinity;
  private allowanceAt = 0;
  private lastPostAt = -Infinity;
  private nextBatchId = 1;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushImmediate: ReturnType<typeof setImmediate> | undefined;
  private pendingEntries = 0;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private lastStatsKey = '';

  constructor(
    private readonly shown: ShownLog<LogEvents>,
    private readonly hooks: LogStreamHooks,
    options: LogStreamOptions = {},
  ) {
    this.opts = {
      flushIntervalMs: options.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
      maxBatchEntries: Math.max(1, options.maxBatchEntries ?? DEFAULTS.maxBatchEntries),
      maxInFlightBatches: Math.max(1, options.maxInFlightBatches ?? DEFAULTS.maxInFlightBatches),
      maxEntriesPerSecond: Math.max(1, options.maxEntriesPerSecond ?? DEFAULTS.maxEntriesPerSecond),
      previewBytes: Math.max(0, options.previewBytes ?? DEFAULTS.previewBytes),
      statsIntervalMs: options.statsIntervalMs ?? DEFAULTS.statsIntervalMs,
    };
  }

  /** Payload bytes per entry in batches and pages. */
  get previewBytes(): number {
    return this.opts.previewBytes;
  }

  /** The webview starts over from a snapshot of the log as it is now: nothing is owed or in flight. */
  restart(): void {
    this.sentUpTo = this.shown.log.nextSeq;
    this.inFlight = 0;
    this.pendingEntries = 0;
    this.lastStatsKey = '';
  }

  /** Another log (or another view of it) is shown: the message rate starts over. */
  resetRate(): void {
    this.rate.reset();
  }

  /** Entries [fromSeq, fromSeq + count) still retained, as a batch. */
  page(fromSeq: number, count: number): ArrayBuffer {
    return encodeEntryRange(this.shown.log, fromSeq, fromSeq + count, this.opts.previewBytes);
  }

  /** The listed entries (a Float64Array of seqs) still retained, as a batch. */
  list(seqs: ArrayBuffer): ArrayBuffer {
    return encodeEntryList(this.shown.log, new Float64Array(seqs), this.opts.previewBytes);
  }

  /** An entry was appended: post it with the next flush. */
  onAppend(): void {
    if (!this.shown.live) return;
    this.pendingEntries++;
    if (this.pendingEntries >= this.opts.maxBatchEntries) {
      // A full batch goes out as soon as the current I/O callback is done.
      this.flushImmediate ??= setImmediate(() => this.flush());
    } else {
      this.flushTimer ??= setTimeout(() => this.flush(), this.opts.flushIntervalMs);
    }
  }

  /** The log was cleared: what was sent is forgotten along with it. */
  onClear(): void {
    this.rate.reset();
    this.sentUpTo = this.shown.log.nextSeq;
    this.pendingEntries = 0;
  }

  /** The webview stored a batch: the next may go. */
  ack(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const backlog = this.shown.log.nextSeq - this.sentUpTo;
    // A full batch waiting goes out at once; a partial one waits for the flush interval.
    if (backlog >= this.opts.maxBatchEntries && this.shown.live) this.flushImmediate ??= setImmediate(() => this.flush());
    else if (backlog > 0) this.scheduleFlush();
  }

  /** Flushes within the flush interval (something besides entries changed, or entries are owed). */
  scheduleFlush(): void {
    if (!this.shown.live) return;
    this.flushTimer ??= setTimeout(() => this.flush(), this.opts.flushIntervalMs);
  }

  /** Refreshes the counters on a timer while the webview is live. */
  startStatsTimer(): void {
    if (this.statsTimer || this.opts.statsIntervalMs <= 0) return;
    this.statsTimer = setInterval(() => this.postStats(), this.opts.statsIntervalMs);
  }

  /** Stops every timer (the panel is hidden or closed); a later scheduleFlush resumes. */
  stop(): void {
    this.clearFlushTimers();
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = undefined;
  }

  dispose(): void {
    this.stop();
  }

  /** The shown log's counters. */
  /** Whether the log shown has held auto-replies (the filter then offers to pick them out). */
  holdsAutoReplies(): boolean {
    return this.shown.log.hasAutoReplies;
  }

  stats(): PanelStats {
    const log = this.shown.log;
    return {
      firstSeq: log.firstSeq,
      nextSeq: log.nextSeq,
      in: log.totals(Direction.In),
      out: log.totals(Direction.Out),
      droppedEntries: log.dropped.entries,
      messagesPerSecond: Math.round(this.rate.rate() * 10) / 10,
      timing: this.hooks.timing(),
    };
  }

  private sampleRate(): void {
    const log = this.shown.log;
    this.rate.sample(log.totals(Direction.In).entries + log.totals(Direction.Out).entries, performance.now());
  }

  private flush(): void {
    this.clearFlushTimers();
    if (!this.shown.live) return;
    this.hooks.beforeFlush();
    const free = this.opts.maxInFlightBatches - this.inFlight;
    if (free <= 0) return; // resumed by the next ack
    const now = performance.now();
    const room = free * this.opts.maxBatchEntries;
    this.allowance = Math.min(room, this.allowance + ((now - this.allowanceAt) * this.opts.maxEntriesPerSecond) / 1000);
    this.allowanceAt = now;
    const log = this.shown.log;
    const to = log.nextSeq;
    // Everything pending goes out, in as many batches as the webview may have unacknowledged and the
    // rate allows; a backlog beyond that (slow webview, long pause, a flood) is cut to the newest
    // entries, and older ones are paged on demand.
    const budget = Math.floor(this.allowance);
    if (budget <= 0 || (budget < Math.min(this.opts.maxBatchEntries, to - this.sentUpTo) && now - this.lastPostAt < this.opts.flushIntervalMs)) {
      // Held back by the rate: one batch per flush interval rather than many small ones.
      this.scheduleFlush();
      return;
    }
    let from = Math.max(this.sentUpTo, log.firstSeq, to - budget);
    this.pendingEntries = 0;
    if (from >= to) return;
    this.allowance -= to - from;
    this.lastPostAt = now;
    this.sampleRate();
    while (from < to) {
      const end = Math.min(to, from + this.opts.maxBatchEntries);
      const batch = encodeEntryRange(log, from, end, this.opts.previewBytes);
      this.sentUpTo = end;
      this.inFlight++;
      const stats = this.stats();
      this.lastStatsKey = statsKey(stats);
      this.shown.events.sendEvent('entries', { batchId: this.nextBatchId++, batch, stats });
      from = end;
    }
  }

  private clearFlushTimers(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushTimer = undefined;
    this.flushImmediate = undefined;
  }

  private postStats(): void {
    if (!this.shown.live) return;
    this.sampleRate();
    const stats = this.stats();
    const key = statsKey(stats);
    if (key === this.lastStatsKey) return;
    this.lastStatsKey = key;
    this.shown.events.sendEvent('stats', { stats });
  }
}

function statsKey(s: PanelStats): string {
  return `${s.firstSeq}/${s.nextSeq}/${s.in.entries}/${s.in.bytes}/${s.out.entries}/${s.out.bytes}/${s.droppedEntries}/${s.messagesPerSecond}/${JSON.stringify(s.timing)}`;
}
