// The extended JSON notation MessagePack and CBOR share (src/core/decode/extendedJson.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cborCodec } from '../../src/core/decode/cbor/cborCodec';
import { parseExtendedJson, toExtendedJson } from '../../src/core/decode/extendedJson';
import { msgpackCodec } from '../../src/core/decode/msgpack/msgpackCodec';
import { itemShape } from '../support/dataItemShape';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

describe('extended JSON notation for MessagePack and CBOR', () => {
  it('writes what JSON cannot say and reads it back to the same items', () => {
    const text = toExtendedJson(parseExtendedJson(
      '{"$map": [[1, {"$bin": "00ff"}], ["f", [{"$float": 2}, {"$float32": 0.5}, {"$float16": "-Infinity"}, {"$float": "-0"}, 0.25]],' +
        ' ["i", [{"$int": "9007199254740993"}, 9007199254740991]], ["x", {"$ext": [-1, "00000001"]}],' +
        ' ["t", {"$tag": [1, 0]}], ["u", {"$undefined": true}], ["s", {"$simple": 16}], ["n", null]]}',
    ));
    assert.equal(
      text,
      [
        '{"$map": [',
        '  [1, {"$bin": "00ff"}],',
        '  ["f", [',
        '      {"$float": 2},',
        '      {"$float32": 0.5},',
        '      {"$float16": "-Infinity"},',
        '      {"$float": "-0"},',
        '      0.25',
        '    ]],',
        '  ["i", [',
        '      {"$int": "9007199254740993"},',
        '      9007199254740991',
        '    ]],',
        '  ["x", {"$ext": [-1, "00000001"]}],',
        '  ["t", {"$tag": [1, 0]}],',
        '  ["u", {"$undefined": true}],',
        '  ["s", {"$simple": 16}],',
        '  ["n", null]',
        ']}',
      ].join('\n'),
    );
    assert.deepEqual(itemShape(parseExtendedJson(text)), itemShape(parseExtendedJson(toExtendedJson(parseExtendedJson(text)))));
  });

  it('writes a map as a JSON object only when it reads back as the same map', () => {
    assert.equal(toExtendedJson(parseExtendedJson('{"a": 1, "b": [true]}')), '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}');
    // Duplicate keys, and a single key that looks like the notation, need $map.
    assert.equal(msgpackCodec.toEditableText(hex('82 a161 01 a161 02')), '{"$map": [\n  ["a", 1],\n  ["a", 2]\n]}');
    assert.equal(cborCodec.toEditableText(hex('a1 64 2462696e 00')), '{"$map": [\n  ["$bin", 0]\n]}');
  });

  it('keeps integers beyond 2^53 exact, written plainly or as $int', () => {
    const item = parseExtendedJson('[18446744073709551615, {"$int": "-9223372036854775808"}]');
    assert.deepEqual(itemShape(item), ['array', [['int', '18446744073709551615'], ['int', '-9223372036854775808']]]);
  });

  it('rounds $float32 and $float16 to their width', () => {
    assert.deepEqual(itemShape(parseExtendedJson('[{"$float32": 0.1}, {"$float16": 0.1}]')), [
      'array',
      [['float', String(Math.fround(0.1))], ['float', '0.0999755859375']],
    ]);
  });

  it('names the line and column of a mistake in the notation', () => {
    const cases: [string, RegExp][] = [
      ['{"a":\n  {"$bin": "0g"}}', /^Invalid extended JSON: 'g' at line 2, column 14 \(\$bin: 'g' is not a hex digit\)/],
      ['[{"$bin": "abc"}]', /line 1, column 11 \(\$bin needs an even number of hex digits, not 3\)/],
      ['[{"$ext": [200, ""]}]', /line 1, column 12 \(the ext type must be from -128 to 127\)/],
      ['[{"$tag": [-1, 0]}]', /line 1, column 12 \(the tag number must be from 0 to 18446744073709551615\)/],
      ['[{"$int": "12a"}]', /line 1, column 11 \(\$int must be a string of decimal digits/],
      ['[{"$float": "big"}]', /line 1, column 13 \(\$float must be a number/],
      ['[{"$map": [[1]]}]', /line 1, column 12 \(each \$map entry \[key, value\] must be an array of two\)/],
      ['[{"$simple": 22}]', /simple value 22 is false, true, null or undefined: write that instead/],
      ['[{"$undefined": 1}]', /\$undefined must be true/],
      ['\n {"$bni": "00"}', /^Invalid extended JSON: '"' at line 2, column 3 \(unknown notation "\$bni"/],
      ['{"a": }', /^Invalid JSON: '\}' at line 1, column 7 \(expected a value\)/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseExtendedJson(text), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'INVALID_JSON');
        assert.match(e.message, message, text);
        return true;
      });
    }
  });

  it('refuses nesting deeper than 512 levels with a position instead of overflowing', () => {
    const text = `${'['.repeat(600)}${']'.repeat(600)}`;
    assert.throws(() => parseExtendedJson(text), /line 1, column 514 \(nested deeper than 512 levels\)/);
  });
});
