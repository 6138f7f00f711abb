// Long work on the extension host's event loop (importing a large file), cut into slices of a few
// milliseconds with the loop turning between them, so the host and every other extension keep running.

/** Default length of one slice, ms. */
const SLICE_MS = 8;
/** Items between two looks at the clock. */
const CLOCK_EVERY = 64;

/** A clock for sliced work: call `tick()` per item and `await` it when it returns a promise. */
export class TimeSlices {
  private sliceStart = performance.now();
  private items = 0;

  constructor(private readonly sliceMs = SLICE_MS) {}

  /**
   * Counts one item of work; once the slice is spent, returns a promise that resolves on a later turn
   * of the event loop (after timers and I/O), else undefined. `if (p) await p` keeps the rest synchronous.
   */
  tick(): Promise<void> | undefined {
    if (++this.items < CLOCK_EVERY) return undefined;
    this.items = 0;
    return performance.now() - this.sliceStart >= this.sliceMs ? this.yield() : undefined;
  }

  /** Lets the event loop turn now, and starts a new slice. */
  async yield(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
    this.items = 0;
  }
}
