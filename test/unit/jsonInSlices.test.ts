// parseJsonInSlices gives what JSON.parse gives, for values small enough to hand to JSON.parse whole and
// for containers large enough to be walked member by member, lets the event loop turn between slices,
// and refuses what JSON.parse refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findTooDeep } from '../../src/core/session/sessionParse';
import { JsonSyntaxError, JsonTooDeepError, parseJsonInSlices, type Slicer } from '../../src/core/export/jsonInSlices';

/** A slicer that yields on every value, so every step of the walk crosses a turn of the event loop. */
function everyValue(): Slicer & { readonly yields: number } {
  let yields = 0;
  return {
    get yields() {
      return yields;
    },
    tick() {
      yields++;
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

/** A document over 64 KiB in total, with containers over it at several levels and odd members. */
function largeDocument(): unknown {
  const messages = Array.from({ length: 3000 }, (_, i) => ({ type: i % 2 ? 'send' : 'receive', time: 1714564800 + i / 7, opcode: 1, data: `m\u00e9ssage "${i}"\n\\` }));
  return {
    log: {
      version: '1.2',
      entries: [
        { request: { url: 'wss://x/' }, _webSocketMessages: messages, empty: [], none: {}, n: null, t: true, f: false, e: -1.5e-7 },
        { big: 'x'.repeat(100_000), list: Array.from({ length: 5000 }, (_, i) => [i, { k: i }]) },
      ],
      emoji: '\u{1F600}\ud83d\ude00',
    },
  };
}

describe('parseJsonInSlices', () => {
  it('gives what JSON.parse gives for small and large documents, whitespace and all', async () => {
    const small = ['0', '-12.5e3', '"a\\u0041\\"b"', 'true', 'null', '[]', '{}', ' [1, {"a": [2, 3]}, "x"] ', '{"a":{"b":{"c":[null]}}}'];
    for (const text of small) assert.deepEqual(await parseJsonInSlices(text, 512, everyValue()), JSON.parse(text), text);
    const doc = largeDocument();
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2), JSON.stringify(doc, null, '\t').replace(/\n/g, '\r\n')]) {
      const slicer = everyValue();
      assert.deepEqual(await parseJsonInSlices(text, 512, slicer), JSON.parse(text));
      assert.ok(slicer.yields > 1000, `walked member by member (${slicer.yields} steps)`);
    }
  });

  it('keeps "__proto__" an own field, as JSON.parse does, in large objects too', async () => {
    const text = `{"pad": "${'p'.repeat(70_000)}", "__proto__": {"polluted": 1}, "constructor": 2}`;
    const parsed = (await parseJsonInSlices(text, 512, everyValue())) as Record<string, unknown>;
    assert.ok(Object.prototype.hasOwnProperty.call(parsed, '__proto__'));
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(parsed, JSON.parse(text));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses what JSON.parse refuses, in small values and between the members of large ones', async () => {
    const pad = `"${'p'.repeat(70_000)}"`;
    const bad = ['', ' ', '[1,]', '[1 2]', '{"a" 1}', '{"a":1,}', '{a:1}', '"open', 'tru', '01', '[1]]', '[1] x', `[${pad},]`, `[${pad} 2]`, `{"p":${pad},}`, `{"p":${pad} "q":1}`, `{"p":${pad},"q"}`, `[${pad}, nul]`, `[${pad}, "\\x"]`, `[${pad}`, `{"p":${pad}`];
    for (const text of bad) {
      assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse accepts ${text.slice(0, 20)}`);
      await assert.rejects(parseJsonInSlices(text, 512, everyValue()), JsonSyntaxError, text.slice(0, 20));
    }
  });

  it('refuses nesting beyond the limit at the bracket findTooDeep names, in small and large values', async () => {
    const pad = `"${'p'.repeat(70_000)}"`;
    for (const text of [`{"a": ${'['.repeat(600)}${']'.repeat(600)}}`, `[${pad}, ${'['.repeat(40)}${pad}${']'.repeat(40)}]`]) {
      const offset = findTooDeep(text, 20);
      assert.ok(offset > 0);
      await assert.rejects(parseJsonInSlices(text, 20, everyValue()), (e: unknown) => e instanceof JsonTooDeepError && e.offset === offset);
    }
    assert.deepEqual(await parseJsonInSlices('[[[1]]]', 3, everyValue()), [[[1]]]);
    await assert.rejects(parseJsonInSlices('[[[[1]]]]', 3, everyValue()), JsonTooDeepError);
  });
});
