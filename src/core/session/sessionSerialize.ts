// Writes a session as stable, diff-friendly text: known fields in a fixed order (unknown ones kept after
// them, in their order), two-space indentation, one log entry per line, a final newline.
import { SESSION_FIELDS, type Session } from './sessionFormat';

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own enumerable fields of `obj` with the known ones first in `order`, undefined ones left out. */
function orderedEntries(obj: Json, order: readonly string[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const key of order) if (obj[key] !== undefined) out.push([key, obj[key]]);
  for (const key of Object.keys(obj)) {
    if (!order.includes(key) && obj[key] !== undefined) out.push([key, obj[key]]);
  }
  return out;
}

/** Field order for an object at this place in the format; unknown places keep their own order. */
type Orders = {
  readonly self: readonly string[];
  readonly fields?: Readonly<Record<string, Orders>>;
  readonly items?: Orders;
  /** Written on one line: log entries and headers read (and diff) as a table. */
  readonly inline?: boolean;
};

const TLS: Orders = { self: SESSION_FIELDS.tls };
const LAYER: Orders = { self: SESSION_FIELDS.layer };
const CONNECTION_WS: Orders = {
  self: SESSION_FIELDS.websocket,
  fields: { headers: { self: [], items: { self: SESSION_FIELDS.header, inline: true } }, tls: TLS, layer: LAYER },
};
const CONNECTION_TCP: Orders = { self: SESSION_FIELDS.tcp, fields: { tls: TLS, layer: LAYER } };
/** view.decode: one codec rule per line. */
const DECODE: Orders = { self: SESSION_FIELDS.decode, fields: { codecs: { self: [], items: { self: SESSION_FIELDS.codecRule, inline: true } } } };
const ENTRY: Orders = { self: SESSION_FIELDS.entry, inline: true };
const ROOT: Orders = {
  self: SESSION_FIELDS.root,
  fields: {
    view: { self: SESSION_FIELDS.view, fields: { framing: { self: SESSION_FIELDS.framing }, decode: DECODE } },
    messages: { self: [], items: { self: SESSION_FIELDS.message } },
    log: {
      self: SESSION_FIELDS.log,
      fields: { dropped: { self: SESSION_FIELDS.dropped }, entries: { self: [], items: ENTRY } },
    },
  },
};
const NONE: Orders = { self: [] };

/** The orders of field `key`; own fields only, so "__proto__" or "constructor" finds nothing. */
function fieldOrders(orders: Orders, key: string): Orders {
  const fields = orders.fields;
  return fields && Object.prototype.hasOwnProperty.call(fields, key) ? fields[key]! : NONE;
}

/** One value on one line: `{ "seq": 1, "kind": "text" }`. */
function inline(value: unknown, orders: Orders): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map((v) => inline(v, orders.items ?? NONE)).join(', ')}]`;
  if (isRecord(value)) {
    const fields = orderedEntries(value, orders.self);
    if (fields.length === 0) return '{}';
    const parts = fields.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v, fieldOrders(orders, k))}`);
    return `{ ${parts.join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

function pretty(value: unknown, orders: Orders, indent: string, parts: string[]): void {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      parts.push('[]');
      return;
    }
    parts.push('[');
    const items = orders.items ?? NONE;
    value.forEach((v, i) => {
      parts.push(i === 0 ? '\n' : ',\n', inner);
      if (items.inline) parts.push(inline(v, items));
      else pretty(v, items, inner, parts);
    });
    parts.push('\n', indent, ']');
    return;
  }
  if (isRecord(value)) {
    const fields = orderedEntries(value, orders.self);
    if (fields.length === 0) {
      parts.push('{}');
      return;
    }
    parts.push('{');
    fields.forEach(([k, v], i) => {
      parts.push(i === 0 ? '\n' : ',\n', inner, JSON.stringify(k), ': ');
      pretty(v, fieldOrders(orders, k), inner, parts);
    });
    parts.push('\n', indent, '}');
    return;
  }
  parts.push(JSON.stringify(value) ?? 'null');
}

/** Serializes a session: stable field order, 2-space indentation, one log entry per line, final newline. */
export function serializeSession(session: Session): string {
  const connection = (session.connection as { type?: unknown }).type === 'tcp' ? CONNECTION_TCP : CONNECTION_WS;
  const root: Orders = { ...ROOT, fields: { ...ROOT.fields, connection } };
  const parts: string[] = [];
  pretty(session, root, '', parts);
  parts.push('\n');
  return parts.join('');
}

/** UTF-8 bytes one log entry takes in serialized text (its line, indentation and separator). */
export function serializedEntryBytes(entry: object): number {
  return Buffer.byteLength(inline(entry, ENTRY), 'utf8') + 8;
}
