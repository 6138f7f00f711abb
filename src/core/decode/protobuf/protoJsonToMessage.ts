// Proto3 JSON text as a Protobuf payload (JSON → payload; the rules both ways are in protoJson.ts), for
// the composer and for editing a held message: field names or json_names, 64-bit integers as strings
// (numbers accepted), bytes as base64, enums by name (numbers accepted), and the well-known types' own forms.
// Encoding is canonical (fields by number, packed repeated scalars where the schema packs them, proto3
// defaults left out), so messageToProtoJson.ts then this gives back a canonically encoded payload byte for
// byte. A mistake is named by line, column and field path.
import * as protobuf from 'protobufjs';
import { positionOf, SocketInspectorError } from '../../../../shared/errors';
import { type JsonValue, parseJsonTree } from './jsonTree';
import { UNKNOWN_FIELDS_KEY, WRAPPERS, fieldsByNumber, isDefault, lookupAnyType, wellKnown } from './protoJson';
import { type ProtoValue, asMapField, fieldKind, mapValueKind, wireTypeOf } from './typedDecode';
import { WIRE_EGROUP, WIRE_LEN, WIRE_SGROUP } from './wireFormat';
import { WireWriter } from './wireWriter';

class Encoder {
  constructor(private readonly text: string) {}

  fail(node: { offset: number }, path: string, reason: string): never {
    const position = positionOf(this.text, node.offset);
    return this.failAt(position, path, reason);
  }

  private failAt(position: ReturnType<typeof positionOf>, path: string, reason: string): never {
    const where = path || 'the message';
    throw new SocketInspectorError('INVALID_JSON', `Invalid Protobuf JSON at line ${position.line}, column ${position.column}: ${where}: ${reason}`, { position });
  }

  message(w: WireWriter, type: protobuf.Type, node: JsonValue, path: string, depth: number): void {
    if (depth > 100) this.fail(node, path, 'messages nested deeper than 100');
    const wkt = wellKnown(type);
    if (wkt !== undefined && this.wellKnown(w, wkt, type, node, path, depth)) return;
    if (node.kind !== 'object') this.fail(node, path, `expected an object for ${type.fullName.slice(1)}, got ${describe(node)}`);
    const byName = new Map<string, protobuf.Field>();
    for (const field of type.fieldsArray) {
      byName.set(field.jsonName, field);
      byName.set(field.name, field);
    }
    const given = new Map<number, { value: JsonValue; key: string }>();
    const oneofs = new Map<string, string>();
    let unknown: Uint8Array | undefined;
    for (const member of node.members) {
      const memberPath = path ? `${path}.${member.key}` : member.key;
      if (member.key === UNKNOWN_FIELDS_KEY) {
        if (member.value.kind !== 'string') this.fail(member.value, memberPath, 'expected the unknown fields as base64 text');
        unknown = this.base64(member.value, memberPath);
        continue;
      }
      const field = byName.get(member.key);
      if (!field) {
        this.fail({ offset: member.keyOffset }, memberPath, `${type.fullName.slice(1)} has no field "${member.key}"`);
      }
      if (given.has(field.id)) this.fail({ offset: member.keyOffset }, memberPath, `field ${field.name} is given twice`);
      if (member.value.kind === 'null' && !(field.resolvedType && field.resolvedType.fullName === '.google.protobuf.Value')) continue;
      const oneof = field.partOf?.name;
      if (oneof !== undefined) {
        const other = oneofs.get(oneof);
        if (other !== undefined) this.fail({ offset: member.keyOffset }, memberPath, `oneof ${oneof} already has ${other} set; give only one of its members`);
        oneofs.set(oneof, field.name);
      }
      given.set(field.id, { value: member.value, key: member.key });
    }
    for (const field of fieldsByNumber(type)) {
      const entry = given.get(field.id);
      if (!entry) continue;
      const fieldPath = path ? `${path}.${entry.key}` : entry.key;
      this.field(w, field, entry.value, fieldPath, depth);
    }
    if (unknown) w.raw(unknown);
  }

  private field(w: WireWriter, field: protobuf.Field, node: JsonValue, path: string, depth: number): void {
    const kind = fieldKind(field);
    if (field.map) {
      if (node.kind !== 'object') this.fail(node, path, `expected an object for map ${field.name}, got ${describe(node)}`);
      const mapField = asMapField(field);
      const valueKind = mapValueKind(mapField);
      for (const member of node.members) {
        const entryPath = `${path}[${JSON.stringify(member.key)}]`;
        const entry = new WireWriter();
        const key = this.mapKey(mapField.keyType, member.key, { offset: member.keyOffset }, entryPath);
        // Map entries carry key and value even when they are defaults, as protoc writes them.
        this.scalar(entry, 1, mapField.keyType, key);
        if (valueKind === 'message') {
          const inner = new WireWriter();
          this.message(inner, mapField.resolvedType as protobuf.Type, member.value, entryPath, depth + 1);
          entry.tag(2, WIRE_LEN);
          entry.lengthDelimited(inner.finish());
        } else {
          if (member.value.kind === 'null') this.fail(member.value, entryPath, 'a map value cannot be null');
          this.scalar(entry, 2, valueKind, this.scalarValue(valueKind, field, member.value, entryPath));
        }
        w.tag(field.id, WIRE_LEN);
        w.lengthDelimited(entry.finish());
      }
      return;
    }
    if (field.repeated) {
      if (node.kind !== 'array') this.fail(node, path, `expected an array for repeated ${field.name}, got ${describe(node)}`);
      const numeric = wireTypeOf(kind) !== WIRE_LEN && wireTypeOf(kind) !== WIRE_SGROUP;
      if (numeric && field.packed) {
        if (node.items.length === 0) return;
        const packed = new WireWriter();
        node.items.forEach((item, i) => this.writeValue(packed, 0, kind, this.scalarValue(kind, field, item, `${path}[${i}]`)));
        w.tag(field.id, WIRE_LEN);
        w.lengthDelimited(packed.finish());
        return;
      }
      node.items.forEach((item, i) => this.single(w, field, kind, item, `${path}[${i}]`, depth, true));
      return;
    }
    this.single(w, field, kind, node, path, depth, field.hasPresence);
  }

  /** One value of a field, with its tag; implicit-presence defaults are left out as protoc does. */
  private single(w: WireWriter, field: protobuf.Field, kind: string, node: JsonValue, path: string, depth: number, always: boolean): void {
    if (kind === 'message' || kind === 'group') {
      const inner = new WireWriter();
      if (node.kind === 'null' && field.resolvedType?.fullName !== '.google.protobuf.Value') this.fail(node, path, 'a list element cannot be null');
      this.message(inner, field.resolvedType as protobuf.Type, node, path, depth + 1);
      if (kind === 'group') {
        w.tag(field.id, WIRE_SGROUP);
        w.raw(inner.finish());
        w.tag(field.id, WIRE_EGROUP);
      } else {
        w.tag(field.id, WIRE_LEN);
        w.lengthDelimited(inner.finish());
      }
      return;
    }
    if (node.kind === 'null') this.fail(node, path, 'a list element cannot be null');
    const value = this.scalarValue(kind, field, node, path);
    if (!always && isDefault(value)) return;
    this.scalar(w, field.id, kind, value);
  }

  private scalar(w: WireWriter, fieldNumber: number, kind: string, value: ProtoValue['v']): void {
    w.tag(fieldNumber, wireTypeOf(kind));
    this.writeValue(w, fieldNumber, kind, value);
  }

  private writeValue(w: WireWriter, _fieldNumber: number, kind: string, value: ProtoValue['v']): void {
    switch (kind) {
      case 'int32':
      case 'enum':
        return w.uint64(BigInt(value as number));
      case 'uint32':
        return w.uint32(value as number);
      case 'sint32': {
        const v = value as number;
        return w.uint32(((v << 1) ^ (v >> 31)) >>> 0);
      }
      case 'int64':
      case 'uint64':
        return w.uint64(value as bigint);
      case 'sint64': {
        const v = value as bigint;
        return w.uint64((v << 1n) ^ (v >> 63n));
      }
      case 'bool':
        return w.uint32(value ? 1 : 0);
      case 'fixed32':
      case 'sfixed32':
        return w.fixed32(value as number);
      case 'fixed64':
      case 'sfixed64':
        return w.fixed64(value as bigint);
      case 'float':
        return w.float(value as number);
      case 'double':
        return w.double(value as number);
      case 'string':
        return w.lengthDelimited(Buffer.from(value as string, 'utf8'));
      default: // bytes
        return w.lengthDelimited(value as Uint8Array);
    }
  }

  private mapKey(keyType: string, key: string, at: { offset: number }, path: string): ProtoValue['v'] {
    if (keyType === 'string') return key;
    if (keyType === 'bool') {
      if (key !== 'true' && key !== 'false') this.fail(at, path, `a bool map key must be "true" or "false", not ${JSON.stringify(key)}`);
      return key === 'true';
    }
    return this.integer(keyType, { kind: 'string', offset: at.offset, value: key }, path);
  }

  /** A scalar or enum value from JSON, checked against its type. */
  scalarValue(kind: string, field: protobuf.Field | undefined, node: JsonValue, path: string): ProtoValue['v'] {
    switch (kind) {
      case 'string':
        if (node.kind !== 'string') this.fail(node, path, `expected a string, got ${describe(node)}`);
        return node.value;
      case 'bytes':
        if (node.kind !== 'string') this.fail(node, path, `expected base64 text for bytes, got ${describe(node)}`);
        return this.base64(node, path);
      case 'bool':
        if (node.kind !== 'bool') this.fail(node, path, `expected true or false, got ${describe(node)}`);
        return node.value;
      case 'float':
      case 'double':
        return this.floating(kind, node, path);
      case 'enum': {
        const e = field!.resolvedType as protobuf.Enum;
        if (node.kind === 'string') {
          const n = e.values[node.value];
          if (n === undefined) this.fail(node, path, `${JSON.stringify(node.value)} is not a value of ${e.fullName.slice(1)} (${Object.keys(e.values).join(', ')})`);
          return n;
        }
        if (node.kind === 'null' && e.fullName === '.google.protobuf.NullValue') return 0;
        return this.integer('int32', node, path);
      }
      default:
        return this.integer(kind, node, path);
    }
  }

  private integer(kind: string, node: JsonValue, path: string): number | bigint {
    const text = node.kind === 'number' ? node.text : node.kind === 'string' ? node.value.trim() : undefined;
    if (text === undefined) this.fail(node, path, `expected an integer (${kind}), got ${describe(node)}`);
    let value: bigint;
    if (/^-?\d+$/.test(text)) value = BigInt(text);
    else {
      const n = Number(text);
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || !Number.isInteger(n)) this.fail(node, path, `${text} is not an integer (${kind})`);
      if (!Number.isSafeInteger(n)) this.fail(node, path, `${text} is not exact; write large integers in full digits`);
      value = BigInt(n);
    }
    const [min, max] = RANGES[kind]!;
    if (value < min || value > max) this.fail(node, path, `${text} is out of range for ${kind} (${min} to ${max})`);
    return kind.endsWith('64') ? value : Number(value);
  }

  private floating(kind: string, node: JsonValue, path: string): number {
    let value: number;
    if (node.kind === 'number') value = Number(node.text);
    else if (node.kind === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(node.value)) value = Number(node.value);
    else if (node.kind === 'string' && /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(node.value)) value = Number(node.value);
    else this.fail(node, path, `expected a number (${kind}), got ${describe(node)}`);
    if (kind === 'float' && Number.isFinite(value) && Math.abs(value) > 3.4028234663852886e38) this.fail(node, path, `${value} is out of range for float`);
    if (!Number.isFinite(value) && node.kind === 'number') this.fail(node, path, `${node.text} is out of range for ${kind}`);
    return value;
  }

  private base64(node: JsonValue & { kind: 'string' }, path: string): Uint8Array {
    const text = node.value.replace(/-/g, '+').replace(/_/g, '/');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
      this.fail(node, path, 'not base64 (A–Z, a–z, 0–9, + and /, or - and _, with optional = padding)');
    }
    return new Uint8Array(Buffer.from(text, 'base64'));
  }

  /** The well-known types' JSON forms; false when the node is in the plain message form. */
  private wellKnown(w: WireWriter, name: string, type: protobuf.Type, node: JsonValue, path: string, depth: number): boolean {
    if (WRAPPERS.has(name)) {
      const field = type.fields.value!;
      this.single(w, field, fieldKind(field), node, path, depth, false);
      return true;
    }
    switch (name) {
      case 'Timestamp': {
        if (node.kind !== 'string') this.fail(node, path, `expected an RFC 3339 time ("1972-01-01T10:00:20.021Z"), got ${describe(node)}`);
        const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(node.value);
        const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
        if (!m || Number.isNaN(ms)) this.fail(node, path, `${JSON.stringify(node.value)} is not an RFC 3339 time ("1972-01-01T10:00:20.021Z")`);
        this.int(w, 1, 'int64', BigInt(ms / 1000));
        this.int(w, 2, 'int32', Number((m[2] ?? '').padEnd(9, '0')));
        return true;
      }
      case 'Duration': {
        const m = node.kind === 'string' ? /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(node.value) : null;
        if (!m) this.fail(node, path, `expected a duration such as "1.5s" or "-3s", got ${describe(node)}`);
        const sign = m[1] ? -1 : 1;
        this.int(w, 1, 'int64', BigInt(sign) * BigInt(m[2]!));
        this.int(w, 2, 'int32', sign * Number((m[3] ?? '').padEnd(9, '0')));
        return true;
      }
      case 'FieldMask': {
        if (node.kind !== 'string') this.fail(node, path, `expected paths such as "user.displayName,photo", got ${describe(node)}`);
        for (const p of node.value.split(',').filter(Boolean)) {
          w.tag(1, WIRE_LEN);
          w.lengthDelimited(Buffer.from(p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), 'utf8'));
        }
        return true;
      }
      case 'Struct': {
        if (node.kind !== 'object') this.fail(node, path, `expected an object, got ${describe(node)}`);
        const valueType = type.root.lookupType('.google.protobuf.Value');
        for (const member of node.members) {
          const entry = new WireWriter();
          this.scalar(entry, 1, 'string', member.key);
          const inner = new WireWriter();
          this.message(inner, valueType, member.value, `${path}.${member.key}`, depth + 1);
          entry.tag(2, WIRE_LEN);
          entry.lengthDelimited(inner.finish());
          w.tag(1, WIRE_LEN);
          w.lengthDelimited(entry.finish());
        }
        return true;
      }
      case 'ListValue': {
        if (node.kind !== 'array') this.fail(node, path, `expected an array, got ${describe(node)}`);
        const valueType = type.root.lookupType('.google.protobuf.Value');
        node.items.forEach((item, i) => {
          const inner = new WireWriter();
          this.message(inner, valueType, item, `${path}[${i}]`, depth + 1);
          w.tag(1, WIRE_LEN);
          w.lengthDelimited(inner.finish());
        });
        return true;
      }
      case 'Value': {
        if (node.kind === 'null') this.scalar(w, 1, 'enum', 0);
        else if (node.kind === 'number') this.scalar(w, 2, 'double', Number(node.text));
        else if (node.kind === 'string') this.scalar(w, 3, 'string', node.value);
        else if (node.kind === 'bool') this.scalar(w, 4, 'bool', node.value);
        else {
          const inner = new WireWriter();
          const sub = type.root.lookupType(node.kind === 'object' ? '.google.protobuf.Struct' : '.google.protobuf.ListValue');
          this.message(inner, sub, node, path, depth + 1);
          w.tag(node.kind === 'object' ? 5 : 6, WIRE_LEN);
          w.lengthDelimited(inner.finish());
        }
        return true;
      }
      case 'Any': {
        if (node.kind !== 'object') this.fail(node, path, `expected an object with "@type", got ${describe(node)}`);
        if (node.members.length === 0) return true;
        const typeMember = node.members.find((m) => m.key === '@type');
        if (!typeMember || typeMember.value.kind !== 'string') this.fail(node, path, 'an Any needs "@type" (the type URL) as a string');
        const url = typeMember.value.value;
        const inner = lookupAnyType(type, url);
        if (!inner) this.fail(typeMember.value, `${path}.@type`, `no message type ${JSON.stringify(url.slice(url.lastIndexOf('/') + 1))} in the loaded .proto files`);
        const rest: JsonValue = { kind: 'object', offset: node.offset, members: node.members.filter((m) => m !== typeMember) };
        const body = wellKnown(inner) !== undefined
          ? (rest.members.find((m) => m.key === 'value')?.value ?? this.fail(node, path, `an Any of ${url} holds its JSON under "value"`))
          : rest;
        const value = new WireWriter();
        this.message(value, inner, body, path, depth + 1);
        this.scalar(w, 1, 'string', url);
        const bytes = value.finish();
        if (bytes.length > 0) this.scalar(w, 2, 'bytes', bytes);
        return true;
      }
      default:
        return false;
    }
  }

  private int(w: WireWriter, fieldNumber: number, kind: string, value: number | bigint): void {
    if (isDefault(value)) return;
    this.scalar(w, fieldNumber, kind, value);
  }
}

const RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

function describe(node: JsonValue): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return `the string ${JSON.stringify(node.value.length > 40 ? `${node.value.slice(0, 40)}…` : node.value)}`;
    case 'number':
      return `the number ${node.text}`;
    case 'bool':
      return String(node.value);
    default:
      return 'null';
  }
}

/**
 * Encodes proto3 JSON text as a `type` message. Throws an INVALID_JSON SocketInspectorError naming the
 * line, column and field path of a mistake.
 */
export function encodeProtoJson(text: string, type: protobuf.Type): Uint8Array {
  const tree = parseJsonTree(text);
  const w = new WireWriter();
  new Encoder(text).message(w, type, tree, '', 0);
  return w.finish();
}
