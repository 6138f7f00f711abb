// The contract between the inspector panel's host (src/panel/panelController.ts) and its webview
// (webview/main.ts). Both sides import this one file. Every message is a plain object tagged by `type`;
// requests also carry a `requestId` and are answered by exactly one `response`.
// Bytes cross as ArrayBuffer (never a Node Buffer, which postMessage turns into JSON, and never a view
// into a pooled buffer, which would ship the whole pool).
import type { ComposerFormat } from './codecs/composerInput';
import type { FramerSpecJson } from './framerSpec';
import type { AutoReplyRule } from './autoReplyRules';
import type { ConnectionState, DirectionTotals, HandshakeInfo, TlsInfo } from './logModel';
import type { FramesResult } from './wireFrames';
import type { EntryTiming, TimingSummary } from './timingModel';

export type { AutoReplyRule, ComposerFormat, FramerSpecJson };

/** An error as the other side can show it. */
export interface ErrorInfo {
  /** Written for a person: "Invalid hex: 'g' at line 1, column 5 (not a hex digit)". */
  readonly message: string;
  /** Stable code (ErrorCode of the engine, or a protocol code such as BAD_REQUEST). */
  readonly code?: string;
  /** Where in the user's input the problem is, for input errors. */
  readonly position?: { readonly offset: number; readonly line: number; readonly column: number };
}

/** Counters of one panel's log, sent with every batch and on a timer. */
export interface PanelStats {
  /** Oldest retained seq. */
  readonly firstSeq: number;
  /** Seq of the next entry; retained entries are [firstSeq, nextSeq). */
  readonly nextSeq: number;
  /** Received entries and bytes since the connection opened or the log was cleared. */
  readonly in: DirectionTotals;
  /** Sent entries and bytes. */
  readonly out: DirectionTotals;
  /** Entries evicted by the retention cap. */
  readonly droppedEntries: number;
  /** Messages in + out per second, over the last second. */
  readonly messagesPerSecond: number;
  /** Round trips (JSON pairs, pings) and the pairing field; absent from hosts that do not pair. */
  readonly timing?: TimingSummary;
}

/** What the log is filtered by. An empty list means "any". */
export interface FilterSpec {
  /** Case-insensitive substring, or `/regex/flags`; empty matches everything. */
  readonly text: string;
  /** Direction values (0 in, 1 out, 2 meta). */
  readonly directions: readonly number[];
  /** Kind values (see Kind in logModel). */
  readonly kinds: readonly number[];
}

/** Something typed in the composer. */
export interface ComposerMessage {
  readonly format: ComposerFormat;
  readonly input: string;
  /** Text format only: interpret backslash escapes. */
  readonly escapes: boolean;
}

/** A composer message the user saved for this session. */
export interface SavedMessage extends ComposerMessage {
  readonly id: number;
  readonly name: string;
}

/** User settings the webview applies (socketInspector.composer.defaultFormat, socketInspector.log.autoscroll). */
export interface PanelSettings {
  /** Format the composer starts in when it has no draft. */
  readonly defaultFormat: ComposerFormat;
  /** Whether the log follows new entries when the panel opens. */
  readonly autoscroll: boolean;
}

/** The session file a panel shows, for its Save and Replay buttons. */
export interface PanelSessionInfo {
  /** The file's name, when the panel was opened from or saved to one. */
  readonly fileName?: string;
  /** The file holds a recorded log with sent messages to replay. */
  readonly canReplay: boolean;
  /** Untrusted workspace: the file is not written. */
  readonly readOnly: boolean;
}

/** One peer of a server session, as the peer selector lists it. */
export interface PeerSummary {
  /** 1, 2, 3… in accept order. */
  readonly id: number;
  /** The client's host:port. */
  readonly remote: string;
  readonly state: ConnectionState;
}

/** The server session a panel shows (Listen…, Proxy…): its peers and whose log is on screen. */
export interface PeerListInfo {
  readonly mode: 'listen' | 'proxy';
  /** The server itself as a connection state: open while listening. */
  readonly serverState: ConnectionState;
  /** e.g. "Listen ws://127.0.0.1:41234". */
  readonly serverLabel: string;
  /** 0: the server's own log; otherwise the id of the peer shown. */
  readonly selected: number;
  /** The panel switches to each newly accepted peer. */
  readonly followNewest: boolean;
  /** In accept order; the newest MAX_LISTED_PEERS (and the one shown). */
  readonly peers: readonly PeerSummary[];
  /** Older peers left out of `peers`. */
  readonly omitted: number;
  /** How many peers are open. */
  readonly openCount: number;
  /** The session takes auto-reply rules (listeners do). */
  readonly autoReplies: boolean;
}

/** A direction of a proxy pair: toward the upstream server, or toward the client. */
export type ProxyDirectionName = 'toServer' | 'toClient';

/** A message a paused proxy pair holds back, as the held list shows it. */
export interface HeldSummary {
  /** 1, 2, 3… per pair; log notes call it "#id". */
  readonly id: number;
  readonly direction: ProxyDirectionName;
  /** Kind value (Text, Binary, Data). */
  readonly kind: number;
  /** Byte length. */
  readonly size: number;
  /** The first bytes (at most PROXY_PREVIEW_BYTES); getHeld fetches all of them. */
  readonly preview: ArrayBuffer;
}

/** What a panel showing a proxy pair draws beyond the log: which directions are held and what is held. */
export interface ProxyHoldInfo {
  readonly toServer: boolean;
  readonly toClient: boolean;
  /** Oldest first. */
  readonly held: readonly HeldSummary[];
  /** Held messages beyond `held` (not listed). */
  readonly omitted: number;
}

/** Bytes of each held message's preview. */
export const PROXY_PREVIEW_BYTES = 256;
/** Most held messages a list carries. */
export const MAX_LISTED_HELD = 200;

/** Auto-reply rules as last set, and what is wrong with each (null: nothing). */
export interface AutoRepliesInfo {
  readonly rules: readonly AutoReplyRule[];
  readonly problems: ReadonlyArray<string | null>;
}

/** Most peers a peer list carries. */
export const MAX_LISTED_PEERS = 500;

/** Everything the webview needs to draw itself from nothing. */
export interface PanelSnapshot {
  readonly connectionKind: 'ws' | 'tcp';
  readonly target: string;
  readonly state: ConnectionState;
  readonly error?: ErrorInfo;
  readonly handshake?: HandshakeInfo;
  readonly tls?: TlsInfo;
  /** WebSocket subprotocol and extensions the server accepted. */
  readonly protocol?: string;
  readonly extensions?: string;
  /** WebSocket: whether received pings are answered automatically. */
  readonly autoPong?: boolean;
  readonly stats: PanelStats;
  /** Sent messages, oldest first. */
  readonly history: readonly ComposerMessage[];
  readonly saved: readonly SavedMessage[];
  /** Preview bytes per entry in batches and pages; longer payloads are fetched with getPayload. */
  readonly previewBytes: number;
  /** User settings; absent means the webview's defaults. */
  readonly settings?: PanelSettings;
  /** Session file details; absent in panels that cannot save (tests, benches, servers). */
  readonly session?: PanelSessionInfo;
  /** TCP only: the framer the log is shown (and may be sent) with; absent means raw chunks. */
  readonly framing?: FramerSpecJson;
  /** Present when the panel shows a server session; the fields above describe the log on screen. */
  readonly peers?: PeerListInfo;
  /** A listener's auto-reply rules. */
  readonly autoReplies?: AutoRepliesInfo;
  /** Present when the log shown is a proxy pair: Out reads client → server, In server → client. */
  readonly proxy?: ProxyHoldInfo;
}

/** An entry's full payload (up to the requested limit) and its columns. */
export interface PayloadResult {
  readonly seq: number;
  readonly wallTime: number;
  readonly direction: number;
  readonly kind: number;
  readonly code: number;
  /** True byte length; `payload` holds at most the requested limit. */
  readonly length: number;
  readonly payload: ArrayBuffer;
}

/** Largest page a webview may ask for, in entries. */
export const MAX_PAGE_ENTRIES = 4096;
/** Largest payload prefix a webview may ask for, in bytes. */
export const MAX_PAYLOAD_LIMIT = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------
// From the webview to the host

/** Requests the webview sends: params, and the result of the `response` that answers them. */
export type WebviewRequests = {
  /** Sent once the webview has loaded (and again after it was recreated); answered with a snapshot. */
  ready: { params: Record<string, never>; result: PanelSnapshot };
  /** Entries [fromSeq, fromSeq + count) that are still retained, as a packed batch (see entryBatch.ts). */
  getRange: { params: { fromSeq: number; count: number }; result: { batch: ArrayBuffer } };
  /** The listed entries (a Float64Array of seqs) that are still retained, as a packed batch. */
  getEntries: { params: { seqs: ArrayBuffer }; result: { batch: ArrayBuffer } };
  /** One entry's payload, up to `limit` bytes. */
  getPayload: { params: { seq: number; limit: number }; result: PayloadResult };
  /** Replaces the filter (null clears it); matches follow as `filterMatches` events of `generation`. */
  setFilter: { params: { generation: number; filter: FilterSpec | null }; result: Record<string, never> };
  /**
   * Sends what the composer holds; the host validates it again and answers with the bytes sent.
   * `framed`: frame it with the panel's framer first (TCP, see setFraming).
   * WebSocket: `fragments` > 1 sends the message in that many frames.
   * With `broadcast` (server panels), it goes to every open peer and `peers` says how many.
   * With `inject` (proxy pairs), it goes to that side as if the other side had sent it.
   */
  send: {
    params: ComposerMessage & { framed?: boolean; fragments?: number; broadcast?: boolean; inject?: ProxyDirectionName };
    result: { bytes: number; peers?: number };
  };
  /** TCP: shows the log split into messages by this framer (null: raw chunks); a snapshot follows. */
  setFraming: { params: { spec: FramerSpecJson | null }; result: Record<string, never> };
  /** WebSocket ping with an optional UTF-8 payload. */
  ping: { params: { payload: string }; result: Record<string, never> };
  /** WebSocket pong, sent by hand, with an optional UTF-8 payload. */
  pong: { params: { payload: string }; result: Record<string, never> };
  /** WebSocket: answer received pings automatically, or not. */
  setAutoPong: { params: { enabled: boolean }; result: Record<string, never> };
  /** The wire frames of one entry (WebSocket). */
  getFrames: { params: { seq: number }; result: FramesResult };
  /** Closes gracefully: WebSocket close with code (any 0-65535) and reason, TCP end. */
  close: { params: { code: number; reason: string }; result: Record<string, never> };
  /** Forgets every entry of the log. */
  clear: { params: Record<string, never>; result: Record<string, never> };
  /** Opens the connection again (or for the first time). */
  connect: { params: Record<string, never>; result: Record<string, never> };
  /** Drops the connection. */
  disconnect: { params: Record<string, never>; result: Record<string, never> };
  /** Copies one entry's full payload to the clipboard. */
  copy: { params: { seq: number; as: 'text' | 'hex' | 'base64' }; result: { chars: number } };
  /** Saves one entry's full payload (however large) to a file the user picks; `saved` is false if they cancelled. */
  savePayload: { params: { seq: number }; result: { saved: boolean; bytes: number } };
  /** Saves a composer message for this session. */
  saveMessage: { params: { name: string } & ComposerMessage; result: { id: number } };
  /** Deletes a saved message. */
  deleteSaved: { params: { id: number }; result: Record<string, never> };
  /** One entry's time since the previous entry and its request/response pairs. */
  getTiming: { params: { seq: number }; result: EntryTiming };
  /** Pairs requests and responses by this JSON field path ('' turns it off); the summary follows in stats. */
  setPairing: { params: { field: string }; result: Record<string, never> };
  /** Runs a session command for this panel: Save Session, or Replay Sent Messages. */
  sessionCommand: { params: { command: 'save' | 'replay' }; result: Record<string, never> };
  /** Server panels: shows peer `peer` (0: the server's own log); `followNewest` switches to each new peer. */
  selectPeer: { params: { peer: number; followNewest?: boolean }; result: Record<string, never> };
  /** Listener panels: replaces the auto-reply rules; valid enabled ones apply at once. */
  setAutoReplies: { params: { rules: readonly AutoReplyRule[] }; result: AutoRepliesInfo };
  /** Proxy pairs: holds (true) or forwards each direction; resuming forwards what was held. */
  setHold: { params: { toServer: boolean; toClient: boolean }; result: Record<string, never> };
  /** Proxy pairs: a held message's full payload (to edit it). */
  getHeld: { params: { id: number }; result: { payload: ArrayBuffer } };
  /** Proxy pairs: forwards a held message, as received or replaced by `replacement`. */
  releaseHeld: { params: { id: number; replacement?: ComposerMessage }; result: { bytes: number } };
  /** Proxy pairs: discards a held message. */
  dropHeld: { params: { id: number }; result: Record<string, never> };
  /** Proxy pairs: forwards (release) or discards (drop) everything held. */
  heldAll: { params: { action: 'release' | 'drop' }; result: Record<string, never> };
};

/** Events the webview sends (no answer). */
export type WebviewEvents = {
  /** The webview has stored an `entries` batch; the host may send the next one. */
  ack: { batchId: number };
  /** Something failed inside the webview; the host logs it. */
  webviewError: { message: string };
};

// ---------------------------------------------------------------------------------------------------
// From the host to the webview

/** Requests the host sends (none yet; the handler supports them both ways). */
export type HostRequests = Record<never, { params: object; result: unknown }>;

/** Events the host sends. */
export type HostEvents = {
  /** New entries at the tail of the log (at most the newest batch-cap of them) and the new counters. */
  entries: { batchId: number; batch: ArrayBuffer; stats: PanelStats };
  /** Counters changed without new entries (rate decay, eviction). */
  stats: { stats: PanelStats };
  /** The log was cleared. */
  cleared: { stats: PanelStats };
  /** The connection changed state. */
  state: { state: ConnectionState; error?: ErrorInfo; protocol?: string; extensions?: string };
  /** The WebSocket handshake was sent or completed. */
  handshake: { handshake: HandshakeInfo };
  /** The TLS handshake completed. */
  tls: { tls: TlsInfo };
  /** Which entries match filter `generation`: a bitmap over the entries tested since the last one (shared/matchBits.ts). */
  filterMatches: { generation: number; bits: ArrayBuffer; scannedTo: number; done: boolean };
  /** The composer's history or saved messages changed. */
  composerLists: { history: readonly ComposerMessage[]; saved: readonly SavedMessage[] };
  /** The panel now shows a different connection (reconnect, another peer); start over from this snapshot. */
  snapshot: { snapshot: PanelSnapshot };
  /** A server panel's peers changed (accepted, closed) or the server changed state. */
  peers: { peers: PeerListInfo };
  /** The proxy pair shown held or released something, or was paused or resumed. */
  held: { proxy: ProxyHoldInfo };
  /** A listener's rules changed by themselves: a rule was switched off (its pattern took too long). */
  autoReplies: { autoReplies: AutoRepliesInfo };
  /** Filter `generation` was turned off, for the reason `message` says (its pattern took too long). */
  filterOff: { generation: number; message: string };
};

// ---------------------------------------------------------------------------------------------------
// Message shapes derived from the maps above

/** A map of request types to their params and results. */
export type RequestMap = { [type: string]: { params: object; result: unknown } };
/** A map of event types to their params. */
export type EventMap = { [type: string]: object };

/** A request on the wire. */
export type RequestMessage<R extends RequestMap> = {
  [K in keyof R & string]: { type: K; requestId: number } & R[K]['params'];
}[keyof R & string];

/** An event on the wire. */
export type EventMessage<E extends EventMap> = { [K in keyof E & string]: { type: K } & E[K] }[keyof E & string];

/** The answer to a request. */
export type ResponseMessage =
  | { type: 'response'; requestId: number; ok: true; result: unknown }
  | { type: 'response'; requestId: number; ok: false; error: ErrorInfo };

/** Every message the webview posts. */
export type FromWebviewMessage = RequestMessage<WebviewRequests> | EventMessage<WebviewEvents> | ResponseMessage;
/** Every message the host posts. */
export type ToWebviewMessage = RequestMessage<HostRequests> | EventMessage<HostEvents> | ResponseMessage;
