import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SUMMARY_MAX_CHARS, type DecodedNode } from '../../shared/decode/decoded';
import { codecFactory } from '../../src/core/decode';
import { TREE_NODE_BUDGET } from '../../src/core/decode/dataItem/itemView';
import { msgpackCodec } from '../../src/core/decode/msgpack/msgpackCodec';
import { decodeMsgpack, timestampNote } from '../../src/core/decode/msgpack/msgpackDecoder';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function countNodes(node: DecodedNode): number {
  return 1 + (node.children ?? []).reduce((n, c) => n + countNodes(c), 0);
}

describe('MessagePack codec', () => {
  it('registers itself as MessagePack', () => {
    const factory = codecFactory('msgpack');
    assert.equal(factory?.label, 'MessagePack');
    assert.equal(factory.create({ codec: 'msgpack' }, {}), msgpackCodec);
  });

  it('shows each item with its type, value and bytes', () => {
    // {"type": "chat", 1: bin 0102, "ts": [1.5, -3, uint64 max, ext -1 (1 s)]}
    const d = msgpackCodec.decode(hex('83 a474797065 a463686174 01 c4020102 a27473 94 cb3ff8000000000000 fd cfffffffffffffffff d6ff00000001'));
    assert.equal(d.format, 'msgpack');
    assert.equal(d.error, undefined);
    const t = d.tree;
    assert.deepEqual([t.type, t.offset, t.length, t.value], ['map', 0, 45, '3 entries']);
    const [type, bin, ts] = t.children!;
    assert.deepEqual(type, { key: 'type', type: 'str', value: '"chat"', offset: 6, length: 5 });
    assert.deepEqual(bin, { key: '1', type: 'bin', value: '0102', offset: 12, length: 4 });
    assert.deepEqual(
      ts!.children!.map((c) => [c.key, c.type, c.value, c.offset, c.length]),
      [
        ['0', 'float64', '1.5', 20, 9],
        ['1', 'int', '-3', 29, 1],
        ['2', 'uint64', '18446744073709551615', 30, 9],
        ['3', 'ext -1', '1970-01-01T00:00:01Z', 39, 6],
      ],
    );
    assert.equal(d.summary, `{"type": "chat", 1: h'0102', "ts": [1.5, -3, 18446744073709551615, ext(-1, 1970-01-01T00:00:01Z)]}`);
    assert.deepEqual(d.fields, { type: 'chat' });
  });

  it('tells ints from uints and float32 from float64', () => {
    const d = msgpackCodec.decode(hex('96 00 ff cc80 d0ff ca3fc00000 cb3ff0000000000000'));
    assert.deepEqual(
      d.tree.children!.map((c) => `${c.type} ${c.value}`),
      ['uint 0', 'int -1', 'uint8 128', 'int8 -1', 'float32 1.5', 'float64 1.0'],
    );
  });

  it('reads the three timestamp forms of ext -1, and says when one is not a timestamp', () => {
    assert.equal(timestampNote(hex('00000001')), '1970-01-01T00:00:01Z');
    // 8 bytes: 30 bits of nanoseconds (500,000,000) over 34 bits of seconds (1,700,000,000).
    assert.equal(timestampNote(hex('77359400 6553f100')), '2023-11-14T22:13:20.5Z');
    assert.equal(timestampNote(hex('00000001 ffffffffffffffff')), '1969-12-31T23:59:59.000000001Z');
    assert.equal(timestampNote(hex('0102')), 'not a timestamp: 2 bytes (4, 8 or 12 expected)');
  });

  it('keeps what decoded before a truncation and says where input ran out', () => {
    const d = msgpackCodec.decode(hex('93 a3616263 da000c 6869'));
    assert.deepEqual(d.error, { offset: 10, message: 'truncated: str of 12 bytes at offset 5 needs 10 more bytes' });
    assert.equal(d.tree.type, 'array');
    assert.deepEqual(d.tree.children!.map((c) => c.value), ['"abc"']);
    assert.equal(d.summary, '["abc", …] ⚠ truncated: str of 12 bytes at offset 5 needs 10 more bytes');
  });

  it('refuses a huge declared length without allocating it', () => {
    for (const [input, message] of [
      ['dbffffffff', 'truncated: str of 4294967295 bytes at offset 0 needs 4294967295 more bytes'],
      ['c6fffffff0 00', 'truncated: bin32 of 4294967280 bytes at offset 0 needs 4294967279 more bytes'],
      ['ddffffffff c0c0', 'truncated: array of 4294967295 items at offset 0 needs 4294967293 more items'],
      ['dfffffffff c0', 'truncated: map of 4294967295 entries at offset 0 needs a value for the key at offset 5'],
      ['c9ffffffff05', 'truncated: ext32 of 4294967295 bytes at offset 0 needs 4294967295 more bytes'],
    ] as const) {
      assert.equal(decodeMsgpack(hex(input)).error?.message, message, input);
    }
  });

  it('stops deep nesting at 512 levels without overflowing the stack', () => {
    const bytes = new Uint8Array(100_001).fill(0x91);
    bytes[100_000] = 0xc0;
    const d = msgpackCodec.decode(bytes);
    assert.deepEqual(d.error, { offset: 512, message: 'nested deeper than 512 levels at offset 512' });
    assert.equal(d.tree.type, 'array');
    // 512 arrays in arrays are fine; the 513th is refused.
    const deepest = new Uint8Array(513).fill(0x91);
    deepest[512] = 0xc0;
    assert.equal(decodeMsgpack(deepest).error, undefined);
    const tooDeep = new Uint8Array(514).fill(0x91);
    tooDeep[513] = 0xc0;
    assert.equal(decodeMsgpack(tooDeep).error?.offset, 512);
  });

  it('builds at most the node budget and covers the rest with one node per container', () => {
    const r = decodeMsgpack(hex('94 01 02 92 03 04 05'), 4);
    assert.equal(r.error, undefined);
    const root = r.root!;
    assert.equal(root.kind, 'array');
    if (root.kind !== 'array') return;
    assert.equal(root.items.length, 3);
    assert.deepEqual(root.more, { count: 1, offset: 6, length: 1 });
    const inner = root.items[2]!;
    assert.ok(inner.kind === 'array' && inner.items.length === 0 && inner.more?.count === 2);
  });

  it('decodes a 1 MiB message with a bounded tree, and round-trips it through the editable text', () => {
    const text = JSON.stringify(
      Array.from({ length: 20_000 }, (_, i) => ({ type: 'tick', seq: i, price: i + 0.25, ok: i % 2 === 0, pad: 'x'.repeat(20) })),
    );
    const bytes = msgpackCodec.encode(text);
    assert.ok(bytes.length > 1024 * 1024, `${bytes.length} bytes`);
    const d = msgpackCodec.decode(bytes);
    assert.equal(d.error, undefined);
    assert.ok(countNodes(d.tree) <= TREE_NODE_BUDGET + 10);
    assert.equal(d.tree.value, '20,000 items');
    assert.equal(d.tree.children!.at(-1)!.type, 'more');
    assert.ok(d.summary.length <= SUMMARY_MAX_CHARS && d.summary.endsWith('…'));
    assert.deepEqual(msgpackCodec.encode(msgpackCodec.toEditableText(bytes)), bytes);
  });

  it('refuses trailing bytes after one value, at the first of them', () => {
    const d = msgpackCodec.decode(hex('01 02 03'));
    assert.deepEqual(d.error, { offset: 1, message: 'trailing bytes: 2 bytes after the MessagePack value that ends at offset 1' });
    assert.equal(d.tree.value, '1');
    assert.throws(() => msgpackCodec.toEditableText(hex('0102')), /Not MessagePack: trailing bytes/);
  });

  it('encodes each integer and length in its shortest form', () => {
    const cases: [string, string][] = [
      ['[0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296]', '99 00 7f cc80 ccff cd0100 cdffff ce00010000 ceffffffff cf0000000100000000'],
      ['[-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649]', '99 ff e0 d0df d080 d1ff7f d18000 d2ffff7fff d280000000 d3ffffffff7fffffff'],
      ['[{"$int": "18446744073709551615"}, {"$int": "-9223372036854775808"}]', '92 cfffffffffffffffff d38000000000000000'],
      ['[{"$float": 1}, {"$float32": 1.5}, 0.5]', '93 cb3ff0000000000000 ca3fc00000 cb3fe0000000000000'],
      ['[{"$ext": [1, "aa"]}, {"$ext": [-2, "aabbcc"]}, {"$ext": [3, "00000000000000000000000000000000"]}]', '93 d401aa c703feaabbcc d80300000000000000000000000000000000'],
      ['{"$map": [[1, {"$bin": ""}], [null, true]]}', '82 01 c400 c0 c3'],
    ];
    for (const [text, expected] of cases) assert.equal(toHex(msgpackCodec.encode(text)), expected.replace(/\s+/g, ''), text);
    assert.equal(toHex(msgpackCodec.encode(JSON.stringify('x'.repeat(32)))).slice(0, 4), 'd920');
    assert.equal(toHex(msgpackCodec.encode(JSON.stringify(Array(16).fill(0)))).slice(0, 6), 'dc0010');
  });

  it('names the line and column of what MessagePack cannot hold', () => {
    assert.throws(() => msgpackCodec.encode('{\n  "a": {"$tag": [1, 2]}\n}'), {
      code: 'INVALID_JSON',
      message: /^Cannot encode as MessagePack: '\{' at line 2, column 8 \(MessagePack has no tags/,
    });
    assert.throws(() => msgpackCodec.encode('[\n {"$int": "18446744073709551616"}]'), /line 2, column 2 \(18446744073709551616 is beyond MessagePack's integers/);
    assert.throws(() => msgpackCodec.encode('[{"$float16": 1}]'), /MessagePack has no float16/);
    assert.throws(() => msgpackCodec.encode('[{"$undefined": true}]'), /MessagePack has no undefined/);
    assert.throws(() => msgpackCodec.encode('[1,]'), /^SocketInspectorError: Invalid JSON: ']' at line 1, column 4/);
  });
});
