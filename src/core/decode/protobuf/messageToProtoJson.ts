// A Protobuf payload as proto3 JSON text (payload → JSON; the rules both ways are in protoJson.ts): field
// names as json_names, 64-bit integers as strings, bytes as base64, enums by name, NaN/Infinity as strings,
// and the well-known types' own forms (Timestamp, Duration, wrappers, Struct/Value/ListValue, FieldMask,
// Any, Empty). Unknown fields ride along in "@unknownFields" (base64 of their records), so that
// protoJsonToMessage.ts gives back a canonically encoded payload byte for byte.
import * as protobuf from 'protobufjs';
import { SocketInspectorError } from '../../../../shared/errors';
import { UNKNOWN_FIELDS_KEY, WRAPPERS, fieldsByNumber, isDefault, lookupAnyType, wellKnown } from './protoJson';
import { type ProtoMapEntry, type ProtoMessage, type ProtoValue, decodeTyped, asMapField, fieldKind, mapValueKind } from './typedDecode';
import { formatFloat32 } from './wireFormat';
import { WireWriter } from './wireWriter';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isMessage(v: ProtoValue['v']): v is ProtoMessage {
  return typeof v === 'object' && v !== null && 'byNumber' in v;
}

function scalarJson(v: ProtoValue['v'], kind: string, resolved: protobuf.ReflectionObject | null): Json {
  if (kind === 'enum') {
    const e = resolved as protobuf.Enum;
    if (e.fullName === '.google.protobuf.NullValue') return null;
    return e.valuesById[v as number] ?? (v as number);
  }
  if (typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64');
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    return kind === 'float' ? Number(formatFloat32(v)) : v;
  }
  return v as string | boolean;
}

function lastValue(message: ProtoMessage, name: string): ProtoValue['v'] | undefined {
  const field = message.type.fields[name];
  const values = field ? message.byNumber.get(field.id)?.values : undefined;
  return values?.[values.length - 1]?.v;
}

function valueJson(field: protobuf.Field, kind: string, v: ProtoValue['v']): Json {
  return isMessage(v) ? messageJson(v) : scalarJson(v, kind, field.resolvedType);
}

/** A decoded message as proto3 JSON (a plain value for JSON.stringify). */
export function messageJson(message: ProtoMessage): Json {
  const wkt = wellKnown(message.type);
  if (wkt !== undefined) {
    const special = wellKnownJson(wkt, message);
    if (special !== undefined) return special;
  }
  const out: { [key: string]: Json } = {};
  for (const field of fieldsByNumber(message.type)) {
    const values = message.byNumber.get(field.id)?.values;
    if (!values || values.length === 0) continue;
    const kind = fieldKind(field);
    if (field.map) {
      const map: { [key: string]: Json } = {};
      const mapField = asMapField(field);
      const valueKind = mapValueKind(mapField);
      for (const { v } of values) {
        const { key, value } = v as ProtoMapEntry;
        const keyText = key ? String(key.v) : mapField.keyType === 'bool' ? 'false' : mapField.keyType === 'string' ? '' : '0';
        map[keyText] = value ? valueJson(field, valueKind, value.v) : valueKind === 'message' ? {} : scalarJson(defaultFor(valueKind), valueKind, field.resolvedType);
      }
      out[field.jsonName] = map;
    } else if (field.repeated) {
      out[field.jsonName] = values.map(({ v }) => valueJson(field, kind, v));
    } else {
      const v = values[values.length - 1]!.v;
      if (!field.hasPresence && isDefault(v)) continue;
      out[field.jsonName] = valueJson(field, kind, v);
    }
  }
  if (message.unknown.length > 0) {
    const w = new WireWriter();
    // The records as they came; their bytes are re-read from the payload by the caller's offsets.
    for (const record of message.unknown) w.raw(unknownBytes.get(message)!.subarray(record.offset, record.end));
    out[UNKNOWN_FIELDS_KEY] = Buffer.from(w.finish()).toString('base64');
  }
  return out;
}

/** The payload each message's unknown records lie in (set while messageJson runs). */
const unknownBytes = new WeakMap<ProtoMessage, Uint8Array>();
function rememberPayload(message: ProtoMessage, bytes: Uint8Array): void {
  unknownBytes.set(message, bytes);
  for (const { values } of message.byNumber.values()) {
    for (const { v } of values) {
      if (isMessage(v)) rememberPayload(v, bytes);
      else if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
        const inner = (v as ProtoMapEntry).value?.v;
        if (inner !== undefined && isMessage(inner)) rememberPayload(inner, bytes);
      }
    }
  }
}

function defaultFor(kind: string): ProtoValue['v'] {
  if (kind === 'string') return '';
  if (kind === 'bytes') return new Uint8Array(0);
  if (kind === 'bool') return false;
  if (['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].includes(kind)) return 0n;
  return 0;
}

function pad9(nanos: number): string {
  const text = String(nanos).padStart(9, '0');
  // 0, 3, 6 or 9 fractional digits, as protoc prints them.
  return text.endsWith('000000') ? text.slice(0, 3) : text.endsWith('000') ? text.slice(0, 6) : text;
}

function wellKnownJson(name: string, message: ProtoMessage): Json | undefined {
  const num = (field: string): number => Number(lastValue(message, field) ?? 0);
  if (WRAPPERS.has(name)) {
    const field = message.type.fields.value!;
    return scalarJson(lastValue(message, 'value') ?? defaultFor(fieldKind(field)), fieldKind(field), null);
  }
  switch (name) {
    case 'Timestamp': {
      const seconds = num('seconds');
      const nanos = num('nanos');
      const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
      return nanos ? `${iso}.${pad9(nanos)}Z` : `${iso}Z`;
    }
    case 'Duration': {
      const seconds = BigInt((lastValue(message, 'seconds') as bigint | undefined) ?? 0n);
      const nanos = num('nanos');
      const negative = seconds < 0n || nanos < 0;
      const abs = seconds < 0n ? -seconds : seconds;
      return `${negative ? '-' : ''}${abs}${nanos ? `.${pad9(Math.abs(nanos))}` : ''}s`;
    }
    case 'FieldMask': {
      const paths = message.byNumber.get(1)?.values ?? [];
      return paths.map(({ v }) => (v as string).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).join(',');
    }
    case 'Struct': {
      const out: { [key: string]: Json } = {};
      for (const { v } of message.byNumber.get(1)?.values ?? []) {
        const { key, value } = v as ProtoMapEntry;
        out[key ? (key.v as string) : ''] = value && isMessage(value.v) ? messageJson(value.v) : null;
      }
      return out;
    }
    case 'ListValue':
      return (message.byNumber.get(1)?.values ?? []).map(({ v }) => (isMessage(v) ? messageJson(v) : null));
    case 'Value': {
      const set = message.items.filter((i) => 'field' in i);
      const last = set[set.length - 1];
      if (!last || !('field' in last)) return null;
      const v = last.values[last.values.length - 1]!.v;
      return isMessage(v) ? messageJson(v) : last.field.name === 'null_value' ? null : scalarJson(v, fieldKind(last.field), last.field.resolvedType);
    }
    case 'Any': {
      const url = (lastValue(message, 'type_url') as string | undefined) ?? '';
      const value = (lastValue(message, 'value') as Uint8Array | undefined) ?? new Uint8Array(0);
      if (!url) return {};
      const inner = lookupAnyType(message.type, url);
      if (!inner) return undefined; // shown as a plain message: type_url and value in base64
      const decoded = decodeTyped(value, inner);
      if (decoded.error) return undefined;
      rememberPayload(decoded.message, value);
      const json = messageJson(decoded.message);
      // A well-known type keeps its JSON form under "value"; any other message's fields sit beside "@type".
      return wellKnown(inner) !== undefined ? { '@type': url, value: json } : { '@type': url, ...(json as { [key: string]: Json }) };
    }
    default:
      return undefined;
  }
}


/**
 * A payload as canonical proto3 JSON text (two-space indent). Throws a PROTOCOL SocketInspectorError
 * when the payload does not decode as `type`.
 */
export function toProtoJsonText(bytes: Uint8Array, type: protobuf.Type): string {
  const { message, error } = decodeTyped(bytes, type);
  if (error) {
    throw new SocketInspectorError('PROTOCOL', `Not a ${type.fullName.slice(1)} message: ${error.message} at byte ${error.offset}`);
  }
  rememberPayload(message, bytes);
  return JSON.stringify(messageJson(message), null, 2);
}
