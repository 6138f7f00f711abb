// The host side of one inspector panel. It imports nothing from `vscode`, so it runs (and is tested)
// in plain Node: it is given a connection, a way to post to the webview, and callbacks for what only
// the extension can do (reconnect, clipboard).
//
// Flow: entries appended to the log are announced in packed batches, at most one per flush interval
// (or sooner when a batch fills), and at most a few unacknowledged at a time, so a flooding server can
// never queue up more than the webview draws. While the panel is hidden nothing is posted and the log
// keeps capturing; the webview asks for whatever pages it lacks once it is back.
import { encodeEntryList, encodeEntryRange, exactArrayBuffer } from '../../shared/entryBatch';
import { Direction, type HandshakeInfo, type TlsInfo } from '../../shared/logModel';
import { MessageHandler, RequestError, toErrorInfo } from '../../shared/messageHandler';
import { hostIncoming } from '../../shared/messageSchema';
import type {
  HostEvents,
  HostRequests,
  PanelSessionInfo,
  PanelSettings,
  PanelSnapshot,
  PanelStats,
  ToWebviewMessage,
  WebviewEvents,
  WebviewRequests,
} from '../../shared/protocol';
import type { Connection, WebSocketConnection } from '../core/connection/connectionTypes';
import { Disposable, Emitter, toDisposable, type Event, type IDisposable } from '../core/base/dispose';
import type { EntryLog } from '../core/log/entryLog';
import { FramedLog } from '../core/framing/framedLog';
import { encodeFramed } from '../core/framing/framerEncoder';
import { framerSpecFromJson, framerSpecToJson, sameFramer, type FramerSpec } from '../../shared/framerSpec';
import { ComposerLists } from './composerLists';
import { payloadAs, payloadResult, requireOpen, requirePayload, sendComposerMessage } from './sendAndPayload';
import { FilterScan } from './filterScan';
import { frameRecorder, framesResult } from './wireFrameQueries';
import { payloadFileName } from './payloadFileName';
import { compileFilter, type CompiledFilter } from './logFilter';
import { PatternRunner } from '../core/patterns/patternRunner';
import { MatchAccumulator } from './matchAccumulator';
import { PanelTiming } from './panelTiming';
import { RateMeter } from './rateMeter';
import { ProxyController } from './proxyController';
import { ServerController } from './serverController';

/** What only the extension can do for the panel. */
export interface PanelCallbacks {
  /** Connects again (or for the first time). May return a new Connection, which the panel then shows. */
  connect(): Connection | void | Promise<Connection | void>;
  /** Drops the connection. */
  disconnect(): void | Promise<void>;
  /** Puts text on the system clipboard. */
  writeClipboard(text: string): void | Promise<void>;
  /** Runs Save Session or Replay Sent Messages for this panel; absent where sessions are not available. */
  sessionCommand?(command: 'save' | 'replay'): void | Promise<void>;
  /** Asks where to save an entry's full payload and writes it; false when the user cancelled. Absent where files cannot be written. */
  savePayload?(payload: Uint8Array, suggestedName: string): boolean | Promise<boolean>;
}

/** Tuning of batching and scanning; the defaults suit an interactive panel. */
export interface PanelControllerOptions {
  /** Longest an appended entry waits before it is posted, ms. */
  readonly flushIntervalMs?: number;
  /** Most entries in one batch; a full batch is posted at once. */
  readonly maxBatchEntries?: number;
  /** Batches posted but not yet acknowledged before the host waits; a backlog beyond what they can carry is cut to the newest entries. */
  readonly maxInFlightBatches?: number;
  /**
   * Most entries per second posted live; beyond it the newest are posted and older ones paged on
   * demand, so a flood of millions per second costs the extension host a bounded share of its time.
   */
  readonly maxEntriesPerSecond?: number;
  /** Payload bytes per entry carried in batches and pages (the row preview). */
  readonly previewBytes?: number;
  /** How often counters (and the message rate) are refreshed, ms. */
  readonly statsIntervalMs?: number;
  /** Longest one slice of a filter scan runs before yielding, ms. */
  readonly filterSliceMs?: number;
  /** While a filter scans the log, matches of its slices are posted together at most this often, ms. */
  readonly filterPostIntervalMs?: number;
  /** Longest one slice of request/response pairing runs before yielding, ms. */
  readonly timingSliceMs?: number;
  /** Where diagnostics go. Default console.warn. */
  readonly log?: (line: string) => void;
  /** User settings passed to the webview in every snapshot. */
  readonly settings?: PanelSettings;
  /** The session file details at the time of a snapshot. */
  readonly session?: () => PanelSessionInfo;
}

/** Posts a message to the webview. */
export type PostToWebview = (message: ToWebviewMessage) => void;

const DEFAULTS = {
  flushIntervalMs: 16,
  // 4 × 8,000 entries in flight: a flood of 200k/s keeps flowing through a webview round trip of up to
  // 160 ms. Fewer, bigger batches let a busy page take more: bench delivery at 100k/s 0.80 → 0.96–0.99
  // of entries, at 200k/s 0.41–0.47 → 0.63–0.73, against 16 × 2,000 (and 2 × 16,000 or 8 × 4,000 did
  // worse). That was measured through the bench's earlier bridge, whose DevTools overhead was per
  // message; with it fixed the page takes 200k/s in full (bench/README.md). Below about 500k entries/s
  // a batch goes out every flush interval anyway.
  maxBatchEntries: 8000,
  maxInFlightBatches: 4,
  // Above what anyone can read, and above the 200k/s the panel must deliver in full (issue #6).
  maxEntriesPerSecond: 250_000,
  previewBytes: 256,
  statsIntervalMs: 500,
  filterSliceMs: 8,
  // Each post costs the webview a message and a redraw (and the rows in view a fetch): a scan of a
  // million entries in 8 ms slices posted 60 times took several times as long as the scan (bench/).
  filterPostIntervalMs: 100,
  timingSliceMs: 8,
};

function isWebSocket(c: Connection): c is WebSocketConnection {
  // A server's own log (kind 'ws' for a WebSocket listener) is not one WebSocket.
  return c.kind === 'ws' && !ServerController.accepts(c);
}

/** A copy safe to post: no Node Buffer (serialized as JSON) and no view of a pooled buffer. */
function handshakeForWebview(h: HandshakeInfo): HandshakeInfo {
  const { responseBody, ...rest } = h;
  return responseBody ? { ...rest, responseBody: new Uint8Array(exactArrayBuffer(responseBody)) } : rest;
}

/** The host side of one panel: serves the webview's requests and streams the connection's log to it. */
export class PanelController extends Disposable {
  private conn: Connection;
  private readonly channel: MessageHandler<HostRequests, HostEvents, WebviewRequests, WebviewEvents>;
  private readonly opts: typeof DEFAULTS;
  private readonly log: (line: string) => void;
  private readonly lists = new ComposerLists();
  private readonly settings: PanelSettings | undefined;
  private readonly sessionInfo: (() => PanelSessionInfo) | undefined;
  private readonly rate = new RateMeter();
  private readonly timing: PanelTiming;
  private connectionSubscriptions: IDisposable[] = [];
  private readonly connectionEmitter = this.register(new Emitter<Connection>());
  /** Fires when the panel starts showing another connection (see attach). */
  readonly onDidChangeConnection: Event<Connection> = this.connectionEmitter.event;

  /** The webview answered `ready` (it has a snapshot and wants live updates). */
  private ready = false;
  private visible = true;
  /** Seqs before this one were posted (or deliberately skipped) to the current webview. */
  private sentUpTo = 0;
  private inFlight = 0;
  /** Entries that may be posted now under maxEntriesPerSecond, and when it was last topped up. */
  private allowance = Infinity;
  private allowanceAt = 0;
  private lastPostAt = -Infinity;
  private nextBatchId = 1;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushImmediate: ReturnType<typeof setImmediate> | undefined;
  private pendingEntries = 0;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private lastStatsKey = '';
  private filterScan: FilterScan | undefined;
  private filterImmediate: ReturnType<typeof setImmediate> | undefined;
  private sentHandshake: HandshakeInfo | undefined;
  private sentTls: TlsInfo | undefined;
  private filterScanFilter: CompiledFilter | undefined;
  /** Matches found but not yet posted, and when matches were last posted (undefined: not yet). */
  private readonly filterPending = new MatchAccumulator();
  private filterPostedAt: number | undefined;
  /** Runs a filter's regular expression off the host's thread (its worker starts on first use). */
  private readonly filterPatterns = this.register(new PatternRunner());
  /** The connection changed while hidden: a retained webview gets a snapshot when shown. */
  private snapshotOwed = false;
  /** How TCP data is split into messages for display and on send; undefined shows raw chunks. */
  private framer: FramerSpec | undefined;
  private framedLog: FramedLog | undefined;
  /** The user's automatic-pong choice, carried over to the connection a reconnect makes. */
  private autoPong: boolean | undefined;
  /** Set while the panel shows a server session: its peers, and which log is on screen. */
  private server: ServerController | undefined;
  private sentPeersVersion = -1;
  private sentAutoRepliesVersion = 0;
  /** The proxy pair on screen, if any: hold switches and held list. */
  private readonly proxy = this.register(new ProxyController(() => this.scheduleFlush()));
  private sentProxyVersion = -1;

  constructor(
    connection: Connection,
    post: PostToWebview,
    private readonly callbacks: PanelCallbacks,
    options: PanelControllerOptions = {},
  ) {
    super();
    this.conn = connection;
    this.log = options.log ?? ((line) => console.warn(`[socket-inspector] ${line}`));
    this.settings = options.settings;
    this.sessionInfo = options.session;
    this.opts = {
      flushIntervalMs: options.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
      maxBatchEntries: Math.max(1, options.maxBatchEntries ?? DEFAULTS.maxBatchEntries),
      maxInFlightBatches: Math.max(1, options.maxInFlightBatches ?? DEFAULTS.maxInFlightBatches),
      maxEntriesPerSecond: Math.max(1, options.maxEntriesPerSecond ?? DEFAULTS.maxEntriesPerSecond),
      previewBytes: Math.max(0, options.previewBytes ?? DEFAULTS.previewBytes),
      statsIntervalMs: options.statsIntervalMs ?? DEFAULTS.statsIntervalMs,
      filterSliceMs: options.filterSliceMs ?? DEFAULTS.filterSliceMs,
      filterPostIntervalMs: options.filterPostIntervalMs ?? DEFAULTS.filterPostIntervalMs,
      timingSliceMs: options.timingSliceMs ?? DEFAULTS.timingSliceMs,
    };
    this.timing = this.register(new PanelTiming(this.opts.timingSliceMs));
    this.channel = new MessageHandler<HostRequests, HostEvents, WebviewRequests, WebviewEvents>({
      post: post as (m: object) => void,
      schemas: hostIncoming,
      onProblem: (p) => this.log(p),
      requests: {
        ready: () => this.onReady(),
        getRange: ({ fromSeq, count }) => ({
          batch: encodeEntryRange(this.shownLog, fromSeq, fromSeq + count, this.opts.previewBytes),
        }),
        getEntries: ({ seqs }) => ({ batch: encodeEntryList(this.shownLog, new Float64Array(seqs), this.opts.previewBytes) }),
        getPayload: ({ seq, limit }) => payloadResult({ log: this.shownLog }, seq, limit),
        setFilter: ({ generation, filter }) => {
          this.setFilter(generation, filter);
          return {};
        },
        send: ({ framed, fragments, broadcast, inject, ...message }) => {
          let result: { bytes: number; peers?: number };
          if (broadcast) result = this.requireServer('broadcast').broadcast(message);
          else if (inject) result = { bytes: this.proxy.inject(message, inject) };
          else {
            const framing = framed ? this.requireFraming() : undefined;
            const bytes = sendComposerMessage(this.conn, message, {
              ...(framing ? { frame: (payload: Uint8Array) => encodeFramed(framing, payload) } : {}),
              ...(fragments !== undefined ? { fragments } : {}),
            });
            result = { bytes };
          }
          this.lists.recordSent(message);
          this.postLists();
          return result;
        },
        setFraming: ({ spec }) => {
          this.setFraming(spec === null ? undefined : framerSpecFromJson(spec));
          return {};
        },
        pong: ({ payload }) => {
          this.requireFrames('Pong').pong(new TextEncoder().encode(payload));
          return {};
        },
        setAutoPong: ({ enabled }) => {
          this.autoPong = enabled;
          this.requireFrames('Automatic pong').setAutoPong(enabled);
          return {};
        },
        getFrames: ({ seq }) => framesResult(this.conn, seq),
        ping: ({ payload }) => {
          const c = this.conn;
          if (this.server && !this.server.showsPeer) throw new RequestError({ message: 'Choose a peer to ping it.', code: 'NOT_A_PEER' });
          if (!isWebSocket(c)) throw new RequestError({ message: 'Ping is a WebSocket control frame; this is a TCP connection.', code: 'PROTOCOL' });
          c.ping(new TextEncoder().encode(payload));
          return {};
        },
        close: ({ code, reason }) => {
          if (this.server && !this.server.showsPeer) throw new RequestError({ message: 'Choose a peer to close it; Stop stops the server.', code: 'NOT_A_PEER' });
          requireOpen(this.conn, 'close');
          this.conn.close(code, reason);
          return {};
        },
        clear: () => {
          // The raw log is the record; clearing it clears the framed view too.
          this.conn.log.clear();
          return {};
        },
        connect: async () => {
          if (this.server?.showsPeer) {
            throw new RequestError({ message: 'A peer cannot be reconnected from here: it is the client that connects.', code: 'NOT_A_CONNECTION' });
          }
          const next = await this.callbacks.connect();
          if (next && next !== this.conn) this.attach(next);
          return {};
        },
        disconnect: async () => {
          // On a server panel showing a peer, Disconnect drops that peer; on the server's log it stops the server.
          if (this.server?.showsPeer) this.conn.close();
          else await this.callbacks.disconnect();
          return {};
        },
        copy: async ({ seq, as }) => {
          const text = payloadAs(requirePayload({ log: this.shownLog }, seq), as);
          await this.callbacks.writeClipboard(text);
          return { chars: text.length };
        },
        savePayload: async ({ seq }) => {
          if (!this.callbacks.savePayload) throw new RequestError({ message: 'Saving to a file is not available here.', code: 'UNSUPPORTED' });
          const payload = requirePayload(this.conn, seq);
          const name = payloadFileName(seq, this.conn.log.direction(seq), this.conn.log.kind(seq), payload);
          const saved = await this.callbacks.savePayload(payload, name);
          return { saved, bytes: payload.length };
        },
        saveMessage: ({ name, format, input, escapes }) => {
          const id = this.lists.save(name, { format, input, escapes });
          this.postLists();
          return { id };
        },
        getTiming: ({ seq }) => {
          requirePayload({ log: this.shownLog }, seq);
          return this.timing.entry(seq);
        },
        setPairing: ({ field }) => {
          const problem = this.setPairingField(field);
          if (problem) throw new RequestError({ message: problem, code: 'BAD_FIELD' });
          return {};
        },
        sessionCommand: async ({ command }) => {
          if (!this.callbacks.sessionCommand || this.server) throw new RequestError({ message: 'Sessions are not available here.', code: 'UNSUPPORTED' });
          await this.callbacks.sessionCommand(command);
          return {};
        },
        deleteSaved: ({ id }) => {
          if (!this.lists.delete(id)) throw new RequestError({ message: 'That saved message no longer exists.', code: 'GONE' });
          this.postLists();
          return {};
        },
        selectPeer: ({ peer, followNewest }) => {
          this.requireServer('choose a peer').select(peer, followNewest);
          return {};
        },
        setAutoReplies: ({ rules }) => this.requireServer('set auto-replies').setAutoReplies(rules),
        setHold: ({ toServer, toClient }) => {
          this.proxy.setHold(toServer, toClient);
          return {};
        },
        getHeld: ({ id }) => ({ payload: this.proxy.held(id) }),
        releaseHeld: ({ id, replacement }) => ({ bytes: this.proxy.release(id, replacement) }),
        dropHeld: ({ id }) => {
          this.proxy.drop(id);
          return {};
        },
        heldAll: ({ action }) => {
          this.proxy.all(action);
          return {};
        },
      },
      events: {
        ack: () => {
          this.inFlight = Math.max(0, this.inFlight - 1);
          const backlog = this.shownLog.nextSeq - this.sentUpTo;
          // A full batch waiting goes out at once; a partial one waits for the flush interval.
          if (backlog >= this.opts.maxBatchEntries && this.live) this.flushImmediate ??= setImmediate(() => this.flush());
          else if (backlog > 0) this.scheduleFlush();
        },
        webviewError: ({ message }) => this.log(`webview: ${message}`),
      },
    });
    this.register(toDisposable(() => this.channel.dispose()));
    this.register(toDisposable(() => this.stopTimers()));
    this.register(toDisposable(() => this.unsubscribeConnection()));
    this.register(toDisposable(() => this.framedLog?.dispose()));
    this.register(toDisposable(() => this.server?.dispose()));
    this.subscribeConnection();
    if (ServerController.accepts(connection)) this.server = this.createServerView(connection);
  }

  /** The connection the panel currently shows (on a server panel: the peer shown, or the server's own). */
  get connection(): Connection {
    return this.conn;
  }

  /** The JSON field path requests and responses are paired by; empty when pairing is off. */
  get pairingField(): string {
    return this.timing.field;
  }

  /** Pairs requests and responses by a JSON field path (empty: off); returns why a path cannot be used. */
  setPairingField(field: string): string | undefined {
    return this.timing.setField(field);
  }

  /** The framer the panel reads TCP data with, or undefined for raw chunks. */
  get framing(): FramerSpec | undefined {
    return this.framer;
  }

  /**
   * Shows the TCP log split into messages by `spec` (undefined: raw chunks) and frames sent messages
   * with it on request. The webview starts over from a snapshot. Throws for a WebSocket connection.
   */
  setFraming(spec: FramerSpec | undefined): void {
    if (spec && this.conn.kind !== 'tcp') {
      throw new RequestError({ message: 'Framing applies to TCP connections; WebSocket messages are framed by the protocol already.', code: 'PROTOCOL' });
    }
    if (sameFramer(spec, this.framer)) return;
    this.framer = spec;
    this.unsubscribeConnection();
    this.rebuildFramedLog();
    this.subscribeConnection();
    this.restartWebview();
  }

  /** What the panel was given: the connection, or the server session's Connection on a server panel. */
  get root(): Connection {
    return this.server?.root ?? this.conn;
  }

  /** The composer's sent history and saved messages (a session file loads and saves the latter). */
  get composerLists(): ComposerLists {
    return this.lists;
  }

  /** Tells the webview the composer lists changed (after the owner edited them). */
  notifyComposerLists(): void {
    this.postLists();
  }

  /** Feeds one message from the webview. */
  handleMessage(message: unknown): void {
    this.channel.handleMessage(message);
  }

  /** Tells the controller whether the panel is visible; nothing is posted while it is hidden. */
  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    if (!visible) {
      this.stopTimers();
      return;
    }
    if (this.ready) {
      this.startStatsTimer();
      if (this.snapshotOwed) {
        this.snapshotOwed = false;
        this.resetWebviewState();
        this.channel.sendEvent('snapshot', { snapshot: this.snapshot() });
        return;
      }
      this.postConnectionChanges();
      this.scheduleFlush();
    }
  }

  /** Shows another connection in this panel (after a reconnect); the webview starts over. */
  attach(connection: Connection): void {
    if (connection === this.root) return;
    if (ServerController.accepts(connection)) {
      if (this.server) this.server.rebind(connection);
      else this.server = this.createServerView(connection);
    } else if (this.server) {
      this.server.dispose();
      this.server = undefined;
    }
    this.show(connection);
    this.connectionEmitter.fire(connection);
  }

  // ------------------------------------------------------------------------------------------------

  private createServerView(root: Connection): ServerController {
    return new ServerController(root, {
      show: (c) => this.show(c),
      changed: () => this.scheduleFlush(),
    });
  }

  private requireServer(action: string): ServerController {
    if (!this.server) throw new RequestError({ message: `Cannot ${action}: this panel shows a single connection, not a server.`, code: 'UNSUPPORTED' });
    return this.server;
  }

  /** Puts `connection`'s log on screen; the webview starts over from a snapshot. */
  private show(connection: Connection): void {
    if (connection === this.conn) return;
    this.unsubscribeConnection();
    this.conn = connection;
    // The framing choice belongs to the panel: a reconnected TCP connection is read the same way.
    if (connection.kind !== 'tcp') this.framer = undefined;
    this.rebuildFramedLog();
    if (this.autoPong !== undefined) frameRecorder(connection)?.setAutoPong(this.autoPong);
    this.subscribeConnection();
    this.restartWebview();
  }

  // ------------------------------------------------------------------------------------------------

  /** The log the webview shows: the framed view when a framer is chosen, else the raw log. */
  private get shownLog(): EntryLog {
    return this.framedLog?.log ?? this.conn.log;
  }

  private rebuildFramedLog(): void {
    this.framedLog?.dispose();
    this.framedLog = this.framer && this.conn.kind === 'tcp' ? new FramedLog(this.conn.log, this.framer, { connection: this.conn }) : undefined;
  }

  private requireFraming(): FramerSpec {
    if (!this.framer) {
      throw new RequestError({ message: 'Adding framing on send needs a framer: choose one under View as.', code: 'PROTOCOL' });
    }
    return this.framer;
  }

  /** The webview starts over from a snapshot (another connection, another view of the log). */
  private restartWebview(): void {
    this.rate.reset();
    if (!this.ready) return;
    this.resetWebviewState();
    if (this.live) this.channel.sendEvent('snapshot', { snapshot: this.snapshot() });
    else this.snapshotOwed = true;
  }

  /** The connection as a live WebSocket, or a PROTOCOL error naming what needs one. */
  private requireFrames(what: string): WebSocketConnection {
    const ws = frameRecorder(this.conn);
    if (!ws) throw new RequestError({ message: `${what} is a WebSocket feature; this connection is not one.`, code: 'PROTOCOL' });
    return ws;
  }

  private get live(): boolean {
    return this.ready && this.visible && !this.isDisposed;
  }

  private subscribeConnection(): void {
    const c = this.conn;
    const log = this.shownLog;
    this.proxy.track(this.root, c);
    // Pairs are made in the log the webview shows (framed TCP messages when a framer is chosen).
    this.timing.attach(log);
    this.connectionSubscriptions = [
      log.onDidAppend(() => {
        this.timing.onAppend();
        this.onAppend();
      }),
      log.onDidClear(() => this.onClear()),
      c.onDidChangeState(() => this.onStateChange()),
    ];
  }

  private unsubscribeConnection(): void {
    for (const d of this.connectionSubscriptions) d.dispose();
    this.connectionSubscriptions = [];
  }

  private onReady(): PanelSnapshot {
    this.ready = true;
    this.snapshotOwed = false;
    this.resetWebviewState();
    if (this.visible) this.startStatsTimer();
    return this.snapshot();
  }

  /** Forgets what the (new) webview was sent: it starts from the snapshot. */
  private resetWebviewState(): void {
    this.sentUpTo = this.shownLog.nextSeq;
    this.inFlight = 0;
    this.pendingEntries = 0;
    this.cancelFilter();
    this.sentHandshake = this.conn.handshake;
    this.sentTls = this.conn.tls;
    this.sentPeersVersion = this.server?.version ?? -1;
    this.sentAutoRepliesVersion = this.server?.autoRepliesVersion ?? 0;
    this.sentProxyVersion = this.proxy.version;
    this.lastStatsKey = '';
  }

  private snapshot(): PanelSnapshot {
    const c = this.conn;
    const ws = isWebSocket(c) ? c : undefined;
    return {
      connectionKind: c.kind,
      target: c.target,
      state: c.state,
      ...(c.lastError ? { error: toErrorInfo(c.lastError) } : {}),
      ...(c.handshake ? { handshake: handshakeForWebview(c.handshake) } : {}),
      ...(c.tls ? { tls: c.tls } : {}),
      ...(ws ? { protocol: ws.protocol, extensions: ws.extensions } : {}),
      ...(frameRecorder(c) ? { autoPong: frameRecorder(c)!.autoPong } : {}),
      stats: this.stats(),
      history: [...this.lists.history],
      saved: [...this.lists.saved],
      previewBytes: this.opts.previewBytes,
      ...(this.settings ? { settings: this.settings } : {}),
      // Server sessions are not saved to session files (yet).
      ...(this.sessionInfo && !this.server ? { session: this.sessionInfo() } : {}),
      ...(this.framer ? { framing: framerSpecToJson(this.framer) } : {}),
      ...(this.server ? { peers: this.server.info() } : {}),
      ...(this.server?.autoReplies() ? { autoReplies: this.server.autoReplies() } : {}),
      ...(this.proxy.info() ? { proxy: this.proxy.info()! } : {}),
    };
  }

  private stats(): PanelStats {
    const log = this.shownLog;
    return {
      firstSeq: log.firstSeq,
      nextSeq: log.nextSeq,
      in: log.totals(Direction.In),
      out: log.totals(Direction.Out),
      droppedEntries: log.dropped.entries,
      messagesPerSecond: Math.round(this.rate.rate() * 10) / 10,
      timing: this.timing.summary(),
    };
  }

  private sampleRate(): void {
    const log = this.shownLog;
    this.rate.sample(log.totals(Direction.In).entries + log.totals(Direction.Out).entries, performance.now());
  }

  private onAppend(): void {
    if (!this.live) return;
    this.pendingEntries++;
    if (this.pendingEntries >= this.opts.maxBatchEntries) {
      // A full batch goes out as soon as the current I/O callback is done.
      this.flushImmediate ??= setImmediate(() => this.flush());
    } else {
      this.flushTimer ??= setTimeout(() => this.flush(), this.opts.flushIntervalMs);
    }
  }

  private scheduleFlush(): void {
    if (!this.live) return;
    this.flushTimer ??= setTimeout(() => this.flush(), this.opts.flushIntervalMs);
  }

  private flush(): void {
    this.clearFlushTimers();
    if (!this.live) return;
    this.postConnectionChanges();
    if (this.filterScan && !this.filterImmediate) this.pumpFilter();
    const free = this.opts.maxInFlightBatches - this.inFlight;
    if (free <= 0) return; // resumed by the next ack
    const now = performance.now();
    const room = free * this.opts.maxBatchEntries;
    this.allowance = Math.min(room, this.allowance + ((now - this.allowanceAt) * this.opts.maxEntriesPerSecond) / 1000);
    this.allowanceAt = now;
    const log = this.shownLog;
    const to = log.nextSeq;
    // Everything pending goes out, in as many batches as the webview may have unacknowledged and the
    // rate allows; a backlog beyond that (slow webview, long pause, a flood) is cut to the newest
    // entries, and older ones are paged on demand.
    const budget = Math.floor(this.allowance);
    if (budget <= 0 || (budget < Math.min(this.opts.maxBatchEntries, to - this.sentUpTo) && now - this.lastPostAt < this.opts.flushIntervalMs)) {
      // Held back by the rate: one batch per flush interval rather than many small ones.
      this.scheduleFlush();
      return;
    }
    let from = Math.max(this.sentUpTo, log.firstSeq, to - budget);
    this.pendingEntries = 0;
    if (from >= to) return;
    this.allowance -= to - from;
    this.lastPostAt = now;
    this.sampleRate();
    while (from < to) {
      const end = Math.min(to, from + this.opts.maxBatchEntries);
      const batch = encodeEntryRange(log, from, end, this.opts.previewBytes);
      this.sentUpTo = end;
      this.inFlight++;
      const stats = this.stats();
      this.lastStatsKey = statsKey(stats);
      this.channel.sendEvent('entries', { batchId: this.nextBatchId++, batch, stats });
      from = end;
    }
  }

  private clearFlushTimers(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushTimer = undefined;
    this.flushImmediate = undefined;
  }

  private startStatsTimer(): void {
    if (this.statsTimer || this.opts.statsIntervalMs <= 0) return;
    this.statsTimer = setInterval(() => this.postStats(), this.opts.statsIntervalMs);
  }

  private stopTimers(): void {
    this.clearFlushTimers();
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    if (this.filterImmediate) clearImmediate(this.filterImmediate);
    this.filterImmediate = undefined;
  }

  private postStats(): void {
    if (!this.live) return;
    this.sampleRate();
    const stats = this.stats();
    const key = statsKey(stats);
    if (key === this.lastStatsKey) return;
    this.lastStatsKey = key;
    this.channel.sendEvent('stats', { stats });
  }

  private onClear(): void {
    this.rate.reset();
    this.timing.onClear();
    if (!this.ready) return;
    this.sentUpTo = this.shownLog.nextSeq;
    this.pendingEntries = 0;
    if (this.filterScan) {
      // Matches so far referred to forgotten entries; the webview drops them on `cleared`.
      this.filterPending.clear();
      this.filterScan = new FilterScan(this.filterScan.generation, this.filterScanFilter!, this.shownLog.nextSeq);
    }
    if (this.live) this.channel.sendEvent('cleared', { stats: this.stats() });
    else this.snapshotOwed = true;
  }

  private onStateChange(): void {
    if (!this.live) return;
    const c = this.conn;
    const ws = isWebSocket(c) ? c : undefined;
    this.channel.sendEvent('state', {
      state: c.state,
      ...(c.lastError ? { error: toErrorInfo(c.lastError) } : {}),
      ...(ws ? { protocol: ws.protocol, extensions: ws.extensions } : {}),
    });
    this.postConnectionChanges();
    this.scheduleFlush();
  }

  /** Posts the handshake, TLS details and peer list when they appeared or changed since last posted. */
  private postConnectionChanges(): void {
    const c = this.conn;
    if (this.server && this.server.version !== this.sentPeersVersion) {
      this.sentPeersVersion = this.server.version;
      this.channel.sendEvent('peers', { peers: this.server.info() });
    }
    if (this.server && this.server.autoRepliesVersion !== this.sentAutoRepliesVersion) {
      this.sentAutoRepliesVersion = this.server.autoRepliesVersion;
      const autoReplies = this.server.autoReplies();
      if (autoReplies) this.channel.sendEvent('autoReplies', { autoReplies });
    }
    const proxy = this.proxy.version !== this.sentProxyVersion ? this.proxy.info() : undefined;
    this.sentProxyVersion = this.proxy.version;
    if (proxy) this.channel.sendEvent('held', { proxy });
    if (c.handshake && c.handshake !== this.sentHandshake) {
      this.sentHandshake = c.handshake;
      this.channel.sendEvent('handshake', { handshake: handshakeForWebview(c.handshake) });
    }
    if (c.tls && c.tls !== this.sentTls) {
      this.sentTls = c.tls;
      this.channel.sendEvent('tls', { tls: c.tls });
    }
  }

  // --- filter --------------------------------------------------------------------------------------

  private setFilter(generation: number, spec: WebviewRequests['setFilter']['params']['filter']): void {
    this.cancelFilter();
    if (!spec) return;
    const compiled = compileFilter(spec);
    if (!compiled.ok) throw new RequestError({ message: compiled.message, code: 'BAD_FILTER' });
    this.filterScanFilter = compiled.filter;
    this.filterScan = new FilterScan(generation, compiled.filter, this.shownLog.firstSeq);
    this.filterImmediate = setImmediate(() => this.pumpFilter());
  }

  private cancelFilter(): void {
    if (this.filterImmediate) clearImmediate(this.filterImmediate);
    this.filterImmediate = undefined;
    this.filterScan = undefined;
    this.filterScanFilter = undefined;
    this.filterPending.clear();
    this.filterPostedAt = undefined;
  }

  /** Runs one slice of the filter and posts what it found; reschedules itself until caught up. */
  private pumpFilter(): void {
    this.filterImmediate = undefined;
    const scan = this.filterScan;
    if (!scan || !this.live || scan.busy) return;
    const log = this.shownLog;
    const wasCaughtUp = scan.isCaughtUp(log);
    if (wasCaughtUp) return;
    // Entries below the log's first seq were evicted before the scan reached them: not part of the bitmap.
    const from = Math.max(scan.scannedTo, log.firstSeq);
    this.filterPending.begin(from);
    if (scan.offThread) {
      scan.advanceOffThread(log, this.opts.filterSliceMs, this.filterPatterns).then(
        (slice) => {
          if (this.filterScan !== scan) return;
          if (!this.live) return scan.rewind(from);
          slice.markInto(this.filterPending);
          if (slice.tooSlowAt === undefined) this.postFilterSlice(scan);
          else this.stopFilter(scan, `This pattern took too long on message #${slice.tooSlowAt}; it is off.`);
        },
        (e: unknown) => {
          if (this.filterScan === scan) this.stopFilter(scan, `The filter stopped: ${(e as Error).message}`);
        },
      );
      return;
    }
    scan.advanceInto(log, this.opts.filterSliceMs, this.filterPending);
    this.postFilterSlice(scan);
  }

  private postFilterSlice(scan: FilterScan): void {
    const done = scan.isCaughtUp(this.shownLog);
    // The first slice goes out at once (the first screen of matches), then at most one post per
    // interval while scanning; the last one when caught up.
    const now = performance.now();
    if (done || this.filterPostedAt === undefined || now - this.filterPostedAt >= this.opts.filterPostIntervalMs) {
      this.filterPostedAt = now;
      this.channel.sendEvent('filterMatches', {
        generation: scan.generation,
        bits: this.filterPending.take(scan.scannedTo),
        scannedTo: scan.scannedTo,
        done,
      });
    }
    if (!done) this.filterImmediate = setImmediate(() => this.pumpFilter());
  }

  /** Turns the filter off (its pattern took too long) and tells the webview why. */
  private stopFilter(scan: FilterScan, message: string): void {
    this.cancelFilter();
    this.channel.sendEvent('filterOff', { generation: scan.generation, message });
  }

  private postLists(): void {
    if (!this.live) return;
    this.channel.sendEvent('composerLists', { history: [...this.lists.history], saved: [...this.lists.saved] });
  }
}

function statsKey(s: PanelStats): string {
  return `${s.firstSeq}/${s.nextSeq}/${s.in.entries}/${s.in.bytes}/${s.out.entries}/${s.out.bytes}/${s.droppedEntries}/${s.messagesPerSecond}/${JSON.stringify(s.timing)}`;
}
