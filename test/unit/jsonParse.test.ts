import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonTree, type JsonNode } from '../../webview/jsonParse';

/** Prints a tree back as compact JSON from the kept tokens. */
function print(n: JsonNode): string {
  if (n.kind === 'object') return `{${n.entries.map(([k, v]) => `${k}:${print(v)}`).join(',')}}`;
  if (n.kind === 'array') return `[${n.items.map(print).join(',')}]`;
  return n.raw;
}

describe('JSON tree', () => {
  it('keeps every scalar exactly as written', () => {
    const text = '{ "big": 12345678901234567890, "f": 1.0, "e": 1E+3, "s": "a\\u00e9\\"b", "t": true, "n": null, "neg": -0 }';
    const tree = parseJsonTree(text);
    assert.equal(print(tree), '{"big":12345678901234567890,"f":1.0,"e":1E+3,"s":"a\\u00e9\\"b","t":true,"n":null,"neg":-0}');
  });

  it('parses nesting, empty containers and duplicate keys as sent', () => {
    const text = '[{}, [], {"a":[1,[2,{"b":[]}]]}, {"k":1,"k":2}]';
    assert.equal(print(parseJsonTree(text)), '[{},[],{"a":[1,[2,{"b":[]}]]},{"k":1,"k":2}]');
    assert.equal(print(parseJsonTree(' 42 ')), '42');
  });

  it('handles deep nesting without recursion', () => {
    const depth = 100_000;
    const tree = parseJsonTree('['.repeat(depth) + ']'.repeat(depth));
    let n: JsonNode = tree;
    let d = 1;
    while (n.kind === 'array' && n.items.length) {
      n = n.items[0]!;
      d++;
    }
    assert.equal(d, depth);
  });

  it('rejects what is not JSON', () => {
    for (const bad of ['{"a":}', '[1,]', '{"a" 1}', '[1] x', '', '{a:1}', '"\\x"']) {
      assert.throws(() => parseJsonTree(bad), SyntaxError, bad);
    }
  });
});
