import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import { codecFactory } from '../../src/core/decode';
import type { PayloadCodec } from '../../src/core/decode/payloadCodec';
import { loadFixtureSchemas } from '../support/protoc';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('Protobuf proto3 JSON', () => {
  let message: PayloadCodec;
  let event: PayloadCodec;
  before(async () => {
    const { schemas } = await loadFixtureSchemas();
    const make = (messageType: string): PayloadCodec => codecFactory('protobuf')!.create({ codec: 'protobuf', messageType }, { protoSchemas: schemas });
    message = make('chat.v1.Message');
    event = make('wkt.Event');
  });

  function mistake(codec: PayloadCodec, text: string): SocketInspectorError {
    try {
      codec.encode(text);
    } catch (e) {
      assert.ok(e instanceof SocketInspectorError);
      return e;
    }
    assert.fail('expected a mistake');
  }

  it('names the line, column and field path of each mistake', () => {
    const cases: [string, string][] = [
      ['{\n  "id": 1,\n  "nope": 2\n}', 'Invalid Protobuf JSON at line 3, column 3: nope: chat.v1.Message has no field "nope"'],
      ['{"author": {"userId": "12x"}}', 'Invalid Protobuf JSON at line 1, column 23: author.userId: 12x is not an integer (int64)'],
      ['{"i64": "9223372036854775808"}', 'Invalid Protobuf JSON at line 1, column 9: i64: 9223372036854775808 is out of range for int64 (-9223372036854775808 to 9223372036854775807)'],
      ['{"u32": -1}', 'Invalid Protobuf JSON at line 1, column 9: u32: -1 is out of range for uint32 (0 to 4294967295)'],
      ['{"i64": 12345678901234567890123}', 'Invalid Protobuf JSON at line 1, column 9: i64: 12345678901234567890123 is out of range for int64 (-9223372036854775808 to 9223372036854775807)'],
      ['{"payload": "not base64!"}', 'Invalid Protobuf JSON at line 1, column 13: payload: not base64 (A–Z, a–z, 0–9, + and /, or - and _, with optional = padding)'],
      ['{"priority": "URGENT"}', 'Invalid Protobuf JSON at line 1, column 14: priority: "URGENT" is not a value of common.Priority (PRIORITY_UNSPECIFIED, LOW, HIGH)'],
      ['{"plain": "a", "binary": ""}', 'Invalid Protobuf JSON at line 1, column 16: binary: oneof body already has plain set; give only one of its members'],
      ['{"scores": [1, "x"]}', 'Invalid Protobuf JSON at line 1, column 16: scores[1]: x is not an integer (int32)'],
      ['{"attachments": {"k": {}}}', 'Invalid Protobuf JSON at line 1, column 18: attachments["k"]: k is not an integer (int32)'],
      ['{"text": 5}', 'Invalid Protobuf JSON at line 1, column 10: text: expected a string, got the number 5'],
      ['{"id": 1, "id": 2}', 'Invalid Protobuf JSON at line 1, column 11: id: field id is given twice'],
      ['{"shownAs": "a", "display_name": "b"}', 'Invalid Protobuf JSON at line 1, column 18: display_name: field display_name is given twice'],
      ['[]', 'Invalid Protobuf JSON at line 1, column 1: the message: expected an object for chat.v1.Message, got an array'],
      ['{"ratio": 1e39}', 'Invalid Protobuf JSON at line 1, column 11: ratio: 1e+39 is out of range for float'],
    ];
    for (const [text, expected] of cases) {
      const e = mistake(message, text);
      assert.equal(e.message, expected);
      assert.equal(e.code, 'INVALID_JSON');
    }
    const syntax = mistake(message, '{"id": 1,}');
    assert.match(syntax.message, /^Invalid JSON: .* at line 1, column 10/);
  });

  it('encodes numbers given as numbers or strings alike, and drops proto3 defaults', () => {
    assert.equal(hex(message.encode('{"id": "300", "i32": 0, "text": ""}')), hex(message.encode('{"id": 300}')));
    assert.equal(hex(message.encode('{"id": 1e2}')), '0864');
    assert.equal(hex(message.encode('{"maybe": 0}')), 'e00100', 'an optional field keeps an explicit zero');
    assert.equal(hex(message.encode('{"payload": "-_8"}')), 'ca0102fbff', 'URL-safe base64 without padding');
  });

  it('keeps unknown fields through an edit, so the edited message forwards them', () => {
    const payload = new Uint8Array(Buffer.from('0801980605a2060178', 'hex'));
    const text = message.toEditableText(payload);
    assert.deepEqual(JSON.parse(text), { id: '1', '@unknownFields': Buffer.from('980605a2060178', 'hex').toString('base64') });
    assert.equal(hex(message.encode(text)), hex(payload));
    assert.equal(hex(message.encode(text.replace('"1"', '"2"'))), '0802980605a2060178');
  });

  it('refuses to edit a payload that does not decode, saying where', () => {
    assert.throws(() => message.toEditableText(new Uint8Array([0x08])), /^SocketInspectorError: Not a chat\.v1\.Message message: truncated varint: the payload ends after 0 of its bytes at byte 1$/);
  });

  it('writes and reads the well-known types in their JSON forms', () => {
    const json = {
      at: '2024-02-29T12:34:56.789Z',
      took: '-1.500s',
      count: '9007199254740993',
      label: '',
      meta: { a: 1, b: [true, null, 'x'], c: { d: -2.5 } },
      detail: { '@type': 'type.googleapis.com/wkt.Detail', reason: 'why' },
      mask: 'user.displayName,photo',
      anything: [1, 'two'],
      nothing: {},
      flag: false,
    };
    const bytes = event.encode(JSON.stringify(json));
    assert.deepEqual(JSON.parse(event.toEditableText(bytes)), json);
    const d = event.decode(bytes);
    assert.equal(d.error, undefined);
    const at = d.tree.children!.find((n) => n.key === 'at')!;
    assert.deepEqual(at.children!.map((n) => [n.key, n.value]), [['seconds', '1709210096'], ['nanos', '789000000']]);
    const wrapped = event.encode(JSON.stringify({ detail: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '3s' } }));
    assert.deepEqual(JSON.parse(event.toEditableText(wrapped)), { detail: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '3s' } });
    assert.throws(() => event.encode('{"at": "yesterday"}'), /line 1, column 8: at: "yesterday" is not an RFC 3339 time/);
  });
});
