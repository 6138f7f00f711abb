// The Socket.IO layer's decoder: each logged WebSocket message on its own, no state. A text message is
// an Engine.IO packet (with a Socket.IO packet inside a message packet); a binary message is an
// attachment (the session knows whose: SocketIoSession.decoded).
import type { DecodedMessage } from '../../../../shared/decode/decoded';
import { Kind } from '../../../../shared/logModel';
import { SocketInspectorError } from '../../../../shared/errors';
import type { LayerDecodeInput, LayerDecoder } from '../protocolLayer';
import { socketIoAckKey } from './ackKey';
import { fromEditableText, toEditableText } from './editableText';
import { decodeAttachment, decodeText, FORMAT } from './packetDecode';

/** Not expected: the readers return errors instead of throwing. A bug here must not break the panel. */
function notDecoded(e: unknown): DecodedMessage {
  return {
    format: FORMAT,
    summary: `not decoded: ${e instanceof Error ? e.message : String(e)}`,
    tree: { key: '', type: 'malformed' },
    fields: { type: 'malformed' },
    error: { offset: 0, message: String(e) },
  };
}

export const socketIoDecoder: LayerDecoder = {
  id: 'socketio',
  decode(input: LayerDecodeInput) {
    try {
      if (input.kind === Kind.Text) return decodeText(input.payload);
      if (input.kind === Kind.Binary) return decodeAttachment(input.payload);
      return undefined;
    } catch (e) {
      return notDecoded(e);
    }
  },
  summarize(input: LayerDecodeInput) {
    try {
      if (input.kind === Kind.Text) return decodeText(input.payload, {}, false);
      if (input.kind === Kind.Binary) return decodeAttachment(input.payload);
      return undefined;
    } catch (e) {
      return notDecoded(e);
    }
  },
  toEditableText(input) {
    return input.kind === Kind.Text ? toEditableText(input.payload) : undefined;
  },
  fromEditableText(text, input) {
    if (input.kind !== Kind.Text) throw new SocketInspectorError('PROTOCOL', 'Only a text message (an EVENT or ACK) can be edited as JSON');
    return fromEditableText(text, input.payload);
  },
  ackKey: socketIoAckKey,
};
