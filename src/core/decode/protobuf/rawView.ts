// The schema-less view as the panel shows it: a DecodedMessage whose tree holds field numbers, wire
// types and values as protoc --decode_raw prints them (varints unsigned, fixed32/64 in hex), and the
// tree nodes of unknown fields in a typed message.
import { type DecodedMessage, type DecodedNode, clipSummary, SUMMARY_MAX_CHARS } from '../../../../shared/decode/decoded';
import { type RawField, readRawMessage } from './rawDecode';
import { MAX_VALUE_BYTES, quoteClipped, TreeBudget } from './treeBudget';
import { hexOf, tryUtf8 } from './wireFormat';

/** The format of a schema-less DecodedMessage. */
export const RAW_FORMAT = 'protobuf-raw';

/** Text that reads as text: no control characters but tab, CR and LF. */
function readableText(text: string | undefined): text is string {
  return text !== undefined && text.length > 0 && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

function rawType(bytes: Uint8Array, f: RawField): string {
  const v = f.value;
  if (v.kind !== 'len') return v.kind;
  if (v.fields) return 'message';
  return tryUtf8(bytes, v.start, v.end) !== undefined ? 'string' : 'bytes';
}

/** A record's value as one line of text, protoc's way for numbers. */
export function rawValueText(bytes: Uint8Array, f: RawField): string | undefined {
  const v = f.value;
  switch (v.kind) {
    case 'varint':
      return String(v.value);
    case 'fixed32':
      return `0x${v.value.toString(16).padStart(8, '0')}`;
    case 'fixed64':
      return `0x${v.value.toString(16).padStart(16, '0')}`;
    case 'group':
      return undefined;
    case 'len': {
      const text = tryUtf8(bytes, v.start, v.end);
      // A record that parses as a message may still be text ("hi" reads as field 13 = 105): say both.
      if (v.fields) return readableText(text) ? quoteClipped(text) : undefined;
      return text !== undefined ? quoteClipped(text) : hexOf(bytes, v.start, v.end, MAX_VALUE_BYTES);
    }
  }
}

/** The tree node of one record. */
export function rawNode(bytes: Uint8Array, f: RawField, budget: TreeBudget): DecodedNode {
  const v = f.value;
  const fields = v.kind === 'group' ? v.fields : v.kind === 'len' ? v.fields : undefined;
  const value = rawValueText(bytes, f);
  const node: DecodedNode = {
    key: String(f.fieldNumber),
    type: rawType(bytes, f),
    ...(value !== undefined ? { value } : {}),
    ...(fields ? { children: rawChildren(bytes, fields, budget) } : {}),
    offset: f.offset,
    length: f.end - f.offset,
  };
  return node;
}

function rawChildren(bytes: Uint8Array, fields: readonly RawField[], budget: TreeBudget): DecodedNode[] {
  return budget.children(fields, (f) => rawNode(bytes, f, budget), (f) => [f.offset, f.end]);
}

/** One record in a summary: `1: 150`, `2: "hi"`, `3: {…}`. */
function summaryPart(bytes: Uint8Array, f: RawField): string {
  const v = f.value;
  if (v.kind === 'group' || (v.kind === 'len' && v.fields)) return `${f.fieldNumber}: {…}`;
  if (v.kind === 'len') {
    const text = tryUtf8(bytes, v.start, v.end);
    return `${f.fieldNumber}: ${text !== undefined ? quoteClipped(text, 40) : `<${v.end - v.start} B>`}`;
  }
  return `${f.fieldNumber}: ${rawValueText(bytes, f)}`;
}

/** Top-level records of the summary, stopping once it is long enough to be clipped. */
export function summaryOf(head: string, parts: Iterable<string>, error?: { offset: number }): string {
  let body = '';
  for (const part of parts) {
    body += body ? `, ${part}` : part;
    if (body.length > SUMMARY_MAX_CHARS) break;
  }
  const tail = error ? ` · error at byte ${error.offset}` : '';
  const text = `${head} {${body}}`;
  return text.length + tail.length > SUMMARY_MAX_CHARS ? clipSummary(`${text.slice(0, SUMMARY_MAX_CHARS - tail.length - 1)}…${tail}`) : text + tail;
}

function rawSummary(bytes: Uint8Array, fields: readonly RawField[], error: { offset: number } | undefined): string {
  // Parts are made as summaryOf asks for them: it stops once the line is long enough.
  return summaryOf(
    'Protobuf (raw)',
    (function* () {
      for (const f of fields) yield summaryPart(bytes, f);
    })(),
    error,
  );
}

/** decodeRaw(bytes).summary, without the tree; never throws on bad input. */
export function summarizeRaw(bytes: Uint8Array): string {
  const { fields, error } = readRawMessage(bytes);
  return rawSummary(bytes, fields, error);
}

/** Decodes a payload without a schema; never throws on bad input. */
export function decodeRaw(bytes: Uint8Array): DecodedMessage {
  const { fields, error } = readRawMessage(bytes);
  const budget = new TreeBudget();
  const tree: DecodedNode = {
    key: '',
    type: 'message',
    children: rawChildren(bytes, fields, budget),
    offset: 0,
    length: bytes.length,
  };
  const filterFields: Record<string, string> = {};
  for (const f of fields) {
    const v = f.value;
    if (v.kind === 'group' || (v.kind === 'len' && v.fields)) continue;
    const text = v.kind === 'len' ? tryUtf8(bytes, v.start, v.end) ?? hexOf(bytes, v.start, v.end, 64) : rawValueText(bytes, f);
    if (text !== undefined) filterFields[String(f.fieldNumber)] = text;
  }
  return {
    format: RAW_FORMAT,
    summary: rawSummary(bytes, fields, error),
    tree,
    fields: filterFields,
    ...(error ? { error: { offset: error.offset, message: error.message } } : {}),
  };
}
