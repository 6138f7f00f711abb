// "Record as test": a test's steps made from recorded log entries. Each sent message becomes a `send` in
// the composer format that holds it (JSON, text, hex), each received one an `expect` that matches it.
// Values a server makes up on every run (timestamps, uuids, ids) are volatile: a recorded value would
// fail the next run, so each is either captured (a `capture` step after the expect, and the value in
// later steps replaced by `${name}`) or matched by its shape (a `jsonPath` type or regex matcher).
import type { SessionLogEntry } from '../session/sessionFormat';
import { sessionEntryPayload } from '../session/sessionLog';
import { toHex } from '../../../shared/codecs/hexDump';
import type { ExpectStep, JsonPathMatcher, JsonValue, SendBody, SessionTest, TestStep } from './testFormat';
import { VARIABLE_NAME } from './testVariables';

/** Why a field is taken for volatile. */
export type VolatileReason = 'timestamp' | 'uuid' | 'id';

/** A value of a received JSON message that will differ on the next run. */
export interface VolatileField {
  /** `${seq} ${path}`: what a caller names when it chooses to capture this field. */
  readonly key: string;
  readonly seq: number;
  /** The JSON field path (`data.id`, `items[0].at`). */
  readonly path: string;
  readonly value: string | number;
  readonly reason: VolatileReason;
  /** The variable a capture keeps it in (unique in the test). */
  readonly variable: string;
  /** The matcher used when it is not captured. */
  readonly matcher: JsonPathMatcher;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ID_KEY = /^(id|_id|uuid|guid|token|nonce)$|(Id|ID|_id|Uuid|Token)$/;
const TIME_KEY = /^(ts|time|timestamp|date|now|created|updated)$|(At|Time|Timestamp|Ts|_at|_time|_ts)$/;
/** Epoch seconds or milliseconds from 2001 to 2286: a number this size under a time key is a clock. */
const EPOCH_MIN = 1e9;
const EPOCH_MAX = 1e13;

/** The regular expressions a volatile field is matched with when it is not captured. */
export const VOLATILE_PATTERNS = {
  timestamp: '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}',
  uuid: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
} as const;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Entries a test is made of: the wire messages (no meta entries, no pings). */
function isRecordable(e: SessionLogEntry): boolean {
  if (e.direction === 'meta') return false;
  return e.kind === 'text' || e.kind === 'binary' || e.kind === 'data' || e.kind === 'close';
}

/** The entry as text, when its payload is UTF-8. */
function textOf(e: SessionLogEntry): string | undefined {
  if (e.text !== undefined) return e.text;
  try {
    return decoder.decode(sessionEntryPayload(e));
  } catch {
    return undefined;
  }
}

/** The entry's JSON object or array, when it holds one (a bare number or string is text). */
function jsonOf(e: SessionLogEntry): JsonValue | undefined {
  if (e.kind === 'binary') return undefined;
  const text = textOf(e);
  if (text === undefined || !/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function childPath(path: string, key: string | number): string | undefined {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (key === '' || /[.[\]]/.test(key) || key.trim() !== key) return undefined; // not writable as a field path
  return path === '' ? key : `${path}.${key}`;
}

function reasonOf(key: string | number | undefined, value: JsonValue): VolatileReason | undefined {
  if (typeof value === 'string') {
    if (ISO_TIME.test(value)) return 'timestamp';
    if (UUID.test(value)) return 'uuid';
  }
  if (typeof key !== 'string') return undefined;
  if (typeof value === 'number' && TIME_KEY.test(key) && Math.abs(value) >= EPOCH_MIN && Math.abs(value) < EPOCH_MAX) return 'timestamp';
  if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
    if (ID_KEY.test(key)) return 'id';
  }
  return undefined;
}

function matcherOf(path: string, value: string | number, reason: VolatileReason): JsonPathMatcher {
  if (reason === 'timestamp' && typeof value === 'string') return { path, matches: VOLATILE_PATTERNS.timestamp };
  if (reason === 'uuid') return { path, matches: VOLATILE_PATTERNS.uuid };
  return { path, type: typeof value === 'number' ? 'number' : 'string' };
}

/** A variable name from the field's last key: `data.requestId` → `requestId`; unique among `taken`. */
function variableFor(path: string, taken: Set<string>): string {
  const last = /([^.[\]]+)(\[\d+\])*$/.exec(path)?.[1] ?? 'value';
  let base = last.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (!VARIABLE_NAME.test(base)) base = `v_${base}`.slice(0, 100);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}

/**
 * The volatile fields of the received JSON messages among `entries`, in order. A value the client had
 * sent before is not volatile: the server answers with what it was given.
 */
export function volatileFields(entries: readonly SessionLogEntry[]): VolatileField[] {
  const out: VolatileField[] = [];
  const taken = new Set<string>();
  let sent = '';
  for (const e of entries) {
    if (!isRecordable(e)) continue;
    if (e.direction === 'out') {
      sent += `${textOf(e) ?? ''}\n`;
      continue;
    }
    const json = jsonOf(e);
    if (json === undefined) continue;
    const walk = (v: JsonValue, path: string, key: string | number | undefined): void => {
      if (Array.isArray(v)) return v.forEach((item, i) => walkChild(item, path, i));
      if (typeof v === 'object' && v !== null) return Object.entries(v).forEach(([k, item]) => walkChild(item, path, k));
      const reason = path === '' ? undefined : reasonOf(key, v);
      if (!reason || (typeof v !== 'string' && typeof v !== 'number')) return;
      if (wasSent(sent, v)) return;
      out.push({ key: `${e.seq} ${path}`, seq: e.seq, path, value: v, reason, variable: variableFor(path, taken), matcher: matcherOf(path, v, reason) });
    };
    const walkChild = (v: JsonValue, path: string, key: string | number): void => {
      const p = childPath(path, key);
      if (p !== undefined) walk(v, p, key);
    };
    walk(json, '', undefined);
  }
  return out;
}

/** Whether the client sent `value` before: a string anywhere in its text, a number as a whole token. */
function wasSent(sent: string, value: string | number): boolean {
  if (typeof value === 'string') return sent.includes(value);
  return new RegExp(`(^|[^0-9.])${String(value).replace(/[.+]/g, '\\$&')}($|[^0-9.])`).test(sent);
}

/** A close code a step may name (1005 and 1006 are never sent in a close frame). */
function closeCode(e: SessionLogEntry): { code?: number } {
  return e.code !== undefined && e.code >= 1000 && e.code <= 4999 && e.code !== 1005 && e.code !== 1006 ? { code: e.code } : {};
}

export interface TestFromLogOptions {
  readonly name: string;
  /** The volatile fields found (default: volatileFields(entries)). */
  readonly volatile?: readonly VolatileField[];
  /** Keys (VolatileField.key) of the fields to capture; the others are matched by their shape. */
  readonly capture?: Iterable<string>;
}

/** A literal string in a step: `${` would read as a variable, so it is written `$${`. */
function literal(text: string): string {
  return text.replaceAll('${', () => '$${');
}

/** `value` with every string made literal and every captured value replaced by its variable. */
function withVariables(value: JsonValue, captured: ReadonlyMap<string | number, string>, numbers?: { used: boolean }): JsonValue {
  if (Array.isArray(value)) return value.map((v) => withVariables(v, captured, numbers));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withVariables(v, captured, numbers)]));
  }
  // Numbers are replaced only where JSON text is written (a send): an expect's value compares as written.
  const variable = typeof value === 'string' || (typeof value === 'number' && numbers) ? captured.get(value) : undefined;
  if (variable !== undefined) {
    if (typeof value === 'number' && numbers) {
      numbers.used = true;
      return `\u0000${variable}\u0000`;
    }
    return `\${${variable}}`;
  }
  return typeof value === 'string' ? literal(value) : value;
}

/** `value` without the fields at `paths` (a subset matcher holds without them). */
function without(value: JsonValue, paths: ReadonlySet<string>, path = ''): JsonValue {
  if (Array.isArray(value)) return value.map((v, i) => without(v, paths, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = childPath(path, k);
      if (p !== undefined && paths.has(p)) continue;
      out[k] = without(v, paths, p ?? `${path}.?`);
    }
    return out;
  }
  return value;
}

/** Where `value` holds a number a capture kept, and its variable. */
function numbersOf(value: JsonValue, captured: ReadonlyMap<string | number, string>, path = ''): { path: string; variable: string }[] {
  if (typeof value === 'number') {
    const variable = captured.get(value);
    return variable !== undefined && path !== '' ? [{ path, variable }] : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => {
    const p = childPath(path, k);
    return p === undefined ? [] : numbersOf(v, captured, p);
  });
}

function sendOf(e: SessionLogEntry, captured: ReadonlyMap<string | number, string>): SendBody {
  const json = jsonOf(e);
  if (json !== undefined) {
    const numbers = { used: false };
    const filled = withVariables(json, captured, numbers);
    // A captured number goes in unquoted, which only JSON text can say.
    if (numbers.used) return { json: JSON.stringify(filled).replace(/"\\u0000([^"\\]+)\\u0000"/g, '${$1}') };
    return { json: filled };
  }
  const text = e.kind === 'binary' ? undefined : textOf(e);
  if (text !== undefined) return { text: literal(text) };
  return { hex: toHex(sessionEntryPayload(e), ' ') };
}

/** The steps that expect one received entry (and capture its chosen fields). */
function expectOf(e: SessionLogEntry, fields: readonly VolatileField[], capture: ReadonlySet<string>, captured: Map<string | number, string>): TestStep[] {
  const json = jsonOf(e);
  if (json !== undefined) {
    const mine = fields.filter((f) => f.seq === e.seq);
    // A captured number coming back (the client sent it) is compared as text: `${id}` in a JSON value is a string.
    const echoed = numbersOf(json, captured);
    const matched = [...mine.filter((f) => !capture.has(f.key)).map((f) => f.matcher), ...echoed.map(({ path, variable }) => ({ path, matches: `^\${${variable}}$` }))];
    const expect: ExpectStep = {
      json: withVariables(without(json, new Set([...mine.map((f) => f.path), ...echoed.map((n) => n.path)])), captured),
      ...(matched.length === 1 ? { jsonPath: matched[0]! } : matched.length > 1 ? { jsonPath: matched } : {}),
    };
    const steps: TestStep[] = [{ kind: 'expect', expect }];
    for (const f of mine.filter((f) => capture.has(f.key))) {
      steps.push({ kind: 'capture', capture: { as: f.variable, jsonPath: f.path } });
      captured.set(f.value, f.variable);
    }
    return steps;
  }
  const text = e.kind === 'binary' ? undefined : textOf(e);
  if (text !== undefined) return [{ kind: 'expect', expect: { text: literal(text) } }];
  return [{ kind: 'expect', expect: { ...(e.kind === 'binary' ? { kind: 'binary' as const } : {}), hex: toHex(sessionEntryPayload(e), ' ') } }];
}

/** A test that sends what was sent and expects what was received in `entries` (log order). */
export function testFromLog(entries: readonly SessionLogEntry[], options: TestFromLogOptions): SessionTest {
  const fields = options.volatile ?? volatileFields(entries);
  const capture = new Set(options.capture ?? []);
  const captured = new Map<string | number, string>();
  const steps: TestStep[] = [];
  for (const e of entries) {
    if (!isRecordable(e)) continue;
    if (e.kind === 'close') {
      if (e.direction === 'in') steps.push({ kind: 'expectClose', expectClose: closeCode(e) });
      else steps.push({ kind: 'disconnect', disconnect: closeCode(e) });
      continue;
    }
    if (e.direction === 'out') steps.push({ kind: 'send', send: sendOf(e, captured) });
    else steps.push(...expectOf(e, fields, capture, captured));
  }
  return { name: options.name, steps };
}
