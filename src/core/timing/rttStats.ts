// Running round-trip statistics in bounded memory: exact count, min and max over everything seen, and
// the nearest-rank median and 95th percentile of the most recent `window` samples, kept sorted as they
// arrive so a summary costs nothing to read.
import { RTT_WINDOW } from '../../../shared/timingModel';

/** Index of the first element of sorted[0, n) that is >= v. */
function lowerBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Nearest-rank percentile (p in (0, 1]) of sorted[0, n). */
function percentile(sorted: Float64Array, n: number, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * n) - 1)]!;
}

/** Statistics of one stream of RTT samples. */
export class RttStats {
  private total = 0;
  private min = Infinity;
  private max = -Infinity;
  /** The recent samples in arrival order (a ring), to know which one leaves the window next. */
  private readonly ring: Float64Array;
  private ringStart = 0;
  /** The same samples, sorted. */
  private readonly sorted: Float64Array;
  private size = 0;

  constructor(readonly window = RTT_WINDOW) {
    this.ring = new Float64Array(window);
    this.sorted = new Float64Array(window);
  }

  /** Samples since creation or reset. */
  get count(): number {
    return this.total;
  }

  add(ms: number): void {
    this.total++;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    if (this.size === this.window) {
      const oldest = this.ring[this.ringStart]!;
      this.ring[this.ringStart] = ms;
      this.ringStart = (this.ringStart + 1) % this.window;
      const at = lowerBound(this.sorted, this.size, oldest);
      this.sorted.copyWithin(at, at + 1, this.size);
      this.size--;
    } else {
      this.ring[(this.ringStart + this.size) % this.window] = ms;
    }
    const at = lowerBound(this.sorted, this.size, ms);
    this.sorted.copyWithin(at + 1, at, this.size);
    this.sorted[at] = ms;
    this.size++;
  }

  /** min, median, p95 and max; undefined before the first sample. */
  summary(): { minMs: number; medianMs: number; p95Ms: number; maxMs: number } | undefined {
    if (this.total === 0) return undefined;
    return {
      minMs: this.min,
      medianMs: percentile(this.sorted, this.size, 0.5),
      p95Ms: percentile(this.sorted, this.size, 0.95),
      maxMs: this.max,
    };
  }

  reset(): void {
    this.total = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.ringStart = 0;
    this.size = 0;
  }
}
