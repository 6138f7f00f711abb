// The `*.socket-session.json` file format, version 1: what a session file holds, as TypeScript types.
// schemas/socket-session.schema.json describes the same format for the editor; keep the two in step
// (test/unit/session.schema.test.ts checks they agree on the fixtures).
//
// Fields this version does not know are kept at runtime on the parsed objects (and written back in
// order after the known ones), so a file touched by a newer extension loses nothing; the types below
// list only the known fields.
import type { AutoReplyOrigin, DirectionName, KindName } from '../../../shared/logModel';
import type { ComposerFormat } from '../../../shared/codecs/composerInput';
import type { FramerSpecJson } from '../../../shared/framerSpec';
import type { SessionTest } from '../testing/testFormat';
import type { LayerId } from '../../../shared/decode/decoded';
import type { CodecRule } from '../../../shared/decode/decodeSettings';

/** The format version this code reads and writes. */
export const SESSION_FORMAT_VERSION = 1;

/** How session files are named; the schema is contributed for this pattern. */
export const SESSION_FILE_SUFFIX = '.socket-session.json';

/** Largest session file opened (and written): 64 MiB. Beyond it a file is refused before parsing. */
export const MAX_SESSION_BYTES = 64 * 1024 * 1024;

/** Deepest nesting of arrays and objects accepted; version 1 needs 5, the rest is room for new fields. */
export const MAX_SESSION_DEPTH = 64;

/** A whole session file. */
export interface Session {
  /** Optional pointer to the JSON schema; kept as written, never required. */
  readonly $schema?: string;
  readonly version: typeof SESSION_FORMAT_VERSION;
  /** Display name; the file name is used when absent. */
  readonly name?: string;
  readonly connection: SessionConnection;
  /** How the inspector shows the log: restored when the session opens. */
  readonly view?: SessionView;
  /** Saved composer messages, in the order the composer lists them. */
  readonly messages?: readonly SessionMessage[];
  /** A recorded log, when the user chose to save it with the session. */
  readonly log?: SessionLog;
  // -- tests (issue 21): src/core/testing/testFormat.ts --
  /** Named tests: steps run against a fresh connection made from these settings. */
  readonly tests?: readonly SessionTest[];
}

/** A session type being built field by field (the format's types are read-only). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type SessionConnection = WebSocketSessionConnection | TcpSessionConnection;

/** TLS settings, as in TlsOptions of the engine. */
export interface SessionTls {
  /** SNI name; defaults to the host when it is a name. */
  readonly servername?: string;
  /** Accept certificates that do not verify (still reported in the panel). */
  readonly allowSelfSigned?: boolean;
  /** Extra trusted CA certificates, PEM text. */
  readonly ca?: string | readonly string[];
  /**
   * Append the TLS session secrets to this file (SSLKEYLOGFILE format, for Wireshark). Absolute, or
   * relative to the session file's folder. Not written in an untrusted workspace.
   */
  readonly keyLogFile?: string;
}

export interface WebSocketSessionConnection {
  readonly type: 'websocket';
  /** ws:// or wss:// URL; may contain `${env:NAME}` placeholders. */
  readonly url: string;
  /** Extra request headers in the order sent; names are unique (case-insensitively). */
  readonly headers?: readonly SessionHeader[];
  /** Subprotocols offered in Sec-WebSocket-Protocol. */
  readonly protocols?: readonly string[];
  /** Offer permessage-deflate (default true). */
  readonly perMessageDeflate?: boolean;
  /** Milliseconds to wait for the upgrade response. */
  readonly handshakeTimeoutMs?: number;
  /** Largest message accepted, in bytes. */
  readonly maxPayload?: number;
  /** TLS settings for wss:// URLs. */
  readonly tls?: SessionTls;
  /** The protocol layer spoken over the connection (Socket.IO, MQTT, STOMP) and its settings. */
  readonly layer?: SessionLayer;
}

/** A header given in the file; its value may contain `${env:NAME}` placeholders. */
export interface PlainSessionHeader {
  readonly name: string;
  readonly value: string;
}

/** A header whose value is kept in the secret store; the file holds only the reference. */
export interface SecretSessionHeader {
  readonly name: string;
  /** Reference id of the value in the secret store (not the value). */
  readonly secret: string;
}

export type SessionHeader = PlainSessionHeader | SecretSessionHeader;

export interface TcpSessionConnection {
  readonly type: 'tcp';
  /** Host name or IP address (IPv6 without brackets); may contain `${env:NAME}` placeholders. */
  readonly host: string;
  /** 1–65535; in a test, also a `${name}` placeholder such as `${mock.port}` (a mock of the test's set-up). */
  readonly port: number | string;
  /** Wrap the socket in TLS: true, or TLS settings. */
  readonly tls?: boolean | SessionTls;
  /** Milliseconds to wait for the TCP (and TLS) connection. */
  readonly connectTimeoutMs?: number;
  /** The protocol layer spoken over the connection (MQTT over TCP) and its settings. */
  readonly layer?: SessionLayer;
}

// --- Protocol layers and payload codecs (connection.layer, view.decode) --------------------------------

/** A secret layer setting: the file holds a reference to the value in the secret store. */
export interface SecretLayerValue {
  /** Reference id of the value in the secret store (not the value). */
  readonly secret: string;
}

/**
 * `connection.layer`: the layer's id and its settings, as the layer's parseSettings reads them
 * (src/core/layers/<layer>/). Its secret fields (LayerFactory.secretFields) hold `{ "secret": id }`.
 */
export interface SessionLayer {
  readonly type: LayerId;
  readonly [setting: string]: unknown;
}

/** `view.decode`: how messages are read beyond bytes. */
export interface SessionDecode {
  /** Detect a layer from the wire when none is chosen (default true). */
  readonly detectLayer?: boolean;
  /** Payload codecs, the first matching rule wins. */
  readonly codecs?: readonly CodecRule[];
  /** Protobuf: .proto files, relative to the workspace folder (or absolute). */
  readonly protoFiles?: readonly string[];
}

/** True when a layer setting's value lives in the secret store. */
export function isSecretLayerValue(v: unknown): v is SecretLayerValue {
  return typeof v === 'object' && v !== null && typeof (v as SecretLayerValue).secret === 'string' && Object.keys(v).length === 1;
}
// ---------------------------------------------------------------------------------------------------------

/** The inspector's reading of the log, kept with the session so a team sees the protocol the same way. */
export interface SessionView {
  /** TCP only: "View as" messages split by this framer (delimiter as hex, length prefix or fixed size). */
  readonly framing?: FramerSpecJson;
  /** "Pair by JSON field": the path requests and responses are paired by, e.g. "id" or "params.requestId". */
  readonly pairing?: string;
  /** Layer detection, payload codecs and .proto files. */
  readonly decode?: SessionDecode;
}

/** A saved composer message: what the user typed and how it is to be read. */
export interface SessionMessage {
  readonly name?: string;
  readonly format: ComposerFormat;
  /** The composer text exactly as typed (hex digits, base64, JSON or text). */
  readonly body: string;
  /** For format "text": interpret backslash escapes (default false). */
  readonly escapes?: boolean;
}

/** A recorded log. */
export interface SessionLog {
  /** When the log was written to the file, ISO 8601 UTC. */
  readonly savedAt: string;
  /** Entries recorded before the first one here that were not kept (retention cap or size budget). */
  readonly dropped?: { readonly entries: number; readonly bytes: number };
  /** Entries in seq order. */
  readonly entries: readonly SessionLogEntry[];
}

/** One log entry. Exactly one of `text` and `base64` holds the payload. */
export interface SessionLogEntry {
  /** Sequence number in the recording connection's log; strictly increasing. */
  readonly seq: number;
  /** Wall-clock time, ISO 8601 with milliseconds: 2024-05-01T12:00:00.123Z. */
  readonly time: string;
  /** Monotonic time of the recording process in milliseconds; differences give exact spacing. */
  readonly mono: number;
  readonly direction: DirectionName;
  readonly kind: KindName;
  /** WebSocket close code (close and closed entries); absent means none. */
  readonly code?: number;
  /** The payload, when it is valid UTF-8 (so the bytes are its exact UTF-8 encoding). */
  readonly text?: string;
  /** The payload as standard base64 with padding, when it is not kept as text. */
  readonly base64?: string;
  /** Only on sent entries an auto-reply rule sent: the rule, as it was then (rule 0: no longer known). */
  readonly autoReply?: AutoReplyOrigin;
}

/** Kinds a meta (direction "meta") entry has; every other kind travels in or out. */
export const META_KINDS: readonly KindName[] = ['connecting', 'open', 'handshake', 'error', 'closed', 'note'];
/** Kinds of entries that crossed the wire. */
export const WIRE_KINDS: readonly KindName[] = ['text', 'binary', 'ping', 'pong', 'close', 'data'];

/** The known fields of each object of the format, in the order they are written. */
export const SESSION_FIELDS = {
  root: ['$schema', 'version', 'name', 'connection', 'view', 'messages', 'log', 'tests'],
  view: ['framing', 'pairing', 'decode'],
  decode: ['detectLayer', 'codecs', 'protoFiles'],
  codecRule: ['codec', 'direction', 'event', 'topic', 'messageType'],
  layer: ['type'],
  framing: ['type', 'delimiter', 'width', 'littleEndian', 'includesHeader', 'size'],
  websocket: ['type', 'url', 'headers', 'protocols', 'perMessageDeflate', 'handshakeTimeoutMs', 'maxPayload', 'tls', 'layer'],
  tcp: ['type', 'host', 'port', 'tls', 'connectTimeoutMs', 'layer'],
  tls: ['servername', 'allowSelfSigned', 'ca', 'keyLogFile'],
  header: ['name', 'value', 'secret'],
  message: ['name', 'format', 'body', 'escapes'],
  log: ['savedAt', 'dropped', 'entries'],
  dropped: ['entries', 'bytes'],
  entry: ['seq', 'time', 'mono', 'direction', 'kind', 'code', 'autoReply', 'text', 'base64'],
  autoReply: ['rule', 'match', 'mock'],
} as const satisfies Record<string, readonly string[]>;

/** A problem that does not stop the file from opening (an unknown field), with where it is. */
export interface SessionWarning {
  /** Path of the field: `connection.perMesageDeflate`. */
  readonly path: string;
  readonly message: string;
}

/** True when a header's value lives in the secret store. */
export function isSecretHeader(h: SessionHeader): h is SecretSessionHeader {
  return 'secret' in h && typeof (h as SecretSessionHeader).secret === 'string';
}
