// A message read with its type, as the panel shows it: field names and types, enums by name with
// their number, 64-bit integers exact, repeated fields and maps as lists, oneofs showing which member is
// set, unknown fields by number and wire type, and the bytes each node came from.
import * as protobuf from 'protobufjs';
import type { DecodedMessage, DecodedNode } from '../../../../shared/decode/decoded';
import { rawNode, summaryOf } from './rawView';
import { type ProtoFieldValues, type ProtoMapEntry, type ProtoMessage, type ProtoValue, decodeTyped, fillMessage, asMapField, fieldKind, mapValueKind, typeLabel, typeName } from './typedDecode';
import { MAX_VALUE_BYTES, quoteClipped, TreeBudget } from './treeBudget';
import { formatFloat32, hexOf, wireTypeName } from './wireFormat';
import type { RawField } from './rawDecode';

/** The format of a typed DecodedMessage. */
export const TYPED_FORMAT = 'protobuf';

function isMessage(v: ProtoValue['v']): v is ProtoMessage {
  return typeof v === 'object' && v !== null && 'byNumber' in v;
}

/** A scalar or enum value as the tree shows it. */
function scalarText(v: ProtoValue['v'], kind: string, resolved: protobuf.ReflectionObject | null, maxChars?: number): string {
  if (kind === 'enum') {
    const e = resolved as protobuf.Enum;
    const name = e.valuesById[v as number];
    return name !== undefined ? `${name} (${v as number})` : `${v as number} (not in ${typeName(e)})`;
  }
  if (typeof v === 'string') return quoteClipped(v, maxChars);
  if (v instanceof Uint8Array) return hexOf(v, 0, v.length, maxChars === undefined ? MAX_VALUE_BYTES : maxChars / 2);
  if (kind === 'float') return formatFloat32(v as number);
  return String(v);
}

/** The default a map entry's missing key or value stands for. */
function defaultOf(kind: string): ProtoValue['v'] {
  if (kind === 'string') return '';
  if (kind === 'bytes') return new Uint8Array(0);
  if (kind === 'bool') return false;
  if (/64/.test(kind) && kind !== 'double') return 0n;
  return 0;
}

class TypedTreeBuilder {
  readonly budget = new TreeBudget();

  constructor(readonly bytes: Uint8Array) {}

  message(key: string, message: ProtoMessage, offset: number, end: number): DecodedNode {
    return {
      key,
      type: typeName(message.type),
      children: this.budget.children(shownItems(fillMessage(this.bytes, message)), (item) => this.item(item), (item) => spanOf(item)),
      offset,
      length: end - offset,
    };
  }

  private item(item: ProtoFieldValues | RawField): DecodedNode {
    if (!('field' in item)) {
      // Unknown fields: by number and wire type, read as the schema-less view reads them.
      const node = rawNode(this.bytes, item, this.budget);
      return { ...node, key: `#${item.fieldNumber}`, type: `unknown, wire type ${wireTypeName(item.wireType)}` };
    }
    const node = this.field(item);
    const oneof = item.field.partOf;
    if (!oneof) return node;
    // Which member of the oneof is set: the oneof, naming it, around the member.
    return { key: oneof.name, type: 'oneof', value: item.field.name, children: [node], offset: node.offset, length: node.length };
  }

  private field({ field, values, offset, end }: ProtoFieldValues): DecodedNode {
    const kind = fieldKind(field);
    const last = values[values.length - 1];
    if (field.map) {
      const mapField = asMapField(field);
      return {
        key: field.name,
        type: `map<${mapField.keyType}, ${mapValueKind(mapField) === 'message' || mapValueKind(mapField) === 'enum' ? typeName(mapField.resolvedType!) : mapField.type}>`,
        value: `${values.length} ${values.length === 1 ? 'entry' : 'entries'}`,
        children: this.budget.children(values, (v) => this.mapEntry(mapField, v), (v) => [v.offset, v.end]),
        offset,
        length: end - offset,
      };
    }
    if (field.repeated) {
      return {
        key: field.name,
        type: `repeated ${typeLabel(field, kind)}`,
        value: `${values.length} ${values.length === 1 ? 'item' : 'items'}`,
        children: this.budget.children(values, (v, i) => this.value(String(i), field, kind, v), (v) => [v.offset, v.end]),
        offset,
        length: end - offset,
      };
    }
    // A singular field sent more than once: the last value counts, as in every Protobuf library.
    return this.value(field.name, field, kind, last!);
  }

  private value(key: string, field: protobuf.Field, kind: string, value: ProtoValue): DecodedNode {
    if (isMessage(value.v)) return this.message(key, value.v, value.offset, value.end);
    return { key, type: typeLabel(field, kind), value: scalarText(value.v, kind, field.resolvedType), offset: value.offset, length: value.end - value.offset };
  }

  private mapEntry(field: protobuf.MapField, entry: ProtoValue): DecodedNode {
    const { key, value } = entry.v as ProtoMapEntry;
    const keyText = key ? (typeof key.v === 'string' ? key.v : String(key.v)) : String(defaultOf(field.keyType));
    const valueKind = mapValueKind(field);
    const label = valueKind === 'message' || valueKind === 'enum' ? (valueKind === 'enum' ? `enum ${typeName(field.resolvedType!)}` : typeName(field.resolvedType!)) : valueKind;
    if (value && isMessage(value.v)) return { ...this.message(keyText, value.v, entry.offset, entry.end), type: label };
    if (!value && valueKind === 'message') return { key: keyText, type: label, children: [], offset: entry.offset, length: entry.end - entry.offset };
    const v = value ? value.v : defaultOf(valueKind);
    return { key: keyText, type: label, value: scalarText(v, valueKind, field.resolvedType), offset: entry.offset, length: entry.end - entry.offset };
  }
}

/** The items to show: a field whose first value was cut short by an error has no value to show. */
function shownItems(message: ProtoMessage): (ProtoFieldValues | RawField)[] {
  return message.items.filter((item) => !('field' in item) || item.values.length > 0);
}

function spanOf(item: ProtoFieldValues | RawField): readonly [number, number] {
  if (!('field' in item)) return [item.offset, item.end];
  return [item.offset, item.end];
}

/** The top-level fields as `name: value` parts of the summary, and the scalar ones for the filter. */
function topLevel(message: ProtoMessage): { parts: string[]; fields: Record<string, string> } {
  const parts: string[] = [];
  const fields: Record<string, string> = {};
  for (const item of shownItems(message)) {
    if (!('field' in item)) continue;
    const { field, values } = item;
    const kind = fieldKind(field);
    const last = values[values.length - 1];
    if (field.map) parts.push(`${field.name}: {${values.length}}`);
    else if (field.repeated) parts.push(`${field.name}: [${values.length}]`);
    else if (!last) continue;
    else if (isMessage(last.v)) parts.push(`${field.name}: {…}`);
    else {
      const v = last.v;
      const shown = kind === 'enum' ? (field.resolvedType as protobuf.Enum).valuesById[v as number] ?? String(v)
        : v instanceof Uint8Array ? `<${v.length} B>`
        : typeof v === 'string' ? quoteClipped(v, 40)
        : kind === 'float' ? formatFloat32(v as number) : String(v);
      parts.push(`${field.name}: ${shown}`);
      fields[field.name] = typeof v === 'string' ? v
        : v instanceof Uint8Array ? hexOf(v, 0, v.length, 64)
        : kind === 'enum' ? shown : kind === 'float' ? formatFloat32(v as number) : String(v);
    }
  }
  return { parts, fields };
}

/** Decodes a payload as `type` for the panel; never throws on bad input. */
export function decodeTypedView(bytes: Uint8Array, type: protobuf.Type): DecodedMessage {
  // Lazy: past the tree's budget nested messages are only checked, never read into objects.
  const { message, error } = decodeTyped(bytes, type, true);
  const tree = new TypedTreeBuilder(bytes).message('', message, 0, bytes.length);
  const { parts, fields } = topLevel(message);
  return {
    format: TYPED_FORMAT,
    summary: summaryOf(typeName(type), parts, error),
    tree,
    fields,
    ...(error ? { error: { offset: error.offset, message: error.message } } : {}),
  };
}

/** decodeTypedView(bytes, type).summary, without the tree; never throws on bad input. */
export function summarizeTyped(bytes: Uint8Array, type: protobuf.Type): string {
  const { message, error } = decodeTyped(bytes, type, true);
  return summaryOf(typeName(type), topLevel(message).parts, error);
}
