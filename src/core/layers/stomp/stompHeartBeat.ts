// STOMP heart-beats (STOMP 1.2 §"Heart-beating"): the client's CONNECT says `cx,cy` (it can send every cx
// ms, wants to hear every cy ms), the server's CONNECTED says `sx,sy`. We send every max(cx, sy) ms when
// both are non-zero, and the server every max(sx, cy) ms. HeartBeatTimers keeps to that: an EOL when we
// have written nothing for the interval, and a remark when nothing came from the server for twice its.
import { toDisposable, type IDisposable } from '../../base/dispose';

/** `cx,cy` or `sx,sy` from a heart-beat header; [0, 0] when absent or malformed (as the spec's default). */
export function parseHeartBeat(value: string | undefined): readonly [number, number] {
  const m = value === undefined ? null : /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(value);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** The negotiated intervals in ms: what we send at and what we expect from the server; 0 = none. */
export interface HeartBeatIntervals {
  readonly outgoingMs: number;
  readonly incomingMs: number;
}

export function negotiateHeartBeat(client: readonly [number, number], server: readonly [number, number]): HeartBeatIntervals {
  const [cx, cy] = client;
  const [sx, sy] = server;
  return {
    outgoingMs: cx > 0 && sy > 0 ? Math.max(cx, sy) : 0,
    incomingMs: sx > 0 && cy > 0 ? Math.max(sx, cy) : 0,
  };
}

/** How many intervals of silence from the server count as a missing heart-beat. */
export const SILENCE_FACTOR = 2;

export interface HeartBeatHooks {
  /** Writes one heart-beat (an EOL). */
  sendBeat(): void;
  /** Nothing came from the server for SILENCE_FACTOR × the interval. */
  serverSilent(silentMs: number): void;
  /** Something came from the server again after serverSilent. */
  serverHeard(afterMs: number): void;
}

/** The two heart-beat clocks of one session; dispose stops both. */
export class HeartBeatTimers implements IDisposable {
  private lastOut = performance.now();
  private lastIn = performance.now();
  private silent = false;
  private outTimer: ReturnType<typeof setTimeout> | undefined;
  private inTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly stopper = toDisposable(() => {
    clearTimeout(this.outTimer);
    clearTimeout(this.inTimer);
  });

  constructor(
    readonly intervals: HeartBeatIntervals,
    private readonly hooks: HeartBeatHooks,
  ) {
    if (intervals.outgoingMs > 0) this.scheduleOut(intervals.outgoingMs);
    if (intervals.incomingMs > 0) this.scheduleIn(intervals.incomingMs * SILENCE_FACTOR);
  }

  /** We wrote something (a frame or a beat): the next beat is due an interval from now. */
  noteSent(at = performance.now()): void {
    this.lastOut = at;
  }

  /** Something came from the server. */
  noteReceived(at = performance.now()): void {
    if (this.silent) {
      this.silent = false;
      this.hooks.serverHeard(at - this.lastIn);
      this.scheduleIn(this.intervals.incomingMs * SILENCE_FACTOR);
    }
    this.lastIn = at;
  }

  private scheduleOut(delay: number): void {
    if (this.disposed) return;
    this.outTimer = setTimeout(() => {
      const interval = this.intervals.outgoingMs;
      const idle = performance.now() - this.lastOut;
      // A little early is better than late: the server counts from its own reads.
      if (idle >= interval - 1) {
        this.hooks.sendBeat();
        this.lastOut = performance.now();
        this.scheduleOut(interval);
      } else {
        this.scheduleOut(interval - idle);
      }
    }, Math.max(1, delay));
  }

  private scheduleIn(delay: number): void {
    if (this.disposed) return;
    clearTimeout(this.inTimer);
    this.inTimer = setTimeout(() => {
      const limit = this.intervals.incomingMs * SILENCE_FACTOR;
      const quiet = performance.now() - this.lastIn;
      if (quiet >= limit) {
        // Reported once per silence; noteReceived re-arms the watch.
        this.silent = true;
        this.hooks.serverSilent(quiet);
      } else {
        this.scheduleIn(limit - quiet);
      }
    }, Math.max(1, delay));
  }

  dispose(): void {
    this.disposed = true;
    this.stopper.dispose();
  }
}
