// The messages server panels add to the protocol are checked like every other: shapes, limits, and
// nothing extra.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMessage, hostIncoming, webviewIncoming } from '../../shared/messageSchema';
import { MAX_AUTO_REPLY_RULES } from '../../shared/autoReplyRules';

const rule = { enabled: true, match: 'ping', reply: { format: 'text', input: 'pong', escapes: false }, delayMs: 0 };

function problemOf(message: object): string | undefined {
  const checked = checkMessage(message, hostIncoming);
  return checked.kind === 'invalid' ? checked.problem : undefined;
}

describe('server panel messages', () => {
  it('accept selectPeer, setAutoReplies and a broadcast send', () => {
    assert.equal(problemOf({ type: 'selectPeer', requestId: 1, peer: 0 }), undefined);
    assert.equal(problemOf({ type: 'selectPeer', requestId: 1, peer: 3, followNewest: true }), undefined);
    assert.equal(problemOf({ type: 'setAutoReplies', requestId: 2, rules: [rule, { ...rule, enabled: false, delayMs: 250 }] }), undefined);
    assert.equal(problemOf({ type: 'setAutoReplies', requestId: 2, rules: [] }), undefined);
    assert.equal(problemOf({ type: 'send', requestId: 3, format: 'hex', input: '00', escapes: false, broadcast: true }), undefined);
    assert.equal(problemOf({ type: 'send', requestId: 3, format: 'hex', input: '00', escapes: false }), undefined);
  });

  it('refuse malformed ones, naming the field', () => {
    assert.match(problemOf({ type: 'selectPeer', requestId: 1, peer: -1 })!, /peer must be an integer/);
    assert.match(problemOf({ type: 'selectPeer', requestId: 1, peer: 1, followNewest: 'yes' })!, /followNewest must be a boolean/);
    assert.match(problemOf({ type: 'send', requestId: 1, format: 'text', input: '', escapes: false, broadcast: 1 })!, /broadcast must be a boolean/);
    assert.match(problemOf({ type: 'setAutoReplies', requestId: 1, rules: 'x' })!, /rules must be a list of at most 100 rules/);
    const many = Array.from({ length: MAX_AUTO_REPLY_RULES + 1 }, () => rule);
    assert.match(problemOf({ type: 'setAutoReplies', requestId: 1, rules: many })!, /at most 100 rules/);
    assert.match(problemOf({ type: 'setAutoReplies', requestId: 1, rules: [rule, { ...rule, delayMs: -5 }] })!, /rule 2 delayMs must be an integer/);
    assert.match(problemOf({ type: 'setAutoReplies', requestId: 1, rules: [{ ...rule, extra: 1 }] })!, /rule 1 has an unexpected field 'extra'/);
    assert.match(
      problemOf({ type: 'setAutoReplies', requestId: 1, rules: [{ ...rule, reply: { ...rule.reply, format: 'yaml' } }] })!,
      /rule 1 reply format must be one of text, json, hex, base64/,
    );
    assert.match(problemOf({ type: 'setAutoReplies', requestId: 1, rules: [{ ...rule, match: 5 }] })!, /rule 1 match must be a string/);
  });

  it('let the webview take a peers event', () => {
    const checked = checkMessage({ type: 'peers', peers: { selected: 0 } }, webviewIncoming);
    assert.equal(checked.kind, 'event');
    assert.equal(checkMessage({ type: 'peers' }, webviewIncoming).kind, 'invalid');
  });
});
