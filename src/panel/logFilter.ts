// The panel's filter, run on the host where the log lives: the webview only receives matching seqs.
// Text is matched against the UTF-8 decoding of the payload (meta entries: their description).
// Substrings and regular expressions of literal alternatives are searched here, in linear time; any other
// regular expression may take exponential time, so it is tested on the pattern worker (FilterScan).
// With a protocol layer or payload codec in effect, `name:value` terms (`event:chat`, `topic:sensors/+`)
// test the decoded message's fields (FieldSource): entries are decoded only as the scan reaches them.
import { AUTO_REPLY_BIT, dirKindDirection, dirKindKind } from '../../shared/logModel';
import type { FilterSpec } from '../../shared/protocol';
import { topicMatches } from '../core/decode/topicFilter';
import type { PatternSource } from '../core/patterns/patternRunner';
import { parseRegexLiteral } from '../core/patterns/regexLiteral';

/** Only this many bytes of each payload are searched, so one huge message cannot stall the host. */
export const FILTER_SCAN_BYTES = 1024 * 1024;

/** A filter ready to test entries. */
export interface CompiledFilter {
  /**
   * Set when the text is a regular expression that only the pattern worker may run: entries `accepts`
   * lets through are tested there, on their first FILTER_SCAN_BYTES, and `matches` is never called.
   */
  readonly offThread?: PatternSource;
  /**
   * Whether an entry's dirKind byte (direction, kind and AUTO_REPLY_BIT, see logModel) passes: tested
   * before any text. The whole byte, so the auto-reply choice needs no lookup per entry.
   */
  accepts(dirKind: number): boolean;
  /** Whether an entry with this dirKind byte and payload `bytes[start, end)` matches. */
  matches(dirKind: number, bytes: Uint8Array, start: number, end: number): boolean;
  /** Called before each slice of a scan: the log may have changed (and slabs been reused) since the last. */
  beginScan?(): void;
}

/** Decodes an entry for the filter: its fields by name, or undefined when nothing decodes it. */
export interface FieldSource {
  fieldsOf(direction: number, kind: number, payload: Uint8Array): Readonly<Record<string, string>> | undefined;
}

/** One `name:value` term of a filter. */
export interface FieldTerm {
  readonly name: string;
  readonly value: string;
}

const FIELD_TERM = /^([A-Za-z_][A-Za-z0-9_]*):(.+)$/s;

/**
 * The filter text as field terms, when every space-separated word is `name:value` (`event:chat
 * type:EVENT`); undefined for any other text, which is plain text as ever.
 */
export function parseFieldTerms(text: string): FieldTerm[] | undefined {
  const words = text.trim().split(/\s+/);
  const terms: FieldTerm[] = [];
  for (const word of words) {
    const m = FIELD_TERM.exec(word);
    if (!m) return undefined;
    terms.push({ name: m[1]!, value: m[2]! });
  }
  return terms.length > 0 ? terms : undefined;
}

/**
 * Whether a decoded field has the term's value: `topic` as an MQTT topic filter (`+` one level, `#` the
 * rest), any other field equal ignoring case.
 */
export function fieldMatches(term: FieldTerm, fields: Readonly<Record<string, string>>): boolean {
  const actual = fields[term.name];
  if (actual === undefined) return false;
  if (term.name === 'topic') return topicMatches(term.value, actual);
  return actual.toLowerCase() === term.value.toLowerCase();
}

/** Outcome of {@link compileFilter}. */
export type FilterCompilation = { ok: true; filter: CompiledFilter } | { ok: false; message: string };

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });


/** ASCII lower-case of one byte. */
function lowerByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/**
 * Case-insensitive (ASCII letters) search of an ASCII needle directly in the bytes: an ASCII byte
 * always decodes to itself in UTF-8, so this equals searching the decoded text, without decoding.
 */
function includesAsciiFolded(haystack: Uint8Array, start: number, end: number, needle: Uint8Array): boolean {
  const n = needle.length;
  const last = Math.min(end, start + FILTER_SCAN_BYTES) - n;
  const first = needle[0]!;
  for (let i = start; i <= last; i++) {
    if (lowerByte(haystack[i]!) !== first) continue;
    let j = 1;
    while (j < n && lowerByte(haystack[i + j]!) === needle[j]) j++;
    if (j === n) return true;
  }
  return false;
}

/**
 * Node's native UTF-8 decoder, callable on any Uint8Array without a view per entry: about twice as fast
 * as TextDecoder on short payloads, which is most of a regex filter's time over a million entries
 * (bench/). Same result: invalid sequences become U+FFFD and a BOM is kept.
 */
const utf8Slice = typeof Buffer === 'function' ? (Buffer.prototype as unknown as { utf8Slice(this: Uint8Array, start: number, end: number): string }).utf8Slice : undefined;

function decodePrefix(bytes: Uint8Array, start: number, end: number): string {
  const stop = Math.min(end, start + FILTER_SCAN_BYTES);
  return utf8Slice ? utf8Slice.call(bytes, start, stop) : decoder.decode(bytes.subarray(start, stop));
}

type TextTest = ((bytes: Uint8Array, start: number, end: number) => boolean) & { beginScan?(): void };

/** Node's Buffer.prototype.indexOf (memmem behind a fast call), callable on any Uint8Array. */
const nodeIndexOf = typeof Buffer === 'function' ? (Buffer.prototype.indexOf as (this: Uint8Array, value: Uint8Array, byteOffset: number) => number) : undefined;

/** The longest run of bytes of a lower-case ASCII needle that are not letters (case folding keeps them). */
function caselessRun(needle: Uint8Array): { at: number; length: number } | undefined {
  let best: { at: number; length: number } | undefined;
  for (let i = 0; i < needle.length; ) {
    if (needle[i]! >= 0x61 && needle[i]! <= 0x7a) {
      i++;
      continue;
    }
    let j = i;
    while (j < needle.length && !(needle[j]! >= 0x61 && needle[j]! <= 0x7a)) j++;
    if (!best || j - i > best.length) best = { at: i, length: j - i };
    i = j;
  }
  return best;
}

/**
 * includesAsciiFolded for a needle with bytes that are not letters ("entry 42", "id=7"): those bytes
 * are searched natively through the log's slab and the whole needle checked around each hit. The next
 * hit is remembered, so entries without one cost a comparison, not a loop over their bytes (a million
 * entries: up to twice as fast on this VM). Slabs change between slices (appended to, or reused), hence beginScan.
 */
function anchoredFolded(needle: Uint8Array, run: { at: number; length: number }, indexOf: NonNullable<typeof nodeIndexOf>): TextTest {
  const anchor = needle.slice(run.at, run.at + run.length);
  const n = needle.length;
  let slab: Uint8Array | undefined;
  /** The first anchor at or after `from` in `slab` is at `hit` (-1: none). */
  let from = 0;
  let hit = -1;
  const test: TextTest = (bytes, start, end) => {
    const limit = Math.min(end, start + FILTER_SCAN_BYTES);
    const last = limit - n + run.at;
    let p = start + run.at;
    while (p <= last) {
      if (bytes !== slab || p < from || (hit !== -1 && hit < p)) {
        slab = bytes;
        from = p;
        hit = indexOf.call(bytes, anchor, p);
      }
      if (hit === -1 || hit > last) return false;
      const at = hit - run.at;
      let j = 0;
      while (j < n && lowerByte(bytes[at + j]!) === needle[j]) j++;
      if (j === n) return true;
      p = hit + 1;
    }
    return false;
  };
  test.beginScan = () => {
    slab = undefined;
  };
  return test;
}

/** Search of an ASCII needle directly in the bytes, case-sensitive (see includesAsciiFolded). */
function includesAscii(haystack: Uint8Array, start: number, end: number, needle: Uint8Array): boolean {
  const n = needle.length;
  const last = Math.min(end, start + FILTER_SCAN_BYTES) - n;
  const first = needle[0]!;
  for (let i = start; i <= last; i++) {
    if (haystack[i] !== first) continue;
    let j = 1;
    while (j < n && haystack[i + j] === needle[j]) j++;
    if (j === n) return true;
  }
  return false;
}

/** Characters that stand for themselves in a regular expression (outside a class, without the v flag). */
const PLAIN_REGEX_ALTERNATIVE = /^[A-Za-z0-9 _\-:,"'=#@!%&;<>~]+$/;

/**
 * A regular expression that is only literal alternatives (`/error|warn/`, flags i, m, s, u) matches
 * exactly the texts containing one of them: searched in the bytes like plain text, without decoding
 * each payload (ripgrep's literal extraction; a million entries in a third of the time: bench/).
 */
function literalAlternatives(body: string, flags: string): TextTest | undefined {
  if (!/^[imsu]*$/.test(flags)) return undefined;
  const alternatives = body.split('|');
  if (!alternatives.every((a) => PLAIN_REGEX_ALTERNATIVE.test(a))) return undefined;
  const fold = flags.includes('i');
  const needles = alternatives.map((a) => Uint8Array.from(fold ? a.toLowerCase() : a, (c) => c.charCodeAt(0)));
  const search = fold ? includesAsciiFolded : includesAscii;
  return (bytes, start, end) => {
    for (const needle of needles) if (search(bytes, start, end, needle)) return true;
    return false;
  };
}

function textMatcher(text: string): TextTest | { error: string } | { offThread: PatternSource } | undefined {
  if (text === '') return undefined;
  const literal = parseRegexLiteral(text);
  if (literal) {
    // g and y would make test() stateful across entries.
    const flags = literal.flags.replace(/[gy]/g, '');
    const fast = literalAlternatives(literal.body, flags);
    if (fast) return fast;
    try {
      // Compiled here only to say what is wrong with it; it runs on the pattern worker.
      new RegExp(literal.body, flags);
    } catch (e) {
      return { error: `Invalid regular expression: ${(e as Error).message}` };
    }
    return { offThread: { regex: { body: literal.body, flags } } };
  }
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) {
    const needle = Uint8Array.from(text.toLowerCase(), (c) => c.charCodeAt(0));
    const run = caselessRun(needle);
    if (run && nodeIndexOf) return anchoredFolded(needle, run, nodeIndexOf);
    return (bytes, start, end) => includesAsciiFolded(bytes, start, end, needle);
  }
  const needle = text.toLowerCase();
  return (bytes, start, end) => decodePrefix(bytes, start, end).toLowerCase().includes(needle);
}

/**
 * A test of field terms against decoded entries, or of the same text as plain text: `topic:a/b` still
 * finds a payload that says "topic:a/b" where nothing decodes it.
 */
function fieldMatcher(terms: readonly FieldTerm[], plain: TextTest | undefined, source: FieldSource): FieldTest {
  return (direction, kind, bytes, start, end) => {
    if (plain?.(bytes, start, end)) return true;
    const fields = source.fieldsOf(direction, kind, bytes.subarray(start, end));
    return fields !== undefined && terms.every((t) => fieldMatches(t, fields));
  };
}

type FieldTest = (direction: number, kind: number, bytes: Uint8Array, start: number, end: number) => boolean;

/** Compiles a filter; an invalid regular expression is reported, not thrown. `fields` decodes entries for field terms. */
export function compileFilter(spec: FilterSpec, fields?: FieldSource): FilterCompilation {
  const matcher = textMatcher(spec.text);
  if (matcher && 'error' in matcher) return { ok: false, message: matcher.error };
  const offThread = matcher && 'offThread' in matcher ? matcher.offThread : undefined;
  const text = offThread ? undefined : (matcher as TextTest | undefined);
  const terms = fields && !offThread ? parseFieldTerms(spec.text) : undefined;
  const byField = terms ? fieldMatcher(terms, text, fields!) : undefined;
  let directionMask = 0;
  for (const d of spec.directions) directionMask |= 1 << d;
  let kindMask = 0;
  for (const k of spec.kinds) kindMask |= 1 << k;
  const anyDirection = directionMask === 0;
  const anyKind = kindMask === 0;
  // The auto-reply choice as "dirKind & autoMask must equal autoWanted": both 0 when it is absent.
  const autoMask = spec.autoReplies === undefined ? 0 : AUTO_REPLY_BIT;
  const autoWanted = spec.autoReplies === 'only' ? AUTO_REPLY_BIT : 0;
  const accepts = (dirKind: number): boolean =>
    (dirKind & autoMask) === autoWanted &&
    (anyDirection || (directionMask & (1 << dirKindDirection(dirKind))) !== 0) &&
    (anyKind || (kindMask & (1 << dirKindKind(dirKind))) !== 0);
  if (offThread) {
    return {
      ok: true,
      filter: {
        offThread,
        accepts,
        matches() {
          throw new Error('This filter runs on the pattern worker');
        },
      },
    };
  }
  return {
    ok: true,
    filter: {
      accepts,
      matches(dirKind, bytes, start, end) {
        if (!accepts(dirKind)) return false;
        if (byField) return byField(dirKindDirection(dirKind), dirKindKind(dirKind), bytes, start, end);
        return text === undefined || text(bytes, start, end);
      },
      beginScan() {
        text?.beginScan?.();
      },
    },
  };
}
