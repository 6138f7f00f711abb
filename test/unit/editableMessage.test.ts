// What a held message offers to edit as JSON (src/core/decode/editableMessage.ts): the layer's editable
// form, else the first matching codec's, or why it stays bytes; and the edit encoded back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import { Direction, Kind } from '../../shared/logModel';
import '../../src/core/decode';
import { editableMessage, encodeEdited } from '../../src/core/decode/editableMessage';
import { EntryDecoding } from '../../src/core/decode/entryDecoding';
import { layerFactory } from '../../src/core/layers';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));
const text = (s: string) => Uint8Array.from(Buffer.from(s));

async function decoding(settings: DecodeSettings): Promise<EntryDecoding> {
  const d = new EntryDecoding();
  await d.setSettings(settings);
  return d;
}

describe('editableMessage', () => {
  it('MessagePack: the extended notation, and the edit encoded back', async () => {
    const d = await decoding({ codecs: [{ codec: 'msgpack' }] });
    // {"a": 1, "b": bin ff 00}
    const input = { direction: Direction.Out, kind: Kind.Binary, payload: hex('82 a1 61 01 a1 62 c4 02 ff 00') };
    const found = editableMessage(d, input, undefined);
    assert.ok(found && 'editable' in found);
    assert.equal(found.editable.format, 'msgpack');
    assert.deepEqual(JSON.parse(found.editable.text), { a: 1, b: { $bin: 'ff00' } });
    assert.deepEqual(encodeEdited(d, found.editable.text, input, undefined), input.payload, 'unedited, the same bytes');
    assert.deepEqual(Buffer.from(encodeEdited(d, '{"a": 2, "b": {"$bin": "01"}}', input, undefined)).toString('hex'), '82a16102a162c40101');
    assert.throws(() => encodeEdited(d, '{"a": }', input, undefined), /Invalid extended JSON|line 1/);
  });

  it('CBOR with a rule for one direction: only that direction is editable as JSON', async () => {
    const d = await decoding({ codecs: [{ codec: 'cbor', direction: 'in' }] });
    const payload = hex('a1 61 61 18 64'); // {"a": 100}
    const found = editableMessage(d, { direction: Direction.In, kind: Kind.Binary, payload }, undefined);
    assert.ok(found && 'editable' in found);
    assert.deepEqual(JSON.parse(found.editable.text), { a: 100 });
    assert.equal(editableMessage(d, { direction: Direction.Out, kind: Kind.Binary, payload }, undefined), undefined);
    assert.throws(() => encodeEdited(d, '{"a": 1}', { direction: Direction.Out, kind: Kind.Binary, payload }, undefined), /cannot be edited as JSON/);
  });

  it('a codec that applies but cannot decode the payload says why; Protobuf without a message type too', async () => {
    const mp = await decoding({ codecs: [{ codec: 'msgpack' }] });
    const bad = editableMessage(mp, { direction: Direction.Out, kind: Kind.Binary, payload: hex('c1') }, undefined);
    assert.ok(bad && 'problem' in bad);
    assert.match(bad.problem, /^Not MessagePack: .*byte offset 0/);
    const pb = await decoding({ codecs: [{ codec: 'protobuf' }] });
    const raw = editableMessage(pb, { direction: Direction.Out, kind: Kind.Binary, payload: hex('08 01') }, undefined);
    assert.ok(raw && 'problem' in raw);
    assert.match(raw.problem, /Choose a Protobuf message type/);
  });

  it('with a layer, its editable form; a packet it cannot edit stays bytes without a problem', async () => {
    const d = await decoding({ codecs: [{ codec: 'msgpack' }] });
    const sio = layerFactory('socketio')!.decoder;
    const event = { direction: Direction.Out, kind: Kind.Text, payload: text('42/chat,5["chat",{"n":1}]') };
    const found = editableMessage(d, event, sio);
    assert.ok(found && 'editable' in found);
    assert.equal(found.editable.format, 'socketio');
    assert.deepEqual(JSON.parse(found.editable.text), { namespace: '/chat', event: 'chat', args: [{ n: 1 }], ackId: 5 });
    assert.equal(Buffer.from(encodeEdited(d, found.editable.text.replace('1}', '2}'), event, sio)).toString(), '42/chat,5["chat",{"n":2}]');
    assert.equal(editableMessage(d, { direction: Direction.Out, kind: Kind.Text, payload: text('3') }, sio), undefined, 'an Engine.IO pong');
    assert.equal(editableMessage(d, { direction: Direction.Meta, kind: Kind.Note, payload: text('↑ Held #1') }, sio), undefined);
  });
});
