// Checks a nested message against its type without reading it into a ProtoMessage: no object per
// value, so the tree of a 1 MiB message waits for a walk over its bytes, not for the garbage collector.
// It answers only "reads without error" (true) or "may not" (false, also for what it leaves to the full
// reader: unknown fields and groups); on false the full reader reads the message, with its errors.
import { isUtf8 } from 'node:buffer';
import type * as protobuf from 'protobufjs';
import { MAX_MESSAGE_DEPTH, planOf, type FieldPlan } from './typedDecode';
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT } from './wireFormat';

/** The halves of the last varint read (module state rather than an object per read). */
let lo = 0;
let hi = 0;

/** Reads a varint at `pos` (WireReader.varint's rules); returns the position after it, or -1. */
function varint(b: Uint8Array, pos: number, end: number): number {
  let l = 0;
  let h = 0;
  for (let i = 0; ; i++) {
    if (pos >= end || i === 10) return -1;
    const byte = b[pos++]!;
    if (i < 4) l |= (byte & 0x7f) << (7 * i);
    else if (i === 4) {
      l |= (byte & 0x0f) << 28;
      h = (byte & 0x7f) >>> 4;
    } else h |= (byte & 0x7f) << (7 * i - 32);
    if ((byte & 0x80) === 0) break;
  }
  lo = l >>> 0;
  hi = h >>> 0;
  return pos;
}

/** The field number and wire type of the last tag read (module state, as lo and hi): read before a value's nested message overwrites them. */
let tagField = 0;
let tagWire = 0;

/** Reads a field tag at `pos` (a varint of 32 bits at most) into tagField and tagWire; returns the position after it, or -1. */
function readTag(b: Uint8Array, pos: number, end: number): number {
  pos = varint(b, pos, end);
  if (pos < 0 || hi !== 0) return -1;
  tagField = lo >>> 3;
  tagWire = lo & 7;
  return pos;
}

/** A length prefix at `pos` whose content fits before `end`; returns where the content starts, or -1 (the length is in `lo`). */
function lengthPrefix(b: Uint8Array, pos: number, end: number): number {
  pos = varint(b, pos, end);
  if (pos < 0 || hi !== 0 || lo > 0x7fffffff || end - pos < lo) return -1;
  return pos;
}

/** One value of wire type varint, fixed32 or fixed64 at `pos`; returns the position after it, or -1. */
function number(b: Uint8Array, pos: number, end: number, wireType: number): number {
  if (wireType === WIRE_VARINT) return varint(b, pos, end);
  const n = wireType === WIRE_FIXED32 ? 4 : 8;
  return end - pos >= n ? pos + n : -1;
}

function utf8(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return isUtf8(b.subarray(i, end));
  return true;
}

/** A length-delimited value of `kind` (of field `p`) at `pos`: its bytes there, and valid as that kind. Returns the end or -1. */
function lengthDelimited(b: Uint8Array, pos: number, end: number, kind: string, p: FieldPlan, depth: number): number {
  const start = lengthPrefix(b, pos, end);
  if (start < 0) return -1;
  const stop = start + lo;
  if (kind === 'string') return utf8(b, start, stop) ? stop : -1;
  if (kind === 'message') return checkMessage(b, start, stop, p.field.resolvedType as protobuf.Type, depth + 1) ? stop : -1;
  if (kind === 'map') return mapEntry(b, start, stop, p, depth) ? stop : -1;
  return stop; // bytes
}

/** Whether bytes[start, end) read as `type` at `depth` without error (false: let the full reader say). */
export function checkMessage(b: Uint8Array, start: number, end: number, type: protobuf.Type, depth: number): boolean {
  if (depth > MAX_MESSAGE_DEPTH) return false;
  const plan = planOf(type);
  let pos = start;
  while (pos < end) {
    pos = readTag(b, pos, end);
    if (pos < 0) return false;
    const p = plan.get(tagField);
    if (!p || tagField === 0 || tagWire > 5 || tagWire === WIRE_SGROUP || p.kind === 'group') return false;
    if (p.packable && tagWire === WIRE_LEN) {
      const inner = lengthPrefix(b, pos, end);
      if (inner < 0) return false;
      pos = inner + lo;
      for (let at = inner; at < pos; ) {
        at = number(b, at, pos, p.wireType);
        if (at < 0) return false;
      }
      continue;
    }
    if (tagWire !== p.wireType) return false;
    pos = tagWire === WIRE_LEN ? lengthDelimited(b, pos, end, p.kind, p, depth) : number(b, pos, end, tagWire);
    if (pos < 0) return false;
  }
  return true;
}

/** A map entry (key = 1, value = 2) of map field `p`, as readMapEntry reads it. */
function mapEntry(b: Uint8Array, start: number, end: number, p: FieldPlan, depth: number): boolean {
  const { keyKind, keyWire, valueKind, valueWire } = p.map!;
  let pos = start;
  while (pos < end) {
    pos = readTag(b, pos, end);
    if (pos < 0) return false;
    const kind = tagField === 1 ? keyKind : tagField === 2 ? valueKind : undefined;
    if (kind === undefined || tagWire !== (tagField === 1 ? keyWire : valueWire)) return false;
    pos = tagWire === WIRE_LEN ? lengthDelimited(b, pos, end, kind, p, depth) : tagWire === WIRE_FIXED64 || tagWire === WIRE_FIXED32 || tagWire === WIRE_VARINT ? number(b, pos, end, tagWire) : -1;
    if (pos < 0) return false;
  }
  return true;
}
