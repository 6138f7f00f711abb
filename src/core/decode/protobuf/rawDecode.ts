// The schema-less view of a Protobuf payload, like `protoc --decode_raw`: field numbers and wire types,
// varints, fixed32/64, and length-delimited records shown as a nested message when they parse as one,
// else as a string when they are UTF-8, else as bytes. Groups (deprecated) are followed to their end.
// The choices copy protoc's printer (text_format.cc, PrintUnknownFields): a record is a message when it
// is non-empty and parses completely, at most RAW_MAX_DEPTH records deep; `formatDecodeRaw` prints
// protoc's exact text so the two can be compared.
import { WIRE_EGROUP, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT, WireError, WireReader } from './wireFormat';

/** How many records deep a length-delimited record is still tried as a message (protoc: 10). */
export const RAW_MAX_DEPTH = 10;

export type RawValue =
  | { readonly kind: 'varint'; readonly value: bigint }
  | { readonly kind: 'fixed32'; readonly value: number }
  | { readonly kind: 'fixed64'; readonly value: bigint }
  /** A length-delimited record; `fields` when it parses as a message. */
  | { readonly kind: 'len'; readonly start: number; readonly end: number; readonly fields?: readonly RawField[] }
  | { readonly kind: 'group'; readonly fields: readonly RawField[] };

/** One field record of a payload. */
export interface RawField {
  readonly fieldNumber: number;
  readonly wireType: number;
  /** Where the record starts (its tag) and ends. */
  readonly offset: number;
  readonly end: number;
  readonly value: RawValue;
}

/** A payload read without a schema: the fields read, and where it stopped if it is not valid Protobuf. */
export interface RawMessage {
  readonly fields: RawField[];
  readonly error?: WireError;
}

/**
 * Reads the value of one record whose tag was just read (a group up to and past its end tag) and
 * returns it. Throws a WireError where the wire format breaks. An end-group tag is the caller's.
 */
export function readRawRecord(r: WireReader, fieldNumber: number, wireType: number, depth: number): RawValue {
  switch (wireType) {
    case WIRE_VARINT:
      r.varint();
      return { kind: 'varint', value: r.u64() };
    case WIRE_FIXED64:
      r.fixed64();
      return { kind: 'fixed64', value: r.u64() };
    case WIRE_FIXED32:
      return { kind: 'fixed32', value: r.fixed32() };
    case WIRE_LEN: {
      const [s, e] = r.lengthDelimited();
      return { kind: 'len', start: s, end: e, fields: depth > 0 && e > s ? tryFields(r.bytes, s, e, depth - 1) : undefined };
    }
    default: {
      // WIRE_SGROUP: the fields up to the matching end tag.
      const fields: RawField[] = [];
      const value: RawValue = { kind: 'group', fields };
      r.pos = readFields(r.bytes, r.pos, r.end, depth - 1, fields, fieldNumber);
      return value;
    }
  }
}

/**
 * Reads the records of bytes[start, end). Throws a WireError where the wire format breaks; `into`
 * collects the records read before it (a group being read is there, with the fields read so far).
 * `group` is the field number of an open group, whose end tag ends the read (the returned position is
 * after it).
 */
function readFields(
  bytes: Uint8Array,
  start: number,
  end: number,
  depth: number,
  into: RawField[],
  group?: number,
): number {
  const r = new WireReader(bytes, start, end);
  while (!r.done) {
    const tag = r.tag();
    if (tag.wireType === WIRE_EGROUP) {
      if (group === tag.fieldNumber) return r.pos;
      throw new WireError(
        tag.offset,
        group === undefined
          ? `group end of field ${tag.fieldNumber} without a group start`
          : `group end of field ${tag.fieldNumber} inside the group of field ${group}`,
      );
    }
    if (tag.wireType === WIRE_SGROUP) {
      // Listed before its fields are read, so that a broken group still shows what it held.
      const fields: RawField[] = [];
      const index = into.push({ fieldNumber: tag.fieldNumber, wireType: tag.wireType, offset: tag.offset, end, value: { kind: 'group', fields } }) - 1;
      r.pos = readFields(bytes, r.pos, end, depth - 1, fields, tag.fieldNumber);
      into[index] = { ...into[index]!, end: r.pos };
      continue;
    }
    const value = readRawRecord(r, tag.fieldNumber, tag.wireType, depth);
    into.push({ fieldNumber: tag.fieldNumber, wireType: tag.wireType, offset: tag.offset, end: r.pos, value });
  }
  if (group !== undefined) throw new WireError(end, `the group of field ${group} has no end`);
  return r.pos;
}

/** The records of a length-delimited record when it parses completely as a message, else undefined. */
function tryFields(bytes: Uint8Array, start: number, end: number, depth: number): RawField[] | undefined {
  const fields: RawField[] = [];
  try {
    readFields(bytes, start, end, depth, fields);
    return fields;
  } catch (e) {
    if (e instanceof WireError) return undefined;
    throw e;
  }
}

/** Reads a whole payload without a schema; never throws on bad input. */
export function readRawMessage(bytes: Uint8Array, start = 0, end = bytes.length): RawMessage {
  const fields: RawField[] = [];
  try {
    readFields(bytes, start, end, RAW_MAX_DEPTH, fields);
    return { fields };
  } catch (e) {
    if (e instanceof WireError) return { fields, error: e };
    throw e;
  }
}

// ---- protoc's text --------------------------------------------------------------------------------

/** C escaping as protoc's CEscape: \n \r \t \" \' \\ and other bytes outside 0x20–0x7e as 3-digit octal. */
export function cEscape(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x27) out += "\\'";
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c > 0x7e) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(c);
  }
  return out;
}

/**
 * The payload as `protoc --decode_raw` prints it (same text, byte for byte), or undefined when protoc
 * would fail ("Failed to parse input.").
 */
export function formatDecodeRaw(bytes: Uint8Array): string | undefined {
  const message = readRawMessage(bytes);
  if (message.error) return undefined;
  const lines: string[] = [];
  const print = (fields: readonly RawField[], indent: string): void => {
    for (const f of fields) {
      const v = f.value;
      switch (v.kind) {
        case 'varint':
          lines.push(`${indent}${f.fieldNumber}: ${v.value}`);
          break;
        case 'fixed32':
          lines.push(`${indent}${f.fieldNumber}: 0x${v.value.toString(16).padStart(8, '0')}`);
          break;
        case 'fixed64':
          lines.push(`${indent}${f.fieldNumber}: 0x${v.value.toString(16).padStart(16, '0')}`);
          break;
        case 'len':
          if (v.fields) {
            lines.push(`${indent}${f.fieldNumber} {`);
            print(v.fields, `${indent}  `);
            lines.push(`${indent}}`);
          } else lines.push(`${indent}${f.fieldNumber}: "${cEscape(bytes, v.start, v.end)}"`);
          break;
        case 'group':
          lines.push(`${indent}${f.fieldNumber} {`);
          print(v.fields, `${indent}  `);
          lines.push(`${indent}}`);
          break;
      }
    }
  };
  print(message.fields, '');
  return lines.map((l) => `${l}\n`).join('');
}
