// What the TCP and WebSocket listeners share: binding (and saying clearly why it failed), the server's
// own log, the peer list with ids in accept order, and stopping: no new peers, a graceful close for the
// open ones, and a cut for those that do not finish in time. The limits that keep a listener's memory
// bounded (most peers, memory budget, idle timeout) are in listenerLimits.ts.
import type * as net from 'node:net';
import { Direction, Kind } from '../../../shared/logModel';
import { bindError } from '../errors/bindErrors';
import type { Connection, ConnectionKind, RetentionOptions } from '../connection/connectionTypes';
import { Disposable, Emitter, type Event, type IDisposable } from '../base/dispose';
import { SocketInspectorError } from '../../../shared/errors';
import { DEFAULT_MAX_BYTES, EntryLog } from '../log/entryLog';
import type { ListenerLimitCounts, ServerPeer, ServerSession, ServerState } from '../connection/serverTypes';
import { formatAddress } from '../connection/socketAddress';
import { formatListenAddress, type ListenAddress } from './listenAddress';
import { ListenerLimits, memoryOf, type PeerRecord } from './listenerLimits';

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
/** A peer's log starts this small and grows with what it holds: most peers of a busy server say little. */
const PEER_FIRST_SEGMENT_BYTES = 16 * 1024;

const KIND_NAMES: Record<ConnectionKind, string> = { tcp: 'TCP', ws: 'WebSocket' };

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
  private readonly limiter: ListenerLimits;
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
    this.limiter = new ListenerLimits(options, {
      log: () => this.log,
      records: this.records,
      isDisposed: () => this.isDisposed,
      isStopping: () => this.isDisposed || this.stopPromise !== undefined,
      meta: (kind, text) => this.meta(kind, text),
      changed: () => this.changeEmitter.fire(),
    });
    // Half the budget: one flooding peer evicts its own oldest entries long before the budget clears it.
    const maxBytes = Math.min(options.retention?.maxBytes ?? DEFAULT_MAX_BYTES, Math.floor(this.limiter.budgetBytes / 2));
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
    return { budgetBytes: this.limiter.budgetBytes, ...this.limiter.counts };
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
    return this.limiter.refusal();
  }

  /** Counts and logs a client that was refused, e.g. "Refused 127.0.0.1:5000: …". */
  protected refuse(text: string): void {
    this.limiter.counts.refused++;
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
        this.limiter.peerEnded(peer);
        const words = closingWords(connection);
        this.meta(Kind.Closed, `#${id} ${remote} closed${words ? `: ${words}` : ''}`);
        this.limiter.scheduleBudgetCheck();
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
      growth: this.limiter.watchGrowth(connection),
      closedBytes: 0,
    };
    this.records.push(peer);
    this.limiter.peerOpened();
    this.meta(Kind.Open, `#${id} accepted from ${remote}${origin !== undefined ? ` (Origin ${origin})` : ''}`);
    this.limiter.startSweeps();
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
    this.limiter.stopTimers();
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
    this.limiter.stopTimers();
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
