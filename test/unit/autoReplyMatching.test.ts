import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  AUTO_REPLY_MATCH_BYTES,
  compileAutoReplies,
  findAutoReply,
  needsPatternWorker,
  type CompiledAutoReply,
} from '../../src/core/listen/autoReplyMatching';
import { parseRegexLiteral } from '../../src/core/patterns/regexLiteral';
import { PatternRunner } from '../../src/core/patterns/patternRunner';
import { MAX_AUTO_REPLY_RULES, type AutoReplyRule } from '../../shared/autoReplyRules';

const utf8 = (s: string) => new TextEncoder().encode(s);

function rule(match: string, input: string, extra: Partial<AutoReplyRule> = {}): AutoReplyRule {
  return { enabled: true, match, reply: { format: 'text', input, escapes: false }, delayMs: 0, ...extra };
}

const runner = new PatternRunner();
after(() => runner.dispose());

/** The first of `active` matching `payload`, as AutoResponder finds it: on the pattern worker when a rule is a regex. */
async function find(active: readonly CompiledAutoReply[], payload: Uint8Array): Promise<CompiledAutoReply | undefined> {
  if (!needsPatternWorker(active)) return findAutoReply(active, payload);
  const bytes = payload.subarray(0, AUTO_REPLY_MATCH_BYTES);
  const result = await runner.run(
    active.map((r) => r.pattern),
    { bytes, ends: Uint32Array.of(bytes.length) },
  );
  assert.ok(result.ok);
  return active[result.firstMatch[0]!];
}

/** The reply text the first matching rule sends for `message`, or undefined. */
async function answer(rules: AutoReplyRule[], message: string | Uint8Array, kind: 'ws' | 'tcp' = 'ws'): Promise<string | undefined> {
  const { active } = compileAutoReplies(rules, kind);
  const hit = await find(active, typeof message === 'string' ? utf8(message) : message);
  return hit ? new TextDecoder().decode(hit.reply.bytes) : undefined;
}

describe('auto-reply rules', () => {
  it('match a case-sensitive substring of the message', async () => {
    const rules = [rule('"type":"ping"', '{"type":"pong"}')];
    assert.equal(await answer(rules, '{"id":1,"type":"ping"}'), '{"type":"pong"}');
    assert.equal(await answer(rules, '{"id":1,"type":"PING"}'), undefined);
    assert.equal(await answer(rules, 'nothing'), undefined);
  });

  it('match /regex/flags, with g and y dropped so matching is not stateful', async () => {
    assert.equal(await answer([rule('/^hel+o$/i', 'hi')], 'HELLLO'), 'hi');
    assert.equal(await answer([rule('/^hel+o$/', 'hi')], 'HELLO'), undefined);
    const sticky = compileAutoReplies([rule('/a/gy', 'x')], 'ws').active;
    for (let i = 0; i < 3; i++) assert.ok(await find(sticky, utf8('a')), `match ${i + 1}`);
    // A path is a substring to look for, not a regex with the flags "users".
    assert.equal(parseRegexLiteral('/api/users'), undefined);
    assert.equal(await answer([rule('/api/users', 'found')], 'GET /api/users HTTP/1.1'), 'found');
    assert.deepEqual(parseRegexLiteral('/a\\/b/i'), { body: 'a\\/b', flags: 'i' });
  });

  it('with an empty match answer every message', async () => {
    assert.equal(await answer([rule('', 'ack')], 'anything'), 'ack');
    assert.equal(await answer([rule('', 'ack')], new Uint8Array([0xff, 0x00])), 'ack');
  });

  it('read binary messages as UTF-8 text', async () => {
    assert.equal(await answer([rule('OK', 'yes')], new Uint8Array([0x00, 0x4f, 0x4b, 0xff])), 'yes');
  });

  it('take the first enabled matching rule, and skip disabled ones', async () => {
    const rules = [rule('a', 'first', { enabled: false }), rule('a', 'second'), rule('', 'fallback')];
    assert.equal(await answer(rules, 'abc'), 'second');
    assert.equal(await answer(rules, 'xyz'), 'fallback');
    const { active } = compileAutoReplies(rules, 'ws');
    assert.deepEqual(active.map((r) => r.index), [1, 2]);
  });

  it('say what is wrong with each rule, and keep the valid ones active', () => {
    const rules: AutoReplyRule[] = [
      rule('/(/', 'x'),
      rule('ok', 'fine'),
      { ...rule('a', ''), reply: { format: 'hex', input: '4g', escapes: false } },
      { ...rule('a', ''), reply: { format: 'json', input: '{"a":', escapes: false } },
      rule('a', 'x', { delayMs: -1 }),
      rule('a', 'x', { delayMs: 1.5 }),
      rule('/(/', 'x', { enabled: false }),
    ];
    const { active, problems } = compileAutoReplies(rules, 'ws');
    assert.deepEqual(active.map((r) => r.index), [1]);
    assert.match(problems[0]!, /^Invalid regular expression/);
    assert.equal(problems[1], undefined);
    assert.match(problems[2]!, /^Reply: Invalid hex/);
    assert.match(problems[3]!, /^Reply: .*JSON/i);
    assert.match(problems[4]!, /delay must be a whole number/);
    assert.match(problems[5]!, /delay must be a whole number/);
    assert.match(problems[6]!, /^Invalid regular expression/, 'disabled rules are checked too');
  });

  it('reply in the composer formats: text as a WebSocket text message, hex and base64 as bytes', () => {
    const [text, hex, b64, escaped] = compileAutoReplies(
      [
        rule('', 'héllo'),
        { ...rule('', ''), reply: { format: 'hex', input: '00 ff 41', escapes: false } },
        { ...rule('', ''), reply: { format: 'base64', input: 'SGk=', escapes: false } },
        { ...rule('', ''), reply: { format: 'text', input: 'a\\nb', escapes: true } },
      ],
      'ws',
    ).active;
    assert.equal(text!.reply.text, 'héllo');
    assert.deepEqual([...text!.reply.bytes], [...utf8('héllo')]);
    assert.equal(hex!.reply.text, undefined);
    assert.deepEqual([...hex!.reply.bytes], [0x00, 0xff, 0x41]);
    assert.deepEqual([...b64!.reply.bytes], [...utf8('Hi')]);
    assert.equal(escaped!.reply.text, 'a\nb');
  });

  it('on TCP send every reply as bytes; on WebSocket refuse text escapes that are not UTF-8', () => {
    const bad = { ...rule('', ''), reply: { format: 'text' as const, input: '\\xff', escapes: true } };
    const tcp = compileAutoReplies([bad], 'tcp');
    assert.deepEqual(tcp.problems, [undefined]);
    assert.equal(tcp.active[0]!.reply.text, undefined);
    assert.deepEqual([...tcp.active[0]!.reply.bytes], [0xff]);
    const ws = compileAutoReplies([bad], 'ws');
    assert.match(ws.problems[0]!, /invalid UTF-8/);
    assert.equal(ws.active.length, 0);
  });

  it('match only the first bytes of a huge message', async () => {
    const big = new Uint8Array(AUTO_REPLY_MATCH_BYTES + 10).fill(0x61);
    big.set(utf8('END'), AUTO_REPLY_MATCH_BYTES + 5);
    assert.equal(await answer([rule('END', 'x')], big), undefined);
    assert.equal(await answer([rule('aaa', 'x')], big), 'x');
  });

  it('never test a regular expression on the calling thread: only substrings are matched there', () => {
    const { active } = compileAutoReplies([rule('plain', 'a'), rule('/^(a+)+$/', 'b')], 'ws');
    assert.equal(needsPatternWorker(active.slice(0, 1)), false);
    assert.equal(needsPatternWorker(active), true);
    assert.deepEqual(active[1]!.pattern, { regex: { body: '^(a+)+$', flags: '' } });
    assert.throws(() => findAutoReply(active, utf8('a'.repeat(40) + '!')), /pattern worker/);
  });

  it(`keep at most ${MAX_AUTO_REPLY_RULES} rules`, () => {
    const many = Array.from({ length: MAX_AUTO_REPLY_RULES + 1 }, (_, i) => rule(String(i), 'x'));
    const { active, problems } = compileAutoReplies(many, 'ws');
    assert.equal(active.length, MAX_AUTO_REPLY_RULES);
    assert.match(problems[MAX_AUTO_REPLY_RULES]!, /At most/);
  });
});
