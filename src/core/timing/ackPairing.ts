// Acknowledgement round trips a protocol layer defines (a Socket.IO EVENT with an ack id and the ACK
// that answers it): the layer reads a message's header for its AckKey, and AckRequests pairs them as the
// timing tracker reads the log. Keys carry who asked, so requests of both directions pair. Bounded: the
// oldest waiting request is given up on beyond the cap.
import type { RttSummary } from '../../../shared/timingModel';
import { RttStats } from './rttStats';

/** A message's place in an acknowledgement round trip, as its layer reads it. */
export interface AckKey {
  /** A request that asks for an acknowledgement, or the acknowledgement. */
  readonly role: 'request' | 'response';
  /** The same for a request and its acknowledgement ("out /chat 7": who asked, namespace, ack id). */
  readonly key: string;
  /** How the detail pane names the pair: "7 /chat". */
  readonly label: string;
}

/**
 * Reads a logged message's AckKey from its first bytes, without decoding it all; undefined when it takes
 * no part in an acknowledgement. `bytes[start, end)` is a view into the log: read it at once.
 */
export type AckKeyReader = (direction: number, kind: number, bytes: Uint8Array, start: number, end: number) => AckKey | undefined;

/** Requests waiting for an acknowledgement at most (a peer that never acknowledges cannot grow it). */
export const MAX_PENDING_ACKS = 1024;

interface Waiting {
  readonly seq: number;
  readonly mono: number;
  readonly label: string;
}

/** The acknowledgement requests of one log, and the round trips of those answered. */
export class AckRequests {
  private waiting = new Map<string, Waiting>();
  private bySeq = new Map<number, string>();
  private requests = 0;
  private givenUp = 0;
  private readonly stats: RttStats;

  constructor(
    window?: number,
    private readonly maxPending = MAX_PENDING_ACKS,
  ) {
    this.stats = new RttStats(window);
  }

  /** A request asking for an acknowledgement under `key`; a key asked again replaces the older request. */
  request(seq: number, mono: number, key: AckKey): void {
    const old = this.waiting.get(key.key);
    if (old) {
      this.bySeq.delete(old.seq);
      this.waiting.delete(key.key);
      this.givenUp++;
    }
    this.waiting.set(key.key, { seq, mono, label: key.label });
    this.bySeq.set(seq, key.key);
    this.requests++;
    while (this.waiting.size > this.maxPending) {
      // A Map iterates in insertion order: the first is the oldest.
      const [oldestKey, oldest] = this.waiting.entries().next().value!;
      this.waiting.delete(oldestKey);
      this.bySeq.delete(oldest.seq);
      this.givenUp++;
    }
  }

  /** The acknowledgement under `key`: the request it answers and the round trip, or undefined when none waits. */
  response(mono: number, key: AckKey): { request: number; rttMs: number; label: string } | undefined {
    const w = this.waiting.get(key.key);
    if (!w) return undefined;
    this.waiting.delete(key.key);
    this.bySeq.delete(w.seq);
    const rttMs = mono - w.mono;
    this.stats.add(rttMs);
    return { request: w.seq, rttMs, label: w.label };
  }

  /** The label of the unanswered request sent by `seq`, if any. */
  awaiting(seq: number): string | undefined {
    const key = this.bySeq.get(seq);
    return key === undefined ? undefined : this.waiting.get(key)?.label;
  }

  /** Undefined until the first request. */
  summary(): RttSummary | undefined {
    if (this.requests === 0) return undefined;
    const s = this.stats.summary();
    return { count: this.stats.count, unanswered: this.waiting.size + this.givenUp, ...(s ?? {}) };
  }

  reset(): void {
    this.waiting = new Map();
    this.bySeq = new Map();
    this.requests = 0;
    this.givenUp = 0;
    this.stats.reset();
  }
}
