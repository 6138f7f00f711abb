// Whether a message is what a step expects, and if not, why; with the expected and actual values as
// diffable text. Regular expressions are the user's, so they run on the pattern worker with a deadline
// (src/core/patterns/patternRunner.ts): a catastrophic one fails its step, it never stalls the host.
import { parseHex } from '../../../shared/codecs/hexInput';
import { toHex } from '../../../shared/codecs/hexDump';
import type { DecodedMessage } from '../../../shared/decode/decoded';
import { Direction, Kind, kindName } from '../../../shared/logModel';
import type { PatternRunner } from '../patterns/patternRunner';
import { parseFieldPath, readField } from '../timing/jsonFieldPath';
import type { JsonPathMatcher, JsonTypeName, MessageMatchers } from './testFormat';
import type { TestMessage } from './testMessages';

/** What a matcher found wrong: a sentence, and the two sides as text a diff view can show. */
export interface Mismatch {
  readonly why: string;
  readonly expected: string;
  readonly actual: string;
}

/** What the matchers need besides the message. */
export interface MatchContext {
  readonly patterns: PatternRunner;
  /** The message as the connection's protocol layer decodes it; absent without a layer. */
  readonly decode?: (message: TestMessage) => DecodedMessage | undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

/** A regular expression as written: `/body/flags` or a body alone; `g` and `y` are dropped (a test is a test). */
export function regexParts(text: string): { body: string; flags: string } {
  const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  return literal ? { body: literal[1]!, flags: literal[2]!.replace(/[gy]/g, '') } : { body: text, flags: '' };
}

/** The error a regex that outlasted its deadline gives. */
export class PatternDeadlineError extends Error {}

/**
 * Tests `regex` on `text` on the pattern worker; the match (with groups) when it matches. The worker
 * proves the match finishes within the deadline; exec() then repeats the same search to read the groups.
 */
export async function boundedMatch(patterns: PatternRunner, regex: string, text: string): Promise<RegExpExecArray | undefined> {
  const parts = regexParts(regex);
  const bytes = encoder.encode(text);
  const result = await patterns.run([{ regex: parts }], { bytes, ends: Uint32Array.of(bytes.length) }, true);
  if (!result.ok) throw new PatternDeadlineError(`the regular expression /${parts.body}/${parts.flags} did not finish in time on this message (it backtracks catastrophically); it was stopped`);
  if (result.firstMatch[0] !== 0) return undefined;
  return new RegExp(parts.body, parts.flags).exec(text) ?? undefined;
}

/**
 * The UTF-8 bytes of the texts expects look for, encoded once per text (a repeat asks for the same ones
 * every round). Null for a text those bytes do not decode back to (a lone surrogate, a leading BOM,
 * which the decoder drops), or too long to keep: such a text is compared decoded.
 */
const encodedTexts = new Map<string, Uint8Array | null>();
const MAX_ENCODED_TEXTS = 256;
const MAX_ENCODED_TEXT_LENGTH = 4096;

function textBytes(text: string): Uint8Array | null {
  let bytes = encodedTexts.get(text);
  if (bytes === undefined) {
    if (text.length > MAX_ENCODED_TEXT_LENGTH) return null;
    if (encodedTexts.size >= MAX_ENCODED_TEXTS) encodedTexts.clear();
    const encoded = encoder.encode(text);
    bytes = decoder.decode(encoded) === text ? encoded : null;
    encodedTexts.set(text, bytes);
  }
  return bytes;
}

/** Whether `a` holds exactly the bytes `b` (false when there is no `b`). */
function sameBytes(a: Uint8Array, b: Uint8Array | null): boolean {
  if (b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A payload as a person reads it in a failure: its text, or hex when it is not text. */
export function describePayload(m: TestMessage): string {
  if (m.kind === Kind.Binary) return `hex ${toHex(m.payload, ' ')}`;
  const text = decoder.decode(m.payload);
  return text;
}

/** `#12 in text "…"`: the message in a failure's sentence. */
export function describeMessage(m: TestMessage): string {
  const direction = m.direction === Direction.In ? 'received' : m.direction === Direction.Out ? 'sent' : 'event';
  return `#${m.seq} (${direction} ${kindName(m.kind)})`;
}

function pretty(v: unknown): string {
  return JSON.stringify(v, null, 2) ?? 'undefined';
}

/** Whether `actual` holds `expected`: objects need the keys given (and may have more), arrays the same items in order. */
export function jsonSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => jsonSubset(e, actual[i]));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, e]) => Object.hasOwn(actual, k) && jsonSubset(e, (actual as Record<string, unknown>)[k]));
  }
  return Object.is(expected, actual) || expected === actual;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return jsonSubset(a, b) && jsonSubset(b, a);
}

/** The jsonPath checks of the matchers, as a list (one may be written without the list). */
function jsonPathsOf(matchers: MessageMatchers): readonly JsonPathMatcher[] {
  const p = matchers.jsonPath;
  return p === undefined ? [] : Array.isArray(p) ? p : [p as JsonPathMatcher];
}

/** The JSON type name of a parsed value. */
function jsonTypeOf(v: unknown): JsonTypeName {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonTypeName);
}

async function jsonPathMismatch(json: unknown, check: JsonPathMatcher, context: MatchContext): Promise<Mismatch | undefined> {
  const { path, equals, matches, type } = check;
  const parsed = parseFieldPath(path);
  const value = parsed.ok ? readField(json, parsed.segments) : undefined;
  if (value === undefined) return { why: `the JSON has no value at ${path}`, expected: `${path} = ${equals !== undefined ? pretty(equals) : (matches ?? `a ${type}`)}`, actual: pretty(json) };
  if (equals !== undefined && !jsonEqual(equals, value)) return { why: `${path} differs`, expected: pretty(equals), actual: pretty(value) };
  if (type !== undefined && jsonTypeOf(value) !== type) return { why: `${path} is not a ${type}`, expected: `a ${type}`, actual: `${pretty(value)} (a ${jsonTypeOf(value)})` };
  if (matches !== undefined && !(await boundedMatch(context.patterns, matches, valueText(value)))) {
    return { why: `${path} does not match ${matches}`, expected: matches, actual: valueText(value) };
  }
  return undefined;
}

/** True when the message's direction and kind are those the matchers ask for (in, any message kind by default). */
export function isCandidate(m: TestMessage, matchers: MessageMatchers): boolean {
  if (m.direction === Direction.Meta || m.kind === Kind.Close) return false;
  const direction = matchers.direction === 'out' ? Direction.Out : Direction.In;
  if (m.direction !== direction) return false;
  if (matchers.kind !== undefined) return kindName(m.kind) === matchers.kind;
  return true;
}

/** The message's value as text, for `matches` on JSON values: strings as they are, the rest as JSON. */
function valueText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

/**
 * Checks every matcher (variables already filled in) against one message of the right direction and
 * kind; undefined when all hold. The checks that may run a regex on the pattern worker (`jsonPath`,
 * `regex`, `field`) make the answer a promise; without them it is given at once, so an expect of text
 * or JSON decides a message without a turn of the microtask queue. Throws (or rejects with)
 * PatternDeadlineError when a regex is stopped.
 */
export function mismatch(m: TestMessage, matchers: MessageMatchers, context: MatchContext): Mismatch | undefined | Promise<Mismatch | undefined> {
  const needsText = matchers.text !== undefined || matchers.contains !== undefined || matchers.regex !== undefined;
  // A payload whose bytes are the expected text's is that text: no decoding (a call into C++ per message).
  const text =
    matchers.text !== undefined && sameBytes(m.payload, textBytes(matchers.text))
      ? matchers.text
      : needsText || matchers.json !== undefined || matchers.jsonPath !== undefined
        ? decoder.decode(m.payload)
        : '';
  if (matchers.text !== undefined && text !== matchers.text) {
    return { why: 'the text differs', expected: matchers.text, actual: describePayload(m) };
  }
  if (matchers.contains !== undefined && !text.includes(matchers.contains)) {
    return { why: `the text does not contain ${JSON.stringify(matchers.contains)}`, expected: `… ${matchers.contains} …`, actual: describePayload(m) };
  }
  if (matchers.hex !== undefined || matchers.hexPrefix !== undefined) {
    const want = parseHex(matchers.hex ?? matchers.hexPrefix!);
    const have = matchers.hex !== undefined ? m.payload : m.payload.subarray(0, want.length);
    if (have.length !== want.length || have.some((b, i) => b !== want[i])) {
      return {
        why: matchers.hex !== undefined ? 'the bytes differ' : 'the bytes do not start with the prefix',
        expected: toHex(want, ' '),
        actual: toHex(m.payload, ' '),
      };
    }
  }
  let json: unknown;
  if (matchers.json !== undefined || matchers.jsonPath !== undefined) {
    try {
      json = JSON.parse(text);
    } catch {
      return { why: 'the message is not JSON', expected: pretty(matchers.json ?? Object.fromEntries(jsonPathsOf(matchers).map((p) => [p.path, p.equals ?? p.matches ?? p.type]))), actual: describePayload(m) };
    }
  }
  if (matchers.json !== undefined && !jsonSubset(matchers.json, json)) {
    return { why: 'the JSON does not hold the expected fields', expected: pretty(matchers.json), actual: pretty(json) };
  }
  if (matchers.jsonPath === undefined && matchers.regex === undefined && matchers.field === undefined) return undefined;
  return laterMismatch(m, matchers, context, text, json);
}

/** The checks of mismatch() that may wait for the pattern worker, in their order, after the others held. */
async function laterMismatch(m: TestMessage, matchers: MessageMatchers, context: MatchContext, text: string, json: unknown): Promise<Mismatch | undefined> {
  for (const check of jsonPathsOf(matchers)) {
    const wrong = await jsonPathMismatch(json, check, context);
    if (wrong) return wrong;
  }
  if (matchers.regex !== undefined && !(await boundedMatch(context.patterns, matchers.regex, text))) {
    return { why: `the text does not match ${matchers.regex}`, expected: matchers.regex, actual: describePayload(m) };
  }
  if (matchers.field !== undefined) {
    const { name, equals, matches } = matchers.field;
    if (!context.decode) {
      return { why: `"field" needs a protocol layer on the connection (connection.layer) to decode ${name}`, expected: `${name}`, actual: describePayload(m) };
    }
    const decoded = context.decode(m);
    const value = decoded?.fields[name];
    if (value === undefined) return { why: `the message has no field "${name}"`, expected: name, actual: decoded?.summary ?? describePayload(m) };
    if (equals !== undefined && value !== equals) return { why: `field "${name}" differs`, expected: equals, actual: value };
    if (matches !== undefined && !(await boundedMatch(context.patterns, matches, value))) {
      return { why: `field "${name}" does not match ${matches}`, expected: matches, actual: value };
    }
  }
  return undefined;
}

/** The matchers in words and as JSON, for "expected" when no message came at all. */
export function describeMatchers(matchers: MessageMatchers): string {
  const { within: _w, ...rest } = matchers as MessageMatchers & { within?: number };
  return pretty(rest);
}

