// The messages a test run reads: copied out of the connection's entry log as they are appended (the
// log's memory is recycled, and the steps await between reads), in order, with waiters for the next one.
import { Direction, Kind } from '../../../shared/logModel';
import { Disposable, toDisposable } from '../base/dispose';
import type { EntryLog } from '../log/entryLog';

/** One entry a step may look at: a message or chunk in either direction, or the end of the connection. */
export interface TestMessage {
  readonly seq: number;
  readonly direction: Direction;
  readonly kind: Kind;
  /** WebSocket close code of a close entry (or of the Closed event). */
  readonly code: number;
  /** A copy of the payload. */
  readonly payload: Uint8Array;
}

/** Most payload bytes kept; beyond it the oldest messages are let go (a step never looks that far back). */
const MAX_KEPT_BYTES = 64 * 1024 * 1024;

const WIRE = new Set<number>([Kind.Text, Kind.Binary, Kind.Ping, Kind.Pong, Kind.Close, Kind.Data]);

/** The wire messages and end events of one log, copied as they come. */
export class TestMessages extends Disposable {
  private readonly items: TestMessage[] = [];
  /** Index in the whole sequence of items[0]. */
  private base = 0;
  private keptBytes = 0;
  private waiters: Array<() => void> = [];
  /** Set once the connection has ended (a Closed or Error event was logged). */
  ended = false;

  constructor(log: EntryLog) {
    super();
    for (let s = log.firstSeq; s < log.nextSeq; s++) this.take(log, s);
    this.register(log.onDidAppend((seq) => this.take(log, seq)));
    this.register(toDisposable(() => this.wake()));
  }

  /** Index one past the last message so far. */
  get end(): number {
    return this.base + this.items.length;
  }

  /** The message at index `i` (of the whole sequence), or undefined when let go or not yet there. */
  at(i: number): TestMessage | undefined {
    return this.items[i - this.base];
  }

  /** Resolves when a message past `index` exists, the connection ended, or `ms` passed (false then). */
  next(index: number, ms: number): Promise<boolean> {
    if (this.end > index) return Promise.resolve(true);
    if (this.isDisposed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, Math.max(0, ms));
      const wake = () => {
        clearTimeout(timer);
        resolve(this.end > index);
      };
      this.waiters.push(wake);
    });
  }

  private take(log: EntryLog, seq: number): void {
    const direction = log.direction(seq);
    const kind = log.kind(seq);
    if (direction === undefined || kind === undefined) return;
    const wire = direction !== Direction.Meta && WIRE.has(kind);
    const end = direction === Direction.Meta && (kind === Kind.Closed || kind === Kind.Error);
    if (!wire && !end) return;
    // Copied: the log's bytes may be reused once this listener returns.
    const payload = log.payload(seq)!.slice();
    this.items.push({ seq, direction, kind, code: log.code(seq), payload });
    this.keptBytes += payload.length;
    while (this.keptBytes > MAX_KEPT_BYTES && this.items.length > 1) {
      this.keptBytes -= this.items.shift()!.payload.length;
      this.base++;
    }
    if (end) this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
