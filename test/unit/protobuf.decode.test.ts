import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { DecodedMessage, DecodedNode } from '../../shared/decode/decoded';
import { codecFactory, type ProtoSchemas } from '../../src/core/decode';
import type { PayloadCodec } from '../../src/core/decode/payloadCodec';
import { MAX_CHILDREN_SHOWN, MAX_TREE_NODES } from '../../src/core/decode/protobuf/treeBudget';
import { loadFixtureSchemas } from '../support/protoc';

const h = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const child = (n: DecodedNode, key: string): DecodedNode | undefined => n.children?.find((c) => c.key === key);
function countNodes(n: DecodedNode): number {
  return 1 + (n.children ?? []).reduce((s, c) => s + countNodes(c), 0);
}

describe('Protobuf typed decode', () => {
  let schemas: ProtoSchemas;
  let message: PayloadCodec;
  let raw: PayloadCodec;
  before(async () => {
    schemas = (await loadFixtureSchemas()).schemas;
    const make = (messageType?: string): PayloadCodec =>
      codecFactory('protobuf')!.create({ codec: 'protobuf', ...(messageType ? { messageType } : {}) }, { protoSchemas: schemas });
    message = make('chat.v1.Message');
    raw = make();
  });

  it('shows field names, types, values and the bytes of each node', () => {
    // id = 7, text = "hi", author { name = "a" }, scores packed [1, 2]
    const d = message.decode(h('0807 12026869 2203 0a0161 2a02 0102'));
    assert.equal(d.format, 'protobuf');
    assert.equal(d.error, undefined);
    assert.deepEqual(d.tree.children!.map((n) => [n.key, n.type, n.value, n.offset, n.length]), [
      ['id', 'uint64', '7', 0, 2],
      ['text', 'string', '"hi"', 2, 4],
      ['author', 'chat.v1.Message.Author', undefined, 6, 5],
      ['scores', 'repeated int32', '2 items', 11, 4],
    ]);
    assert.deepEqual(child(d.tree, 'scores')!.children!.map((n) => [n.key, n.value, n.offset, n.length]), [['0', '1', 13, 1], ['1', '2', 14, 1]]);
    assert.equal(d.summary, 'chat.v1.Message {id: 7, text: "hi", author: {…}, scores: [2]}');
    assert.deepEqual(d.fields, { id: '7', text: 'hi' });
  });

  it('accepts repeated numbers packed or not, whatever the schema says', () => {
    const d = message.decode(h('2801 2802 2a02 0304'));
    assert.deepEqual(child(d.tree, 'scores')!.children!.map((n) => n.value), ['1', '2', '3', '4']);
  });

  it('shows unknown fields with their number and wire type instead of dropping them', () => {
    // id = 1, then field 99 varint 5, field 100 "x", field 101 fixed32
    const d = message.decode(h('0801 98060 5 a2060178 ad0601000000'.replace(/ /g, '')));
    assert.equal(d.error, undefined);
    assert.deepEqual(d.tree.children!.slice(1).map((n) => [n.key, n.type, n.value]), [
      ['#99', 'unknown, wire type 0 (varint)', '5'],
      ['#100', 'unknown, wire type 2 (length-delimited)', '"x"'],
      ['#101', 'unknown, wire type 5 (fixed32)', '0x00000001'],
    ]);
  });

  it('names an enum value, and says when a number is not in the enum', () => {
    const d = message.decode(h('1802 d80107'));
    assert.equal(child(d.tree, 'priority')!.value, 'HIGH (2)');
    assert.equal(child(d.tree, 'kinds')!.children![0]!.value, '7 (not in chat.v1.Message.Kind)');
  });

  it('stops at a field with the wrong wire type, keeping what came before', () => {
    // id = 7, then text (a string) as a varint
    const d = message.decode(h('0807 1005'));
    assert.deepEqual(d.error, { offset: 2, message: 'field 2 (text, string) has wire type 0 (varint); it should be 2 (length-delimited)' });
    assert.deepEqual(d.tree.children!.map((n) => n.key), ['id']);
    assert.match(d.summary, /^chat\.v1\.Message \{id: 7\} · error at byte 2$/);
  });

  it('stops at invalid UTF-8 in a string, at the bad byte, inside the nested message read so far', () => {
    // author { name = "ok", user_id = 1 }, then author's second name with 0xff at payload offset 13
    const d = message.decode(h('0801 220c 0a026f6b 1001 0a0461 62ff 63'));
    assert.equal(d.error?.offset, 14);
    assert.equal(d.error?.message, 'invalid UTF-8 in string field name');
    assert.deepEqual(child(d.tree, 'author')!.children!.map((n) => n.key), ['name', 'user_id']);
  });

  it('reports every truncation of a sample at the byte where the cut record starts', () => {
    // 0: 08 ac02 (id = 300)   3: 12 02 6869 (text)   7: 22 04 0a02 7a7a (author { name })   13: 79 + 8 bytes (f64)
    const full = h('08ac02 12026869 22040a027a7a 790100000000000000');
    const expected: Record<number, [number, RegExp] | undefined> = {
      0: undefined,
      1: [1, /truncated varint: the payload ends after 0 of its bytes/], // id's value missing
      2: [1, /truncated varint: the payload ends after 1 of its bytes/],
      3: undefined,
      4: [4, /truncated varint/], // text's length missing
      5: [4, /length 2 goes beyond the end \(only 0 bytes remain\)/],
      6: [4, /length 2 goes beyond the end \(only 1 bytes remain\)/],
      7: undefined,
      8: [8, /truncated varint/],
      9: [8, /length 4 goes beyond the end/], 10: [8, /length 4/], 11: [8, /length 4/], 12: [8, /length 4/],
      13: undefined,
    };
    for (let n = 14; n < full.length; n++) expected[n] = [14, /fixed64 value needs 8 bytes but only \d remain/];
    for (let n = 0; n < full.length; n++) {
      const d = message.decode(full.subarray(0, n));
      const want = expected[n];
      if (want === undefined) assert.equal(d.error, undefined, `cut at ${n}`);
      else {
        assert.equal(d.error?.offset, want[0], `cut at ${n}: ${d.error?.message}`);
        assert.match(d.error!.message, want[1], `cut at ${n}`);
      }
      // What came before the cut is in the tree.
      assert.equal(child(d.tree, 'id')?.value, n >= 3 ? '300' : undefined, `cut at ${n}`);
      assert.equal(child(d.tree, 'text')?.value, n >= 7 ? '"hi"' : undefined, `cut at ${n}`);
    }
    assert.equal(message.decode(full).error, undefined);
  });

  it('names the other ways a payload is not Protobuf', () => {
    const cases: [string, number, RegExp][] = [
      ['00', 0, /field number 0 is not allowed/],
      ['0f', 0, /invalid wire type 7 for field 1/],
      ['08ffffffffffffffffffff01', 1, /varint longer than 10 bytes/],
      ['0c', 0, /group end of field 1 without a matching group start/],
    ];
    for (const [hex, offset, message_] of cases) {
      for (const codec of [message, raw]) {
        const d: DecodedMessage = codec.decode(h(hex));
        assert.equal(d.error?.offset, offset, `${hex} (${d.format})`);
        assert.match(d.error!.message, codec === raw && hex === '0c' ? /group end of field 1 without a group start/ : message_);
      }
    }
  });

  it('decodes a 1 MiB message, showing at most the node limit with "n more"', () => {
    // History { messages: 30,000 small messages, stamps: 100,000 fixed32 packed, blob: 300 KiB }
    const parts: Buffer[] = [];
    const one = Buffer.from('0a0c' + '0801' + '1208' + '6d6573736167652e', 'hex');
    for (let i = 0; i < 30_000; i++) parts.push(one);
    const stamps = Buffer.alloc(400_000, 1);
    parts.push(Buffer.from([0x12, 0x80, 0xb5, 0x18]), stamps);
    const blob = Buffer.alloc(1_048_576 - Buffer.concat(parts).length - 4, 0xab);
    parts.push(Buffer.from([0x1a, ...varint(blob.length)]), blob);
    const bytes = new Uint8Array(Buffer.concat(parts));
    assert.equal(bytes.length, 1_048_576);
    const history = codecFactory('protobuf')!.create({ codec: 'protobuf', messageType: 'chat.v1.History' }, { protoSchemas: schemas });
    const d = history.decode(bytes);
    assert.equal(d.error, undefined);
    const messages = child(d.tree, 'messages')!;
    assert.equal(messages.value, '30000 items');
    assert.equal(messages.children!.length, MAX_CHILDREN_SHOWN + 1);
    assert.deepEqual([messages.children!.at(-1)!.key, messages.children!.at(-1)!.value], ['…', `${30_000 - MAX_CHILDREN_SHOWN} more`]);
    assert.equal(child(d.tree, 'stamps')!.value, '100000 items');
    assert.match(child(d.tree, 'blob')!.value!, /^(ab){1024}… \(\d+ B\)$/);
    assert.ok(countNodes(d.tree) <= MAX_TREE_NODES + 100, `${countNodes(d.tree)} nodes`);
    const rawView = raw.decode(bytes);
    assert.equal(rawView.error, undefined);
    assert.ok(countNodes(rawView.tree) <= MAX_TREE_NODES + 100);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

describe('Protobuf schema-less view', () => {
  let raw: PayloadCodec;
  before(() => {
    raw = codecFactory('protobuf')!.create({ codec: 'protobuf' }, {});
  });

  it('shows field numbers, wire types and values as protoc --decode_raw does', () => {
    const d = raw.decode(h('0896 01 1202 6869 1d0000803f 2203 ff00fe 2a02 0801 0b 0801 0c'));
    assert.deepEqual(d.tree.children!.map((n) => [n.key, n.type, n.value, n.offset, n.length]), [
      ['1', 'varint', '150', 0, 3],
      ['2', 'message', '"hi"', 3, 4], // "hi" parses as field 13 = 105, as protoc shows it; the text is kept as the value
      ['3', 'fixed32', '0x3f800000', 7, 5],
      ['4', 'bytes', 'ff00fe', 12, 5],
      ['5', 'message', undefined, 17, 4],
      ['1', 'group', undefined, 21, 4],
    ]);
    assert.deepEqual(child(d.tree, '2')!.children!.map((n) => [n.key, n.value]), [['13', '105']]);
    assert.equal(d.summary, 'Protobuf (raw) {1: 150, 2: {…}, 3: 0x3f800000, 4: <3 B>, 5: {…}, 1: {…}}');
    assert.equal(d.fields['1'], '150');
  });

  it('cannot encode or edit without a message type, and says why', () => {
    assert.throws(() => raw.encode('{}'), /Choose a Protobuf message type/);
    assert.throws(() => raw.toEditableText(h('0801')), /Choose a Protobuf message type/);
  });

  it('keeps a group that has no end, with what it held, and reports where the payload ends', () => {
    const d = raw.decode(h('0b 0801'));
    assert.deepEqual(d.error, { offset: 3, message: 'the group of field 1 has no end' });
    assert.deepEqual(d.tree.children![0]!.children!.map((n) => [n.key, n.value]), [['1', '1']]);
  });
});
