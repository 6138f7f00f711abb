// RTT statistics against a brute-force reference, and the JSON field paths pairing reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairKeys, parseFieldPath, readField, RttStats } from '../../src/core/timing';
import { SeededRandom } from '../support/seededRandom';

/** Nearest-rank percentile, the slow obvious way. */
function reference(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

describe('RttStats', () => {
  it('has nothing to say before the first sample', () => {
    assert.equal(new RttStats().summary(), undefined);
  });

  it('gives nearest-rank median and p95 of the window, min and max of everything', () => {
    const s = new RttStats(4);
    for (const v of [5, 1, 9, 3]) s.add(v);
    assert.deepEqual(s.summary(), { minMs: 1, medianMs: 3, p95Ms: 9, maxMs: 9 });
    s.add(2); // 5 leaves the window: [1, 9, 3, 2]
    s.add(2); // 1 leaves: [9, 3, 2, 2]
    assert.deepEqual(s.summary(), { minMs: 1, medianMs: 2, p95Ms: 9, maxMs: 9 });
    assert.equal(s.count, 6);
    s.reset();
    assert.equal(s.summary(), undefined);
    s.add(7);
    assert.deepEqual(s.summary(), { minMs: 7, medianMs: 7, p95Ms: 7, maxMs: 7 });
  });

  for (const seed of [1, 2, 3, 42, 1337]) {
    it(`matches a brute-force window (seed ${seed})`, () => {
      const rnd = new SeededRandom(seed);
      const window = 1 + rnd.int(50);
      const s = new RttStats(window);
      const all: number[] = [];
      for (let i = 0; i < 500; i++) {
        // Many duplicates on purpose: removal from the sorted copy must take out exactly one.
        const v = rnd.chance(0.3) ? rnd.int(5) : rnd.int(1000) / 7;
        s.add(v);
        all.push(v);
        const recent = all.slice(-window);
        assert.deepEqual(
          s.summary(),
          { minMs: Math.min(...all), medianMs: reference(recent, 0.5), p95Ms: reference(recent, 0.95), maxMs: Math.max(...all) },
          `after ${i + 1} samples`,
        );
      }
    });
  }
});

describe('JSON field paths', () => {
  it('parses keys, dots and indexes', () => {
    assert.deepEqual(parseFieldPath(' id '), { ok: true, segments: ['id'] });
    assert.deepEqual(parseFieldPath('params.requestId'), { ok: true, segments: ['params', 'requestId'] });
    assert.deepEqual(parseFieldPath('data[0].id'), { ok: true, segments: ['data', 0, 'id'] });
    assert.deepEqual(parseFieldPath('[2][1]'), { ok: true, segments: [2, 1] });
    assert.deepEqual(parseFieldPath('a-b.c d.$x'), { ok: true, segments: ['a-b', 'c d', '$x'] });
    assert.deepEqual(parseFieldPath(''), { ok: true, segments: [] });
  });

  it('says what is wrong with a bad path', () => {
    const problem = (text: string) => {
      const r = parseFieldPath(text);
      return r.ok ? 'ok' : r.message;
    };
    assert.equal(problem('.id'), '".id": a field name is missing before the dot at character 1');
    assert.equal(problem('a.'), '"a.": a field name is missing after the last dot');
    assert.equal(problem('a[x]'), '"a[x]": expected an array index like [0] at character 2');
    assert.equal(problem('a[1'), '"a[1": expected an array index like [0] at character 2');
    assert.equal(problem('a]'), '"a]": unexpected ] at character 2');
    assert.equal(problem('a[0]b'), '"a[0]b": expected . or [ at character 5');
    assert.match(problem('x'.repeat(201)), /longer than 200 characters/);
  });

  it('reads values, and nothing where the path leads nowhere', () => {
    const doc = { a: { b: [10, { c: 'x' }] }, n: null };
    const at = (path: string) => {
      const p = parseFieldPath(path);
      assert.ok(p.ok);
      return readField(doc, p.segments);
    };
    assert.equal(at('a.b[1].c'), 'x');
    assert.equal(at('a.b.1.c'), 'x');
    assert.equal(at('a.b[0]'), 10);
    assert.equal(at('a.b[2]'), undefined);
    assert.equal(at('a.b.x'), undefined);
    assert.equal(at('n.x'), undefined);
    assert.equal(at('toString'), undefined, 'no inherited properties');
    assert.equal(at('a.b.length'), undefined);
  });

  it('keys are the JSON text of scalar values', () => {
    const keys = (text: string, path = 'id') => {
      const p = parseFieldPath(path);
      assert.ok(p.ok);
      const bytes = new TextEncoder().encode(text);
      return pairKeys(bytes, 0, bytes.length, p.segments);
    };
    assert.deepEqual(keys('{"id":7}'), ['7']);
    assert.deepEqual(keys('  {"id":"7"}'), ['"7"']);
    assert.deepEqual(keys('{"id":true}'), ['true']);
    assert.deepEqual(keys('{"id":null}'), []);
    assert.deepEqual(keys('{"id":[1]}'), []);
    assert.deepEqual(keys('"{\\"id\\":1}"'), [], 'a JSON string is not a document');
    assert.deepEqual(keys('{"id":1}', ''), [], 'no path, no keys');
    assert.deepEqual(keys('\u00ff{"id":1}'), []);
  });
});
