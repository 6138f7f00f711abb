// How much of one socket's input is handled per event-loop turn. libuv reads a readable stream up to
// 32 times per poll (64 KiB each), and every read is parsed, logged and framed before the loop moves on:
// under a flood that is 2 MiB, 30,000 small messages, tens of milliseconds in which the extension host
// runs nothing else (timers, the panel's flushes, other extensions). Past the budget the source is
// paused until the end of the turn (a setImmediate, right after the poll phase), so other work gets its
// turn between slices of a flood; the bytes wait in the kernel meanwhile, nothing is dropped.
import type { IDisposable } from '../base/dispose';

/** Bytes handled per turn by default: four full socket reads. */
export const DEFAULT_BYTES_PER_TURN = 256 * 1024;

/** Counts the bytes read from one source in the current turn and pauses it when they exceed the budget. */
export class ReadBudget implements IDisposable {
  private used = 0;
  private paused = false;
  private turnEnd: NodeJS.Immediate | undefined;
  private disposed = false;

  constructor(
    /** Pauses the source: it emits nothing more until resumed. */
    private readonly pause: () => void,
    /** Resumes it (the source's own flow control still applies). */
    private readonly resume: () => void,
    private readonly bytesPerTurn = DEFAULT_BYTES_PER_TURN,
  ) {}

  /** Counts a read of `bytes`; call for every chunk, before it is handled. */
  onRead(bytes: number): void {
    if (this.disposed) return;
    this.used += bytes;
    this.turnEnd ??= setImmediate(this.endTurn);
    if (this.used >= this.bytesPerTurn && !this.paused) {
      this.paused = true;
      this.pause();
    }
  }

  private readonly endTurn = (): void => {
    this.turnEnd = undefined;
    this.used = 0;
    if (this.paused) {
      this.paused = false;
      if (!this.disposed) this.resume();
    }
  };

  dispose(): void {
    this.disposed = true;
    if (this.turnEnd) clearImmediate(this.turnEnd);
    this.turnEnd = undefined;
  }
}
