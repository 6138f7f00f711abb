// One message as JSON text a person edits, and the edit encoded back to the bytes of one message: the
// protocol layer's editable form where a layer decodes the connection (a Socket.IO EVENT as namespace,
// event, args, ackId), else the payload codec of the first matching rule (Protobuf as proto3 JSON of
// the rule's message type, MessagePack and CBOR in the extended JSON notation). A held proxy message is
// edited so and forwarded re-encoded. Both calls read the input synchronously and keep nothing of it.
import type { DecodeInput, EntryDecoding } from './entryDecoding';
import { isDecodable } from './entryDecoding';
import type { LayerDecoder } from '../layers/protocolLayer';
import { SocketInspectorError } from '../../../shared/errors';

/** A message as editable JSON, and what encodes it back. */
export interface EditableMessage {
  readonly text: string;
  /** The layer or codec id that encodes it back ('socketio', 'protobuf', 'msgpack'…). */
  readonly format: string;
  /** Protobuf: the message type the JSON is of. */
  readonly messageType?: string;
}

/** What editing a message as JSON offers: the text, or why it stays bytes (undefined: nothing decodes it). */
export type EditableResult = { readonly editable: EditableMessage } | { readonly problem: string } | undefined;

/**
 * The message as editable JSON. With a layer, only its editable form counts (a packet it cannot edit,
 * such as a Socket.IO ping, stays bytes without a problem); without one, the codec of the first
 * matching rule, whose refusal (payload not decodable, no message type chosen) is the problem.
 */
export function editableMessage(decoding: EntryDecoding, input: DecodeInput, layer: LayerDecoder | undefined): EditableResult {
  if (!isDecodable(input.direction, input.kind)) return undefined;
  if (layer) {
    if (!layer.toEditableText || !layer.fromEditableText) return undefined;
    try {
      const text = layer.toEditableText(input);
      return text === undefined ? undefined : { editable: { text, format: layer.id } };
    } catch (e) {
      return { problem: e instanceof Error ? e.message : String(e) };
    }
  }
  const planned = decoding.codecFor(input.direction, undefined);
  if (!planned) return undefined;
  if ('problem' in planned.codec) return { problem: planned.codec.problem };
  try {
    const text = planned.codec.toEditableText(input.payload);
    const type = planned.rule.codec === 'protobuf' ? planned.rule.messageType : undefined;
    return { editable: { text, format: planned.codec.id, ...(type ? { messageType: type } : {}) } };
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * `text` (edited from editableMessage's text for the same input and settings) encoded back. Throws a
 * SocketInspectorError naming the mistake (line and column of bad JSON, a field the schema lacks), or
 * saying the message is not editable as JSON any more (settings changed meanwhile).
 */
export function encodeEdited(decoding: EntryDecoding, text: string, input: DecodeInput, layer: LayerDecoder | undefined): Uint8Array {
  const found = editableMessage(decoding, input, layer);
  if (!found || 'problem' in found) {
    const why = found ? `: ${found.problem}` : '';
    throw new SocketInspectorError('PROTOCOL', `This message cannot be edited as JSON with the decode settings now in force${why}; edit its bytes instead`);
  }
  if (layer) return layer.fromEditableText!(text, input);
  const planned = decoding.codecFor(input.direction, undefined)!;
  if ('problem' in planned.codec) throw new SocketInspectorError('PROTOCOL', planned.codec.problem);
  return planned.codec.encode(text);
}
