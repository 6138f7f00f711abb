// The filter feature of a panel (shared/protocol/filter.ts): the filter the webview set, run over the
// shown log by a FilterScan in slices (so scanning a million entries never blocks the extension host
// for long), from the oldest retained entry on and then on each new one, its matches posted as bitmaps.
import { RequestError, type RequestHandlers } from '../../shared/messageHandler';
import type { FilterEvents, FilterRequests, FilterSpec } from '../../shared/protocol';
import type { IDisposable } from '../core/base/dispose';
import { PatternRunner } from '../core/patterns/patternRunner';
import { FilterScan } from './filterScan';
import { compileFilter, type CompiledFilter, type FieldSource } from './logFilter';
import { MatchAccumulator } from './matchAccumulator';
import type { ShownLog } from './panelContext';

/** Tuning of filter scans. */
export interface PanelFilterOptions {
  /** Longest one slice of a filter scan runs before yielding, ms. */
  readonly filterSliceMs?: number;
  /** While a filter scans the log, matches of its slices are posted together at most this often, ms. */
  readonly filterPostIntervalMs?: number;
}

const DEFAULTS: Required<PanelFilterOptions> = {
  filterSliceMs: 8,
  // Each post costs the webview a message and a redraw (and the rows in view a fetch): a scan of a
  // million entries in 8 ms slices posted 60 times took several times as long as the scan (bench/).
  filterPostIntervalMs: 100,
};

/** The filter of one panel: at most one scan at a time, of the filter last set. */
export class PanelFilter implements IDisposable {
  private readonly sliceMs: number;
  private readonly postIntervalMs: number;
  private scan: FilterScan | undefined;
  private compiled: CompiledFilter | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  /** Matches found but not yet posted, and when matches were last posted (undefined: not yet). */
  private readonly pending = new MatchAccumulator();
  private postedAt: number | undefined;
  /** Runs a filter's regular expression off the host's thread (its worker starts on first use). */
  private readonly patterns = new PatternRunner();

  constructor(
    private readonly shown: ShownLog<FilterEvents>,
    options: PanelFilterOptions = {},
    /** Decodes entries for `name:value` terms (the panel's layer and codecs); absent: text only. */
    private readonly fields?: FieldSource,
  ) {
    this.sliceMs = options.filterSliceMs ?? DEFAULTS.filterSliceMs;
    this.postIntervalMs = options.filterPostIntervalMs ?? DEFAULTS.filterPostIntervalMs;
  }

  /** Replaces the filter (null clears it) and starts scanning the log for `generation`. Throws BAD_FILTER. */
  set(generation: number, spec: FilterSpec | null): void {
    this.cancel();
    if (!spec) return;
    const compiled = compileFilter(spec, this.fields);
    if (!compiled.ok) throw new RequestError({ message: compiled.message, code: 'BAD_FILTER' });
    this.compiled = compiled.filter;
    this.scan = new FilterScan(generation, compiled.filter, this.shown.log.firstSeq);
    this.immediate = setImmediate(() => this.pump());
  }

  /** Forgets the filter (the webview starts over, or set another). */
  cancel(): void {
    this.pause();
    this.scan = undefined;
    this.compiled = undefined;
    this.pending.clear();
    this.postedAt = undefined;
  }

  /** The log was cleared: matches so far referred to forgotten entries (the webview drops them on `cleared`). */
  onClear(): void {
    if (!this.scan) return;
    this.pending.clear();
    this.scan = new FilterScan(this.scan.generation, this.compiled!, this.shown.log.nextSeq);
  }

  /** Scans what was appended, unless a slice is already due. */
  resume(): void {
    if (this.scan && !this.immediate) this.pump();
  }

  /** Stops scanning until resumed (the panel is hidden); the scan keeps its place. */
  pause(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  dispose(): void {
    this.cancel();
    this.patterns.dispose();
  }

  /** Runs one slice of the filter and posts what it found; reschedules itself until caught up. */
  private pump(): void {
    this.immediate = undefined;
    const scan = this.scan;
    if (!scan || !this.shown.live || scan.busy) return;
    const log = this.shown.log;
    if (scan.isCaughtUp(log)) return;
    // Entries below the log's first seq were evicted before the scan reached them: not part of the bitmap.
    const from = Math.max(scan.scannedTo, log.firstSeq);
    this.pending.begin(from);
    if (scan.offThread) {
      scan.advanceOffThread(log, this.sliceMs, this.patterns).then(
        (slice) => {
          if (this.scan !== scan) return;
          if (!this.shown.live) return scan.rewind(from);
          slice.markInto(this.pending);
          if (slice.tooSlowAt === undefined) this.post(scan);
          else this.stop(scan, `This pattern took too long on message #${slice.tooSlowAt}; it is off.`);
        },
        (e: unknown) => {
          if (this.scan === scan) this.stop(scan, `The filter stopped: ${(e as Error).message}`);
        },
      );
      return;
    }
    scan.advanceInto(log, this.sliceMs, this.pending);
    this.post(scan);
  }

  /** Posts what the scan found (at most once per interval until caught up) and schedules the next slice. */
  private post(scan: FilterScan): void {
    const done = scan.isCaughtUp(this.shown.log);
    // The first slice goes out at once (the first screen of matches), then at most one post per
    // interval while scanning; the last one when caught up.
    const now = performance.now();
    if (done || this.postedAt === undefined || now - this.postedAt >= this.postIntervalMs) {
      this.postedAt = now;
      this.shown.events.sendEvent('filterMatches', {
        generation: scan.generation,
        bits: this.pending.take(scan.scannedTo),
        scannedTo: scan.scannedTo,
        done,
      });
    }
    if (!done) this.immediate = setImmediate(() => this.pump());
  }

  /** Turns the filter off (its pattern took too long) and tells the webview why. */
  private stop(scan: FilterScan, message: string): void {
    this.cancel();
    this.shown.events.sendEvent('filterOff', { generation: scan.generation, message });
  }
}

/** Handlers of the filter requests. */
export function filterHandlers(filter: PanelFilter): RequestHandlers<FilterRequests> {
  return {
    setFilter: ({ generation, filter: spec }) => {
      filter.set(generation, spec);
      return {};
    },
  };
}
