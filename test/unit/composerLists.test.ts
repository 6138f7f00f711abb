import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComposerLists, HISTORY_LIMIT } from '../../src/panel/composerLists';
import { RateMeter } from '../../src/panel/rateMeter';

describe('composer lists', () => {
  it('keeps sent messages newest last, moving a repeat to the end', () => {
    const lists = new ComposerLists();
    lists.recordSent({ format: 'text', input: 'a', escapes: false });
    lists.recordSent({ format: 'hex', input: 'ff', escapes: false });
    lists.recordSent({ format: 'text', input: 'a', escapes: false });
    assert.deepEqual(lists.history.map((m) => m.input), ['ff', 'a']);
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) lists.recordSent({ format: 'text', input: `m${i}`, escapes: false });
    assert.equal(lists.history.length, HISTORY_LIMIT);
    assert.equal(lists.history.at(-1)?.input, `m${HISTORY_LIMIT + 9}`);
  });

  it('saves under a name (or the first line) and deletes by id', () => {
    const lists = new ComposerLists();
    const a = lists.save('  subscribe  ', { format: 'json', input: '{"op":"sub"}', escapes: false });
    const b = lists.save('', { format: 'text', input: 'first line\nsecond', escapes: true });
    assert.deepEqual(lists.saved.map((m) => m.name), ['subscribe', 'first line']);
    assert.equal(lists.delete(a), true);
    assert.equal(lists.delete(a), false);
    assert.deepEqual(lists.saved.map((m) => m.id), [b]);
  });
});

describe('rate meter', () => {
  it('measures the last second and decays to zero', () => {
    const r = new RateMeter();
    assert.equal(r.rate(), 0);
    r.sample(0, 0);
    r.sample(500, 500);
    r.sample(1000, 1000);
    assert.equal(r.rate(), 1000);
    r.sample(1000, 1500);
    r.sample(1000, 2500);
    assert.equal(r.rate(), 0);
    r.reset();
    assert.equal(r.rate(), 0);
  });
});
