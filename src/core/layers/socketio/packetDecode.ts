// One logged Socket.IO message as the panel shows it: a one-line summary, a tree of the packet's fields
// (byte offsets into the payload), the fields the filter reads, and where a malformed packet stopped.
import { clipSummary, type DecodedMessage, type DecodedNode } from '../../../../shared/decode/decoded';
import { toHex } from '../../../../shared/codecs/hexDump';
import { compactJson, jsonMember, type JsonNode } from './jsonText';
import { ENGINE_TYPE_NAMES, EngineType, parseEngineText, placeholderNumber, SIO_TYPE_NAMES, SioType, type SioPacket } from './packetCodec';
import { byteOffsets, decodeUtf8 } from './utf8Text';

export const FORMAT = 'socketio';

/** Larger text messages are decoded up to their header only: reading them whole on every redraw would stall the host. */
export const MAX_DECODED_BYTES = 1024 * 1024;
/** Most tree nodes made for one message; the rest are counted in a last node. */
const MAX_TREE_NODES = 5000;
/** Most bytes of an attachment shown as hex in the tree. */
const MAX_HEX_BYTES = 1024;
/** Characters of JSON rendered for a summary before it is cut (clipSummary cuts the line at 160). */
const SUMMARY_JSON_CHARS = 200;

/** An attachment joined to its binary packet: its bytes (undefined once evicted) and the log entry it came in. */
export interface JoinedAttachment {
  readonly seq: number;
  readonly bytes: Uint8Array | undefined;
}

/** What the decoder may know beyond the message: the attachments of a binary packet, by number. */
export interface DecodeContext {
  readonly attachment?: (num: number) => JoinedAttachment | undefined;
}

export function byteSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A binary WebSocket message: an attachment of the binary packet before it. */
export function decodeAttachment(payload: Uint8Array, place?: string): DecodedMessage & { innerPayload: Uint8Array } {
  const where = place ? ` ${place}` : '';
  return {
    format: FORMAT,
    summary: clipSummary(`attachment${where} · ${byteSize(payload.length)}`),
    tree: { key: '', type: 'attachment', value: hexOf(payload), offset: 0, length: payload.length },
    fields: { type: 'attachment' },
    innerPayload: payload,
  };
}

function hexOf(bytes: Uint8Array): string {
  const shown = toHex(bytes.subarray(0, MAX_HEX_BYTES));
  return bytes.length > MAX_HEX_BYTES ? `${shown}… (${byteSize(bytes.length)})` : shown;
}

/**
 * Decodes one Engine.IO text message. Never throws. Without `withTree` (a row's summary) the tree is a
 * bare node: summary, fields and error are the same.
 */
export function decodeText(payload: Uint8Array, context: DecodeContext = {}, withTree = true): DecodedMessage {
  const utf8 = decodeUtf8(payload);
  if (utf8.text === undefined) {
    return failed('not UTF-8 text', { offset: utf8.invalidAt, message: 'a text message must be UTF-8' });
  }
  const large = payload.length > MAX_DECODED_BYTES;
  // A large message is read as far as its header: the JSON payload is cut off and not parsed.
  const text = large ? headerOf(utf8.text) : utf8.text;
  const toByte = byteOffsets(utf8.text, payload.length);
  const parsed = parseEngineText(text);
  const error = parsed.error && !large ? { offset: toByte(parsed.error.offset), message: parsed.error.reason } : undefined;
  const p = parsed.packet;
  if (!p) return failed('not an Engine.IO packet', error!);
  const tree = new TreeBuilder(utf8.text, toByte, context, withTree);
  const engineNode: DecodedNode = { key: 'engine.io', type: 'int', value: `${p.type} (${ENGINE_TYPE_NAMES[p.type]})`, offset: 0, length: 1 };
  if (p.type !== EngineType.Message) {
    const name = ENGINE_TYPE_NAMES[p.type];
    const children = [engineNode];
    let summary: string = name;
    const fields: Record<string, string> = { type: name };
    if (p.open) {
      children.push(tree.json('handshake', p.open));
      const sid = jsonMember(p.open, 'sid');
      const interval = jsonMember(p.open, 'pingInterval');
      const timeout = jsonMember(p.open, 'pingTimeout');
      if (sid?.kind === 'string') summary += ` sid=${sid.value}`;
      if (interval?.kind === 'number') summary += ` pingInterval ${utf8.text.slice(interval.start, interval.end)}`;
      if (timeout?.kind === 'number') summary += ` pingTimeout ${utf8.text.slice(timeout.start, timeout.end)}`;
    } else if (p.body !== '') {
      children.push({ key: 'data', type: 'str', value: JSON.stringify(p.body), offset: 1, length: payload.length - 1 });
      summary += ` ${JSON.stringify(p.body)}`;
    }
    if (error) summary += ` · ${errorText(error)}`;
    return { format: FORMAT, summary: clipSummary(summary), tree: { key: '', type: name, children: tree.finish(children) }, fields, error };
  }
  const sio = p.sio;
  if (!sio) {
    return {
      format: FORMAT,
      summary: clipSummary(`message · ${error ? errorText(error) : 'empty'}`),
      tree: { key: '', type: 'message', children: [engineNode] },
      fields: { type: 'message' },
      error,
    };
  }
  const d = describeSio(sio, tree, utf8.text, context);
  let summary = d.summary;
  if (large) summary += ` · ${byteSize(payload.length)}, not decoded (over ${byteSize(MAX_DECODED_BYTES)})`;
  if (error) summary += ` · ${errorText(error)}`;
  return {
    format: FORMAT,
    summary: clipSummary(summary),
    tree: { key: '', type: SIO_TYPE_NAMES[sio.type], children: tree.finish([engineNode, ...d.children]) },
    fields: d.fields,
    error,
  };
}

function failed(summary: string, error: { offset: number; message: string }): DecodedMessage {
  return {
    format: FORMAT,
    summary: clipSummary(`${summary} · ${errorText(error)}`),
    tree: { key: '', type: 'malformed' },
    fields: { type: 'malformed' },
    error,
  };
}

function errorText(e: { offset: number; message: string }): string {
  return `malformed at byte ${e.offset}: ${e.message}`;
}

/** The packet up to its JSON payload (type digits, attachments, namespace, ack id). */
function headerOf(text: string): string {
  const limit = Math.min(text.length, 4096);
  let i = 0;
  while (i < limit && text[i] !== '[' && text[i] !== '{' && text[i] !== '"') i++;
  return text.slice(0, i);
}

interface SioDescription {
  summary: string;
  children: DecodedNode[];
  fields: Record<string, string>;
}

function describeSio(sio: SioPacket, tree: TreeBuilder, text: string, context: DecodeContext): SioDescription {
  const name = SIO_TYPE_NAMES[sio.type];
  const span = (key: string, type: string, value: string, s: { start: number; end: number } | undefined): DecodedNode =>
    s ? { key, type, value, offset: tree.toByte(s.start), length: tree.toByte(s.end) - tree.toByte(s.start) } : { key, type, value };
  const children: DecodedNode[] = [{ key: 'type', type: 'int', value: `${sio.type} (${name})`, offset: 1, length: 1 }];
  if (sio.attachments !== undefined) children.push(span('attachments', 'int', String(sio.attachments), sio.attachmentsSpan));
  children.push(span('namespace', 'str', JSON.stringify(sio.namespace), sio.namespaceSpan));
  if (sio.ackId !== undefined) children.push(span('ackId', 'int', String(sio.ackId), sio.ackIdSpan));
  const fields: Record<string, string> = { type: name, namespace: sio.namespace };
  if (sio.ackId !== undefined) fields.ackId = String(sio.ackId);
  const ns = sio.namespace === '/' ? '' : ` ${sio.namespace}`;
  const data = sio.data;
  let summary = `${name}${ns}`;
  switch (sio.type) {
    case SioType.Connect: {
      if (data?.kind === 'object') {
        const sid = jsonMember(data, 'sid');
        children.push(tree.json(sid ? 'data' : 'auth', data));
        // The auth payload often holds tokens: the row names its fields, the Decoded tab shows the values.
        if (sid?.kind === 'string' && data.entries.length === 1) summary += ` sid=${sid.value}`;
        else if (data.entries.length > 0) summary += ` {${data.entries.map((e) => `${JSON.stringify(e.key)}:…`).join(',')}}`;
      }
      break;
    }
    case SioType.ConnectError: {
      if (data) children.push(tree.json('data', data));
      const message = data?.kind === 'string' ? data : jsonMember(data, 'message');
      const reason = message?.kind === 'string' ? message.value : data ? compactJson(text, data) : '';
      if (reason !== '') {
        summary += ` · ${reason}`;
        fields.reason = reason;
      }
      break;
    }
    case SioType.Event:
    case SioType.BinaryEvent:
    case SioType.Ack:
    case SioType.BinaryAck: {
      const isEvent = sio.type === SioType.Event || sio.type === SioType.BinaryEvent;
      const items = data?.kind === 'array' ? data.items : [];
      const first = isEvent ? items[0] : undefined;
      const args = isEvent ? items.slice(1) : items;
      if (first) {
        const event = first.kind === 'string' ? first.value : text.slice(first.start, first.end);
        fields.event = event;
        children.push(tree.json('event', first));
        summary += ` ${/^[^\s"]+$/.test(event) ? event : JSON.stringify(event)}`;
      } else if (!isEvent && sio.ackId !== undefined) {
        summary += ` ${sio.ackId}`;
      }
      if (data?.kind === 'array') {
        children.push(tree.array('args', args, data));
        summary += ` ${renderArray(text, args, context)}`;
      }
      if (isEvent && sio.ackId !== undefined) summary += ` · ack ${sio.ackId}`;
      if (sio.attachments !== undefined) {
        const joined = context.attachment !== undefined && sio.attachments > 0 ? ' joined' : '';
        summary += ` · ${sio.attachments} attachment${sio.attachments === 1 ? '' : 's'}${joined}`;
      }
      break;
    }
    default:
      break;
  }
  return { summary, children, fields };
}

/** `["hi",{"to":3},<binary 0>]`, exact spelling, cut after SUMMARY_JSON_CHARS. */
function renderArray(text: string, items: readonly JsonNode[], context: DecodeContext): string {
  let out = '[';
  for (let k = 0; k < items.length; k++) {
    if (out.length > SUMMARY_JSON_CHARS) return `${out}…`;
    if (k > 0) out += ',';
    out += render(text, items[k]!, context, SUMMARY_JSON_CHARS - out.length);
  }
  return `${out}]`;
}

function render(text: string, node: JsonNode, context: DecodeContext, budget: number): string {
  const num = placeholderNumber(text, node);
  if (num !== undefined) {
    const a = context.attachment?.(num);
    return a?.bytes ? `<binary ${byteSize(a.bytes.length)}>` : `<binary ${num}>`;
  }
  if (node.kind === 'array' || node.kind === 'object') {
    let out = node.kind === 'array' ? '[' : '{';
    const parts = node.kind === 'array' ? node.items.map((n) => ['', n] as const) : node.entries.map((e) => [`${JSON.stringify(e.key)}:`, e.value] as const);
    for (let k = 0; k < parts.length; k++) {
      if (out.length > budget) return `${out}…`;
      if (k > 0) out += ',';
      out += parts[k]![0] + render(text, parts[k]![1], context, budget - out.length);
    }
    return out + (node.kind === 'array' ? ']' : '}');
  }
  const raw = text.slice(node.start, Math.min(node.end, node.start + Math.max(budget, 16) + 1));
  return raw.length < node.end - node.start ? `${raw}…` : raw;
}

/** Turns JSON nodes into tree nodes with byte offsets, up to MAX_TREE_NODES. */
class TreeBuilder {
  private made = 0;
  private cut = 0;
  constructor(
    private readonly text: string,
    readonly toByte: (offset: number) => number,
    private readonly context: DecodeContext,
    /** False for a row's summary: json() and array() make a bare node, not the JSON's tree. */
    private readonly build = true,
  ) {}

  private at(start: number, end: number): { offset: number; length: number } {
    const offset = this.toByte(start);
    return { offset, length: this.toByte(end) - offset };
  }

  array(key: string, items: readonly JsonNode[], within: JsonNode): DecodedNode {
    if (!this.build) return { key, type: 'array' };
    return { key, type: 'array', children: this.children(items, (n, k) => this.json(String(k), n)), ...this.at(within.start, within.end) };
  }

  json(key: string, node: JsonNode): DecodedNode {
    if (!this.build) return { key, type: node.kind };
    if (this.made >= MAX_TREE_NODES) {
      this.cut++;
      return { key, type: 'more' };
    }
    this.made++;
    const where = this.at(node.start, node.end);
    const num = placeholderNumber(this.text, node);
    if (num !== undefined) {
      const a = this.context.attachment?.(num);
      if (a === undefined) return { key, type: 'placeholder', value: `attachment ${num}`, ...where };
      if (a.bytes === undefined) return { key, type: 'bin', value: `#${a.seq} (no longer in the log)`, ...where };
      return { key, type: 'bin', value: `${hexOf(a.bytes)} (#${a.seq}, ${byteSize(a.bytes.length)})`, ...where };
    }
    switch (node.kind) {
      case 'object':
        return { key, type: 'object', children: this.children(node.entries, (e) => this.json(e.key, e.value)), ...where };
      case 'array':
        return { key, type: 'array', children: this.children(node.items, (n, k) => this.json(String(k), n)), ...where };
      case 'string':
        return { key, type: 'str', value: JSON.stringify(node.value), ...where };
      case 'number':
        return { key, type: 'number', value: this.text.slice(node.start, node.end), ...where };
      case 'null':
        return { key, type: 'null', value: 'null', ...where };
      default:
        return { key, type: 'bool', value: node.kind, ...where };
    }
  }

  private children<T>(list: readonly T[], make: (item: T, index: number) => DecodedNode): DecodedNode[] {
    const out: DecodedNode[] = [];
    for (let k = 0; k < list.length; k++) {
      if (this.made >= MAX_TREE_NODES) {
        this.cut += list.length - k;
        break;
      }
      out.push(make(list[k]!, k));
    }
    return out;
  }

  /** The children, with a last node counting what MAX_TREE_NODES left out. */
  finish(children: DecodedNode[]): DecodedNode[] {
    if (this.cut === 0) return children;
    return [...children, { key: '…', type: 'more', value: `${this.cut}+ values not shown (over ${MAX_TREE_NODES})` }];
  }
}
