// The host side of one inspector panel, as a coordinator. It imports nothing from `vscode`, so it runs
// (and is tested) in plain Node: it is given a connection, a way to post to the webview, and callbacks
// for what only the extension can do (reconnect, clipboard, files).
//
// It owns what the webview is shown (which connection, which view of its log) and whether the webview
// is live (ready and visible); it answers `ready` with a snapshot and posts what changed about the
// connection. The rest is done by its parts: LogStream streams the log under flow control, PanelFilter
// scans it, PanelTiming pairs requests and responses, ServerController and ProxyController follow a
// server's peers and a proxy pair's hold queue, and each feature's request handlers live in a module of
// their own (sendHandlers, payloadHandlers, connectionHandlers, filterHandlers, timingHandlers,
// serverHandlers, proxyHandlers, decodeHandlers), beside their slice of the protocol in shared/protocol/.
// PanelFraming splits TCP data into messages. PanelDecoding reads the messages beyond bytes (protocol layer, payload codecs) when rows are shown; its
// members for the extension are inherited from DecodingPanel. The snapshot is built by panelSnapshot.ts.
// While the panel is hidden nothing is posted and the log keeps capturing; the webview asks for
// whatever pages it lacks once it is back.
import { framerSpecFromJson, sameFramer, type FramerSpec } from '../../shared/framerSpec';
import { MessageHandler, RequestError, type RequestHandlers } from '../../shared/messageHandler';
import { hostIncoming } from '../../shared/messageSchema';
import type {
  HostEvents,
  HostRequests,
  LogRequests,
  PanelRequests,
  PanelSessionInfo,
  PanelSettings,
  PanelSnapshot,
  ToWebviewMessage,
  WebviewEvents,
  WebviewRequests,
} from '../../shared/protocol';
import { Emitter, toDisposable, type Event, type IDisposable } from '../core/base/dispose';
import type { Connection } from '../core/connection/connectionTypes';
import type { EntryLog } from '../core/log/entryLog';
import { ComposerLists } from './composerLists';
import { ConnectionChanges } from './connectionChanges';
import { connectionHandlers } from './connectionHandlers';
import { decodeHandlers } from './decodeHandlers';
import type { DecodeRequests } from '../../shared/protocol/decode';
import type { SendRequests } from '../../shared/protocol/send';
import { DecodingPanel } from './decodingPanel';
import { PanelDecoding, type PanelDecodingOptions } from './panelDecoding';
import { PanelFraming } from './panelFraming';
import { filterHandlers, PanelFilter, type PanelFilterOptions } from './filterHandlers';
import { LogStream, type LogStreamOptions } from './logStream';
import type { PanelCallbacks, PanelContext } from './panelContext';
import { panelSnapshot, stateEvent } from './panelSnapshot';
import { PanelTiming } from './panelTiming';
import { payloadHandlers } from './payloadHandlers';
import { TextRowIndexes } from './textRowIndexes';
import { ProxyController } from './proxyController';
import { proxyHandlers } from './proxyHandlers';
import { postComposerLists, sendHandlers } from './sendHandlers';
import { ServerController } from './serverController';
import { serverHandlers } from './serverHandlers';
import { timingHandlers } from './timingHandlers';
import { frameRecorder } from './wireFrameQueries';

export type { PanelCallbacks } from './panelContext';

/** Tuning of batching and scanning; the defaults suit an interactive panel. */
export interface PanelControllerOptions extends LogStreamOptions, PanelFilterOptions, PanelDecodingOptions {
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

const DEFAULT_TIMING_SLICE_MS = 8;

/** The host side of one panel: serves the webview's requests and streams the connection's log to it. */
export class PanelController extends DecodingPanel {
  private conn: Connection;
  private readonly channel: MessageHandler<HostRequests, HostEvents, WebviewRequests, WebviewEvents>;
  private readonly log: (line: string) => void;
  private readonly lists = new ComposerLists();
  private readonly settings: PanelSettings | undefined;
  private readonly sessionInfo: (() => PanelSessionInfo) | undefined;
  private readonly timing: PanelTiming;
  private readonly stream: LogStream;
  private readonly filter: PanelFilter;
  protected readonly decoding: PanelDecoding;
  protected readonly apiRequests: RequestHandlers<DecodeRequests & SendRequests>;
  /** The panel as its feature modules see it. */
  private readonly context: PanelContext;
  private connectionSubscriptions: IDisposable[] = [];
  private readonly connectionEmitter = this.register(new Emitter<Connection>());
  /** Fires when the panel starts showing another connection (see attach). */
  readonly onDidChangeConnection: Event<Connection> = this.connectionEmitter.event;
  /** The webview answered `ready` (it has a snapshot and wants live updates). */
  private ready = false;
  private visible = true;
  /** The connection changed while hidden: a retained webview gets a snapshot when shown. */
  private snapshotOwed = false;
  private revealOwed: number | undefined;
  /** What of the connection the webview was last told, to post only what changed. */
  private readonly changes = new ConnectionChanges();
  /** How TCP data is split into messages for display and on send, and the framed log it gives. */
  private readonly framed = this.register(new PanelFraming());
  /** The user's automatic-pong choice, carried over to the connection a reconnect makes. */
  private autoPong: boolean | undefined;
  /** Set while the panel shows a server session: its peers, and which log is on screen. */
  private server: ServerController | undefined;
  /** The proxy pair on screen, if any: hold switches and held list. */
  private readonly proxy = this.register(new ProxyController(() => this.stream.scheduleFlush(), () => this.decoding));

  constructor(connection: Connection, post: PostToWebview, private readonly callbacks: PanelCallbacks, options: PanelControllerOptions = {}) {
    super();
    this.conn = connection;
    this.log = options.log ?? ((line) => console.warn(`[socket-inspector] ${line}`));
    this.settings = options.settings;
    this.sessionInfo = options.session;
    this.timing = this.register(new PanelTiming(options.timingSliceMs ?? DEFAULT_TIMING_SLICE_MS));
    const self = this;
    const context: PanelContext = (this.context = {
      get connection() {
        return self.conn;
      },
      get log() {
        return self.shownLog;
      },
      get live() {
        return self.live;
      },
      get events() {
        return self.channel;
      },
      get framer() {
        return self.framed.framer;
      },
      get server() {
        return self.server;
      },
      proxy: this.proxy,
      lists: this.lists,
      callbacks,
      attach: (c) => this.attach(c),
      rememberAutoPong: (enabled) => (this.autoPong = enabled),
    });
    this.decoding = this.register(
      new PanelDecoding(
        context,
        // The layer is spoken on connections we open; a listener's peers and a proxy's legs are only decoded.
        () => !ServerController.accepts(this.root) && this.conn.end === undefined,
        options,
      ),
    );
    this.stream = this.register(
      new LogStream(
        context,
        {
          timing: () => this.timing.summary(),
          beforeFlush: () => {
            this.postConnectionChanges();
            this.filter.resume();
          },
        },
        options,
      ),
    );
    this.filter = this.register(new PanelFilter(context, options, this.decoding));
    this.apiRequests = { ...decodeHandlers(context, this.decoding), ...sendHandlers(context, this.decoding) };
    this.channel = new MessageHandler<HostRequests, HostEvents, WebviewRequests, WebviewEvents>({
      post: post as (m: object) => void,
      schemas: hostIncoming,
      onProblem: (p) => this.log(p),
      requests: {
        ...this.panelHandlers(),
        ...connectionHandlers(context),
        ...payloadHandlers(context, this.register(new TextRowIndexes())),
        ...filterHandlers(this.filter),
        ...timingHandlers(context, this.timing),
        ...serverHandlers(context),
        ...proxyHandlers(this.proxy),
        ...this.apiRequests,
      },
      events: {
        ack: () => this.stream.ack(),
        webviewError: ({ message }) => this.log(`webview: ${message}`),
      },
    });
    for (const end of [() => this.channel.dispose(), () => this.unsubscribeConnection(), () => this.server?.dispose()]) {
      this.register(toDisposable(end));
    }
    this.subscribeConnection();
    if (ServerController.accepts(connection)) this.server = this.createServerController(connection);
    this.decoding.track();
    this.register(this.decoding.onDidChange(() => this.followLayer()));
    this.followLayer();
  }

  /**
   * The layer (chosen, detected, another peer's) marks acknowledgements for timing, and frames TCP packet by
   * packet (MQTT) once, unless a framer was chosen (a session's view); back to raw chunks, it stays so.
   */
  private followLayer(): void {
    this.timing.setAckKeys(this.decoding.ackKeys);
    const spec = this.framed.layerFramer(this.conn, this.decoding.layerId);
    if (spec) this.setFraming(spec);
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
    return this.framed.framer;
  }

  /**
   * Shows the TCP log split into messages by `spec` (undefined: raw chunks) and frames sent messages
   * with it on request. The webview starts over from a snapshot. Throws for a WebSocket connection.
   */
  setFraming(spec: FramerSpec | undefined): void {
    if (spec && this.conn.kind !== 'tcp') {
      throw new RequestError({ message: 'Framing applies to TCP connections; WebSocket messages are framed by the protocol already.', code: 'PROTOCOL' });
    }
    if (sameFramer(spec, this.framed.framer)) return;
    this.framed.set(spec);
    this.unsubscribeConnection();
    this.framed.rebuild(this.conn);
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
    postComposerLists(this.context);
  }

  /** Tells the webview the session file details changed (saved to a file, changed since); a later snapshot has them anyway. */
  sessionChanged(): void {
    if (this.live && this.sessionInfo && !this.server) this.channel.sendEvent('session', { session: this.sessionInfo() });
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
      this.stream.stop();
      this.filter.pause();
      return;
    }
    if (this.ready) {
      this.stream.startStatsTimer();
      if (this.snapshotOwed) {
        this.snapshotOwed = false;
        this.resetWebviewState();
        this.channel.sendEvent('snapshot', { snapshot: this.snapshot() });
        this.decoding.post();
        return;
      }
      this.postConnectionChanges();
      this.stream.scheduleFlush();
    }
  }

  /** Shows another connection in this panel (after a reconnect); the webview starts over. */
  attach(connection: Connection): void {
    if (connection === this.root) return;
    if (ServerController.accepts(connection)) {
      if (this.server) this.server.rebind(connection);
      else this.server = this.createServerController(connection);
    } else if (this.server) {
      this.server.dispose();
      this.server = undefined;
    }
    this.show(connection);
    this.connectionEmitter.fire(connection);
  }

  // ------------------------------------------------------------------------------------------------

  /** The coordinator's own requests: the ready handshake, the log's pages, clearing it, how it is shown, sessions. */
  private panelHandlers(): RequestHandlers<PanelRequests & LogRequests> {
    return {
      ready: () => this.onReady(),
      getRange: ({ fromSeq, count }) => ({ batch: this.stream.page(fromSeq, count) }),
      getEntries: ({ seqs }) => ({ batch: this.stream.list(seqs) }),
      clear: () => {
        // The raw log is the record; clearing it clears the framed view too.
        this.conn.log.clear();
        return {};
      },
      setFraming: ({ spec }) => {
        this.setFraming(spec === null ? undefined : framerSpecFromJson(spec));
        return {};
      },
      sessionCommand: async ({ command, range }) => {
        if (!this.callbacks.sessionCommand || this.server) throw new RequestError({ message: 'Sessions are not available here.', code: 'UNSUPPORTED' });
        await this.callbacks.sessionCommand(command, range);
        return {};
      },
    };
  }

  private createServerController(root: Connection): ServerController {
    return new ServerController(root, {
      show: (c) => this.show(c),
      changed: () => this.stream.scheduleFlush(),
    });
  }

  /** Puts `connection`'s log on screen; the webview starts over from a snapshot. */
  private show(connection: Connection): void {
    if (connection === this.conn) return;
    this.unsubscribeConnection();
    this.conn = connection;
    // The framing choice belongs to the panel: a reconnected TCP connection is read the same way.
    this.framed.rebuild(connection, true);
    if (this.autoPong !== undefined) frameRecorder(connection)?.setAutoPong(this.autoPong);
    this.subscribeConnection();
    this.decoding.track();
    this.restartWebview();
  }

  /** The log the webview shows: the framed view when a framer is chosen, else the raw log. */
  get shownLog(): EntryLog {
    return this.framed.shownLog(this.conn);
  }

  /** The webview starts over from a snapshot (another connection, another view of the log). */
  private restartWebview(): void {
    this.stream.resetRate();
    if (!this.ready) return;
    this.resetWebviewState();
    if (this.live) {
      this.channel.sendEvent('snapshot', { snapshot: this.snapshot() });
      this.decoding.post();
    } else this.snapshotOwed = true;
  }

  private get live(): boolean { return this.ready && this.visible && !this.isDisposed; }

  private subscribeConnection(): void {
    const c = this.conn;
    const log = this.shownLog;
    this.proxy.track(this.root, c);
    // Pairs are made in the log the webview shows (framed TCP messages when a framer is chosen).
    this.timing.attach(log);
    this.connectionSubscriptions = [
      log.onDidAppend(() => {
        this.timing.onAppend();
        this.stream.onAppend();
      }),
      log.onDidClear(() => this.onClear()),
      c.onDidChangeState(() => this.onStateChange()),
      ...(c.onDidChangeDetail ? [c.onDidChangeDetail(() => this.onStateChange())] : []),
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
    if (this.visible) this.stream.startStatsTimer();
    // After the answer to `ready`, which carries the snapshot.
    this.decoding.postSoon();
    return this.snapshot();
  }

  /** Forgets what the (new) webview was sent: it starts from the snapshot. */
  private resetWebviewState(): void {
    this.stream.restart();
    this.filter.cancel();
    this.changes.reset(this.context);
  }

  private snapshot(): PanelSnapshot {
    const { conn, stream, lists, settings, sessionInfo, server, proxy, revealOwed: reveal } = this;
    this.revealOwed = undefined;
    return panelSnapshot({ conn, stream, lists, settings, sessionInfo, framer: this.framed.framer, server, proxy, reveal });
  }

  /** Selects entry `seq` of the log on screen in the webview and scrolls to it: now, or with its next snapshot. */
  reveal(seq: number): void {
    if (this.live) return this.channel.sendEvent('reveal', { seq });
    this.revealOwed = seq;
    // Hidden after ready: the snapshot it gets when shown again carries the entry.
    this.snapshotOwed ||= this.ready;
  }

  private onClear(): void {
    this.stream.onClear();
    this.timing.onClear();
    if (!this.ready) return;
    this.filter.onClear();
    if (this.live) this.channel.sendEvent('cleared', { stats: this.stream.stats() });
    else this.snapshotOwed = true;
  }

  private onStateChange(): void {
    if (!this.live) return;
    const c = this.conn;
    this.channel.sendEvent('state', stateEvent(c));
    this.postConnectionChanges();
    this.stream.scheduleFlush();
  }

  private postConnectionChanges(): void {
    this.changes.post(this.context, this.channel);
  }
}
