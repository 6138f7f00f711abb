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

/**
 * Most memory the kept payloads hold alive; beyond it the oldest messages are let go (a step never looks
 * that far back). A slab of small payloads counts whole while any of them is kept (the current one
 * always), a large payload by its length.
 */
export const MAX_KEPT_BYTES = 64 * 1024 * 1024;

/** Size of a slab of copied payloads, and the largest payload copied into one (larger ones get their own). */
const POOL_BYTES = 64 * 1024;
const POOL_MAX_COPY = 4 * 1024;

/** A step waiting for a message past `index`, until `deadline` (performance.now()). */
interface Waiter {
  readonly index: number;
  readonly deadline: number;
  readonly resolve: (arrived: boolean) => void;
}

const WIRE = new Set<number>([Kind.Text, Kind.Binary, Kind.Ping, Kind.Pong, Kind.Close, Kind.Data]);

/** A kept message and the bytes letting it go frees. */
interface Kept extends TestMessage {
  /** A large payload's length; for the last payload copied into a slab, the slab's size once the next slab is taken; else 0. */
  frees: number;
}

/** The wire messages and end events of one log, copied as they come. */
export class TestMessages extends Disposable {
  private readonly items: Kept[] = [];
  /** Index in the whole sequence of items[0]. */
  private base = 0;
  /** What the kept messages hold alive (see MAX_KEPT_BYTES). */
  private keptBytes = 0;
  /** The slab small payloads are copied into (see copy()), and how much of it is taken. */
  private pool = new Uint8Array(0);
  private poolUsed = 0;
  /** The last message whose payload was copied into `pool`, and its index: it frees the slab once another is taken. */
  private lastPooled: Kept | undefined;
  private lastPooledIndex = 0;
  private waiters: Waiter[] = [];
  /**
   * One timer serves every wait's deadline: armed for the earliest, and left running when a message ends
   * the wait first (what almost always happens). A timer per wait, each for a slightly different
   * fractional delay, cost Node a timer list of its own per expect: a few µs of every round trip.
   */
  private timer: NodeJS.Timeout | undefined;
  /** When `timer` fires (performance.now()); Infinity when none is armed. */
  private timerAt = Infinity;
  private readonly onTimer = (): void => this.expire();
  /** Set once the connection has ended (a Closed or Error event was logged). */
  ended = false;

  constructor(log: EntryLog) {
    super();
    for (let s = log.firstSeq; s < log.nextSeq; s++) this.take(log, s);
    this.register(log.onDidAppend((seq) => this.take(log, seq)));
    this.register(
      toDisposable(() => {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.wake();
      }),
    );
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
      const deadline = performance.now() + Math.max(0, ms);
      this.waiters.push({ index, deadline, resolve });
      this.arm(deadline);
    });
  }

  /** Makes the shared timer fire no later than `deadline`. */
  private arm(deadline: number): void {
    if (this.timer !== undefined && this.timerAt <= deadline) return;
    clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(this.onTimer, Math.max(0, deadline - performance.now()));
  }

  /** The timer fired: ends the waits whose deadline has passed, and re-arms for the earliest left. */
  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    // libuv's clock is read once per loop turn, so a timer may fire up to a millisecond before
    // performance.now() reaches its deadline: that counts as reached, as a per-wait timer would have.
    const now = performance.now() + 1;
    const left: Waiter[] = [];
    let earliest = Infinity;
    for (const w of this.waiters) {
      if (w.deadline <= now) w.resolve(false);
      else {
        left.push(w);
        earliest = Math.min(earliest, w.deadline);
      }
    }
    this.waiters = left;
    if (left.length > 0) this.arm(earliest);
  }

  private take(log: EntryLog, seq: number): void {
    // One lookup of the entry (each column read looks its segment up again).
    const entry = log.get(seq);
    if (entry === undefined) return;
    const { direction, kind } = entry;
    const wire = direction !== Direction.Meta && WIRE.has(kind);
    const end = direction === Direction.Meta && (kind === Kind.Closed || kind === Kind.Error);
    if (!wire && !end) return;
    // Copied: the log's bytes may be reused once this listener returns.
    const bytes = entry.payload;
    const large = bytes.length > POOL_MAX_COPY;
    const payload = large ? bytes.slice() : this.copy(bytes);
    const item: Kept = { seq, direction, kind, code: entry.code, payload, frees: large ? bytes.length : 0 };
    this.items.push(item);
    if (large) this.keptBytes += bytes.length;
    else {
      this.lastPooled = item;
      this.lastPooledIndex = this.end - 1;
    }
    while (this.keptBytes > MAX_KEPT_BYTES && this.items.length > 1) {
      this.keptBytes -= this.items.shift()!.frees;
      this.base++;
    }
    if (end) this.ended = true;
    this.wake();
  }

  /**
   * A copy of small `bytes` that the messages keep, in a shared slab, as Buffer's pool does: an
   * ArrayBuffer of its own per message (slice()) costs an allocation outside the JS heap and work for
   * the GC, on every message of a ping-pong. A slab is counted whole from when it is taken until the
   * last message copied into it is let go.
   */
  private copy(bytes: Uint8Array): Uint8Array {
    const n = bytes.length;
    if (this.pool.length - this.poolUsed < n) {
      // The slab left behind lives as long as its last message (messages are let go oldest first).
      const last = this.lastPooled;
      if (last && this.lastPooledIndex >= this.base) last.frees += this.pool.length;
      else this.keptBytes -= this.pool.length;
      this.lastPooled = undefined;
      this.pool = new Uint8Array(POOL_BYTES);
      this.poolUsed = 0;
      this.keptBytes += POOL_BYTES;
    }
    const start = this.poolUsed;
    this.pool.set(bytes, start);
    this.poolUsed = start + n;
    return this.pool.subarray(start, start + n);
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(this.end > w.index);
  }
}
