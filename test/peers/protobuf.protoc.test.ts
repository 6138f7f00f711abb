// The Protobuf codec against protoc (Debian's protobuf-compiler), which nobody here wrote: what we encode
// from JSON protoc decodes to the same text (and the same bytes where encoding is canonical), what protoc
// encodes we decode to the same fields, and protoc --decode_raw prints what our schema-less view shows.
import assert from 'node:assert/strict';
import { before, describe, it, type TestContext } from 'node:test';
import type { DecodedNode } from '../../shared/decode/decoded';
import { codecFactory, formatDecodeRaw, type ProtoSchemas } from '../../src/core/decode';
import type { PayloadCodec } from '../../src/core/decode/payloadCodec';
import { loadFixtureSchemas, protocDecode, protocDecodeRaw, protocEncode, protocMissing } from '../support/protoc';
import { requirePeer } from '../support/requirePeer';

const MESSAGE = ['chat.v1.Message', 'chat/v1/message.proto'] as const;
const RECORD = ['legacy.Record', 'legacy/record.proto'] as const;

/** One message written both ways: proto3 JSON for us, text format for protoc. */
interface Case {
  readonly name: string;
  readonly type: readonly [string, string];
  readonly json: unknown;
  readonly text: string;
  /** Maps with more than one entry: protoc writes them in its hash order, so only the text is compared. */
  readonly unorderedMaps?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'every scalar type at its extremes, nested and imported messages, enums, single-entry maps',
    type: MESSAGE,
    json: {
      id: '7', text: 'héllo wörld ✓ 😀', priority: 'HIGH',
      author: { name: 'ann', userId: '-5', kind: 'KIND_BOT' },
      scores: [1, -2, 300, 2147483647, -2147483648], tags: ['a', '', 'ü'],
      counters: { x: '-9223372036854775808' }, attachments: { 3: { name: 'f', data: 'AQI=' } },
      plain: 'p',
      i64: '9223372036854775807', u64: '18446744073709551615', s64: '-9223372036854775808',
      f64: '18446744073709551615', sf64: '-9223372036854775808',
      i32: -1, s32: -2147483648, f32: 4294967295, sf32: -2147483648, u32: 4294967295,
      ratio: 0.1, score: 1e300, urgent: true, payload: '/wCAgQ==', deltas: ['-1', '1', '9223372036854775807'],
      kinds: ['KIND_USER', 'KIND_BOT', 'KIND_UNSPECIFIED'], maybe: 0, shownAs: 'dn',
      price: { currencyCode: 'EUR', units: '3', nanos: 5 }, samples: [1.5, -0.25], flags: { true: 'LOW' },
    },
    text: `id: 7 text: "héllo wörld ✓ 😀" priority: HIGH author { name: "ann" user_id: -5 kind: KIND_BOT }
      scores: [1, -2, 300, 2147483647, -2147483648] tags: ["a", "", "ü"]
      counters { key: "x" value: -9223372036854775808 } attachments { key: 3 value { name: "f" data: "\\001\\002" } }
      plain: "p" i64: 9223372036854775807 u64: 18446744073709551615 s64: -9223372036854775808
      f64: 18446744073709551615 sf64: -9223372036854775808 i32: -1 s32: -2147483648 f32: 4294967295
      sf32: -2147483648 u32: 4294967295 ratio: 0.1 score: 1e300 urgent: true payload: "\\377\\000\\200\\201"
      deltas: [-1, 1, 9223372036854775807] kinds: [KIND_USER, KIND_BOT, KIND_UNSPECIFIED] maybe: 0
      display_name: "dn" price { currency_code: "EUR" units: 3 nanos: 5 } samples: [1.5, -0.25] flags { key: true value: LOW }`,
  },
  {
    name: 'proto field names instead of json_names, numbers for 64-bit and enums, the other oneof members',
    type: MESSAGE,
    json: { display_name: 'x', i64: -1, u64: 0, s64: 1, sf64: '0', priority: 1, kinds: [2, 1], binary: 'AAEC' },
    text: 'display_name: "x" i64: -1 s64: 1 priority: LOW kinds: [KIND_BOT, KIND_USER] binary: "\\000\\001\\002"',
  },
  {
    name: 'a oneof holding a message, defaults left out, NaN and infinities',
    type: MESSAGE,
    json: { id: '0', text: '', file: { name: 'a.txt', mimeType: 'text/plain' }, ratio: 'NaN', score: '-Infinity', urgent: false },
    text: 'file { name: "a.txt" mime_type: "text/plain" } ratio: nan score: -inf',
  },
  {
    name: 'maps with several entries and non-string keys',
    type: MESSAGE,
    json: {
      counters: { a: '1', b: '-2', 'ключ': '3' },
      attachments: { '-1': { name: 'neg' }, 0: {}, 2147483647: { data: '' } },
      flags: { true: 'HIGH', false: 'PRIORITY_UNSPECIFIED' },
    },
    text: `counters { key: "a" value: 1 } counters { key: "b" value: -2 } counters { key: "ключ" value: 3 }
      attachments { key: -1 value { name: "neg" } } attachments { key: 0 value {} } attachments { key: 2147483647 value {} }
      flags { key: true value: HIGH } flags { key: false value: PRIORITY_UNSPECIFIED }`,
    unorderedMaps: true,
  },
  {
    name: 'proto2: required field, unpacked and packed repeated, a group, explicit defaults kept',
    type: RECORD,
    json: { id: 0, values: [1, 2, 3], packedValues: [4, -5], extra: { note: 'n', delta: -3 }, name: 'none', color: 'RED' },
    text: 'id: 0 values: [1, 2, 3] packed_values: [4, -5] Extra { note: "n" delta: -3 } name: "none" color: RED',
  },
];

function codecFor(schemas: ProtoSchemas, messageType?: string): PayloadCodec {
  return codecFactory('protobuf')!.create({ codec: 'protobuf', ...(messageType ? { messageType } : {}) }, { protoSchemas: schemas });
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('Protobuf codec against protoc', () => {
  let schemas: ProtoSchemas;
  before(async () => {
    schemas = (await loadFixtureSchemas()).schemas;
  });

  const ready = (t: TestContext): boolean => requirePeer(t, 'protoc', protocMissing());

  for (const c of CASES) {
    it(`what we encode from JSON protoc --decodes to the same text: ${c.name}`, (t) => {
      if (!ready(t)) return;
      const [type, file] = c.type;
      const ours = codecFor(schemas, type).encode(JSON.stringify(c.json, null, 2));
      const theirs = protocEncode(type, file, c.text);
      assert.equal(protocDecode(type, file, ours), protocDecode(type, file, theirs));
      if (!c.unorderedMaps) assert.equal(hex(ours), hex(theirs), 'canonical encoding: the same bytes as protoc');
    });

    it(`what protoc --encode makes we decode to the same fields: ${c.name}`, (t) => {
      if (!ready(t)) return;
      const [type, file] = c.type;
      const codec = codecFor(schemas, type);
      const theirs = protocEncode(type, file, c.text);
      const decoded = codec.decode(theirs);
      assert.equal(decoded.error, undefined);
      // Our JSON of protoc's bytes is the JSON we started from, written canonically (names, defaults left
      // out, 64-bit as strings), so compare it after a round through our encoder and protoc.
      const json = JSON.parse(codec.toEditableText(theirs)) as unknown;
      const canonical = JSON.parse(codec.toEditableText(codec.encode(JSON.stringify(c.json)))) as unknown;
      assert.deepEqual(json, canonical);
      if (!c.unorderedMaps) assert.equal(hex(codec.encode(codec.toEditableText(theirs))), hex(theirs), 'edited as JSON and encoded: the same bytes');
    });

    it(`protoc --decode_raw prints what our schema-less view shows: ${c.name}`, (t) => {
      if (!ready(t)) return;
      const bytes = protocEncode(c.type[0], c.type[1], c.text);
      assertRawAgrees(bytes, schemas);
    });
  }

  it('decodes protoc-encoded values with their exact text in the tree (64-bit extremes, enums, oneof, non-ASCII)', (t) => {
    if (!ready(t)) return;
    const bytes = protocEncode(...MESSAGE, CASES[0]!.text);
    const d = codecFor(schemas, MESSAGE[0]).decode(bytes);
    const leaf = (key: string): DecodedNode | undefined => d.tree.children!.find((n) => n.key === key);
    assert.equal(leaf('i64')?.value, '9223372036854775807');
    assert.equal(leaf('u64')?.value, '18446744073709551615');
    assert.equal(leaf('s64')?.value, '-9223372036854775808');
    assert.equal(leaf('sf64')?.value, '-9223372036854775808');
    assert.equal(leaf('f64')?.type, 'fixed64');
    assert.equal(leaf('priority')?.value, 'HIGH (2)');
    assert.equal(leaf('priority')?.type, 'enum common.Priority');
    assert.equal(leaf('text')?.value, JSON.stringify('héllo wörld ✓ 😀'));
    assert.equal(leaf('payload')?.value, 'ff008081');
    assert.deepEqual(
      { key: leaf('body')?.key, type: leaf('body')?.type, value: leaf('body')?.value, member: leaf('body')?.children?.[0]?.key },
      { key: 'body', type: 'oneof', value: 'plain', member: 'plain' },
    );
    assert.equal(d.fields.i64, '9223372036854775807');
    assert.equal(d.fields.text, 'héllo wörld ✓ 😀');
    assert.match(d.summary, /^chat\.v1\.Message \{id: 7, text: "héllo wörld ✓ 😀", priority: HIGH, author: \{…\}, scores: \[5\]/);
    // Every node's bytes lie inside the payload, and each top-level node starts at its tag.
    const raw = codecFor(schemas).decode(bytes);
    const tagOffsets = new Set(raw.tree.children!.map((n) => n.offset));
    for (const n of d.tree.children!) {
      assert.ok(tagOffsets.has(n.offset), `${n.key} starts at a tag (${n.offset})`);
      assert.ok(n.offset! + n.length! <= bytes.length);
    }
  });

  it('protoc --decode_raw agrees with our schema-less view on hand-made payloads (groups, fixed32/64, bytes, deep nesting)', (t) => {
    if (!ready(t)) return;
    const payloads = [
      '0896011202686918ffffffffffffffffff01', // varint, "hi" (which also parses as a message: 13: 105), -1
      '0d0000803f11000000000000f03f', // fixed32 1.0f, fixed64 1.0
      '1a00', // an empty record prints as ""
      '2205ff00fe0a41', // bytes that are neither a message nor UTF-8
      '2207c3a90a00222775', // UTF-8 with escapes protoc writes in octal
      '0b082a12036162630c1314', // a group holding a varint and a string, then an empty group
      'a2060408011001', // field 100: a nested message
      '08ffffffffffffffffff7f', // a 10-byte varint whose last byte overflows 64 bits
      // 13 messages deep: protoc tries records as messages 10 levels down, then prints a string.
      nest(13, '0805'),
    ];
    for (const h of payloads) assertRawAgrees(Buffer.from(h, 'hex'), schemas);
  });

  it('every truncation of a protoc-encoded message: protoc --decode_raw fails exactly when our view reports an error', (t) => {
    if (!ready(t)) return;
    const bytes = protocEncode(...MESSAGE, 'id: 300 text: "hé" author { name: "z" user_id: -2 } f64: 1 ratio: 2 urgent: true');
    const raw = codecFor(schemas);
    for (let n = 0; n < bytes.length; n++) {
      const cut = bytes.subarray(0, n);
      let protocFailed = false;
      try {
        protocDecodeRaw(cut);
      } catch {
        protocFailed = true;
      }
      const ours = raw.decode(cut);
      assert.equal(ours.error !== undefined, protocFailed, `cut at ${n}: ours ${ours.error?.message ?? 'decodes'}, protoc ${protocFailed ? 'fails' : 'decodes'}`);
    }
  });
});

/** n nested records of field 1 around the innermost record (hex). */
function nest(n: number, innerHex: string): string {
  let b = Buffer.from(innerHex, 'hex');
  for (let i = 0; i < n; i++) b = Buffer.concat([Buffer.from([0x0a, b.length]), b]);
  return b.toString('hex');
}

/** Reads protoc's C escapes (\n, \", \ooo) back into bytes. */
function unescapeC(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      out.push(text.charCodeAt(i));
      continue;
    }
    const c = text[++i]!;
    if (/[0-7]/.test(c)) {
      out.push(parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else out.push({ n: 10, r: 13, t: 9 }[c as 'n' | 'r' | 't'] ?? c.charCodeAt(0));
  }
  return Buffer.from(out);
}

/** The leaves of protoc's text as `path = value`, values normalized: numbers as they are, strings as hex. */
function protocLeaves(text: string): string[] {
  const path: string[] = [];
  const leaves: string[] = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    if (l === '}') path.pop();
    else if (l.endsWith(' {')) path.push(l.slice(0, -2));
    else {
      const m = /^(\d+): (.*)$/.exec(l)!;
      const value = m[2]!.startsWith('"') ? unescapeC(m[2]!.slice(1, -1)).toString('hex') : m[2]!;
      leaves.push(`${[...path, m[1]].join('.')} = ${value}`);
    }
  }
  return leaves;
}

/** The same from our schema-less tree: strings (JSON-quoted) and bytes (hex) as hex. */
function ourLeaves(node: DecodedNode, path: string[] = [], out: string[] = []): string[] {
  for (const child of node.children ?? []) {
    if (child.type === 'message' || child.type === 'group') ourLeaves(child, [...path, child.key], out);
    else {
      const value = child.type === 'string' ? Buffer.from(JSON.parse(child.value!) as string, 'utf8').toString('hex') : child.value!;
      out.push(`${[...path, child.key].join('.')} = ${value}`);
    }
  }
  return out;
}

function assertRawAgrees(bytes: Uint8Array, schemas: ProtoSchemas): void {
  const theirs = protocDecodeRaw(bytes);
  assert.equal(formatDecodeRaw(bytes), theirs, `decode_raw text of ${hex(bytes)}`);
  const tree = codecFor(schemas).decode(bytes);
  assert.equal(tree.error, undefined);
  assert.deepEqual(ourLeaves(tree.tree), protocLeaves(theirs), `tree of ${hex(bytes)}`);
}
