// The detail header's words for who sent an auto-reply: a rule (by number and match text), a rule the log
// no longer knows, or what of its recording a mock sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoReplyText } from '../../webview/entryFormat';

describe('autoReplyText', () => {
  it('names the rule, or says it is no longer known', () => {
    assert.equal(autoReplyText({ rule: 2, match: '/^ping$/' }), 'auto-reply by rule 2: /^ping$/');
    assert.equal(autoReplyText({ rule: 3, match: '' }), 'auto-reply by rule 3 (any message)');
    assert.equal(autoReplyText({ rule: 0, match: '' }), 'auto-reply (its rule is no longer known)');
  });

  it('names what of its recording a mock sent: the greeting, the reply to a recorded request, the fallback', () => {
    assert.equal(autoReplyText({ rule: 0, match: '', mock: 'greeting' }), 'mock greeting (recorded before the first request)');
    assert.equal(autoReplyText({ rule: 12, match: '"PING"', mock: 'reply' }), 'mock reply to recorded message #12: "PING"');
    assert.equal(autoReplyText({ rule: 0, match: '', mock: 'fallback' }), 'mock fallback (no recorded request matched)');
  });
});
