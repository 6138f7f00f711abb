// The proto3 JSON mapping (protobuf.dev/programming-guides/json) for the composer and for editing a held
// message: what both directions share (the well-known types, fields in number order, proto3 defaults, the
// member that carries unknown fields). Payload → JSON text is messageToProtoJson.ts, JSON text → payload
// is protoJsonToMessage.ts: two jobs, each a few hundred lines, that agree through the rules kept here.
// Written here rather than with protobufjs's protojson extension because a mistake must be named by
// line, column and field path, and 64-bit numbers must stay exact from the text on.
import * as protobuf from 'protobufjs';
import type { ProtoValue } from './typedDecode';

/** The member that carries unknown fields through an edit. */
export const UNKNOWN_FIELDS_KEY = '@unknownFields';

/** The well-known wrapper types, whose JSON form is their single `value`. */
export const WRAPPERS = new Set(['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue']);

/** The name of a google.protobuf well-known type, or undefined for any other message type. */
export function wellKnown(type: protobuf.Type): string | undefined {
  return type.fullName.startsWith('.google.protobuf.') ? type.fullName.slice('.google.protobuf.'.length) : undefined;
}

const sortedFields = new WeakMap<protobuf.Type, protobuf.Field[]>();
/** A type's fields in field-number order (the canonical order both ways). */
export function fieldsByNumber(type: protobuf.Type): protobuf.Field[] {
  let fields = sortedFields.get(type);
  if (!fields) {
    fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
    sortedFields.set(type, fields);
  }
  return fields;
}

/** Whether a scalar is its proto3 default (left out of JSON and of the encoding under implicit presence). */
export function isDefault(v: ProtoValue['v']): boolean {
  if (typeof v === 'number') return Object.is(v, 0);
  if (typeof v === 'bigint') return v === 0n;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return v.length === 0;
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

/** The message type an Any's type URL names in the loaded .proto files. */
export function lookupAnyType(from: protobuf.Type, url: string): protobuf.Type | undefined {
  const name = url.slice(url.lastIndexOf('/') + 1);
  try {
    const found = from.root.lookup(`.${name}`);
    return found instanceof protobuf.Type ? found : undefined;
  } catch {
    return undefined;
  }
}
