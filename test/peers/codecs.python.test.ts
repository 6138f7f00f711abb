// MessagePack and CBOR against Debian's python3-msgpack and python3-cbor2: what Python encodes we decode
// to the value Python meant, what we encode Python decodes to the value the notation says, and what
// Python refuses we refuse at the byte where it went wrong.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { toHex } from '../../shared/codecs/hexDump';
import type { DecodedNode } from '../../shared/decode/decoded';
import { cborCodec } from '../../src/core/decode/cbor/cborCodec';
import { decodeCbor } from '../../src/core/decode/cbor/cborDecoder';
import { TREE_NODE_BUDGET } from '../../src/core/decode/dataItem/itemView';
import { parseExtendedJson } from '../../src/core/decode/extendedJson';
import { msgpackCodec } from '../../src/core/decode/msgpack/msgpackCodec';
import { decodeMsgpack } from '../../src/core/decode/msgpack/msgpackDecoder';
import type { PayloadCodec } from '../../src/core/decode/payloadCodec';
import {
  codecOracleMissing,
  oracleBigMsgpack,
  oracleCheck,
  oracleRejects,
  oracleSamples,
  type OracleFormat,
  type OracleSample,
} from '../support/codecOracle';
import { itemShape } from '../support/dataItemShape';
import { requirePeer } from '../support/requirePeer';

const codecs: Record<OracleFormat, PayloadCodec> = { msgpack: msgpackCodec, cbor: cborCodec };
const decoders = { msgpack: decodeMsgpack, cbor: decodeCbor };
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

/** Hand-made samples whose bytes are not what our encoder writes (indefinite lengths, narrow floats). */
const NOT_PREFERRED = new Set(['indefinite array', 'indefinite map', 'indefinite str', 'indefinite bin']);
/**
 * Samples with float32/float16 items (cbor2 writes NaN and infinities as float16): Python reads them as
 * plain floats, so its notation says float64.
 */
const NARROW_FLOATS = new Set(['msgpack single float', 'cbor float16 and float32', 'cbor floats']);

function countNodes(node: DecodedNode): number {
  return 1 + (node.children ?? []).reduce((n, c) => n + countNodes(c), 0);
}

describe('MessagePack and CBOR against python3-msgpack and python3-cbor2', () => {
  let samples: OracleSample[] = [];
  let available = false;
  before(() => {
    available = codecOracleMissing() === undefined;
    if (available) samples = oracleSamples();
  });

  it('decodes what Python encoded to the value Python meant, and gives the same bytes back', (t) => {
    if (!requirePeer(t, 'python3-msgpack and python3-cbor2', codecOracleMissing())) return;
    assert.ok(samples.length >= 30);
    for (const s of samples) {
      const label = `${s.format} ${s.name}`;
      const codec = codecs[s.format];
      const bytes = fromHex(s.hex);
      const decoded = codec.decode(bytes);
      assert.equal(decoded.error, undefined, label);
      assert.equal(decoded.tree.offset, 0, label);
      assert.equal(decoded.tree.length, bytes.length, label);
      const full = decoders[s.format](bytes);
      assert.deepEqual(itemShape(full.root), itemShape(parseExtendedJson(s.notation)), `${label}: value`);
      const text = codec.toEditableText(bytes);
      assert.deepEqual(itemShape(parseExtendedJson(text)), itemShape(full.root), `${label}: editable text`);
      const again = codec.encode(text);
      if (NOT_PREFERRED.has(s.name)) {
        // Indefinite lengths come back definite, with the same value.
        assert.deepEqual(itemShape(decoders[s.format](again).root), itemShape(full.root), `${label}: re-encoded value`);
      } else {
        // Byte for byte: ints, lengths and float widths come back as they were.
        assert.equal(toHex(again), s.hex, `${label}: encode(toEditableText)`);
      }
      if (!NOT_PREFERRED.has(s.name) && !NARROW_FLOATS.has(label)) {
        assert.equal(toHex(codec.encode(s.notation)), s.hex, `${label}: encode(Python's notation)`);
      }
    }
  });

  it("encodes Python's notation of its values to bytes Python decodes to the same values", (t) => {
    if (!requirePeer(t, 'python3-msgpack and python3-cbor2', codecOracleMissing())) return;
    const cases = samples.map((s) => ({ format: s.format, hex: toHex(codecs[s.format].encode(s.notation)), notation: s.notation }));
    oracleCheck(cases).forEach((r, i) => assert.ok(r.ok, `${samples[i]!.format} ${samples[i]!.name}: ${JSON.stringify(r).slice(0, 600)}`));
  });

  it('encodes notation written by hand to bytes Python decodes to the value it says', (t) => {
    if (!requirePeer(t, 'python3-msgpack and python3-cbor2', codecOracleMissing())) return;
    const both = [
      '{"type": "chat", "n": 1, "ok": true, "none": null, "f": 1.25, "list": [1, "two", [3]]}',
      '{"$map": [[1, "one"], [{"$bin": "00ff"}, "bytes"], [[1, 2], "array"], [-7, {"$map": [[2.5, null]]}]]}',
      '[{"$int": "18446744073709551615"}, {"$int": "-9223372036854775808"}, 9007199254740993, -9007199254740993]',
      '[{"$float": 1}, {"$float": "-0"}, {"$float": "NaN"}, {"$float": "Infinity"}, {"$float32": 0.1}, {"$float32": 3}]',
      '{"$map": [["$bin", "a map whose one key starts with a dollar"]]}',
      '{"bin": {"$bin": ""}, "big": {"$bin": "' + 'ab'.repeat(70_000) + '"}}',
      '[]',
      '{}',
    ];
    const msgpackOnly = [
      '[{"$ext": [1, "01"]}, {"$ext": [-5, "0102"]}, {"$ext": [127, ""]}, {"$ext": [9, "' + '00'.repeat(300) + '"]}]',
      '{"at": {"$ext": [-1, "000000050000000400000000"]}}',
    ];
    const cborOnly = [
      '[{"$tag": [32, "http://example.com"]}, {"$tag": [1, 1577836800]}, {"$tag": [0, "2020-01-01T00:00:00Z"]}]',
      '[{"$int": "18446744073709551616"}, {"$int": "-18446744073709551617"}, {"$int": "-18446744073709551616"}]',
      '[{"$undefined": true}, {"$simple": 0}, {"$simple": 19}, {"$simple": 32}, {"$simple": 255}]',
      '[{"$float16": 1.5}, {"$float16": 65504}, {"$float16": 0.1}, {"$float16": "-Infinity"}]',
      '{"$map": [[{"$tag": [100, 1]}, "tagged key"], [null, "null key"]]}',
      '{"$tag": [18446744073709551615, [1, 2]]}',
    ];
    const cases = [
      ...[...both, ...msgpackOnly].map((notation) => ({ format: 'msgpack' as const, notation })),
      ...[...both, ...cborOnly].map((notation) => ({ format: 'cbor' as const, notation })),
    ].map((c) => ({ ...c, hex: toHex(codecs[c.format].encode(c.notation)) }));
    oracleCheck(cases).forEach((r, i) =>
      assert.ok(r.ok, `${cases[i]!.format} ${cases[i]!.notation.slice(0, 80)}: ${JSON.stringify(r).slice(0, 600)}`),
    );
  });

  it('stops every truncation where the input ran out, as Python refuses it', (t) => {
    if (!requirePeer(t, 'python3-msgpack and python3-cbor2', codecOracleMissing())) return;
    const rich: Record<OracleFormat, string> = {
      msgpack: toHex(msgpackCodec.encode(
        '{"type": "chat", "n": [1, -200, 70000, {"$int": "18446744073709551615"}], "f": 1.5, "g": {"$float32": 2.5},' +
          ' "b": {"$bin": "0102"}, "e": {"$ext": [5, "abcdef"]}, "t": {"$ext": [-1, "00000001"]}, "s": "héllo",' +
          ' "$map": {"$map": [[1, null], [false, true]]}}',
      )),
      cbor: '',
    };
    rich.cbor = toHex(cborCodec.encode(
      '{"type": "chat", "n": [1, -200, 70000, {"$int": "18446744073709551616"}], "f": 1.5, "h": {"$float16": 2.5},' +
        ' "b": {"$bin": "0102"}, "d": {"$tag": [1, 1577836800]}, "s": "héllo", "u": {"$undefined": true},' +
        ' "m": {"$map": [[1, null], [{"$simple": 40}, true]]}}',
    ));
    // Indefinite lengths, which our encoder does not write.
    const indefinite = '9f01bf616101ff5f4201024103ff7f626865636c6c6fff9f9fffffff';
    const inputs: { format: OracleFormat; hex: string }[] = [
      { format: 'msgpack', hex: rich.msgpack },
      { format: 'cbor', hex: rich.cbor },
      { format: 'cbor', hex: indefinite },
    ];
    for (const { format, hex } of inputs) {
      const bytes = fromHex(hex);
      assert.equal(codecs[format].decode(bytes).error, undefined, `${format} ${hex} decodes whole`);
      const prefixes = Array.from({ length: bytes.length }, (_, n) => ({ format, hex: toHex(bytes.subarray(0, n)) }));
      const refused = oracleRejects(prefixes);
      prefixes.forEach((p, n) => {
        assert.equal(refused[n], true, `Python refuses the first ${n} bytes of ${hex}`);
        const d = codecs[format].decode(fromHex(p.hex));
        assert.ok(d.error, `${format}: ${n} bytes give an error`);
        assert.equal(d.error.offset, n, `${format}: ${n} bytes: ${d.error.message}`);
        assert.match(d.error.message, n === 0 ? /^empty payload/ : /^truncated: /);
        if (n > 0) assert.equal(d.tree.offset, 0, `${format}: ${n} bytes keep what decoded before`);
      });
    }
  });

  it('refuses malformed input that Python refuses, at the byte where it went wrong', (t) => {
    if (!requirePeer(t, 'python3-msgpack and python3-cbor2', codecOracleMissing())) return;
    // cbor2 5.4 is more lenient than RFC 8949 in three places (it returns a break marker as a value,
    // ignores trailing bytes and accepts a simple value below 32 in two bytes); we follow the RFC there,
    // and assert that Python accepts them so a stricter cbor2 shows up here.
    const cases: { format: OracleFormat; hex: string; offset: number; message: RegExp; cbor2Accepts?: true }[] = [
      { format: 'msgpack', hex: '93a161c1c0', offset: 3, message: /^0xc1 at offset 3 is not a MessagePack type/ },
      { format: 'msgpack', hex: '81a16192a3ff6162c0', offset: 5, message: /^invalid UTF-8 in str at offset 4: byte 0xff at offset 5/ },
      { format: 'msgpack', hex: '92010203', offset: 3, message: /^trailing bytes: 1 byte after the MessagePack value/ },
      { format: 'msgpack', hex: 'dd0000ffff01', offset: 6, message: /^truncated: array of 65535 items at offset 0 needs 65534 more items/ },
      { format: 'msgpack', hex: 'dbffffffff61', offset: 6, message: /^truncated: str of 4294967295 bytes at offset 0 needs 4294967294 more bytes/ },
      { format: 'cbor', hex: '82011c', offset: 2, message: /^reserved additional information 28/ },
      { format: 'cbor', hex: '8201ff', offset: 2, message: /^break \(0xff\) at offset 2 outside an indefinite-length item/, cbor2Accepts: true },
      { format: 'cbor', hex: '0102', offset: 1, message: /^trailing bytes: 1 byte after the CBOR value that ends at offset 1/, cbor2Accepts: true },
      { format: 'cbor', hex: 'f818', offset: 1, message: /^simple value 24 at offset 0 must be written in one byte/, cbor2Accepts: true },
      { format: 'cbor', hex: 'bf0102', offset: 3, message: /^truncated: map \(indefinite\) at offset 0 needs more entries/ },
      { format: 'cbor', hex: 'bf01ff', offset: 2, message: /^break \(0xff\) at offset 2 where the map at offset 0 needs a value for the key at offset 1/ },
      { format: 'cbor', hex: '5f420102610aff', offset: 4, message: /must be a definite bin; found 0x61 at offset 4/ },
      { format: 'cbor', hex: '8162c328', offset: 2, message: /^invalid UTF-8 in str at offset 1: byte 0xc3 at offset 2/ },
      { format: 'cbor', hex: '5bffffffffffffffff00', offset: 10, message: /^truncated: bin of 18446744073709551615 bytes at offset 0 needs 18446744073709551614 more bytes/ },
      { format: 'cbor', hex: '1f', offset: 0, message: /^uint at offset 0 cannot have an indefinite length/ },
    ];
    const refused = oracleRejects(cases);
    cases.forEach((c, i) => {
      assert.equal(refused[i], !c.cbor2Accepts, `Python ${c.cbor2Accepts ? 'accepts' : 'refuses'} ${c.format} ${c.hex}`);
      const d = codecs[c.format].decode(fromHex(c.hex));
      assert.ok(d.error, `${c.format} ${c.hex} gives an error`);
      assert.equal(d.error.offset, c.offset, `${c.format} ${c.hex}: ${d.error.message}`);
      assert.match(d.error.message, c.message);
    });
  });

  it('decodes a 1 MiB message msgpack.packb made, with a tree of at most the node budget', (t) => {
    if (!requirePeer(t, 'python3-msgpack and python3-cbor2', codecOracleMissing())) return;
    const bytes = fromHex(oracleBigMsgpack(1024 * 1024));
    assert.ok(bytes.length >= 1024 * 1024);
    const d = msgpackCodec.decode(bytes);
    assert.equal(d.error, undefined);
    assert.equal(d.tree.type, 'array');
    assert.equal(d.tree.length, bytes.length);
    assert.ok(countNodes(d.tree) <= TREE_NODE_BUDGET + 50, `${countNodes(d.tree)} nodes`);
    const more = d.tree.children!.at(-1)!;
    assert.equal(more.type, 'more');
    assert.match(more.value!, /^[\d,]+ more items/);
    assert.equal(more.offset! + more.length!, bytes.length, 'the more node covers the rest of the bytes');
    assert.match(d.summary, /^\[\{"type": "chat", "seq": 0, "at": ext\(-1, 2023-11-14T22:13:20Z\)/);
    // Nothing is lost past the budget: the editable text encodes back to the very same bytes.
    assert.deepEqual(msgpackCodec.encode(msgpackCodec.toEditableText(bytes)), bytes);
  });
});
