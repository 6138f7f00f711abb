import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codecFactory } from '../../src/core/decode';
import { cborCodec } from '../../src/core/decode/cbor/cborCodec';
import { decodeCbor } from '../../src/core/decode/cbor/cborDecoder';
import { float16Bits, float16Value } from '../../src/core/decode/dataItem/byteWriter';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const leaves = (h: string): string[] => cborCodec.decode(hex(h)).tree.children!.map((c) => `${c.type} ${c.value ?? ''}`.trim());

describe('CBOR codec', () => {
  it('registers itself as CBOR', () => {
    assert.equal(codecFactory('cbor')?.label, 'CBOR');
    assert.equal(codecFactory('cbor')!.create({ codec: 'cbor' }, {}), cborCodec);
  });

  it('shows ints, floats of each width, simple values and undefined by their types', () => {
    assert.deepEqual(leaves('8a 00 17 1818 20 3bffffffffffffffff f93e00 fa3fc00000 fb3ff8000000000000 f7 f0'), [
      'uint 0',
      'uint 23',
      'uint 24',
      'negint -1',
      'negint -18446744073709551616',
      'float16 1.5',
      'float32 1.5',
      'float64 1.5',
      'undefined undefined',
      'simple 16',
    ]);
    assert.deepEqual(leaves('84 f4 f5 f6 f8ff'), ['bool false', 'bool true', 'null null', 'simple 255']);
  });

  it('shows dates of tags 0 and 1 and the integers of bignums 2 and 3', () => {
    const d = cborCodec.decode(hex('84 c074323031332d30332d32315432303a30343a30305a c11a514b67b0 c249010000000000000000 c349010000000000000000'));
    assert.deepEqual(
      d.tree.children!.map((c) => [c.type, c.value, c.children?.[0]?.type]),
      [
        ['tag 0', '2013-03-21T20:04:00Z (date)', 'str'],
        ['tag 1', '2013-03-21T20:04:00Z', 'uint'],
        ['tag 2', '18446744073709551616', 'bin'],
        ['tag 3', '-18446744073709551617', 'bin'],
      ],
    );
    assert.equal(d.summary, '[0("2013-03-21T20:04:00Z"), 1(1363896240), 18446744073709551616, -18446744073709551617]');
    assert.equal(cborCodec.toEditableText(hex('c249010000000000000000')), '{"$int": "18446744073709551616"}');
    // A bignum that fits 64 bits is not what $int writes, so it stays a tag and round-trips as one.
    assert.equal(cborCodec.toEditableText(hex('c24101')), '{"$tag": [2, {"$bin": "01"}]}');
  });

  it('keeps the chunks of indefinite-length strings, each with its bytes', () => {
    const t = cborCodec.decode(hex('7f 626865 636c6c6f ff')).tree;
    assert.deepEqual([t.type, t.value, t.offset, t.length], ['str (indefinite)', '"hello"', 0, 9]);
    assert.deepEqual(t.children!.map((c) => [c.type, c.value, c.offset, c.length]), [
      ['str chunk', '"he"', 1, 3],
      ['str chunk', '"llo"', 4, 4],
    ]);
    const m = cborCodec.decode(hex('bf 6161 01 6162 9f 02 ff ff')).tree;
    assert.deepEqual([m.type, m.length, m.children!.map((c) => `${c.key}:${c.type}`)], ['map (indefinite)', 10, ['a:uint', 'b:array (indefinite)']]);
  });

  it('says where malformed input stops making sense', () => {
    const cases: [string, number, string][] = [
      ['', 0, 'empty payload: a CBOR value needs at least one byte'],
      ['1c', 0, 'reserved additional information 28 in the uint head at offset 0'],
      ['ff', 0, 'break (0xff) at offset 0 outside an indefinite-length item'],
      ['c1', 1, 'truncated: tag 1 at offset 0 needs the item it tags'],
      ['9f 01', 2, 'truncated: array (indefinite) at offset 0 needs more items and a break (0xff)'],
      ['7f 01 ff', 1, 'a chunk of the indefinite-length str at offset 0 must be a definite str; found 0x01 at offset 1'],
      ['7f 7f ff ff', 1, 'a chunk of the indefinite-length str at offset 0 must be a definite str; found 0x7f at offset 1'],
      ['f818', 1, 'simple value 24 at offset 0 must be written in one byte (0xf8), not two'],
      ['1b 0000', 3, 'truncated: uint head at offset 0 needs 6 more bytes'],
      ['5b ffffffffffffffff', 9, 'truncated: bin of 18446744073709551615 bytes at offset 0 needs 18446744073709551615 more bytes'],
    ];
    for (const [input, offset, message] of cases) assert.deepEqual(decodeCbor(hex(input)).error, { offset, message }, input);
  });

  it('stops a chain of tags at 512 levels', () => {
    const bytes = new Uint8Array(10_001).fill(0xc6);
    bytes[10_000] = 0x00;
    assert.deepEqual(decodeCbor(bytes).error, { offset: 512, message: 'nested deeper than 512 levels at offset 512' });
  });

  it('encodes heads in their shortest form and integers beyond 64 bits as bignums', () => {
    const cases: [string, string][] = [
      ['[0, 23, 24, 255, 256, 65536, 4294967296]', '87 00 17 1818 18ff 190100 1a00010000 1b0000000100000000'],
      ['[-1, -24, -25, {"$int": "-18446744073709551616"}, {"$int": "-18446744073709551617"}]', '85 20 37 3818 3bffffffffffffffff c349010000000000000000'],
      ['[{"$float16": 1.5}, {"$float32": 1.5}, {"$float": 1.5}, {"$float16": "NaN"}]', '84 f93e00 fa3fc00000 fb3ff8000000000000 f97e00'],
      ['[{"$simple": 16}, {"$simple": 32}, {"$undefined": true}, null, true]', '85 f0 f820 f7 f6 f5'],
      ['{"$tag": [18446744073709551615, {"$bin": "ab"}]}', 'dbffffffffffffffff 41ab'],
      ['{"$map": [[1, "a"], [[1], {"$tag": [1, 0]}]]}', 'a2 01 6161 8101 c100'],
    ];
    for (const [text, expected] of cases) assert.equal(toHex(cborCodec.encode(text)), expected.replace(/\s+/g, ''), text);
    assert.throws(() => cborCodec.encode('\n\n  {"$ext": [1, "00"]}'), /^SocketInspectorError: Cannot encode as CBOR: '\{' at line 3, column 3 \(CBOR has no ext types/);
  });

  it('converts every float16 bit pattern to its number and back', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = float16Value(bits);
      if (Number.isNaN(v)) continue;
      assert.equal(float16Bits(v), bits, `0x${bits.toString(16)}`);
    }
    assert.equal(float16Bits(65520), 0x7c00, 'rounds past the largest half to infinity');
    assert.equal(float16Bits(1 + 2 ** -11), 0x3c00, 'a tie rounds to even');
    assert.equal(float16Bits(1 + 3 * 2 ** -11), 0x3c02, 'a tie rounds to even (up)');
  });
});
