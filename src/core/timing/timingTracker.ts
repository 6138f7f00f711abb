// Pairs requests with responses as entries arrive, and keeps their round-trip times.
//
// JSON: an outgoing message whose pairing field holds v is answered by the next incoming message whose
// field holds v; RTT = monotonic time of the answer − that of the request. Two requests with the same
// value wait in order (the first is answered first). Ping: an outgoing ping is answered by the next
// incoming pong with the same payload; a ping without payload by the next pong at all. Ack: where the
// connection's protocol layer reads acknowledgement keys (AckKeyReader: a Socket.IO EVENT with an ack
// id, either way), the acknowledgement with the same key answers it.
//
// The tracker reads the log with one cursor, in slices, so pairing a million retained entries after the
// field changed never blocks for long. Memory is bounded: requests waiting for an answer are capped (the
// oldest are given up on and counted as unanswered), and pairs are capped and dropped with their entries.
import { Direction, Kind, runStart, type LogRun } from '../../../shared/logModel';
import type { RttSummary, TimingSummary } from '../../../shared/timingModel';
import { AckRequests, type AckKey, type AckKeyReader } from './ackPairing';
import { parseFieldPath, type PathSegment } from './jsonFieldPath';
import { PairStore, type PairRecord } from './pairStore';
import { pairKeys } from './pairKeys';
import { RttStats } from './rttStats';

/** What the tracker reads of a log. */
export interface TimingLog {
  readonly firstSeq: number;
  readonly nextSeq: number;
  forEachRun(fromSeq: number, toSeq: number, visit: (run: LogRun) => void): void;
}

/** Limits of one tracker. */
export interface TimingLimits {
  /** JSON requests waiting for an answer at most; beyond it the oldest is given up on. */
  readonly maxPendingJson?: number;
  /** Pings waiting for a pong at most. */
  readonly maxPendingPings?: number;
  /** Pairs remembered for lookups by seq. */
  readonly maxPairs?: number;
  /** RTTs the median and p95 are taken over. */
  readonly window?: number;
}

export const MAX_PENDING_JSON = 10_000;
export const MAX_PENDING_PINGS = 1_000;
/** Entries between two looks at the clock while advancing. */
const CLOCK_EVERY = 256;

interface PendingRequest {
  readonly seq: number;
  readonly mono: number;
  readonly key: string;
  done: boolean;
}

interface PendingPing {
  readonly seq: number;
  readonly mono: number;
  readonly payload: Uint8Array;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Request/response pairing and RTT statistics of one log. */
export class TimingTracker {
  private fieldText = '';
  private segments: readonly PathSegment[] = [];
  private cursor: number;
  private readonly maxPendingJson: number;
  private readonly maxPendingPings: number;
  private readonly pairs: PairStore;
  private readonly jsonStats: RttStats;
  private readonly pingStats: RttStats;
  private readonly acks: AckRequests;
  private ackKeys: AckKeyReader | undefined;
  /** Waiting JSON requests by key, oldest first. */
  private byKey = new Map<string, PendingRequest[]>();
  /** Waiting JSON requests by the seq that sent them. */
  private bySeq = new Map<number, PendingRequest[]>();
  /** Every JSON request in arrival order (answered ones are skipped lazily), to give up the oldest. */
  private arrival: PendingRequest[] = [];
  private arrivalHead = 0;
  private pendingJson = 0;
  private jsonGivenUp = 0;
  private jsonRequests = 0;
  private pings: PendingPing[] = [];
  private pingsGivenUp = 0;
  private pingRequests = 0;
  private changes = 0;

  constructor(startSeq = 0, limits: TimingLimits = {}) {
    this.cursor = startSeq;
    this.maxPendingJson = Math.max(1, limits.maxPendingJson ?? MAX_PENDING_JSON);
    this.maxPendingPings = Math.max(1, limits.maxPendingPings ?? MAX_PENDING_PINGS);
    this.pairs = new PairStore(limits.maxPairs);
    this.jsonStats = new RttStats(limits.window);
    this.pingStats = new RttStats(limits.window);
    this.acks = new AckRequests(limits.window);
  }

  /** The layer's reader of acknowledgement keys (undefined: none). */
  get ackKeyReader(): AckKeyReader | undefined {
    return this.ackKeys;
  }

  /** Pairs acknowledgements with another layer's reader; a change works everything out again from `fromSeq`. */
  setAckKeys(reader: AckKeyReader | undefined, fromSeq: number): void {
    if (reader === this.ackKeys) return;
    this.ackKeys = reader;
    this.reset(fromSeq);
  }

  /** The JSON field path pairs are made by ('' when off). */
  get field(): string {
    return this.fieldText;
  }

  /** Bumped on every change of what summary() or pairsOf() report. */
  get version(): number {
    return this.changes;
  }

  /** Seq up to which entries have been read. */
  get processedTo(): number {
    return this.cursor;
  }

  /**
   * Pairs by another field path ('' turns JSON pairing off); everything is worked out again from
   * `fromSeq` (the oldest retained entry). Returns an error message for a path that does not parse.
   */
  setField(text: string, fromSeq: number): string | undefined {
    const parsed = parseFieldPath(text);
    if (!parsed.ok) return parsed.message;
    this.fieldText = text.trim();
    this.segments = parsed.segments;
    this.reset(fromSeq);
    return undefined;
  }

  /** Forgets everything (log cleared, or another log): reading starts again at `fromSeq`. */
  reset(fromSeq: number): void {
    this.cursor = fromSeq;
    this.pairs.clear();
    this.jsonStats.reset();
    this.pingStats.reset();
    this.acks.reset();
    this.byKey = new Map();
    this.bySeq = new Map();
    this.arrival = [];
    this.arrivalHead = 0;
    this.pendingJson = 0;
    this.jsonGivenUp = 0;
    this.jsonRequests = 0;
    this.pings = [];
    this.pingsGivenUp = 0;
    this.pingRequests = 0;
    this.changes++;
  }

  /** Whether every entry appended so far has been read. */
  isCaughtUp(log: TimingLog): boolean {
    return this.cursor >= log.nextSeq;
  }

  /** Reads entries from the cursor on until caught up or `budgetMs` passed; returns whether caught up. */
  advance(log: TimingLog, budgetMs = Infinity): boolean {
    // Entries evicted before they were read are gone; so are pairs whose entries all left the log.
    if (this.cursor < log.firstSeq) this.cursor = log.firstSeq;
    this.pairs.prune(log.firstSeq);
    const deadline = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
    const end = log.nextSeq;
    let stop = false;
    let read = 0;
    log.forEachRun(this.cursor, end, (run) => {
      if (stop) return;
      for (let i = run.from; i < run.to; i++) {
        const seq = run.seq + (i - run.from);
        this.read(run, i, seq);
        this.cursor = seq + 1;
        if (++read % CLOCK_EVERY === 0 && performance.now() >= deadline) {
          stop = true;
          return;
        }
      }
    });
    if (!stop) this.cursor = Math.max(this.cursor, end);
    return this.cursor >= log.nextSeq;
  }

  /** The pairs an entry is part of. */
  pairsOf(seq: number): readonly PairRecord[] {
    return this.pairs.of(seq);
  }

  /** An unanswered request sent by `seq`, if any. */
  awaiting(seq: number): { via: 'json' | 'ping' | 'ack'; key?: string } | undefined {
    const json = this.bySeq.get(seq)?.[0];
    if (json) return { via: 'json', key: json.key };
    const ack = this.acks.awaiting(seq);
    if (ack !== undefined) return { via: 'ack', key: ack };
    return this.pings.some((p) => p.seq === seq) ? { via: 'ping' } : undefined;
  }

  /** Counts and RTT statistics so far. */
  summary(): TimingSummary {
    const json = this.fieldText && this.jsonRequests > 0 ? rttSummary(this.jsonStats, this.pendingJson + this.jsonGivenUp) : undefined;
    const ping = this.pingRequests > 0 ? rttSummary(this.pingStats, this.pings.length + this.pingsGivenUp) : undefined;
    const ack = this.acks.summary();
    return { field: this.fieldText, ...(json ? { json } : {}), ...(ping ? { ping } : {}), ...(ack ? { ack } : {}) };
  }

  // ------------------------------------------------------------------------------------------------

  private read(run: LogRun, i: number, seq: number): void {
    const dk = run.dirKind[i]!;
    // Bits 4-5: bit 6 marks an auto-reply (AUTO_REPLY_BIT).
    const direction = (dk >> 4) & 3;
    const kind = dk & 15;
    if (direction === Direction.Meta) return;
    const start = runStart(run, i);
    const end = run.ends[i]!;
    const mono = run.mono[i]!;
    if (kind === Kind.Ping && direction === Direction.Out) return this.ping(seq, mono, run.bytes.slice(start, end));
    if (kind === Kind.Pong && direction === Direction.In) return this.pong(seq, mono, run.bytes.subarray(start, end));
    if (kind !== Kind.Text && kind !== Kind.Binary && kind !== Kind.Data) return;
    if (this.ackKeys) this.ack(seq, mono, this.ackKeys(direction, kind, run.bytes, start, end));
    if (this.segments.length > 0) {
      const keys = pairKeys(run.bytes, start, end, this.segments);
      if (keys.length === 0) return;
      if (direction === Direction.Out) for (const key of keys) this.request(seq, mono, key);
      else for (const key of keys) this.response(seq, mono, key);
    }
  }

  private ack(seq: number, mono: number, key: AckKey | undefined): void {
    if (!key) return;
    this.changes++;
    if (key.role === 'request') return this.acks.request(seq, mono, key);
    const answered = this.acks.response(mono, key);
    if (answered) this.pairs.add({ request: answered.request, response: seq, rttMs: answered.rttMs, via: 'ack', key: answered.label });
  }

  private request(seq: number, mono: number, key: string): void {
    const r: PendingRequest = { seq, mono, key, done: false };
    push(this.byKey, key, r);
    push(this.bySeq, seq, r);
    this.arrival.push(r);
    this.pendingJson++;
    this.jsonRequests++;
    this.changes++;
    while (this.pendingJson > this.maxPendingJson) this.giveUpOldest();
  }

  private response(seq: number, mono: number, key: string): void {
    const queue = this.byKey.get(key);
    const r = queue?.shift();
    if (!r) return;
    if (queue!.length === 0) this.byKey.delete(key);
    this.settle(r);
    const rttMs = mono - r.mono;
    this.jsonStats.add(rttMs);
    this.pairs.add({ request: r.seq, response: seq, rttMs, via: 'json', key });
  }

  /** Marks a request answered or given up: it leaves the by-seq index and the pending count. */
  private settle(r: PendingRequest): void {
    r.done = true;
    this.pendingJson--;
    this.changes++;
    const list = this.bySeq.get(r.seq);
    if (list) {
      const at = list.indexOf(r);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.bySeq.delete(r.seq);
    }
    // Answered requests at the front of the arrival list are garbage now.
    while (this.arrivalHead < this.arrival.length && this.arrival[this.arrivalHead]!.done) this.arrivalHead++;
    if (this.arrivalHead > 1024 && this.arrivalHead * 2 > this.arrival.length) {
      this.arrival = this.arrival.slice(this.arrivalHead);
      this.arrivalHead = 0;
    }
  }

  private giveUpOldest(): void {
    const r = this.arrival[this.arrivalHead];
    if (!r) return;
    // The oldest waiting request is also the first of its key's queue.
    const queue = this.byKey.get(r.key);
    if (queue?.[0] === r) queue.shift();
    if (queue && queue.length === 0) this.byKey.delete(r.key);
    this.jsonGivenUp++;
    this.settle(r);
  }

  private ping(seq: number, mono: number, payload: Uint8Array): void {
    this.pings.push({ seq, mono, payload });
    this.pingRequests++;
    this.changes++;
    if (this.pings.length > this.maxPendingPings) {
      this.pings.shift();
      this.pingsGivenUp++;
    }
  }

  private pong(seq: number, mono: number, payload: Uint8Array): void {
    let at = this.pings.findIndex((p) => sameBytes(p.payload, payload));
    if (at < 0) at = this.pings.findIndex((p) => p.payload.length === 0);
    if (at < 0) return;
    const [p] = this.pings.splice(at, 1);
    const rttMs = mono - p!.mono;
    this.pingStats.add(rttMs);
    this.pairs.add({ request: p!.seq, response: seq, rttMs, via: 'ping' });
    this.changes++;
  }
}

function push<K>(map: Map<K, PendingRequest[]>, key: K, r: PendingRequest): void {
  const list = map.get(key);
  if (list) list.push(r);
  else map.set(key, [r]);
}

function rttSummary(stats: RttStats, unanswered: number): RttSummary {
  const s = stats.summary();
  return { count: stats.count, unanswered, ...(s ?? {}) };
}
