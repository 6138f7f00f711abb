// The lazy read of a typed Protobuf message (typedCheck.ts, decodeTyped's `lazy`): nested messages are
// checked without being read into objects, and a payload must report the same error at the same offset
// as the full read, whether the bad bytes lie in a top-level field or inside a nested message.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as protobuf from 'protobufjs';
import type { ProtoSchemas } from '../../src/core/decode';
import { checkMessage } from '../../src/core/decode/protobuf/typedCheck';
import { decodeTyped } from '../../src/core/decode/protobuf/typedDecode';
import { decodeTypedView } from '../../src/core/decode/protobuf/typedView';
import { loadFixtureSchemas } from '../support/protoc';

const h = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));

/** chat.v1.Message payloads that are not valid (the samples of protobuf.decode.test.ts). */
const MALFORMED = [
  '0801 1007', // text as a varint
  '0801 220c 0a026f6b 1001 0a0461 62ff 63', // invalid UTF-8 in a nested message's string
  '08', '08ac', '08ac02 12', '08ac02 1202 68', '08ac02 12026869 2204 0a02', '08ac02 12026869 22040a027a7a 79 0100', // truncations
  '00', '0f', '08ffffffffffffffffffff01', '0c', // field 0, wire type 7, an 11-byte varint, a group end
  '3a04 0a01ff 10', // map<string, int64> entry: invalid UTF-8 key, then a value cut short
  '2a03 0102', // packed scores cut short
];
const VALID = '08ac02 12026869 1801 22040a027a7a 2a03010203 3202 6869 3a05 0a01 61 1005 4204 0801 1200 790100000000000000';

/** `inner` (a Message) as History.messages[1], after one valid Message: read lazily, it is only checked. */
function nested(inner: Uint8Array): Uint8Array {
  const first = h(VALID);
  return Uint8Array.from([0x0a, first.length, ...first, 0x0a, inner.length, ...inner]);
}

describe('Protobuf lazy read', () => {
  let history: protobuf.Type;
  let message: protobuf.Type;
  before(async () => {
    const schemas: ProtoSchemas = (await loadFixtureSchemas()).schemas;
    history = schemas.messageType('chat.v1.History')!;
    message = schemas.messageType('chat.v1.Message')!;
  });

  it('finds each malformed sample where the full read does, with the same message', () => {
    for (const sample of MALFORMED) {
      const bytes = nested(h(sample));
      const full = decodeTyped(bytes, history).error;
      assert.ok(full, sample);
      const lazy = decodeTyped(bytes, history, true).error;
      assert.deepEqual({ offset: lazy?.offset, message: lazy?.message }, { offset: full.offset, message: full.message }, sample);
      assert.equal(checkMessage(h(sample), 0, h(sample).length, message, 1), false, sample);
      // The tree still shows the first message, read on demand.
      assert.equal(decodeTypedView(bytes, history).error?.offset, full.offset, sample);
    }
  });

  it('accepts a valid message, and the tree shows it read on demand', () => {
    const valid = h(VALID);
    assert.equal(decodeTyped(valid, message).error, undefined);
    assert.equal(checkMessage(valid, 0, valid.length, message, 1), true);
    const view = decodeTypedView(nested(valid), history);
    assert.equal(view.error, undefined);
    const second = view.tree.children![0]!.children![1]!;
    assert.deepEqual(second.children!.map((c) => c.key).slice(0, 4), ['id', 'text', 'priority', 'author']);
  });

  it('agrees with the full read on every one-byte corruption of a payload', () => {
    const good = nested(h(VALID));
    let errors = 0;
    for (let i = 0; i < good.length; i++) {
      for (const b of [0x00, 0x01, 0x02, 0x0a, 0x7f, 0x80, 0xff]) {
        const bytes = good.map((v, k) => (k === i ? b : v));
        const full = decodeTyped(bytes, history).error;
        const lazy = decodeTyped(bytes, history, true).error;
        assert.deepEqual(lazy && { offset: lazy.offset, message: lazy.message }, full && { offset: full.offset, message: full.message }, `byte ${i} = ${b}`);
        if (full) errors++;
      }
    }
    assert.ok(errors > 50, `${errors} corruptions were errors`);
  });
});
