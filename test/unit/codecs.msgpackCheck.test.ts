// The check that walks MessagePack past the tree's node budget without building items (msgpackCheck.ts):
// it must accept exactly what the full reader accepts, and a payload must report the same error at the
// same offset whether the bad item lies inside the budget (built) or past it (only checked).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { skipMsgpack } from '../../src/core/decode/msgpack/msgpackCheck';
import { decodeMsgpack } from '../../src/core/decode/msgpack/msgpackDecoder';
import { msgpackCodec } from '../../src/core/decode/msgpack/msgpackCodec';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** The malformed samples of codecs.msgpack.test.ts, and one of each other mistake the reader names. */
const MALFORMED = [
  '93 a3616263 da000c 6869', // str cut short
  'dbffffffff', // huge str
  'c6fffffff0 00', // huge bin
  'ddffffffff c0c0', // huge array
  'dfffffffff c0', // huge map, a key without a value
  'c9ffffffff05', // huge ext
  'c1', // never used
  'a2 c3 28', // invalid UTF-8
  'a3 ed a0 80', // a UTF-16 surrogate in UTF-8
  'a4 f0 9f 98', // a 4-byte sequence cut short inside the string
  'cb 0102', // float64 cut short
  'd4 01', // fixext1 without its byte
  '82 a161 01 a162', // map missing its last value
  '92 01', // array missing an item
  'cd 01', // uint16 cut short
  'dc 00', // array16 length cut short
];

/** `inner` as the last item of an array after `filler` nils: past a budget of 1, it is only checked. */
function pastBudget(inner: Uint8Array, filler = 3): Uint8Array {
  return Uint8Array.from([0x90 | (filler + 1), ...new Array<number>(filler).fill(0xc0), ...inner]);
}

describe('MessagePack check past the node budget', () => {
  it('finds each malformed sample where the full reader does, with the same message', () => {
    for (const sample of MALFORMED) {
      const bytes = pastBudget(hex(sample));
      const full = decodeMsgpack(bytes).error;
      assert.ok(full, sample);
      assert.deepEqual(decodeMsgpack(bytes, 1).error, full, sample);
      assert.deepEqual(decodeMsgpack(bytes, 0).error, full, sample);
      assert.equal(skipMsgpack(hex(sample), 0, 0), -1, sample);
    }
  });

  it('stops nesting at the same depth', () => {
    const tooDeep = pastBudget(new Uint8Array(513).fill(0x91).map((b, i) => (i === 512 ? 0xc0 : b)));
    const full = decodeMsgpack(tooDeep).error;
    assert.ok(full);
    assert.deepEqual(decodeMsgpack(tooDeep, 1).error, full);
  });

  it('accepts well-formed values to their last byte', () => {
    const value = { a: [1, -1, 300, -70000, 2 ** 40, 1.5, 'é ✓ 😀', 'x'.repeat(300), true, null], b: { c: [] } };
    const bytes = msgpackCodec.encode(JSON.stringify(value));
    for (const sample of [bytes, hex('c4 02 0102'), hex('d6 ff 00000001'), hex('c7 03 05 010203'), hex('ca 3fc00000')]) {
      assert.equal(skipMsgpack(sample, 0, 0), sample.length);
      assert.deepEqual(decodeMsgpack(pastBudget(sample), 1).error, undefined);
    }
  });

  it('agrees with the full reader on every one-byte corruption of a payload', () => {
    const good = msgpackCodec.encode(JSON.stringify({ list: [1, 'two', [3, { four: 4.5 }], 'ünï', -7, 'x'.repeat(40)], ok: true }));
    let checked = 0;
    for (let i = 0; i < good.length; i++) {
      for (const b of [0x00, 0x7f, 0x80, 0x91, 0xa5, 0xc1, 0xc4, 0xd9, 0xdd, 0xde, 0xe0, 0xff]) {
        const bytes = pastBudget(good.map((v, k) => (k === i ? b : v)));
        const full = decodeMsgpack(bytes).error;
        assert.deepEqual(decodeMsgpack(bytes, 1).error, full, `byte ${i} = ${b}`);
        checked++;
      }
    }
    assert.ok(checked > 500);
  });
});
