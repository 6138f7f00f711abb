// Checks the `tests` of a session file and builds SessionTest objects. The first wrong field stops the
// check with an error naming its path (`tests[0].steps[2].expect.within must be …`); the loader
// (testLoad.ts) adds the line and column. Unknown fields are warnings, as everywhere in the format.
import { parseComposerInput } from '../../../shared/codecs/composerInput';
import type { LayerSendForm } from '../../../shared/decode/layerForms';
import { parseHex } from '../../../shared/codecs/hexInput';
import type { SessionWarning } from '../session/sessionFormat';
import { bad, found, isRecord, Reader } from '../session/sessionFieldReader';
import { parseFieldPath } from '../timing/jsonFieldPath';
import {
  JSON_TYPE_NAMES,
  MAX_REPEAT_TIMES,
  STEP_KINDS,
  TEST_FIELDS,
  type CaptureStep,
  type ExpectHandshakeStep,
  type JsonPathMatcher,
  type JsonValue,
  type MessageMatchers,
  type SendBody,
  type SessionTest,
  type StepKind,
  type TestMock,
  type TestSetup,
  type TestStep,
} from './testFormat';
import { readMockFallback, readMockStrategy } from '../mock/mockSettings';
import type { Mutable } from '../session/sessionFormat';
import { placeholdersOf, VARIABLE_NAME } from './testVariables';

const PATHS = new WeakMap<object, string>();

/** Longest wait a step may ask for: setTimeout fires at once beyond 2^31-1 ms. */
const MAX_MS = 2_147_483_647;
const DIRECTIONS = ['in', 'out'] as const;
const KINDS = ['text', 'binary', 'ping', 'pong', 'data'] as const;

/** Checks the placeholders of a string field (their syntax; whether they have values is checked per run). */
function checked(text: string, path: string): string {
  placeholdersOf(text, path);
  return text;
}

/** A JSON value written in a step, its strings' placeholders checked. */
function jsonValue(v: unknown, path: string): JsonValue {
  if (typeof v === 'string') return checked(v, path);
  if (Array.isArray(v)) v.forEach((item, i) => jsonValue(item, `${path}[${i}]`));
  else if (isRecord(v)) for (const [k, item] of Object.entries(v)) jsonValue(item, `${path}.${k}`);
  return v as JsonValue;
}

/** Checks a regular expression written as `/body/flags` or as a body alone. */
function regexText(text: string, path: string): string {
  checked(text, path);
  if (text.includes('${')) return text;
  try {
    const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
    new RegExp(literal ? literal[1]! : text, literal ? literal[2]!.replace(/[gy]/g, '') : '');
  } catch (e) {
    throw bad(path, `is not a regular expression: ${(e as Error).message}`);
  }
  return text;
}

function withoutPlaceholders(text: string): boolean {
  return !text.includes('${');
}

function readSend(v: unknown, path: string, warnings: SessionWarning[], layer: string | undefined): SendBody {
  if (typeof v === 'string') return { text: checked(v, path) };
  const r = Reader.object(v, path, TEST_FIELDS.send, warnings, 'a string (text to send) or an object { "text" | "json" | "hex" | "base64" | "message" | "layer" }');
  const given = (['text', 'json', 'hex', 'base64', 'message', 'layer'] as const).filter((k) => r.has(k));
  if (given.length !== 1) {
    throw bad(path, `needs exactly one of "text", "json", "hex", "base64", "message" or "layer" (found ${given.length === 0 ? 'none' : given.map((k) => `"${k}"`).join(', ')})`);
  }
  const key = given[0]!;
  if (key !== 'text' && r.has('escapes')) throw bad(r.at('escapes'), 'applies to "text" only');
  switch (key) {
    case 'text': {
      const text = checked(r.string('text', true), r.at('text'));
      const escapes = r.boolean('escapes');
      if (escapes && withoutPlaceholders(text)) tryInput(text, 'text', r.at('text'), true);
      return escapes !== undefined ? { text, escapes } : { text };
    }
    case 'json': {
      const json = r.raw('json');
      if (typeof json === 'string') {
        if (withoutPlaceholders(json)) tryInput(json, 'json', r.at('json'));
        return { json: checked(json, r.at('json')) };
      }
      return { json: jsonValue(json, r.at('json')) };
    }
    case 'hex':
    case 'base64': {
      const text = checked(r.string(key, true), r.at(key));
      if (withoutPlaceholders(text)) tryInput(text, key, r.at(key));
      return key === 'hex' ? { hex: text } : { base64: text };
    }
    case 'message':
      return { message: r.string('message', true) };
    case 'layer': {
      const form = r.raw('layer');
      if (!isRecord(form) || typeof form.layer !== 'string') {
        throw bad(r.at('layer'), `must be a protocol layer's composer form: an object { "layer": "socketio" | "mqtt" | "stomp", … } (found ${found(form)})`);
      }
      if (layer === undefined) throw bad(r.at('layer'), `sends through a protocol layer, which needs one on the connection: "connection": { …, "layer": { "type": "${form.layer}" } }`);
      if (form.layer !== layer) throw bad(`${r.at('layer')}.layer`, `is "${form.layer}", but the connection speaks ${layer} (connection.layer)`);
      // The form's own fields are checked by the layer when it sends (the same check the composer gets).
      jsonValue(form as JsonValue, r.at('layer'));
      return { layer: form as unknown as LayerSendForm };
    }
  }
}

function tryInput(text: string, format: 'text' | 'json' | 'hex' | 'base64', path: string, escapes = false): void {
  try {
    parseComposerInput(text, format, { escapes });
  } catch (e) {
    throw bad(path, `is not valid ${format === 'text' ? 'text with escapes' : format}: ${(e as Error).message}`);
  }
}

function within(r: Reader): number | undefined {
  return r.integer('within', 0, MAX_MS);
}

function readMatchers(v: unknown, path: string, warnings: SessionWarning[], what: string): MessageMatchers & { within?: number } {
  const r = Reader.object(v, path, TEST_FIELDS.matchers, warnings, what);
  const out: Record<string, unknown> = {};
  if (r.has('direction')) out.direction = r.oneOf('direction', DIRECTIONS);
  if (r.has('kind')) out.kind = r.oneOf('kind', KINDS);
  for (const key of ['text', 'contains'] as const) {
    const s = r.string(key);
    if (s !== undefined) out[key] = checked(s, r.at(key));
  }
  const regex = r.string('regex');
  if (regex !== undefined) out.regex = regexText(regex, r.at('regex'));
  if (r.has('json')) out.json = jsonValue(r.raw('json'), r.at('json'));
  if (r.has('jsonPath')) {
    const raw = r.raw('jsonPath');
    out.jsonPath = Array.isArray(raw)
      ? raw.map((item, i) => readJsonPath(item, `${r.at('jsonPath')}[${i}]`, warnings))
      : readJsonPath(raw, r.at('jsonPath'), warnings);
  }
  for (const key of ['hex', 'hexPrefix'] as const) {
    const s = r.string(key);
    if (s === undefined) continue;
    checked(s, r.at(key));
    if (withoutPlaceholders(s)) {
      try {
        parseHex(s);
      } catch (e) {
        throw bad(r.at(key), `is not hex: ${(e as Error).message}`);
      }
    }
    out[key] = s;
  }
  if (r.has('field')) {
    const f = Reader.object(r.raw('field'), r.at('field'), TEST_FIELDS.field, warnings, 'an object { "name", "equals" | "matches" }');
    const name = f.string('name', true);
    if (f.has('equals') === f.has('matches')) throw bad(r.at('field'), 'needs exactly one of "equals" and "matches"');
    out.field = f.has('equals')
      ? { name, equals: checked(f.string('equals', true), f.at('equals')) }
      : { name, matches: regexText(f.string('matches', true), f.at('matches')) };
  }
  const w = within(r);
  if (w !== undefined) out.within = w;
  return r.keepExtras(out) as MessageMatchers & { within?: number };
}

function readJsonPath(v: unknown, path: string, warnings: SessionWarning[]): JsonPathMatcher {
  const p = Reader.object(v, path, TEST_FIELDS.jsonPath, warnings, 'an object { "path", "equals" | "matches" | "type" }, or a list of them');
  const fieldPath = p.string('path', true);
  const parsed = parseFieldPath(fieldPath);
  if (!parsed.ok) throw bad(p.at('path'), `is not a JSON field path: ${parsed.message}`);
  const given = (['equals', 'matches', 'type'] as const).filter((k) => p.has(k));
  if (given.length !== 1) throw bad(path, 'needs exactly one of "equals" (a JSON value), "matches" (a regular expression) and "type" (a JSON type)');
  if (p.has('equals')) return { path: fieldPath, equals: jsonValue(p.raw('equals'), p.at('equals')) };
  if (p.has('type')) return { path: fieldPath, type: p.oneOf('type', JSON_TYPE_NAMES) };
  return { path: fieldPath, matches: regexText(p.string('matches', true), p.at('matches')) };
}

function readHandshake(v: unknown, path: string, warnings: SessionWarning[]): ExpectHandshakeStep {
  const r = Reader.object(v, path, TEST_FIELDS.expectHandshake, warnings, 'an object { "status", "headers" }');
  const out: { status?: number; headers?: Record<string, string | boolean> } = {};
  const status = r.integer('status', 100, 599);
  if (status !== undefined) out.status = status;
  if (r.has('headers')) {
    const h = r.raw('headers');
    if (!isRecord(h)) throw bad(r.at('headers'), `must be an object { "header-name": true | false | "value" } (found ${found(h)})`);
    const headers: Record<string, string | boolean> = {};
    for (const [name, value] of Object.entries(h)) {
      const at = `${r.at('headers')}[${JSON.stringify(name)}]`;
      if (typeof value === 'string') headers[name] = checked(value, at);
      else if (typeof value === 'boolean') headers[name] = value;
      else throw bad(at, `must be true (present), false (absent) or the value as a string (found ${found(value)})`);
    }
    out.headers = headers;
  }
  return r.keepExtras(out);
}

function readCapture(v: unknown, path: string, warnings: SessionWarning[]): CaptureStep {
  const r = Reader.object(v, path, TEST_FIELDS.capture, warnings, 'an object { "as", "jsonPath" | "regex" }');
  const as = r.string('as', true);
  if (!VARIABLE_NAME.test(as)) throw bad(r.at('as'), `must be a variable name (letters, digits, _ . and -, not starting with a digit) (found ${found(as)})`);
  if (r.has('jsonPath') === r.has('regex')) throw bad(path, 'needs exactly one of "jsonPath" and "regex"');
  if (r.has('jsonPath')) {
    const p = r.string('jsonPath', true);
    const parsed = parseFieldPath(p);
    if (!parsed.ok || parsed.segments.length === 0) throw bad(r.at('jsonPath'), `is not a JSON field path: ${parsed.ok ? 'it is empty' : parsed.message}`);
    if (r.has('group')) throw bad(r.at('group'), 'applies to "regex" only');
    return r.keepExtras({ as, jsonPath: p });
  }
  const regex = regexText(r.string('regex', true), r.at('regex'));
  const group = r.integer('group', 0, 99);
  return r.keepExtras(group !== undefined ? { as, regex, group } : { as, regex });
}

function readSteps(v: unknown, path: string, warnings: SessionWarning[], layer: string | undefined): TestStep[] {
  if (!Array.isArray(v)) throw bad(path, `must be a list of steps (found ${found(v)})`);
  return v.map((s, i) => readStep(s, `${path}[${i}]`, warnings, layer));
}

function readStep(v: unknown, path: string, warnings: SessionWarning[], layer: string | undefined): TestStep {
  const what = `a step: an object with one of ${STEP_KINDS.map((k) => `"${k}"`).join(', ')}`;
  const r = Reader.object(v, path, TEST_FIELDS.step, warnings, what);
  const kinds = STEP_KINDS.filter((k) => r.has(k));
  if (kinds.length !== 1) {
    throw bad(path, kinds.length === 0 ? `must be ${what}` : `holds ${kinds.map((k) => `"${k}"`).join(' and ')}; a step does one thing (split it in two)`);
  }
  const kind: StepKind = kinds[0]!;
  const name = r.string('name');
  const at = r.at(kind);
  const raw = r.raw(kind);
  let step: TestStep;
  switch (kind) {
    case 'send':
      step = { kind, send: readSend(raw, at, warnings, layer) };
      break;
    case 'expect':
      step = { kind, expect: readMatchers(raw, at, warnings, 'an object of matchers { "text", "json", "regex", … , "within" }') };
      break;
    case 'expectNone':
      step = { kind, expectNone: readMatchers(raw, at, warnings, 'an object of matchers { "text", "json", "regex", … , "within" }') };
      break;
    case 'expectHandshake':
      step = { kind, expectHandshake: readHandshake(raw, at, warnings) };
      break;
    case 'expectClose': {
      const c = Reader.object(raw, at, TEST_FIELDS.expectClose, warnings, 'an object { "code", "reason", "within" }');
      const out: { code?: number; reason?: string; within?: number } = {};
      const code = c.integer('code', 0, 65535);
      if (code !== undefined) out.code = code;
      const reason = c.string('reason');
      if (reason !== undefined) out.reason = checked(reason, c.at('reason'));
      const w = within(c);
      if (w !== undefined) out.within = w;
      step = { kind, expectClose: c.keepExtras(out) };
      break;
    }
    case 'capture':
      step = { kind, capture: readCapture(raw, at, warnings) };
      break;
    case 'wait':
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > MAX_MS) throw bad(at, `must be a number of milliseconds 0–${MAX_MS} (found ${found(raw)})`);
      step = { kind, wait: raw };
      break;
    case 'repeat': {
      const c = Reader.object(raw, at, TEST_FIELDS.repeat, warnings, 'an object { "times", "steps" }');
      const times = c.integer('times', 1, MAX_REPEAT_TIMES, true);
      step = { kind, repeat: c.keepExtras({ times, steps: readSteps(c.need('steps', 'a list of steps'), c.at('steps'), warnings, layer) }) };
      break;
    }
    case 'every': {
      const c = Reader.object(raw, at, TEST_FIELDS.every, warnings, 'an object { "ms", "send" }');
      const ms = c.integer('ms', 1, MAX_MS, true);
      const send = readSend(c.need('send', 'what to send'), c.at('send'), warnings, layer);
      // A layer keeps its own keep-alive (Engine.IO pings, MQTT PINGREQ); a heartbeat sends bytes.
      if ('layer' in send) throw bad(c.at('send'), 'sends bytes on a timer; a protocol layer keeps its own keep-alive, so a layer form cannot be a heartbeat');
      step = { kind, every: c.keepExtras({ ms, send }) };
      break;
    }
    case 'disconnect': {
      const c = raw === true ? undefined : Reader.object(raw, at, TEST_FIELDS.disconnect, warnings, 'true or an object { "code", "reason" }');
      const out: { code?: number; reason?: string } = {};
      const code = c?.integer('code', 0, 65535);
      if (code !== undefined) out.code = code;
      const reason = c?.string('reason');
      if (reason !== undefined) out.reason = checked(reason, c!.at('reason'));
      step = { kind, disconnect: c ? c.keepExtras(out) : out };
      break;
    }
  }
  const out = r.keepExtras(name !== undefined ? { name, ...step } : step);
  PATHS.set(out, path);
  return out;
}

function readSetup(v: unknown, path: string, warnings: SessionWarning[]): TestSetup {
  const r = Reader.object(v, path, TEST_FIELDS.setup, warnings, 'an object { "mock" }');
  if (!r.has('mock')) return r.keepExtras({});
  const m = Reader.object(r.raw('mock'), r.at('mock'), TEST_FIELDS.mock, warnings, 'an object { "session", "strategy", "fallback" }');
  const session = m.string('session', true);
  if (session.trim() === '') throw bad(m.at('session'), 'must name the recorded session file (relative to this file\'s folder)');
  const mock: Mutable<TestMock> = { session };
  if (m.has('strategy')) {
    readMockStrategy(m.raw('strategy'), m.at('strategy'), warnings);
    mock.strategy = m.raw('strategy') as TestMock['strategy'];
  }
  if (m.has('fallback')) {
    readMockFallback(m.raw('fallback'), m.at('fallback'), warnings);
    mock.fallback = m.raw('fallback') as TestMock['fallback'];
  }
  return r.keepExtras({ mock: m.keepExtras(mock) });
}

/** Checks a session's `tests` field; throws BAD_SESSION naming the path of the first wrong field. */
export function readTests(v: unknown, warnings: SessionWarning[], layer?: string): SessionTest[] {
  if (!Array.isArray(v)) throw bad('tests', `must be a list of tests { "name", "steps" } (found ${found(v)})`);
  const names = new Map<string, number>();
  return v.map((t, i) => {
    const path = `tests[${i}]`;
    const r = Reader.object(t, path, TEST_FIELDS.test, warnings, 'a test: an object { "name", "steps" }');
    const name = r.string('name', true);
    if (name.trim() === '') throw bad(r.at('name'), 'must not be empty');
    const first = names.get(name);
    if (first !== undefined) throw bad(r.at('name'), `repeats the name of tests[${first}] ("${name}"); test names are unique in a file`);
    names.set(name, i);
    const timeoutMs = r.integer('timeoutMs', 0, MAX_MS);
    const setup = r.has('setup') ? readSetup(r.raw('setup'), r.at('setup'), warnings) : undefined;
    const steps = readSteps(r.need('steps', 'a list of steps'), r.at('steps'), warnings, layer);
    const test = r.keepExtras({ name, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(setup ? { setup } : {}), steps });
    PATHS.set(test, path);
    return test;
  });
}

/** The JSON path (`tests[0].steps[2]`) a test or step was read from; kept beside them, not in them, so a saved session holds only what the file did. */
export function pathOf(item: SessionTest | TestStep): string | undefined {
  return PATHS.get(item);
}
