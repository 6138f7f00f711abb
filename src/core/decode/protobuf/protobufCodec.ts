// The Protobuf payload codec: with a message type (CodecRule.messageType) it decodes to a tree with field
// names and encodes proto3 JSON; without one it shows the schema-less view (field numbers and wire
// types) and cannot encode. Schemas come loaded in CodecContext.protoSchemas (loadProtoSchemas).
import type { CodecRule } from '../../../../shared/decode/decodeSettings';
import { SocketInspectorError } from '../../../../shared/errors';
import { type CodecContext, registerCodec } from '../codecRegistry';
import type { PayloadCodec } from '../payloadCodec';
import { toProtoJsonText } from './messageToProtoJson';
import { encodeProtoJson } from './protoJsonToMessage';
import { ProtoSchemas } from './protoSchemas';
import { decodeRaw, summarizeRaw } from './rawView';
import { decodeTypedView, summarizeTyped } from './typedView';

/** The schema-less codec: decodes like protoc --decode_raw; there is no JSON to encode from. */
function rawCodec(): PayloadCodec {
  const noSchema = (): never => {
    throw new SocketInspectorError('BAD_SCHEMA', 'Choose a Protobuf message type to edit or send JSON; without one the payload is only shown schema-less');
  };
  return { id: 'protobuf', decode: decodeRaw, summarize: summarizeRaw, toEditableText: noSchema, encode: noSchema };
}

/** Makes the codec a rule asks for; throws BAD_SCHEMA when its message type is not in the loaded schemas. */
export function createProtobufCodec(rule: CodecRule, context: CodecContext): PayloadCodec {
  if (rule.messageType === undefined || rule.messageType === '') return rawCodec();
  const schemas = context.protoSchemas;
  if (!(schemas instanceof ProtoSchemas)) {
    throw new SocketInspectorError('BAD_SCHEMA', `No .proto files are loaded, so the message type ${rule.messageType} is unknown; add them to the decode settings (protoFiles)`);
  }
  const type = schemas.messageType(rule.messageType);
  if (!type) {
    throw new SocketInspectorError('BAD_SCHEMA', `No message type ${rule.messageType} in ${schemas.files.join(', ')}`);
  }
  return {
    id: 'protobuf',
    decode: (payload) => decodeTypedView(payload, type),
    summarize: (payload) => summarizeTyped(payload, type),
    toEditableText: (payload) => toProtoJsonText(payload, type),
    encode: (text) => encodeProtoJson(text, type),
  };
}

registerCodec({ id: 'protobuf', label: 'Protobuf', create: createProtobufCodec });
