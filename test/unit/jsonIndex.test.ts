// The JSON tab's structural index: fed a slice at a time as bytes arrive (a string, number or key may be
// cut anywhere), it records every value in document order with its kind, depth, subtree end, key or
// index and child count, and names where a document stops being JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonIndex, JsonKind } from '../../webview/jsonIndex';

/** Indexes `text`, revealing `step` bytes at a time; 0 = all at once. */
function indexOf(text: string, step = 0): JsonIndex {
  const bytes = Buffer.from(text);
  const index = new JsonIndex(bytes);
  if (step === 0) index.feed(bytes.length, 1e9);
  else for (let n = step; ; n = Math.min(bytes.length, n + step)) {
    while (index.feed(n, 1e9)) { /* budget is unlimited */ }
    if (n === bytes.length) break;
  }
  return index;
}

/** The index as rows: [kind, depth, start, next, label, count]. */
function rows(index: JsonIndex): number[][] {
  return Array.from({ length: index.size }, (_, i) => [index.kind(i), index.depth(i), index.start(i), index.next(i), index.label(i), index.count(i)]);
}

describe('JSON index', () => {
  const doc = ' {"a": [1, "x\\"y", true], "b": {}, "c": null, "d": -2.5e3} ';

  it('records each value with its kind, depth, subtree end, key or index and child count', () => {
    const index = indexOf(doc);
    assert.equal(index.error, undefined);
    assert.ok(index.complete);
    assert.deepEqual(rows(index), [
      [JsonKind.Object, 0, 1, 8, 0, 4],
      [JsonKind.Array, 1, 7, 5, 2, 3],
      [JsonKind.Number, 2, 8, 3, 0, 0],
      [JsonKind.String, 2, 11, 4, 1, 0],
      [JsonKind.Literal, 2, 19, 5, 2, 0],
      [JsonKind.Object, 1, 31, 6, 26, 0],
      [JsonKind.Literal, 1, 40, 7, 35, 0],
      [JsonKind.Number, 1, 51, 8, 46, 0],
    ]);
    assert.equal(doc.slice(26, 29), '"b"');
  });

  it('gives the same index whatever the slices the bytes arrive in', () => {
    const whole = rows(indexOf(doc));
    for (const step of [1, 2, 3, 5, 7]) assert.deepEqual(rows(indexOf(doc, step)), whole, `step ${step}`);
  });

  it('stops within its time budget and resumes where it stopped', () => {
    const text = JSON.stringify(Array.from({ length: 50_000 }, (_, i) => ({ i, s: `item ${i}` })));
    const bytes = Buffer.from(text);
    const index = new JsonIndex(bytes);
    let clock = 0;
    let slices = 0;
    // A clock that moves 1 ms per reading: a 2 ms budget allows a couple of 64 KiB steps per slice.
    while (index.feed(bytes.length, 2, () => clock++)) slices++;
    assert.ok(slices > 3, `${slices} slices`);
    assert.ok(index.complete);
    assert.equal(index.size, 1 + 50_000 * 3);
    assert.equal(index.count(0), 50_000);
  });

  it('names where the bytes stop being JSON', () => {
    const cases: [string, RegExp][] = [
      ['{"a" 1}', /byte 5: expected ':'/],
      ['[1 2]', /byte 3: expected ',' or '\]'/],
      ['[tru]', /byte 1: unexpected "tru"/],
      ['{"a": [1, 2}', /byte 11: expected ',' or '\]'/],
      ['[1, 2', /byte 0: an array is not closed/],
      ['"ab', /byte 0: a string is not closed/],
      ['[1] x', /byte 4: more after the document/],
      ['["a\nb"]', /byte 3: a control character inside a string/],
      ['   ', /no value/],
    ];
    for (const [text, error] of cases) {
      const index = indexOf(text);
      assert.match(index.error ?? '', error, text);
      assert.equal(index.complete, false);
    }
  });
});
