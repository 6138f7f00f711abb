// The vocabulary of a log entry, shared by the engine, the host adapters and the webview.
// Directions and kinds are small integers so they pack into typed arrays on both sides.

/** Which way an entry travelled: received, sent, or an event of the connection itself. */
export const Direction = { In: 0, Out: 1, Meta: 2 } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

export const DIRECTION_NAMES = ['in', 'out', 'meta'] as const;
export type DirectionName = (typeof DIRECTION_NAMES)[number];

/** What an entry is. WebSocket messages, raw TCP data, or a connection event (meta). */
export const Kind = {
  Text: 0,
  Binary: 1,
  Ping: 2,
  Pong: 3,
  Close: 4,
  Data: 5,
  Connecting: 6,
  Open: 7,
  Handshake: 8,
  Error: 9,
  Closed: 10,
  /**
   * A meta remark of the engine: a proxy paused, resumed, held, released, edited, dropped or injected.
   * A note starting with "↑" describes the entry just before it.
   */
  Note: 11,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const KIND_NAMES = [
  'text',
  'binary',
  'ping',
  'pong',
  'close',
  'data',
  'connecting',
  'open',
  'handshake',
  'error',
  'closed',
  'note',
] as const;
export type KindName = (typeof KIND_NAMES)[number];

/**
 * Set in an entry's dirKind byte (direction << 4 | kind: direction in bits 4-5, kind in bits 0-3) when an
 * auto-reply rule sent it rather than the user. Only Out entries carry it. Read direction and kind with
 * dirKindDirection and dirKindKind, which leave it out.
 */
export const AUTO_REPLY_BIT = 0x40;

/**
 * What a mock (Serve as Mock) sent: its greeting, a reply recorded for the request it matched, or the
 * fallback for a request that matched none.
 */
export type MockReplyKind = 'greeting' | 'reply' | 'fallback';

export const MOCK_REPLY_KINDS: readonly MockReplyKind[] = ['greeting', 'reply', 'fallback'];

/**
 * Who sent an auto-reply: an auto-reply rule, as it was when it sent it (the rules may change since), or a
 * mock answering from its recording (`mock` set).
 */
export interface AutoReplyOrigin {
  /**
   * The rule's place in the list, from 1; 0 when the log no longer knows which rule it was. A mock's
   * reply: the seq of the recorded request it answers (in the recording); its greeting and fallback: 0.
   */
  readonly rule: number;
  /** The rule's match text, or a mock's recorded request as text (at most AUTO_REPLY_ORIGIN_CHARS characters). */
  readonly match: string;
  readonly mock?: MockReplyKind;
}

/** An origin's `match`: cut to AUTO_REPLY_ORIGIN_CHARS, with an ellipsis. */
export function originMatchText(text: string): string {
  return text.length > AUTO_REPLY_ORIGIN_CHARS ? `${text.slice(0, AUTO_REPLY_ORIGIN_CHARS - 1)}…` : text;
}

/** Longest match text an origin keeps; a longer one is cut, with an ellipsis. */
export const AUTO_REPLY_ORIGIN_CHARS = 200;

/** The direction of a dirKind byte (an auto-reply's mark left out). */
export function dirKindDirection(dirKind: number): Direction {
  return ((dirKind >> 4) & 3) as Direction;
}

/** The kind of a dirKind byte. */
export function dirKindKind(dirKind: number): Kind {
  return (dirKind & 15) as Kind;
}

/** Whether a dirKind byte is an auto-reply's (see AUTO_REPLY_BIT). */
export function isAutoReplyDirKind(dirKind: number): boolean {
  return (dirKind & AUTO_REPLY_BIT) !== 0;
}

export function directionName(d: number): DirectionName {
  return DIRECTION_NAMES[d] ?? 'meta';
}

export function kindName(k: number): KindName {
  return KIND_NAMES[k] ?? 'error';
}

/** One log entry, materialized. The log itself stores entries column-wise, never as these objects. */
export interface LogEntry {
  /** Sequence id, unique and increasing within one connection's log, never reused after eviction. */
  readonly seq: number;
  /** Wall-clock time, milliseconds since the Unix epoch (fractional part is sub-millisecond). */
  readonly wallTime: number;
  /** Monotonic high-resolution time in milliseconds (performance.now() clock of the recording process). */
  readonly monoTime: number;
  readonly direction: Direction;
  readonly kind: Kind;
  /** Byte length of the payload as it crossed the wire (for close entries: the reason's bytes). */
  readonly length: number;
  /** WS close code for close entries, 0 otherwise. */
  readonly code: number;
  /** The payload bytes, exactly. For meta entries: a UTF-8 description of the event. */
  readonly payload: Uint8Array;
  /** Set when an auto-reply rule sent it: which rule (rule 0, match '': the log no longer knows). */
  readonly autoReply?: AutoReplyOrigin;
}

/** Lifecycle of a connection as the panel shows it. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed' | 'error';

/** Per-direction running totals. */
export interface DirectionTotals {
  entries: number;
  bytes: number;
}

/** The opening handshake of a WebSocket, exactly as it crossed the wire. */
export interface HandshakeInfo {
  /** e.g. "GET /chat HTTP/1.1" */
  readonly requestLine: string;
  /** Header name/value pairs in the order sent, names as sent. */
  readonly requestHeaders: ReadonlyArray<readonly [string, string]>;
  /** e.g. "HTTP/1.1 101 Switching Protocols"; undefined if no response arrived. */
  readonly statusLine?: string;
  readonly status?: number;
  readonly responseHeaders?: ReadonlyArray<readonly [string, string]>;
  /** First bytes of the body of a failed upgrade (at most 4 KiB), as received. */
  readonly responseBody?: Uint8Array;
  /** Whether the body was longer than what we kept. */
  readonly responseBodyTruncated?: boolean;
}

/** Summary of a peer certificate. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** Uppercase hex pairs joined by colons, as openssl prints it. */
  readonly fingerprint256: string;
  /** SHA-1 fingerprint, same notation (what older tools and pinning lists show). */
  readonly fingerprint?: string;
  readonly serialNumber: string;
  readonly subjectAltName?: string;
  /** Public key algorithm: RSA, EC, Ed25519… */
  readonly keyType?: string;
  /** Key size in bits (RSA modulus, EC field size). */
  readonly keyBits?: number;
  /** EC curve, e.g. P-256. */
  readonly keyCurve?: string;
  /** The certificate may sign others (basicConstraints CA:TRUE). */
  readonly isCA?: boolean;
  /** Subject and issuer are the same name (a root, or a self-signed leaf). */
  readonly selfIssued?: boolean;
}

/** What a TLS session agreed on. */
export interface TlsInfo {
  readonly protocol: string;
  readonly cipher: string;
  readonly alpnProtocol?: string;
  readonly authorized: boolean;
  /** Why the peer was not authorized (e.g. DEPTH_ZERO_SELF_SIGNED_CERT) when allowed anyway. */
  readonly authorizationError?: string;
  /** authorizationError in plain words. */
  readonly authorizationReason?: string;
  readonly peerCertificate?: CertificateSummary;
  /**
   * The certificate chain, leaf first: what the server sent, completed by the trusted root when
   * verification found one. Every string in it comes from the peer; show it as text only.
   */
  readonly chain?: readonly CertificateSummary[];
}

/**
 * A run of consecutive entries as the log stores them (one segment's raw columns), for bulk readers that
 * must not allocate per entry. Entry `i` (from <= i < to) has seq `seq + (i - from)`; its payload is
 * `bytes[runStart(run, i), ends[i])`, its wall time `wallOffset + mono[i]`.
 */
export interface LogRun {
  /** Seq of local index `from`. */
  readonly seq: number;
  readonly from: number;
  readonly to: number;
  readonly wallOffset: number;
  readonly mono: Float64Array;
  readonly ends: Uint32Array;
  /** direction << 4 | kind, and AUTO_REPLY_BIT on auto-replies. */
  readonly dirKind: Uint8Array;
  readonly bytes: Uint8Array;
  /**
   * Where each payload starts, when the segment stores bytes between payloads (framed messages copied
   * with their delimiters); absent, a payload starts where the previous one ended.
   */
  readonly starts?: Uint32Array;
}

/** Offset in `run.bytes` where entry `i`'s payload starts. */
export function runStart(run: LogRun, i: number): number {
  return run.starts ? run.starts[i]! : i === 0 ? 0 : run.ends[i - 1]!;
}
