// The webview's view of the host's log: its bounds and counters, the cached entries, the current
// filter's matches, and fetching whatever rows the view needs but the cache lacks.
import { decodeEntryBatch } from '../shared/entryBatch';
import type { MatchBits } from '../shared/matchBits';
import type { PanelStats } from '../shared/protocol';
import { FilterMatches } from './filterMatches';
import { PAGE_ENTRIES, PageCache } from './pageCache';
import { t } from './l10n';

/** How the store asks the host for entries. */
export interface EntrySource {
  getRange(fromSeq: number, count: number): Promise<ArrayBuffer>;
  getEntries(seqs: Float64Array): Promise<ArrayBuffer>;
}

/** Requests in flight at most; further needs wait for the next render. */
const MAX_IN_FLIGHT = 6;
/** Seqs per list request. */
const LIST_CHUNK = 512;
/** A fetch that came back without the entry is not repeated for this long, ms. */
const RETRY_AFTER_MS = 500;

const EMPTY_STATS: PanelStats = {
  firstSeq: 0,
  nextSeq: 0,
  in: { entries: 0, bytes: 0 },
  out: { entries: 0, bytes: 0 },
  droppedEntries: 0,
  messagesPerSecond: 0,
};

/** Filter progress as the view shows it. */
export interface FilterState {
  readonly generation: number;
  readonly active: boolean;
  readonly done: boolean;
  /** Seq up to which the host has tested entries. */
  readonly scannedTo: number;
}

/** The log as the webview knows it. */
export class LogStore {
  readonly cache = new PageCache(512);
  readonly matches = new FilterMatches();
  private currentStats: PanelStats = EMPTY_STATS;
  private filterState: FilterState = { generation: 0, active: false, done: true, scannedTo: 0 };
  private inFlight = 0;
  private readonly pendingPages = new Set<number>();
  private readonly pendingSeqs = new Set<number>();
  private readonly failedAt = new Map<number, number>();
  /** Bumped on reset so responses to requests of an earlier log are ignored. */
  private epoch = 0;

  constructor(
    private readonly source: EntrySource,
    /** Called when rows or their data changed and the view should redraw. */
    private readonly onChange: () => void,
    private readonly onError: (message: string) => void,
  ) {}

  /** Changes whenever the log starts over (another connection, a clear): seqs then name other entries. */
  get generation(): number {
    return this.epoch;
  }

  get stats(): PanelStats {
    return this.currentStats;
  }

  get filter(): FilterState {
    return this.filterState;
  }

  /** Entries the log retains. */
  get totalCount(): number {
    return this.currentStats.nextSeq - this.currentStats.firstSeq;
  }

  /** Rows the view shows: matches when filtering, else every retained entry. */
  get rowCount(): number {
    return this.filterState.active ? this.matches.length : this.totalCount;
  }

  /** Seq shown at `row`, or undefined. */
  seqAt(row: number): number | undefined {
    if (row < 0 || row >= this.rowCount) return undefined;
    return this.filterState.active ? this.matches.at(row) : this.currentStats.firstSeq + row;
  }

  /** Row showing `seq`, or -1 when it is filtered out or gone. */
  rowOf(seq: number): number {
    if (seq < this.currentStats.firstSeq || seq >= this.currentStats.nextSeq) return -1;
    return this.filterState.active ? this.matches.indexOf(seq) : seq - this.currentStats.firstSeq;
  }

  /** Starts over with a new log state (snapshot or clear). */
  reset(stats: PanelStats): void {
    this.epoch++;
    this.cache.clear();
    this.matches.clear();
    this.pendingPages.clear();
    this.pendingSeqs.clear();
    this.failedAt.clear();
    this.inFlight = 0;
    this.currentStats = stats;
    this.onChange();
  }

  /** New counters; entries that fell out of the log are forgotten. */
  applyStats(stats: PanelStats): void {
    const evicted = stats.firstSeq > this.currentStats.firstSeq;
    this.currentStats = stats;
    if (evicted) {
      this.cache.dropBelow(stats.firstSeq);
      this.matches.trimBelow(stats.firstSeq);
    }
    this.onChange();
  }

  /** Stores a batch of entries (live tail or a page). */
  addBatch(buffer: ArrayBuffer): void {
    const batch = decodeEntryBatch(buffer);
    this.cache.put(batch);
    this.onChange();
  }

  /** A new filter (or none) was requested: matches start over. */
  startFilter(generation: number, active: boolean): void {
    this.filterState = { generation, active, done: !active, scannedTo: this.currentStats.firstSeq };
    this.matches.clear();
    this.pendingSeqs.clear();
    this.onChange();
  }

  /** Matches streamed by the host; stale generations are ignored. */
  addMatches(generation: number, bits: MatchBits, scannedTo: number, done: boolean): void {
    if (!this.filterState.active || generation !== this.filterState.generation) return;
    this.matches.appendBits(bits);
    this.matches.trimBelow(this.currentStats.firstSeq);
    this.filterState = { ...this.filterState, done, scannedTo };
    this.onChange();
  }

  /** The log was cleared: nothing cached is valid, filter matches start over under the same filter. */
  cleared(stats: PanelStats): void {
    const filter = this.filterState;
    this.reset(stats);
    this.filterState = { ...filter, scannedTo: stats.nextSeq };
  }

  /** Fetches entries of rows [first, end) that are not cached; answers trigger onChange. */
  ensureRows(first: number, end: number): void {
    const lo = Math.max(0, first);
    const hi = Math.min(this.rowCount, end);
    if (lo >= hi) return;
    if (this.filterState.active) this.ensureListed(lo, hi);
    else this.ensurePages(lo, hi);
  }

  private recentlyFailed(key: number, now: number): boolean {
    const at = this.failedAt.get(key);
    return at !== undefined && now - at < RETRY_AFTER_MS;
  }

  private ensurePages(lo: number, hi: number): void {
    const { firstSeq, nextSeq } = this.currentStats;
    const now = performance.now();
    let base = -1;
    for (let row = lo; row < hi && this.inFlight < MAX_IN_FLIGHT; row++) {
      const seq = firstSeq + row;
      const pageBase = seq - (seq % PAGE_ENTRIES);
      if (pageBase === base) continue;
      if (this.cache.has(seq) || this.pendingPages.has(pageBase) || this.recentlyFailed(pageBase, now)) continue;
      base = pageBase;
      const from = Math.max(pageBase, firstSeq);
      const count = Math.min(pageBase + PAGE_ENTRIES, nextSeq) - from;
      this.pendingPages.add(pageBase);
      this.fetch(this.source.getRange(from, count), [pageBase], () => this.pendingPages.delete(pageBase), () => this.cache.has(from));
    }
  }

  private ensureListed(lo: number, hi: number): void {
    const now = performance.now();
    let wanted: number[] = [];
    for (let row = lo; row < hi && this.inFlight < MAX_IN_FLIGHT; row++) {
      const seq = this.matches.at(row)!;
      if (this.cache.has(seq) || this.pendingSeqs.has(seq) || this.recentlyFailed(seq, now)) continue;
      wanted.push(seq);
      if (wanted.length === LIST_CHUNK) {
        this.fetchList(wanted);
        wanted = [];
      }
    }
    if (wanted.length > 0 && this.inFlight < MAX_IN_FLIGHT) this.fetchList(wanted);
  }

  private fetchList(seqs: number[]): void {
    for (const s of seqs) this.pendingSeqs.add(s);
    this.fetch(
      this.source.getEntries(Float64Array.from(seqs)),
      seqs,
      () => {
        for (const s of seqs) this.pendingSeqs.delete(s);
      },
      (s) => this.cache.has(s),
    );
  }

  /** Runs a fetch; keys whose entries did not come back are not asked for again right away. */
  private fetch(request: Promise<ArrayBuffer>, keys: readonly number[], done: () => void, loaded: (key: number) => boolean): void {
    const epoch = this.epoch;
    this.inFlight++;
    request.then(
      (buffer) => {
        if (epoch !== this.epoch) return;
        this.inFlight--;
        done();
        this.addBatch(buffer);
        const now = performance.now();
        for (const k of keys) if (!loaded(k)) this.failedAt.set(k, now);
        this.pruneFailures(now);
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight--;
        done();
        const now = performance.now();
        for (const k of keys) this.failedAt.set(k, now);
        this.onError(t('Could not load log entries: {0}', e instanceof Error ? e.message : String(e)));
        this.onChange();
      },
    );
  }

  private pruneFailures(now: number): void {
    if (this.failedAt.size < 4096) return;
    for (const [k, at] of this.failedAt) if (now - at >= RETRY_AFTER_MS) this.failedAt.delete(k);
  }
}
