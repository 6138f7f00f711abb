// Messages per second over the last second, from samples of a running total. Sampling on a timer and
// on flushes (instead of timestamping every message) keeps the ingest path free of work.

const WINDOW_MS = 1000;
const MAX_SAMPLES = 64;

/** Rate of a monotonically growing counter over a sliding one-second window. */
export class RateMeter {
  private readonly times: number[] = [];
  private readonly totals: number[] = [];

  /** Records the counter's value at time `now` (ms, monotonic). */
  sample(total: number, now: number): void {
    this.times.push(now);
    this.totals.push(total);
    // Keep one sample older than the window as the baseline.
    while (this.times.length > 2 && now - this.times[1]! >= WINDOW_MS) {
      this.times.shift();
      this.totals.shift();
    }
    if (this.times.length > MAX_SAMPLES) {
      this.times.splice(1, 1);
      this.totals.splice(1, 1);
    }
  }

  /** Per-second rate between the oldest kept sample and the newest; 0 until a second sample. */
  rate(): number {
    const n = this.times.length;
    if (n < 2) return 0;
    const dt = this.times[n - 1]! - this.times[0]!;
    if (dt <= 0) return 0;
    const dn = this.totals[n - 1]! - this.totals[0]!;
    return dn <= 0 ? 0 : (dn * 1000) / Math.max(dt, WINDOW_MS / 4);
  }

  /** Forgets all samples (the counter was reset). */
  reset(): void {
    this.times.length = 0;
    this.totals.length = 0;
  }
}
