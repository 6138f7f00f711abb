// What the TCP and WebSocket listeners share: binding (and saying clearly why it failed), the server's
// own log, the peer list with ids in accept order, and stopping: no new peers, a graceful close for the
// open ones, and a cut for those that do not finish in time. And the limits that keep a listener's memory
// bounded however many clients come: the most peers open at once, a byte budget for the logs of the
// server and all its peers together, and an idle timeout that also ends peers left half-open.
import type * as net from 'node:net';
import { Direction, Kind } from '../../../shared/logModel';
import { bindError } from '../errors/bindErrors';
import type { Connection, ConnectionKind, RetentionOptions, WebSocketConnection } from '../connection/connectionTypes';
import { Disposable, Emitter, type Event, type IDisposable } from '../base/dispose';
import { SocketInspectorError } from '../../../shared/errors';
import { DEFAULT_MAX_BYTES, EntryLog } from '../log/entryLog';
import type { ListenerLimitCounts, ServerPeer, ServerSession, ServerState } from '../connection/serverTypes';
import { formatAddress } from '../connection/socketAddress';
import { formatListenAddress, type ListenAddress } from './listenAddress';

/** Options every listener takes. */
export interface ListenerOptions {
  /** Where to bind; see parseListenAddress. Port 0 picks a free port. */
  readonly address: ListenAddress;
  /** Retention of each peer's log and of the server's own. */
  readonly retention?: RetentionOptions;
  /** How long stop() lets open peers finish their close handshake before cutting them, ms (default 2000). */
  readonly stopTimeoutMs?: number;
  /** Most peers open at once; a client beyond them is refused, and the refusal logged (default 1000). */
  readonly maxPeers?: number;
  /**
   * Most bytes the logs of the server and all its peers hold together (default 1 GiB). Near it the oldest
   * closed peers are evicted (their logs with them, counted in `limits`); beyond it the largest open
   * peer's log is cleared; while the open peers alone exceed it, new clients are refused.
   */
  readonly budgetBytes?: number;
  /** Closes a peer that sent and got nothing for this long, or half-closed (FIN) this long ago, ms (default 0: never). */
  readonly idleTimeoutMs?: number;
}

const DEFAULT_STOP_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_PEERS = 1000;
export const DEFAULT_BUDGET_BYTES = 1024 * 1024 * 1024;
/** A peer's log starts this small and grows with what it holds: most peers of a busy server say little. */
const PEER_FIRST_SEGMENT_BYTES = 16 * 1024;
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

const KIND_NAMES: Record<ConnectionKind, string> = { tcp: 'TCP', ws: 'WebSocket' };

/** An accepted peer, how to ask it to leave when the server stops, and what the idle timeout watches. */
interface PeerRecord extends ServerPeer {
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
function memoryOf(c: Connection): number {
  return c.log.memoryBytes + ((c as Partial<WebSocketConnection>).wireFrames?.memoryBytes ?? 0);
}

function isFinal(c: Connection): boolean {
  return c.state === 'closed' || c.state === 'error';
}

/** The text of a connection's last entry when it is the Closed entry ("Closed by the peer — …"). */
function closingWords(c: Connection): string | undefined {
  const last = c.log.nextSeq - 1;
  if (last < c.log.firstSeq || c.log.kind(last) !== Kind.Closed) return undefined;
  return new TextDecoder().decode(c.log.payload(last));
}

/** Base of listeners: a subclass makes the server and hands every accepted client to addPeer(). */
export abstract class ListenerSession extends Disposable implements ServerSession {
  readonly mode = 'listen' as const;
  abstract readonly kind: ConnectionKind;
  readonly target: string;
  readonly log: EntryLog;
  /** Retention of each peer's log (and the server's): the user's caps, at most half the budget, starting small. */
  protected readonly retention: RetentionOptions;
  private readonly maxPeers: number;
  private readonly budgetBytes: number;
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
  private counts = { evictedPeers: 0, evictedEntries: 0, evictedBytes: 0, clearedPeers: 0, refused: 0 };
  private currentState: ServerState = 'idle';
  private firstError: SocketInspectorError | undefined;
  private bound: { host: string; port: number } | undefined;
  private readonly records: PeerRecord[] = [];
  private nextId = 1;
  private server: net.Server | undefined;
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private readonly acceptEmitter = this.register(new Emitter<ServerPeer>());
  private readonly changeEmitter = this.register(new Emitter<void>());
  readonly onDidAcceptPeer: Event<ServerPeer> = this.acceptEmitter.event;
  readonly onDidChange: Event<void> = this.changeEmitter.event;

  constructor(
    scheme: string,
    protected readonly options: ListenerOptions,
  ) {
    super();
    this.maxPeers = Math.max(1, Math.floor(options.maxPeers ?? DEFAULT_MAX_PEERS));
    this.budgetBytes = Math.max(MiB, Math.floor(options.budgetBytes ?? DEFAULT_BUDGET_BYTES));
    // Half the budget: one flooding peer evicts its own oldest entries long before the budget clears it.
    const maxBytes = Math.min(options.retention?.maxBytes ?? DEFAULT_MAX_BYTES, Math.floor(this.budgetBytes / 2));
    this.retention = { ...options.retention, maxBytes, firstSegmentBytes: PEER_FIRST_SEGMENT_BYTES };
    // The server's own log counts against the budget too, and mostly holds a line per peer.
    this.log = new EntryLog(this.retention);
    this.target = `${scheme}://${formatListenAddress(options.address)}`;
  }

  get state(): ServerState {
    return this.currentState;
  }

  get lastError(): SocketInspectorError | undefined {
    return this.firstError;
  }

  get address(): { readonly host: string; readonly port: number } | undefined {
    return this.bound;
  }

  get peers(): readonly ServerPeer[] {
    return this.records;
  }

  get limits(): ListenerLimitCounts {
    return { budgetBytes: this.budgetBytes, ...this.counts };
  }

  /** Bytes the logs of the server and its peers hold (their arrays, as EntryLog.memoryBytes counts them). */
  get memoryBytes(): number {
    let sum = this.log.memoryBytes;
    for (const r of this.records) sum += memoryOf(r.connection);
    return sum;
  }

  /** Makes the (unbound) server; it must call addPeer for every client it accepts. */
  protected abstract createServer(): net.Server;

  /** Closes what the server still holds besides its peers (idle HTTP connections). */
  protected closeLingering(): void {}

  start(): Promise<void> {
    if (this.startPromise) return this.startPromise;
    this.startPromise = this.bind();
    // The failure is in the log and in lastError; a caller that does not await must not crash the host.
    this.startPromise.catch(() => {});
    return this.startPromise;
  }

  private bind(): Promise<void> {
    if (this.isDisposed) return Promise.reject(new SocketInspectorError('NOT_OPEN', 'This listener was already stopped'));
    const { host, port } = this.options.address;
    const asked = formatListenAddress(this.options.address);
    this.setState('starting');
    this.meta(Kind.Connecting, `Starting a ${KIND_NAMES[this.kind]} listener on ${asked}`);
    let server: net.Server;
    try {
      server = this.createServer();
    } catch (e) {
      return Promise.reject(this.fail(bindError(e, asked, host)));
    }
    this.server = server;
    return new Promise<void>((resolve, reject) => {
      const onError = (e: unknown) => {
        server.off('listening', onListening);
        reject(this.fail(bindError(e, asked, host)));
      };
      const onListening = () => {
        server.off('error', onError);
        // Later server errors (an accept that failed) are logged; the listener keeps listening.
        server.on('error', (e: Error) => this.meta(Kind.Error, `Server error: ${e.message}`));
        const a = server.address() as net.AddressInfo;
        this.bound = { host: a.address, port: a.port };
        if (this.isDisposed || this.stopPromise) {
          server.close();
          resolve();
          return;
        }
        this.meta(Kind.Open, `Listening on ${formatAddress(a.address, a.port)}`);
        this.setState('listening');
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      try {
        server.listen({ host, port });
      } catch (e) {
        // listen() throws synchronously for options it rejects outright (a port out of range).
        onError(e);
      }
    });
  }

  private fail(error: SocketInspectorError): SocketInspectorError {
    this.firstError ??= error;
    this.meta(Kind.Error, error.message);
    this.server = undefined;
    this.setState('error');
    return error;
  }

  /**
   * Why a client arriving now would be refused (the most peers are open, or their logs fill the budget),
   * or undefined when it may become a peer. A subclass asks before it accepts, and refuses with refuse().
   */
  protected refusal(): string | undefined {
    if (this.openCount >= this.maxPeers) return `${this.openCount} peers are open, the most this listener accepts (socketInspector.listen.maxPeers)`;
    if (this.overBudget) return `the open peers' logs fill the memory budget of ${megabytes(this.budgetBytes)} (socketInspector.listen.maxTotalMegabytes)`;
    return undefined;
  }

  /** Counts and logs a client that was refused, e.g. "Refused 127.0.0.1:5000: …". */
  protected refuse(text: string): void {
    this.counts.refused++;
    this.meta(Kind.Error, text);
    this.changeEmitter.fire();
  }

  /** Registers an accepted, already open connection as the next peer; `goAway` closes it when the server stops. */
  protected addPeer(create: (id: number) => Connection, remote: string, goAway: (c: Connection) => void, origin?: string): ServerPeer | undefined {
    if (this.isDisposed || this.stopPromise) return undefined;
    const id = this.nextId++;
    const connection = create(id);
    const onState = (): void => {
      if (isFinal(connection) && !peer.ended) {
        peer.ended = true;
        this.openCount--;
        peer.growth?.dispose();
        peer.growth = undefined;
        // Closed peers stay listed with their logs until the budget needs the room.
        connection.log.compact();
        peer.closedBytes = memoryOf(connection);
        this.closedBytes += peer.closedBytes;
        const words = closingWords(connection);
        this.meta(Kind.Closed, `#${id} ${remote} closed${words ? `: ${words}` : ''}`);
        this.scheduleBudgetCheck();
      }
      this.changeEmitter.fire();
    };
    const peer: PeerRecord = {
      id,
      remote,
      connection,
      ...(origin !== undefined ? { origin } : {}),
      goAway: () => goAway(connection),
      subscription: connection.onDidChangeState(onState),
      seenSeq: connection.log.nextSeq,
      seenAt: performance.now(),
      halfClosedAt: undefined,
      ended: false,
      // Called for every entry: it counts the bytes and asks for a check, at most one pending; after a
      // burst (many reads handled in one turn of the event loop) at once, not a turn later.
      growth: connection.log.onDidAppend((seq) => {
        this.grownSinceCheck += connection.log.length(seq);
        if (this.grownSinceCheck >= this.budgetBytes * BURST_SHARE) this.checkBudgetNow();
        else if (this.budgetTimer === undefined) this.scheduleBudgetCheck();
      }),
      closedBytes: 0,
    };
    this.records.push(peer);
    this.openCount++;
    this.scheduleBudgetCheck();
    this.meta(Kind.Open, `#${id} accepted from ${remote}${origin !== undefined ? ` (Origin ${origin})` : ''}`);
    this.startSweeps();
    this.acceptEmitter.fire(peer);
    this.changeEmitter.fire();
    // A peer that ended while it was being set up.
    if (isFinal(connection)) onState();
    return peer;
  }

  /** The client of `peer` half-closed (FIN): the idle timeout counts from now, whatever we still send. */
  protected halfClosed(peer: ServerPeer): void {
    (peer as PeerRecord).halfClosedAt ??= performance.now();
  }

  /** Starts the idle sweeps, when there is an idle timeout. */
  private startSweeps(): void {
    if (this.sweepTimer || !this.options.idleTimeoutMs || this.isDisposed || this.stopPromise) return;
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
  }

  private stopTimers(): void {
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
    for (const r of this.records) {
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
    if (this.checkQueued || this.isDisposed) return;
    this.checkQueued = true;
    queueMicrotask(() => {
      this.checkQueued = false;
      this.lastBudgetCheck = performance.now();
      this.enforceBudget();
    });
  }

  /** Checks the budget soon: at once, or BUDGET_CHECK_MS after the last check. */
  private scheduleBudgetCheck(): void {
    if (this.budgetTimer !== undefined || this.isDisposed) return;
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
    if (this.isDisposed) return;
    this.grownSinceCheck = 0;
    const budget = this.budgetBytes;
    // Closed peers no longer grow: what they held at their close is counted, only open ones are measured.
    let total = this.log.memoryBytes + this.closedBytes;
    for (const r of this.records) if (!r.ended) total += memoryOf(r.connection);
    if (total <= budget * HIGH_WATER) {
      this.overBudget = false;
      return;
    }
    const lowWater = Math.floor(budget * LOW_WATER);
    let changed = false;
    for (let i = 0; i < this.records.length && total > lowWater; ) {
      const r = this.records[i]!;
      if (!r.ended) {
        i++;
        continue;
      }
      if (!this.budgetNoted) {
        this.budgetNoted = true;
        this.meta(Kind.Note, `The logs of this server and its peers reached the memory budget of ${megabytes(budget)} (socketInspector.listen.maxTotalMegabytes): the oldest closed peers are evicted, with their logs`);
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
      this.records.splice(i, 1);
      changed = true;
    }
    while (total > budget) {
      let largest: PeerRecord | undefined;
      let most = 0;
      for (const r of this.records) {
        const m = r.ended ? 0 : memoryOf(r.connection);
        if (m > most) [largest, most] = [r, m];
      }
      if (!largest || largest.connection.log.size <= 1) break;
      const log = largest.connection.log;
      const what = `${log.size} entries, ${megabytes(log.retainedBytes)}`;
      log.clear();
      log.appendText(Direction.Meta, Kind.Note, `The listener cleared this log (${what}): its open peers together exceeded the memory budget of ${megabytes(budget)} (socketInspector.listen.maxTotalMegabytes)`);
      this.meta(Kind.Note, `Cleared the log of #${largest.id} (${what}): the open peers together exceeded the memory budget of ${megabytes(budget)}`);
      this.counts.clearedPeers++;
      changed = true;
      const freed = most - memoryOf(largest.connection);
      if (freed <= 0) break;
      total -= freed;
    }
    this.overBudget = total > budget;
    if (changed) this.changeEmitter.fire();
  }

  /** Whether new clients may still become peers. */
  protected get accepting(): boolean {
    return !this.isDisposed && !this.stopPromise && this.currentState === 'listening';
  }

  /** Logs an event of the server (a refused client, a broadcast) in its own log. */
  protected meta(kind: Kind, text: string): void {
    this.log.appendText(Direction.Meta, kind, text);
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.shutDown();
    return this.stopPromise;
  }

  private async shutDown(): Promise<void> {
    if (this.isDisposed) return;
    this.stopTimers();
    const wasListening = this.currentState === 'listening';
    this.server?.close();
    this.closeLingering();
    const open = this.records.filter((p) => !isFinal(p.connection));
    for (const p of open) {
      try {
        p.goAway();
      } catch {
        // A peer that cannot close gracefully is cut below.
      }
    }
    await this.allClosed(open.map((p) => p.connection));
    for (const p of open) if (!isFinal(p.connection)) p.connection.dispose();
    if (this.isDisposed) return;
    this.meta(Kind.Closed, this.stoppedText(wasListening, open.length));
    if (this.currentState !== 'error') this.setState('stopped');
  }

  /** Resolves once every connection has closed, or the stop timeout passed. */
  private allClosed(connections: Connection[]): Promise<void> {
    const pending = connections.filter((c) => !isFinal(c));
    if (pending.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const subscriptions: IDisposable[] = [];
      const done = () => {
        if (this.stopTimer) clearTimeout(this.stopTimer);
        this.stopTimer = undefined;
        for (const s of subscriptions) s.dispose();
        resolve();
      };
      this.stopTimer = setTimeout(done, this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
      for (const c of pending) {
        subscriptions.push(
          c.onDidChangeState(() => {
            if (pending.every(isFinal)) done();
          }),
        );
      }
    });
  }

  private stoppedText(wasListening: boolean, closedPeers: number): string {
    const where = this.bound ? ` on ${formatAddress(this.bound.host, this.bound.port)}` : '';
    const peers = closedPeers > 0 ? ` (closed ${closedPeers} open peer${closedPeers === 1 ? '' : 's'})` : '';
    return wasListening ? `Stopped listening${where}${peers}` : 'Stopped';
  }

  protected setState(state: ServerState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.changeEmitter.fire();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = undefined;
    this.stopTimers();
    const wasListening = this.currentState === 'listening';
    const open = this.records.filter((p) => !isFinal(p.connection)).length;
    this.server?.close();
    this.closeLingering();
    if (wasListening && !this.stopPromise) this.meta(Kind.Closed, this.stoppedText(true, open));
    for (const p of this.records) {
      p.subscription.dispose();
      p.growth?.dispose();
      p.connection.dispose();
    }
    if (this.currentState !== 'error') this.setState('stopped');
    super.dispose();
  }
}
