// The contract between the inspector panel's host (src/panel/panelController.ts) and its webview
// (webview/main.ts). Both sides import this one file. Every message is a plain object tagged by `type`;
// requests also carry a `requestId` and are answered by exactly one `response`.
// Bytes cross as ArrayBuffer (never a Node Buffer, which postMessage turns into JSON, and never a view
// into a pooled buffer, which would ship the whole pool).
import type { ComposerFormat } from '../src/core/codecs/composerInput';
import type { FramerSpecJson } from '../src/core/framing/framerSpec';
import type { ConnectionState, DirectionTotals, HandshakeInfo, TlsInfo } from './logModel';

export type { ComposerFormat, FramerSpecJson };

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
  readonly stats: PanelStats;
  /** Sent messages, oldest first. */
  readonly history: readonly ComposerMessage[];
  readonly saved: readonly SavedMessage[];
  /** Preview bytes per entry in batches and pages; longer payloads are fetched with getPayload. */
  readonly previewBytes: number;
  /** User settings; absent means the webview's defaults. */
  readonly settings?: PanelSettings;
  /** Session file details; absent in panels that cannot save (tests, benches). */
  readonly session?: PanelSessionInfo;
  /** TCP only: the framer the log is shown (and may be sent) with; absent means raw chunks. */
  readonly framing?: FramerSpecJson;
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
   */
  send: { params: ComposerMessage & { framed?: boolean }; result: { bytes: number } };
  /** TCP: shows the log split into messages by this framer (null: raw chunks); a snapshot follows. */
  setFraming: { params: { spec: FramerSpecJson | null }; result: Record<string, never> };
  /** WebSocket ping with an optional UTF-8 payload. */
  ping: { params: { payload: string }; result: Record<string, never> };
  /** Closes gracefully: WebSocket close with code and reason, TCP end. */
  close: { params: { code: number; reason: string }; result: Record<string, never> };
  /** Forgets every entry of the log. */
  clear: { params: Record<string, never>; result: Record<string, never> };
  /** Opens the connection again (or for the first time). */
  connect: { params: Record<string, never>; result: Record<string, never> };
  /** Drops the connection. */
  disconnect: { params: Record<string, never>; result: Record<string, never> };
  /** Copies one entry's full payload to the clipboard. */
  copy: { params: { seq: number; as: 'text' | 'hex' | 'base64' }; result: { chars: number } };
  /** Saves a composer message for this session. */
  saveMessage: { params: { name: string } & ComposerMessage; result: { id: number } };
  /** Deletes a saved message. */
  deleteSaved: { params: { id: number }; result: Record<string, never> };
  /** Runs a session command for this panel: Save Session, or Replay Sent Messages. */
  sessionCommand: { params: { command: 'save' | 'replay' }; result: Record<string, never> };
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
  /** Seqs (a Float64Array) that match filter `generation`, in order, following earlier ones. */
  filterMatches: { generation: number; seqs: ArrayBuffer; scannedTo: number; done: boolean };
  /** The composer's history or saved messages changed. */
  composerLists: { history: readonly ComposerMessage[]; saved: readonly SavedMessage[] };
  /** The panel now shows a different connection (reconnect); start over from this snapshot. */
  snapshot: { snapshot: PanelSnapshot };
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
