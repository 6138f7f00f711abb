// Runtime checks of incoming messages. postMessage crosses a trust boundary (the webview renders data
// from the network), so neither side acts on a message before its type is known and its fields have
// the expected shapes. Unknown types and extra nonsense are refused with a message naming the field.
import { MAX_AUTO_REPLY_DELAY_MS, MAX_AUTO_REPLY_RULES } from './autoReplyRules';
import { AUTO_REPLY_FILTERS, MAX_FIND_NEEDLE, MAX_PAGE_ENTRIES, MAX_PAYLOAD_LIMIT, MAX_PAYLOAD_PAGE, MAX_SUMMARY_SEQS } from './protocol';
import { CODEC_IDS, LAYER_IDS } from './decode/decoded';
import { MAX_PAGE_PATH } from './decode/treePaging';
import { codecRuleProblem, MAX_CODEC_RULES, MAX_PROTO_FILES } from './decode/decodeSettingsCheck';
import { matchBitsProblem } from './matchBits';
import { MAX_FRAGMENTS } from './wireFrames';
import type { HostEvents, WebviewEvents, WebviewRequests } from './protocol';

/** Checks one field; returns what is wrong, or undefined when it is fine. */
export type FieldCheck = (value: unknown) => string | undefined;

/** The fields of one message type and their checks. */
export type MessageSchema = Readonly<Record<string, FieldCheck>>;

/** Schemas for every type of a map, so adding a message without a schema fails to compile. */
export type SchemaMap<M> = { readonly [K in keyof M]: MessageSchema };

const optional =
  (check: FieldCheck): FieldCheck =>
  (v) =>
    v === undefined ? undefined : check(v);

/** A non-negative safe integer up to `max`. */
export const integer =
  (min = 0, max = Number.MAX_SAFE_INTEGER): FieldCheck =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `must be an integer in [${min}, ${max}]`;

export const finiteNumber: FieldCheck = (v) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a finite number';

export const string =
  (maxLength = 64 * 1024 * 1024): FieldCheck =>
  (v) =>
    typeof v === 'string' && v.length <= maxLength ? undefined : `must be a string of at most ${maxLength} characters`;

export const boolean: FieldCheck = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');

export const oneOf =
  (...values: readonly string[]): FieldCheck =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;

export const arrayBuffer: FieldCheck = (v) => (v instanceof ArrayBuffer ? undefined : 'must be an ArrayBuffer');

/** An ArrayBuffer holding whole Float64 values. */
export const float64Buffer: FieldCheck = (v) =>
  v instanceof ArrayBuffer && v.byteLength % 8 === 0 ? undefined : 'must be an ArrayBuffer of Float64 values';

export const object: FieldCheck = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : 'must be an object';

const smallIntList =
  (max: number): FieldCheck =>
  (v) =>
    Array.isArray(v) && v.length <= 64 && v.every((x) => Number.isInteger(x) && x >= 0 && x <= max)
      ? undefined
      : `must be a list of integers in [0, ${max}]`;

const filterSpec: FieldCheck = (v) => {
  if (v === null) return undefined;
  if (object(v)) return 'must be a filter or null';
  const f = v as Record<string, unknown>;
  return (
    prefixed('text', string(10_000)(f.text)) ??
    prefixed('directions', smallIntList(2)(f.directions)) ??
    prefixed('kinds', smallIntList(15)(f.kinds)) ??
    prefixed('autoReplies', optional(oneOf(...AUTO_REPLY_FILTERS))(f.autoReplies))
  );
};

const composerFormat = oneOf('text', 'json', 'hex', 'base64');

/** A FramerSpecJson or null; the host checks the values again (framerSpecFromJson). */
const framerSpec: FieldCheck = (v) => {
  if (v === null) return undefined;
  if (object(v)) return 'must be a framer or null';
  const f = v as Record<string, unknown>;
  const fields = (...names: string[]): string | undefined => {
    const extra = Object.keys(f).find((k) => k !== 'type' && !names.includes(k));
    return extra === undefined ? undefined : `has an unexpected field '${extra}'`;
  };
  switch (f.type) {
    case 'delimiter':
      return prefixed('delimiter', string(2 * 256)(f.delimiter)) ?? fields('delimiter');
    case 'lengthPrefix':
      return (
        prefixed('width', f.width === 1 || f.width === 2 || f.width === 4 ? undefined : 'must be 1, 2 or 4') ??
        prefixed('littleEndian', boolean(f.littleEndian)) ??
        prefixed('includesHeader', boolean(f.includesHeader)) ??
        fields('width', 'littleEndian', 'includesHeader')
      );
    case 'fixed':
      return prefixed('size', integer(1, 16 * 1024 * 1024)(f.size)) ?? fields('size');
    case 'mqtt':
      return fields();
    default:
      return 'type must be one of delimiter, lengthPrefix, fixed, mqtt';
  }
};

function prefixed(field: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${field} ${problem}`;
}

const seq = integer();
const list: FieldCheck = (v) => (Array.isArray(v) ? undefined : 'must be a list');
const composerFields: MessageSchema = { format: composerFormat, input: string(), escapes: boolean };

/** Checks an object's fields exactly: each check passes and nothing else is there. */
function exactObject(v: unknown, fields: MessageSchema): string | undefined {
  if (object(v)) return 'must be an object';
  const o = v as Record<string, unknown>;
  for (const [field, check] of Object.entries(fields)) {
    const problem = prefixed(field, check(o[field]));
    if (problem) return problem;
  }
  const extra = Object.keys(o).find((k) => !Object.hasOwn(fields, k));
  return extra === undefined ? undefined : `has an unexpected field '${extra}'`;
}

const autoReplyRule: FieldCheck = (v) =>
  exactObject(v, {
    enabled: boolean,
    match: string(10_000),
    reply: (r) => exactObject(r, { format: composerFormat, input: string(1024 * 1024), escapes: boolean }),
    delayMs: integer(0, MAX_AUTO_REPLY_DELAY_MS),
  });

const autoReplyRules: FieldCheck = (v) => {
  if (!Array.isArray(v) || v.length > MAX_AUTO_REPLY_RULES) return `must be a list of at most ${MAX_AUTO_REPLY_RULES} rules`;
  for (let i = 0; i < v.length; i++) {
    const problem = autoReplyRule(v[i]);
    if (problem) return `rule ${i + 1} ${problem}`;
  }
  return undefined;
};

/** A list of at most `max` items, each passing `item`. */
const listOf =
  (max: number, item: FieldCheck): FieldCheck =>
  (v) => {
    if (!Array.isArray(v) || v.length > max) return `must be a list of at most ${max} items`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i]);
      if (problem) return `[${i}] ${problem}`;
    }
    return undefined;
  };

/** DecodeSettings' fields; the rules are checked in full (codecRuleProblem), the host checks all again. */
const decodeSettingsFields: MessageSchema = {
  layer: optional(oneOf(...LAYER_IDS)),
  detectLayer: optional(boolean),
  codecs: optional(listOf(MAX_CODEC_RULES, (r) => codecRuleProblem(r, 'rule'))),
  protoFiles: optional(listOf(MAX_PROTO_FILES, string(4096))),
};

const header: FieldCheck = (v) =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && v[0].length <= 1024 && v[1].length <= 64 * 1024
    ? undefined
    : 'must be a [name, value] pair of strings';

/**
 * Every field a layer composer form has (shared/decode/layerForms.ts), by shape; which fields a form
 * of each layer needs and what their values may be is the layer's to check (LayerSession.send).
 */
const layerFormFields: MessageSchema = {
  layer: oneOf(...LAYER_IDS),
  namespace: optional(string(1024)),
  event: optional(string(1024)),
  args: optional(string()),
  ack: optional(boolean),
  action: optional(oneOf('publish', 'subscribe', 'unsubscribe')),
  topic: optional(string(65535)),
  payload: optional(string()),
  format: optional(composerFormat),
  qos: optional(integer(0, 2)),
  retain: optional(boolean),
  properties: optional(string(1024 * 1024)),
  command: optional(oneOf('SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT')),
  destination: optional(string(65535)),
  headers: optional(listOf(1024, header)),
  body: optional(string()),
};

/** Requests the host accepts from the webview. */
export const webviewRequestSchemas: SchemaMap<WebviewRequests> = {
  ready: {},
  getRange: { fromSeq: seq, count: integer(0, MAX_PAGE_ENTRIES) },
  getEntries: {
    seqs: (v) =>
      float64Buffer(v) ?? ((v as ArrayBuffer).byteLength / 8 > MAX_PAGE_ENTRIES ? `must hold at most ${MAX_PAGE_ENTRIES} seqs` : undefined),
  },
  getPayload: { seq, limit: integer(0, MAX_PAYLOAD_LIMIT) },
  getPayloadPage: { seq, offset: integer(), length: integer(0, MAX_PAYLOAD_PAGE) },
  getTextRows: { seq },
  findInPayload: {
    seq,
    needle: (v) =>
      arrayBuffer(v) ??
      ((v as ArrayBuffer).byteLength < 1 || (v as ArrayBuffer).byteLength > MAX_FIND_NEEDLE
        ? `must hold 1 to ${MAX_FIND_NEEDLE} bytes`
        : undefined),
    from: integer(),
    backwards: boolean,
  },
  setFilter: { generation: integer(), filter: filterSpec },
  send: {
    ...composerFields,
    framed: optional(boolean),
    fragments: optional(integer(1, MAX_FRAGMENTS)),
    broadcast: optional(boolean),
    inject: optional(oneOf('toServer', 'toClient')),
    encode: optional(boolean),
  },
  setFraming: { spec: framerSpec },
  ping: { payload: string(1024) },
  pong: { payload: string(1024) },
  setAutoPong: { enabled: boolean },
  getFrames: { seq },
  close: { code: integer(0, 65535), reason: string(1024) },
  clear: {},
  connect: {},
  disconnect: {},
  copy: { seq, as: oneOf('text', 'hex', 'base64'), offset: optional(integer(0)), length: optional(integer(0)) },
  savePayload: { seq },
  saveMessage: { ...composerFields, name: string(200) },
  deleteSaved: { id: integer() },
  sessionCommand: { command: oneOf('save', 'replay', 'recordTest'), range: optional((r) => exactObject(r, { from: seq, to: seq })) },
  selectPeer: { peer: integer(), followNewest: optional(boolean) },
  setAutoReplies: { rules: autoReplyRules },
  saveServer: {},
  getTiming: { seq },
  setPairing: { field: string(1000) },
  setHold: { toServer: boolean, toClient: boolean },
  getHeld: { id: integer() },
  releaseHeld: { id: integer(), replacement: optional((r) => exactObject(r, composerFields)), edited: optional(string()) },
  dropHeld: { id: integer() },
  heldAll: { action: oneOf('release', 'drop') },
  getDecoded: { seq, paged: optional(boolean) },
  getDecodedChildren: { tree: integer(), section: integer(0, 1), path: listOf(MAX_PAGE_PATH, integer()), from: integer(), auto: boolean },
  getSummaries: { seqs: listOf(MAX_SUMMARY_SEQS, seq) },
  setDecodeSettings: decodeSettingsFields,
  layerSend: layerFormFields,
};

/** Events the host accepts from the webview. */
export const webviewEventSchemas: SchemaMap<WebviewEvents> = {
  ack: { batchId: integer() },
  webviewError: { message: string(10_000) },
};

/** Events the webview accepts from the host. Contents are produced by our own host: shapes only. */
export const hostEventSchemas: SchemaMap<HostEvents> = {
  entries: { batchId: integer(), batch: arrayBuffer, stats: object },
  stats: { stats: object },
  cleared: { stats: object },
  state: {
    state: oneOf('idle', 'connecting', 'open', 'closing', 'closed', 'error'),
    error: optional(object),
    protocol: optional(string(1024)),
    extensions: optional(string(4096)),
    halfClosed: optional(oneOf('peer')),
  },
  handshake: { handshake: object },
  tls: { tls: object },
  filterMatches: { generation: integer(), bits: (v) => arrayBuffer(v) ?? matchBitsProblem(v as ArrayBuffer), scannedTo: finiteNumber, done: boolean },
  composerLists: { history: (v) => (Array.isArray(v) ? undefined : 'must be a list'), saved: (v) => (Array.isArray(v) ? undefined : 'must be a list') },
  snapshot: { snapshot: object },
  reveal: { seq },
  session: { session: object },
  peers: { peers: object },
  held: { proxy: object },
  autoReplies: { autoReplies: object },
  filterOff: { generation: integer(), message: string(10_000) },
  decodeState: {
    settings: object,
    layerStatus: optional(string(10_000)),
    codecs: listOf(CODEC_IDS.length, oneOf(...CODEC_IDS)),
    messageTypes: optional(listOf(100_000, string(1024))),
  },
};

/** What one side accepts: request and event schemas by type. */
export interface IncomingSchemas {
  readonly requests: Readonly<Record<string, MessageSchema>>;
  readonly events: Readonly<Record<string, MessageSchema>>;
}

/** Outcome of {@link checkMessage}. */
export type CheckedMessage =
  | { readonly kind: 'request'; readonly type: string; readonly requestId: number; readonly message: Record<string, unknown> }
  | { readonly kind: 'event'; readonly type: string; readonly message: Record<string, unknown> }
  | { readonly kind: 'response'; readonly requestId: number; readonly message: Record<string, unknown> }
  | { readonly kind: 'invalid'; readonly problem: string; readonly requestId?: number };

/** Classifies an incoming message and checks it against the schemas; never throws. */
export function checkMessage(raw: unknown, schemas: IncomingSchemas): CheckedMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { kind: 'invalid', problem: 'message is not an object' };
  const m = raw as Record<string, unknown>;
  const type = m.type;
  if (typeof type !== 'string') return { kind: 'invalid', problem: 'message has no type' };
  const requestId = m.requestId;
  const hasId = typeof requestId === 'number' && Number.isSafeInteger(requestId) && requestId >= 0;
  if (type === 'response') {
    if (!hasId) return { kind: 'invalid', problem: 'response without a valid requestId' };
    if (typeof m.ok !== 'boolean') return { kind: 'invalid', problem: 'response without ok' };
    return { kind: 'response', requestId, message: m };
  }
  const isKnownRequest = Object.hasOwn(schemas.requests, type);
  const isKnownEvent = Object.hasOwn(schemas.events, type);
  if (requestId !== undefined) {
    if (!hasId) return { kind: 'invalid', problem: `request '${type}' has an invalid requestId` };
    if (!isKnownRequest) return { kind: 'invalid', problem: `unknown request type '${type}'`, requestId };
    const problem = checkFields(m, schemas.requests[type]!, ['type', 'requestId']);
    if (problem) return { kind: 'invalid', problem: `request '${type}': ${problem}`, requestId };
    return { kind: 'request', type, requestId, message: m };
  }
  if (!isKnownEvent) {
    return { kind: 'invalid', problem: isKnownRequest ? `request '${type}' without requestId` : `unknown message type '${type}'` };
  }
  const problem = checkFields(m, schemas.events[type]!, ['type']);
  if (problem) return { kind: 'invalid', problem: `event '${type}': ${problem}` };
  return { kind: 'event', type, message: m };
}

function checkFields(m: Record<string, unknown>, schema: MessageSchema, envelope: readonly string[]): string | undefined {
  for (const [field, check] of Object.entries(schema)) {
    const problem = check(m[field]);
    if (problem) return `${field} ${problem}`;
  }
  for (const key of Object.keys(m)) {
    if (!envelope.includes(key) && !Object.hasOwn(schema, key)) return `unexpected field '${key}'`;
  }
  return undefined;
}

/** Schemas the host checks webview messages with. */
export const hostIncoming: IncomingSchemas = { requests: webviewRequestSchemas, events: webviewEventSchemas };
/** Schemas the webview checks host messages with. */
export const webviewIncoming: IncomingSchemas = { requests: {}, events: hostEventSchemas };
