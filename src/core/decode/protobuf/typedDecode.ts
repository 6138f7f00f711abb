// A payload read with its message type: our own walker over the wire format, guided by the schema
// protobufjs loaded. protobufjs's own decoder would be faster but throws away what it read before a
// mistake, says nothing about where each value lay, and drops unknown fields; the panel needs all three.
// The result (ProtoMessage) is what both the tree (typedTree.ts) and the JSON text (protoJson.ts) are made from.
import * as protobuf from 'protobufjs';
import { type RawField, RAW_MAX_DEPTH, readRawRecord } from './rawDecode';
import { checkMessage } from './typedCheck';
import {
  WIRE_EGROUP,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_SGROUP,
  WIRE_VARINT,
  WireError,
  WireReader,
  doubleFromBits,
  floatFromBits,
  readUtf8,
  wireTypeName,
} from './wireFormat';

/** How deep messages may nest before decoding stops (protoc's default recursion limit). */
export const MAX_MESSAGE_DEPTH = 100;

/** A map entry: key and value as read (either may be absent on the wire, meaning its default). */
export interface ProtoMapEntry {
  readonly key?: ProtoValue;
  readonly value?: ProtoValue;
}

/**
 * One value as read: numbers of up to 32 bits (and enums) as number, 64-bit integers as bigint,
 * bytes as a view of the payload (valid only during the call), nested messages and groups as
 * ProtoMessage, map entries as ProtoMapEntry.
 */
export interface ProtoValue {
  /** Where the value's record starts (its tag; for packed elements, the element) and ends. */
  readonly offset: number;
  readonly end: number;
  readonly v: number | bigint | boolean | string | Uint8Array | ProtoMessage | ProtoMapEntry;
}

/** The values of one known field, in wire order. */
export interface ProtoFieldValues {
  readonly field: protobuf.Field;
  readonly values: ProtoValue[];
  /** From the tag of the field's first record to the end of its last (packed records hold many values). */
  readonly offset: number;
  end: number;
}

/** A message as read: known fields by number, unknown records, and both in wire order for display. */
export interface ProtoMessage {
  readonly type: protobuf.Type;
  readonly offset: number;
  end: number;
  /** (Empty and shared while pending: fillMessage gives the message its own.) */
  byNumber: Map<number, ProtoFieldValues>;
  /** Known fields (at their first record) and unknown records, in the order they came. */
  items: (ProtoFieldValues | RawField)[];
  unknown: RawField[];
  /** Checked but not read yet (decodeTyped's `lazy`): fillMessage reads it from `start` when it is shown. */
  pending?: { readonly start: number; readonly depth: number };
}

/** The result of decoding: the message read (partly, when `error` is set). */
export interface TypedDecodeResult {
  readonly message: ProtoMessage;
  readonly error?: WireError;
}

/** Scalar types by how they are written. */
const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);

/** How a field is written on the wire, worked out once per field. */
export interface FieldPlan {
  readonly field: protobuf.Field;
  /** 'enum', 'message', 'group', 'map' or the scalar type ('int64', 'string', …). */
  readonly kind: string;
  readonly wireType: number;
  /** Repeated numeric fields may come packed (length-delimited) whatever the schema says. */
  readonly packable: boolean;
  /** A map's key and value kinds and their wire types (worked out once: the check reads every entry). */
  readonly map?: { readonly keyKind: string; readonly keyWire: number; readonly valueKind: string; readonly valueWire: number };
}

const plans = new WeakMap<protobuf.Type, Map<number, FieldPlan>>();

export function fieldKind(field: protobuf.Field): string {
  if (field.map) return 'map';
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Enum) return 'enum';
  if (resolved instanceof protobuf.Type) return field.delimited ? 'group' : 'message';
  return field.type;
}

/** The wire type a value of this kind is written with. */
export function wireTypeOf(kind: string): number {
  if (kind === 'enum' || VARINT_TYPES.has(kind)) return WIRE_VARINT;
  if (FIXED32_TYPES.has(kind)) return WIRE_FIXED32;
  if (FIXED64_TYPES.has(kind)) return WIRE_FIXED64;
  if (kind === 'group') return WIRE_SGROUP;
  return WIRE_LEN;
}

export function planOf(type: protobuf.Type): Map<number, FieldPlan> {
  let plan = plans.get(type);
  if (!plan) {
    plan = new Map();
    for (const field of type.fieldsArray) {
      const kind = fieldKind(field);
      const wireType = wireTypeOf(kind);
      const packable = field.repeated && !field.map && wireType !== WIRE_LEN && wireType !== WIRE_SGROUP;
      if (field.map) {
        const mapField = asMapField(field);
        const valueKind = mapValueKind(mapField);
        const map = { keyKind: mapField.keyType, keyWire: wireTypeOf(mapField.keyType), valueKind, valueWire: wireTypeOf(valueKind) };
        plan.set(field.id, { field, kind, wireType, packable, map });
      } else plan.set(field.id, { field, kind, wireType, packable });
    }
    plans.set(type, plan);
  }
  return plan;
}

/** The type name as the tree shows it: `int64`, `enum chat.Kind`, `chat.Inner`. */
export function typeLabel(field: protobuf.Field, kind = fieldKind(field)): string {
  const resolved = field.resolvedType;
  if (kind === 'enum') return `enum ${typeName(resolved!)}`;
  if (kind === 'message' || kind === 'group') return typeName(resolved!);
  return kind;
}

const typeNames = new WeakMap<protobuf.ReflectionObject, string>();

/** A type's or enum's full name without the leading dot (protobufjs works `fullName` out anew on every read; a tree reads it per node). */
export function typeName(type: protobuf.ReflectionObject): string {
  let name = typeNames.get(type);
  if (name === undefined) {
    name = type.fullName.slice(1);
    typeNames.set(type, name);
  }
  return name;
}

/** Reads one scalar (or enum) of a varint/fixed kind from the reader. */
function readNumber(r: WireReader, kind: string): number | bigint | boolean {
  switch (kind) {
    case 'fixed32':
      return r.fixed32();
    case 'sfixed32':
      return r.fixed32() | 0;
    case 'float':
      return floatFromBits(r.fixed32());
    case 'fixed64':
      r.fixed64();
      return r.u64();
    case 'sfixed64':
      r.fixed64();
      return r.i64();
    case 'double':
      r.fixed64();
      return doubleFromBits(r.lo, r.hi);
  }
  r.varint();
  switch (kind) {
    case 'int32':
    case 'enum':
      return r.lo | 0;
    case 'uint32':
      return r.lo;
    case 'sint32':
      return (r.lo >>> 1) ^ -(r.lo & 1);
    case 'int64':
      return r.i64();
    case 'uint64':
      return r.u64();
    case 'sint64':
      return r.zigzag64();
    default: // bool
      return r.lo !== 0 || r.hi !== 0;
  }
}

function newMessage(type: protobuf.Type, offset: number, end: number): ProtoMessage {
  return { type, offset, end, byNumber: new Map(), items: [], unknown: [], pending: undefined };
}

/** What a pending message holds until it is read: nothing, shared (a repeated field may hold thousands of them). */
const NO_FIELDS: Map<number, ProtoFieldValues> = new Map();
const NO_ITEMS: never[] = [];

/** A nested message checked and left to read when shown (fillMessage): two small objects, not five. */
function pendingMessage(type: protobuf.Type, offset: number, end: number, start: number, depth: number): ProtoMessage {
  return { type, offset, end, byNumber: NO_FIELDS, items: NO_ITEMS, unknown: NO_ITEMS, pending: { start, depth } };
}

function valuesOf(message: ProtoMessage, field: protobuf.Field, offset: number): ProtoFieldValues {
  let entry = message.byNumber.get(field.id);
  if (!entry) {
    entry = { field, values: [], offset, end: offset };
    message.byNumber.set(field.id, entry);
    message.items.push(entry);
  }
  return entry;
}

/**
 * Reads the fields of one message from `r` into `into` until r.end, or until the end tag of the group
 * `group`. Returns where it stopped. Throws a WireError; `into` keeps what was read.
 */
function readMessage(r: WireReader, into: ProtoMessage, depth: number, group?: number, lazy = false): void {
  if (depth > MAX_MESSAGE_DEPTH) throw new WireError(r.pos, `messages nested deeper than ${MAX_MESSAGE_DEPTH}`);
  const plan = planOf(into.type);
  while (!r.done) {
    const tag = r.tag();
    if (tag.wireType === WIRE_EGROUP) {
      if (tag.fieldNumber === group) {
        into.end = r.pos;
        return;
      }
      throw new WireError(tag.offset, `group end of field ${tag.fieldNumber} without a matching group start`);
    }
    const p = plan.get(tag.fieldNumber);
    if (!p) {
      // Unknown fields are kept and shown with their number and wire type.
      const unknown: RawField[] = into.unknown;
      const value = readRawRecord(r, tag.fieldNumber, tag.wireType, RAW_MAX_DEPTH);
      const record: RawField = { fieldNumber: tag.fieldNumber, wireType: tag.wireType, offset: tag.offset, end: r.pos, value };
      unknown.push(record);
      into.items.push(record);
      continue;
    }
    const entry = valuesOf(into, p.field, tag.offset);
    if (p.packable && tag.wireType === WIRE_LEN) {
      const [start, end] = r.lengthDelimited();
      entry.end = end;
      const inner = new WireReader(r.bytes, start, end);
      while (!inner.done) {
        const at = inner.pos;
        const v = readNumber(inner, p.kind);
        entry.values.push({ offset: at, end: inner.pos, v });
      }
      continue;
    }
    if (tag.wireType !== p.wireType) {
      throw new WireError(
        tag.offset,
        `field ${tag.fieldNumber} (${p.field.name}, ${typeLabel(p.field, p.kind)}) has wire type ${wireTypeName(tag.wireType)}; ` +
          `it should be ${wireTypeName(p.wireType)}`,
      );
    }
    switch (p.kind) {
      case 'string': {
        const [start, end] = r.lengthDelimited();
        entry.values.push({ offset: tag.offset, end, v: readUtf8(r.bytes, start, end, `string field ${p.field.name}`) });
        break;
      }
      case 'bytes': {
        const [start, end] = r.lengthDelimited();
        entry.values.push({ offset: tag.offset, end, v: r.bytes.subarray(start, end) });
        break;
      }
      case 'message': {
        const [start, end] = r.lengthDelimited();
        const type = p.field.resolvedType as protobuf.Type;
        // Lazily: a message that checks out is read only if it is shown; one that does not is read now,
        // so its error and what came before it are as the full read has them.
        if (lazy && checkMessage(r.bytes, start, end, type, depth + 1)) {
          entry.values.push({ offset: tag.offset, end, v: pendingMessage(type, tag.offset, end, start, depth + 1) });
          break;
        }
        const child = newMessage(type, tag.offset, end);
        entry.values.push({ offset: tag.offset, end, v: child });
        readMessage(new WireReader(r.bytes, start, end), child, depth + 1, undefined, lazy);
        break;
      }
      case 'group': {
        const child = newMessage(p.field.resolvedType as protobuf.Type, tag.offset, r.end);
        const value = { offset: tag.offset, end: r.end, v: child };
        entry.values.push(value);
        const inner = new WireReader(r.bytes, r.pos, r.end);
        readMessage(inner, child, depth + 1, tag.fieldNumber);
        r.pos = inner.pos;
        (value as { end: number }).end = r.pos;
        break;
      }
      case 'map': {
        const [start, end] = r.lengthDelimited();
        const mapEntry: { key?: ProtoValue; value?: ProtoValue } = {};
        entry.values.push({ offset: tag.offset, end, v: mapEntry });
        readMapEntry(new WireReader(r.bytes, start, end), asMapField(p.field), mapEntry, depth);
        break;
      }
      default: {
        const v = readNumber(r, p.kind);
        entry.values.push({ offset: tag.offset, end: r.pos, v });
      }
    }
    entry.end = r.pos;
  }
  if (group !== undefined) throw new WireError(r.end, `the group of field ${group} has no end`);
}

/** A map entry is a message of key = 1 and value = 2. */
function readMapEntry(r: WireReader, field: protobuf.MapField, into: { key?: ProtoValue; value?: ProtoValue }, depth: number): void {
  const keyKind = field.keyType;
  const valueKind = mapValueKind(field);
  while (!r.done) {
    const tag = r.tag();
    const kind = tag.fieldNumber === 1 ? keyKind : tag.fieldNumber === 2 ? valueKind : undefined;
    if (kind === undefined || tag.wireType === WIRE_EGROUP || tag.wireType === WIRE_SGROUP) {
      if (tag.wireType === WIRE_EGROUP) throw new WireError(tag.offset, `group end of field ${tag.fieldNumber} in a map entry`);
      readRawRecord(r, tag.fieldNumber, tag.wireType, 0); // unknown in an entry: skipped, as protoc does
      continue;
    }
    const expected = wireTypeOf(kind);
    if (tag.wireType !== expected) {
      throw new WireError(
        tag.offset,
        `map ${field.name} entry ${tag.fieldNumber === 1 ? 'key' : 'value'} (${kind}) has wire type ${wireTypeName(tag.wireType)}; it should be ${wireTypeName(expected)}`,
      );
    }
    let v: ProtoValue['v'];
    if (kind === 'string') {
      const [s, e] = r.lengthDelimited();
      v = readUtf8(r.bytes, s, e, `map ${field.name} ${tag.fieldNumber === 1 ? 'key' : 'value'}`);
    } else if (kind === 'bytes') {
      const [s, e] = r.lengthDelimited();
      v = r.bytes.subarray(s, e);
    } else if (kind === 'message') {
      const [s, e] = r.lengthDelimited();
      const child = newMessage(field.resolvedType as protobuf.Type, tag.offset, e);
      into.value = { offset: tag.offset, end: e, v: child };
      readMessage(new WireReader(r.bytes, s, e), child, depth + 1);
      continue;
    } else v = readNumber(r, kind);
    const value = { offset: tag.offset, end: r.pos, v };
    if (tag.fieldNumber === 1) into.key = value;
    else into.value = value;
  }
}

/** A map field as protobufjs types it (MapField is not a subclass of Field in its typings). */
export function asMapField(field: protobuf.Field): protobuf.MapField {
  return field as unknown as protobuf.MapField;
}

/** The value kind of a map: a scalar type, 'enum' or 'message'. */
export function mapValueKind(field: protobuf.MapField): string {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Enum) return 'enum';
  if (resolved instanceof protobuf.Type) return 'message';
  return field.type;
}

/**
 * Decodes a payload as `type`; never throws on bad input. `lazy`: nested messages (fields of message
 * type) are checked to their end but read into ProtoMessages only by fillMessage, when shown.
 */
export function decodeTyped(bytes: Uint8Array, type: protobuf.Type, lazy = false): TypedDecodeResult {
  const message = newMessage(type, 0, bytes.length);
  try {
    readMessage(new WireReader(bytes), message, 0, undefined, lazy);
    return { message };
  } catch (e) {
    if (e instanceof WireError) return { message, error: e };
    throw e;
  }
}

/** Reads a message decodeTyped left pending (it checked out, so this does not throw); its own nested messages stay lazy. */
export function fillMessage(bytes: Uint8Array, message: ProtoMessage): ProtoMessage {
  const pending = message.pending;
  if (pending) {
    message.pending = undefined;
    message.byNumber = new Map();
    message.items = [];
    message.unknown = [];
    readMessage(new WireReader(bytes, pending.start, message.end), message, pending.depth, undefined, true);
  }
  return message;
}
