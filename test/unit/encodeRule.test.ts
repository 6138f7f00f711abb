// "Encode as <codec>": which rule encodes the composer's JSON for a direction (shared with the webview, which
// offers the option exactly then), and EntryDecoding.encodeOutgoing with the real codecs and their errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodecRule } from '../../shared/decode/decodeSettings';
import { encodeRuleFor } from '../../shared/decode/encodeRule';
import { SocketInspectorError } from '../../shared/errors';
import '../../src/core/decode';
import { EntryDecoding } from '../../src/core/decode/entryDecoding';
import { loadFixtureSchemas } from '../support/protoc';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function refused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof SocketInspectorError && message.test(e.message), String(message));
}

describe('encodeRuleFor', () => {
  const msgpackIn: CodecRule = { codec: 'msgpack', direction: 'in' };
  const cborEvent: CodecRule = { codec: 'cbor', event: 'chat' };
  const cborTopic: CodecRule = { codec: 'cbor', topic: 'a/#' };
  const protobufAll: CodecRule = { codec: 'protobuf', messageType: 'chat.v1.Message' };

  it('is the first rule reading whole messages of that direction; event and topic rules never encode', () => {
    assert.equal(encodeRuleFor({}, 'out'), undefined);
    assert.equal(encodeRuleFor({ codecs: [cborEvent, cborTopic] }, 'out'), undefined);
    assert.equal(encodeRuleFor({ codecs: [msgpackIn] }, 'out'), undefined);
    assert.equal(encodeRuleFor({ codecs: [msgpackIn] }, 'in'), msgpackIn);
    assert.equal(encodeRuleFor({ codecs: [cborEvent, msgpackIn, protobufAll] }, 'out'), protobufAll);
    assert.equal(encodeRuleFor({ codecs: [cborEvent, msgpackIn, protobufAll] }, 'in'), msgpackIn);
  });
});

describe('EntryDecoding.encodeOutgoing', () => {
  it('encodes with MessagePack and CBOR as their extended JSON says', async () => {
    const decoding = new EntryDecoding();
    await decoding.setSettings({ codecs: [{ codec: 'msgpack', direction: 'out' }, { codec: 'cbor', direction: 'in' }] });
    assert.equal(hex(decoding.encodeOutgoing('{"a": 1, "b": {"$bin": "ff"}}', 'out')), '82a16101a162c401ff');
    assert.equal(hex(decoding.encodeOutgoing('{"a": 1, "t": {"$tag": [1, 0]}}', 'in')), 'a26161016174c100');
    refused(() => decoding.encodeOutgoing('{"t": {"$tag": [1, 0]}}', 'out'), /^Cannot encode as MessagePack: .*line 1, column 7.*\$tag is CBOR/);
  });

  it('encodes Protobuf with the loaded .proto files; says why it cannot in words', async () => {
    const schemas = (await loadFixtureSchemas(['chat/v1/message.proto'])).schemas;
    const decoding = new EntryDecoding({ loadProtoSchemas: async () => schemas });
    await decoding.setSettings({ codecs: [{ codec: 'protobuf', messageType: 'chat.v1.Message' }], protoFiles: ['chat/v1/message.proto'] });
    // id 7 (field 1, varint), text "hi" (field 2, length-delimited).
    assert.equal(hex(decoding.encodeOutgoing('{"id": "7", "text": "hi"}', 'out')), '08071202' + '6869');
    refused(() => decoding.encodeOutgoing('{\n  "nope": 1\n}', 'out'), /^Invalid Protobuf JSON at line 2, column 3: nope: chat\.v1\.Message has no field "nope"/);

    await decoding.setSettings({ codecs: [{ codec: 'protobuf' }] });
    refused(() => decoding.encodeOutgoing('{}', 'out'), /schema/i);
    await decoding.setSettings({ codecs: [{ codec: 'protobuf', messageType: 'chat.v1.Nope' }], protoFiles: ['chat/v1/message.proto'] });
    refused(() => decoding.encodeOutgoing('{}', 'out'), /^Cannot encode as Protobuf: No message type chat\.v1\.Nope/);
    await decoding.setSettings({ codecs: [{ codec: 'protobuf', direction: 'in', messageType: 'chat.v1.Message' }] });
    refused(() => decoding.encodeOutgoing('{}', 'out'), /^No payload codec reads sent messages, so there is nothing to encode with: choose one with "Choose Payload Codec…"\.$/);
  });
});
