// The limits that keep a listener's memory bounded however many clients come: the most peers open at
// once, a byte budget for the logs of the server and all its peers together (evicting closed peers, then
// clearing the largest open log), and an idle timeout that also ends peers left half-open. Apart from
// listenerSession.ts, which binds, accepts and stops, because these are their own timers and accounting.
import { Direction, Kind } from '../../../shared/logModel';
import type { Connection, WebSocketConnection } from '../connection/connectionTypes';
import type { ServerPeer } from '../connection/serverTypes';
import type { IDisposable } from '../base/dispose';
import type { EntryLog } from '../log/entryLog';
import type { ListenerOptions } from './listenerSession';

export const DEFAULT_MAX_PEERS = 1000;
export const DEFAULT_BUDGET_BYTES = 1024 * 1024 * 1024;
/** How often open peers are held to the idle timeout, ms. */
const SWEEP_MS = 50;
/** Least time between two checks of the budget, which traffic into any peer's log asks for, ms. */
const BUDGET_CHECK_MS = 10;
/** Share of the budget that, logged since the last check, has the budget checked at once. */
const BURST_SHARE = 1 / 32;
/**
 * Closed peers are evicted once the logs pass this share of the budget, leaving the rest for what open
 * peers receive before the next check, and down to LOW_WATER, so a busy server does not evict on every check.
 */
const HIGH_WATER = 7 / 8;
const LOW_WATER = 3 / 4;

/** An accepted peer, how to ask it to leave when the server stops, and what the idle timeout watches. */
export interface PeerRecord extends ServerPeer {
  readonly goAway: () => void;
  readonly subscription: IDisposable;
  /** The log's nextSeq at the last sweep that saw it change, and when (performance.now()). */
  seenSeq: number;
  seenAt: number;
  /** When the peer half-closed (performance.now()), for the idle timeout. */
  halfClosedAt: number | undefined;
  /** Whether its final state was counted. */
  ended: boolean;
  /** While open: the subscription that asks for a budget check when its log grows. */
  growth: IDisposable | undefined;
  /** Once closed: what it holds (it no longer grows), counted in the budget without measuring it again. */
  closedBytes: number;
}

const MiB = 1024 * 1024;
const megabytes = (n: number): string => `${+(n / MiB).toFixed(1)} MiB`;
const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)} s`);

/** What a peer holds: its log and, for a WebSocket, its wire frames. */
export function memoryOf(c: Connection): number {
  return c.log.memoryBytes + ((c as Partial<WebSocketConnection>).wireFrames?.memoryBytes ?? 0);
}

/** What the limits need of their listener. */
export interface LimitedListener {
  /** The server's own log (counted in the budget). */
  readonly log: () => EntryLog;
  /** The peers, oldest first; evicted ones are removed from it. */
  readonly records: PeerRecord[];
  readonly isDisposed: () => boolean;
  /** Disposed, or stop() was called: no new sweeps. */
  readonly isStopping: () => boolean;
  /** Logs an event of the server in its own log. */
  readonly meta: (kind: Kind, text: string) => void;
  /** The peers or the counts changed. */
  readonly changed: () => void;
}

/** A listener's peer limit, memory budget and idle timeout. */
export class ListenerLimits {
  readonly maxPeers: number;
  readonly budgetBytes: number;
  private openCount = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private budgetTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private lastBudgetCheck = -Infinity;
  /** Payload bytes logged by open peers since the last check of the budget. */
  private grownSinceCheck = 0;
  private checkQueued = false;
  /** What the closed peers hold (their closedBytes). */
  private closedBytes = 0;
  /** The open peers' logs alone exceeded the budget at the last check: new clients are refused. */
  private overBudget = false;
  private budgetNoted = false;
  readonly counts = { evictedPeers: 0, evictedEntries: 0, evictedBytes: 0, clearedPeers: 0, refused: 0 };

  constructor(
    private readonly options: ListenerOptions,
    private readonly host: LimitedListener,
  ) {
    this.maxPeers = Math.max(1, Math.floor(options.maxPeers ?? DEFAULT_MAX_PEERS));
    this.budgetBytes = Math.max(MiB, Math.floor(options.budgetBytes ?? DEFAULT_BUDGET_BYTES));
  }

  /** Why a client arriving now would be refused, or undefined when it may become a peer. */
  refusal(): string | undefined {
    if (this.openCount >= this.maxPeers) return `${this.openCount} peers are open, the most this listener accepts (socketInspector.listen.maxPeers)`;
    if (this.overBudget) return `the open peers' logs fill the memory budget of ${megabytes(this.budgetBytes)} (socketInspector.listen.maxTotalMegabytes)`;
    return undefined;
  }

  /** A peer was accepted: it counts as open and its log's growth asks for budget checks. */
  peerOpened(): void {
    this.openCount++;
    this.scheduleBudgetCheck();
  }

  /** Called for every entry of an open peer's log: counts the bytes and asks for a check. */
  watchGrowth(connection: Connection): IDisposable {
    // At most one check pending; after a burst (many reads handled in one turn of the event loop) at once,
    // not a turn later.
    return connection.log.onDidAppend((seq) => {
      this.grownSinceCheck += connection.log.length(seq);
      if (this.grownSinceCheck >= this.budgetBytes * BURST_SHARE) this.checkBudgetNow();
      else if (this.budgetTimer === undefined) this.scheduleBudgetCheck();
    });
  }

  /** A peer reached its final state: what it holds is counted once, as it no longer grows. */
  peerEnded(peer: PeerRecord): void {
    this.openCount--;
    peer.growth?.dispose();
    peer.growth = undefined;
    // Closed peers stay listed with their logs until the budget needs the room.
    peer.connection.log.compact();
    peer.closedBytes = memoryOf(peer.connection);
    this.closedBytes += peer.closedBytes;
  }

  /** Starts the idle sweeps, when there is an idle timeout. */
  startSweeps(): void {
    if (this.sweepTimer || !this.options.idleTimeoutMs || this.host.isStopping()) return;
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
  }

  /** Stops the idle sweeps and any pending budget check. */
  stopTimers(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    clearTimeout(this.budgetTimer as NodeJS.Timeout);
    clearImmediate(this.budgetTimer as NodeJS.Immediate);
    this.budgetTimer = undefined;
  }

  /** Holds the open peers to the idle timeout; stops once none is open. */
  private sweep(): void {
    const idleMs = this.options.idleTimeoutMs ?? 0;
    const now = performance.now();
    for (const r of this.host.records) {
      const c = r.connection;
      if (c.state !== 'open') continue;
      if (c.log.nextSeq !== r.seenSeq) {
        r.seenSeq = c.log.nextSeq;
        r.seenAt = now;
      }
      if (r.halfClosedAt !== undefined && now - r.halfClosedAt >= idleMs) {
        this.closeIdle(r, `it half-closed (FIN) ${duration(idleMs)} ago`);
      } else if (now - r.seenAt >= idleMs) {
        this.closeIdle(r, `nothing was sent or received for ${duration(idleMs)}`);
      }
    }
    if (this.openCount === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }

  /** Checks the budget as soon as the code logging an entry has returned (never inside the append). */
  private checkBudgetNow(): void {
    if (this.checkQueued || this.host.isDisposed()) return;
    this.checkQueued = true;
    queueMicrotask(() => {
      this.checkQueued = false;
      this.lastBudgetCheck = performance.now();
      this.enforceBudget();
    });
  }

  /** Checks the budget soon: at once, or BUDGET_CHECK_MS after the last check. */
  scheduleBudgetCheck(): void {
    if (this.budgetTimer !== undefined || this.host.isDisposed()) return;
    const run = (): void => {
      this.budgetTimer = undefined;
      this.lastBudgetCheck = performance.now();
      this.enforceBudget();
    };
    const wait = this.lastBudgetCheck + BUDGET_CHECK_MS - performance.now();
    this.budgetTimer = wait > 0 ? setTimeout(run, wait) : setImmediate(run);
  }

  private closeIdle(r: PeerRecord, why: string): void {
    r.connection.log.appendText(Direction.Meta, Kind.Note, `Closing this peer: ${why} (the listener's idle timeout, socketInspector.listen.idleTimeoutSeconds)`);
    try {
      r.connection.close(1001, 'Idle timeout');
    } catch {
      r.connection.dispose();
    }
  }

  /**
   * Keeps the logs of the server and its peers within the budget: past HIGH_WATER of it, evicts the oldest
   * closed peers (down to LOW_WATER), then clears the largest open peer's log while the total exceeds it.
   */
  private enforceBudget(): void {
    if (this.host.isDisposed()) return;
    this.grownSinceCheck = 0;
    const budget = this.budgetBytes;
    // Closed peers no longer grow: what they held at their close is counted, only open ones are measured.
    let total = this.host.log().memoryBytes + this.closedBytes;
    for (const r of this.host.records) if (!r.ended) total += memoryOf(r.connection);
    if (total <= budget * HIGH_WATER) {
      this.overBudget = false;
      return;
    }
    const lowWater = Math.floor(budget * LOW_WATER);
    let changed = false;
    for (let i = 0; i < this.host.records.length && total > lowWater; ) {
      const r = this.host.records[i]!;
      if (!r.ended) {
        i++;
        continue;
      }
      if (!this.budgetNoted) {
        this.budgetNoted = true;
        this.host.meta(Kind.Note, `The logs of this server and its peers reached the memory budget of ${megabytes(budget)} (socketInspector.listen.maxTotalMegabytes): the oldest closed peers are evicted, with their logs`);
      }
      total -= r.closedBytes;
      this.closedBytes -= r.closedBytes;
      this.counts.evictedPeers++;
      this.counts.evictedEntries += r.connection.log.size;
      this.counts.evictedBytes += r.connection.log.retainedBytes;
      r.subscription.dispose();
      r.connection.dispose();
      // Whoever still holds the connection (an auto-responder's subscription) holds nothing large.
      (r.connection as Partial<WebSocketConnection>).wireFrames?.clear();
      this.host.records.splice(i, 1);
      changed = true;
    }
    while (total > budget) {
      let largest: PeerRecord | undefined;
      let most = 0;
      for (const r of this.host.records) {
        const m = r.ended ? 0 : memoryOf(r.connection);
        if (m > most) [largest, most] = [r, m];
      }
      if (!largest || largest.connection.log.size <= 1) break;
      const log = largest.connection.log;
      const what = `${log.size} entries, ${megabytes(log.retainedBytes)}`;
      log.clear();
      log.appendText(Direction.Meta, Kind.Note, `The listener cleared this log (${what}): its open peers together exceeded the memory budget of ${megabytes(budget)} (socketInspector.listen.maxTotalMegabytes)`);
      this.host.meta(Kind.Note, `Cleared the log of #${largest.id} (${what}): the open peers together exceeded the memory budget of ${megabytes(budget)}`);
      this.counts.clearedPeers++;
      changed = true;
      const freed = most - memoryOf(largest.connection);
      if (freed <= 0) break;
      total -= freed;
    }
    this.overBudget = total > budget;
    if (changed) this.host.changed();
  }
}
