// Auto-reply rules, so a mock server needs no code: "when a message matches this text or /regex/,
// reply with that". Pure: compiling checks every rule (and says what is wrong with each), matching
// picks the first enabled rule that matches a received message. A rule's pattern is what the pattern
// worker tests (src/core/patterns/patternRunner.ts): a regular expression is never run on the extension
// host's thread, since one can take exponential time; substrings may be, as they take linear time.
// The rule type and its limits are in shared/autoReplyRules.ts, since the webview's editor checks them too.
import { MAX_AUTO_REPLY_DELAY_MS, MAX_AUTO_REPLY_RULES, type AutoReplyRule } from '../../../shared/autoReplyRules';
import { type AutoReplyOrigin, originMatchText } from '../../../shared/logModel';
import type { ConnectionKind } from '../connection/connectionTypes';
import { type Outgoing, prepareOutgoing } from '../connection/outgoingMessage';
import type { PatternSource } from '../patterns/patternRunner';
import { parseRegexLiteral } from '../patterns/regexLiteral';

/** Only this many bytes of each message are matched, so one huge message cannot stall the host. */
export const AUTO_REPLY_MATCH_BYTES = 1024 * 1024;

/** A rule ready to answer. */
export interface CompiledAutoReply {
  /** Position of the rule in the list the user wrote. */
  readonly index: number;
  readonly reply: Outgoing;
  readonly delayMs: number;
  /** What a received message (its text) must match: a substring (empty: any message) or a regular expression. */
  readonly pattern: PatternSource;
  /** What its replies are marked with in the log: the rule as it is now (one object, shared by all its replies). */
  readonly origin: AutoReplyOrigin;
}

/** Outcome of {@link compileAutoReplies}: the active rules, and what is wrong with each rule (undefined: nothing). */
export interface AutoReplyCompilation {
  readonly active: readonly CompiledAutoReply[];
  readonly problems: ReadonlyArray<string | undefined>;
}


/** The rule as its replies' log entries name it; a very long match text is cut. */
function originOf(rule: AutoReplyRule, index: number): AutoReplyOrigin {
  return { rule: index + 1, match: originMatchText(rule.match) };
}

function patternOf(match: string): PatternSource | string {
  const literal = match === '' ? undefined : parseRegexLiteral(match);
  if (!literal) return { substring: match };
  // g and y would make test() stateful from one message to the next.
  const flags = literal.flags.replace(/[gy]/g, '');
  try {
    // Compiled here only to say what is wrong with it; it is run on the pattern worker.
    new RegExp(literal.body, flags);
  } catch (e) {
    return `Invalid regular expression: ${(e as Error).message}`;
  }
  return { regex: { body: literal.body, flags } };
}

/** One rule's problem, or its compiled form. */
function compileRule(rule: AutoReplyRule, index: number, kind: ConnectionKind): CompiledAutoReply | string {
  const pattern = patternOf(rule.match);
  if (typeof pattern === 'string') return pattern;
  if (!Number.isInteger(rule.delayMs) || rule.delayMs < 0 || rule.delayMs > MAX_AUTO_REPLY_DELAY_MS) {
    return `The delay must be a whole number of milliseconds from 0 to ${MAX_AUTO_REPLY_DELAY_MS}`;
  }
  let reply: Outgoing;
  try {
    reply = prepareOutgoing(rule.reply, kind);
  } catch (e) {
    return `Reply: ${(e as Error).message}`;
  }
  return { index, reply, delayMs: rule.delayMs, pattern, origin: originOf(rule, index) };
}

/**
 * Checks every rule for peers of `kind`. Enabled rules without problems become active, in order;
 * disabled rules are checked too, so the editor can show their problems before they are turned on.
 */
export function compileAutoReplies(rules: readonly AutoReplyRule[], kind: ConnectionKind): AutoReplyCompilation {
  const active: CompiledAutoReply[] = [];
  const problems: Array<string | undefined> = [];
  rules.forEach((rule, index) => {
    if (index >= MAX_AUTO_REPLY_RULES) {
      problems.push(`At most ${MAX_AUTO_REPLY_RULES} rules are kept`);
      return;
    }
    const compiled = compileRule(rule, index, kind);
    if (typeof compiled === 'string') problems.push(compiled);
    else {
      problems.push(undefined);
      if (rule.enabled) active.push(compiled);
    }
  });
  return { active, problems };
}

const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text rules are matched against: the message's first bytes read as UTF-8. */
export function messageText(payload: Uint8Array): string {
  return lenientUtf8.decode(payload.subarray(0, AUTO_REPLY_MATCH_BYTES));
}

/** Whether any of `rules` is a regular expression, which only the pattern worker may test. */
export function needsPatternWorker(rules: readonly CompiledAutoReply[]): boolean {
  return rules.some((rule) => 'regex' in rule.pattern);
}

/**
 * The first of `rules` that matches `payload`, tested on the calling thread: only for rules without a
 * regular expression (see needsPatternWorker), whose test takes time linear in the message.
 */
export function findAutoReply(rules: readonly CompiledAutoReply[], payload: Uint8Array): CompiledAutoReply | undefined {
  if (rules.length === 0) return undefined;
  const text = messageText(payload);
  return rules.find(({ pattern }) => {
    if ('regex' in pattern) throw new Error('A regular expression is matched on the pattern worker, never on the host thread');
    return text.includes(pattern.substring);
  });
}
