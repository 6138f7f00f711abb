// The `tests` of a session file: named tests, each a list of steps run against a fresh connection made
// from the session's settings. docs/testing-sessions.md describes the format for people, and
// schemas/socket-session.schema.json for the editor; keep the three in step.
//
// A step is an object holding exactly one step key (`send`, `expect`, `expectNone`, `expectHandshake`,
// `expectClose`, `capture`, `wait`, `repeat`, `every`, `disconnect`), optionally with a `name`.
import type { LayerSendForm } from '../../../shared/decode/layerForms';
import type { DirectionName, KindName } from '../../../shared/logModel';

/** How long an expect waits for its message unless the step or the test says otherwise, ms. */
export const DEFAULT_EXPECT_WITHIN_MS = 5000;
/** How long an expectNone watches unless the step says otherwise, ms. */
export const DEFAULT_EXPECT_NONE_WITHIN_MS = 1000;
/** Most times a repeat runs its steps. */
export const MAX_REPEAT_TIMES = 100_000;

/** What to send: one composer format, or a saved message of the session by name. */
export type SendBody =
  | { readonly text: string; readonly escapes?: boolean }
  /** JSON text, or a JSON value written in place (sent compact). */
  | { readonly json: string | JsonValue }
  | { readonly hex: string }
  | { readonly base64: string }
  /** A saved composer message of this session (`messages[].name`). */
  | { readonly message: string }
  /** A protocol layer's composer form (a Socket.IO emit, an MQTT publish), sent by the connection's layer. */
  | { readonly layer: LayerSendForm };

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The JSON types a `jsonPath` matcher's `type` names. */
export type JsonTypeName = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';
export const JSON_TYPE_NAMES: readonly JsonTypeName[] = ['string', 'number', 'boolean', 'object', 'array', 'null'];

/**
 * A JSON path check: the value at `path` equals `equals` (deep), or its text matches `matches`, or it is
 * of JSON type `type` (exactly one of the three).
 */
export interface JsonPathMatcher {
  readonly path: string;
  readonly equals?: JsonValue;
  /** A regular expression (`/body/flags`, or a body alone) tested on the value as text. */
  readonly matches?: string;
  readonly type?: JsonTypeName;
}

/** A field of the message as the connection's protocol layer decodes it (DecodedMessage.fields). */
export interface FieldMatcher {
  readonly name: string;
  readonly equals?: string;
  readonly matches?: string;
}

/** What a message must be like; every matcher given must hold. */
export interface MessageMatchers {
  /** 'in' (default: received) or 'out'. */
  readonly direction?: Extract<DirectionName, 'in' | 'out'>;
  /** The entry kind: 'text', 'binary', 'ping', 'pong', 'data' (TCP). Default: any message kind. */
  readonly kind?: Extract<KindName, 'text' | 'binary' | 'ping' | 'pong' | 'data'>;
  /** The payload as UTF-8 text equals this. */
  readonly text?: string;
  /** The payload as UTF-8 text contains this. */
  readonly contains?: string;
  /** The payload as UTF-8 text matches this regular expression (`/body/flags`, or a body alone). */
  readonly regex?: string;
  /** The payload is JSON and holds at least these fields and items (a subset: objects need the keys given). */
  readonly json?: JsonValue;
  /** One check, or several that must all hold (a recorded test's volatile fields: an id, a timestamp). */
  readonly jsonPath?: JsonPathMatcher | readonly JsonPathMatcher[];
  /** The payload bytes are exactly these (hex digits, spaces allowed). */
  readonly hex?: string;
  /** The payload bytes start with these. */
  readonly hexPrefix?: string;
  readonly field?: FieldMatcher;
}

export interface ExpectStep extends MessageMatchers {
  /** How long to wait for the message, ms. */
  readonly within?: number;
}

export interface ExpectNoneStep extends MessageMatchers {
  /** How long no matching message may arrive, ms. */
  readonly within?: number;
}

/** The WebSocket opening handshake: the response status and headers (a refused upgrade is testable). */
export interface ExpectHandshakeStep {
  readonly status?: number;
  /** Header name (any case) → true (present), false (absent), or the value it must equal. */
  readonly headers?: Readonly<Record<string, string | boolean>>;
}

/** The peer closes: the WebSocket close frame's code and reason, or the end of a TCP connection. */
export interface ExpectCloseStep {
  readonly code?: number;
  readonly reason?: string;
  readonly within?: number;
}

/** A value taken from the message the last expect matched, kept in a variable for later steps. */
export interface CaptureStep {
  /** The variable's name: later steps use it as ${name}. */
  readonly as: string;
  /** A JSON path into the message. */
  readonly jsonPath?: string;
  /** A regular expression on the message text; the value is its group `group` (default 1, or 0 without groups). */
  readonly regex?: string;
  readonly group?: number;
}

export interface RepeatStep {
  readonly times: number;
  readonly steps: readonly TestStep[];
}

/** Sends `send` every `ms` while the steps after this one (in the same list) run: a heartbeat. */
export interface EveryStep {
  readonly ms: number;
  readonly send: SendBody;
}

export interface DisconnectStep {
  /** WebSocket close code (default 1000). */
  readonly code?: number;
  readonly reason?: string;
}

/** Where a step sits in its file: its JSON path, e.g. `tests[0].steps[2]`, and its 1-based line and column. */
export interface StepLocation {
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

interface StepBase {
  readonly name?: string;
}

export type TestStep = StepBase &
  (
    | { readonly kind: 'send'; readonly send: SendBody }
    | { readonly kind: 'expect'; readonly expect: ExpectStep }
    | { readonly kind: 'expectNone'; readonly expectNone: ExpectNoneStep }
    | { readonly kind: 'expectHandshake'; readonly expectHandshake: ExpectHandshakeStep }
    | { readonly kind: 'expectClose'; readonly expectClose: ExpectCloseStep }
    | { readonly kind: 'capture'; readonly capture: CaptureStep }
    | { readonly kind: 'wait'; readonly wait: number }
    | { readonly kind: 'repeat'; readonly repeat: RepeatStep }
    | { readonly kind: 'every'; readonly every: EveryStep }
    | { readonly kind: 'disconnect'; readonly disconnect: DisconnectStep }
  );

export type StepKind = TestStep['kind'];

/** Every step key, in the order the docs list them. */
export const STEP_KINDS: readonly StepKind[] = [
  'send',
  'expect',
  'expectNone',
  'expectHandshake',
  'expectClose',
  'capture',
  'wait',
  'repeat',
  'every',
  'disconnect',
];

/**
 * A mock the test starts before it connects and stops after: a recorded session served as a listener on a
 * free loopback port (src/core/mock). Its address is `${mock.url}` (ws://127.0.0.1:port or
 * tcp://127.0.0.1:port), `${mock.host}` and `${mock.port}` in the test.
 */
export interface TestMock {
  /** The recorded session file (`*.socket-session.json` with a log), relative to this file's folder. */
  readonly session: string;
  /** How requests are matched: "inOrder", "exact" (default) or { "jsonField": "path" }. */
  readonly strategy?: 'inOrder' | 'exact' | { readonly jsonField: string };
  /** Sent for a request no recorded one matches: text, or { "text" | "json" | "hex" | "base64" }; else nothing is sent. */
  readonly fallback?: string | { readonly text: string } | { readonly json: JsonValue } | { readonly hex: string } | { readonly base64: string };
}

/** What a test starts before its connection opens, and stops after it ends. */
export interface TestSetup {
  readonly mock?: TestMock;
}

/** One named test of a session. */
export interface SessionTest {
  readonly name: string;
  /** Default `within` of this test's expects, ms. */
  readonly timeoutMs?: number;
  readonly setup?: TestSetup;
  readonly steps: readonly TestStep[];
}

/** The known fields of each object of the `tests` part, for the validator and the schema test. */
export const TEST_FIELDS = {
  test: ['name', 'timeoutMs', 'setup', 'steps'],
  setup: ['mock'],
  mock: ['session', 'strategy', 'fallback'],
  step: ['name', ...STEP_KINDS],
  send: ['text', 'escapes', 'json', 'hex', 'base64', 'message', 'layer'],
  matchers: ['direction', 'kind', 'text', 'contains', 'regex', 'json', 'jsonPath', 'hex', 'hexPrefix', 'field', 'within'],
  jsonPath: ['path', 'equals', 'matches', 'type'],
  field: ['name', 'equals', 'matches'],
  expectHandshake: ['status', 'headers'],
  expectClose: ['code', 'reason', 'within'],
  capture: ['as', 'jsonPath', 'regex', 'group'],
  repeat: ['times', 'steps'],
  every: ['ms', 'send'],
  disconnect: ['code', 'reason'],
} as const satisfies Record<string, readonly string[]>;
