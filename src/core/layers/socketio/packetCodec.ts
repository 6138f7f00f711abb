// Engine.IO v4 and Socket.IO v5 packets as they cross a WebSocket, read and written by hand. The text
// format is one type digit and a few optional fields; a binary WebSocket message is an attachment of
// the binary event before it. Reading never throws: a malformed packet gives what was read and where
// (UTF-16 offset into the text) it stopped making sense.
import { parseJsonText, type JsonNode, type JsonTextError } from './jsonText';
export { isQuietEvent } from './quietEvent';

/** Engine.IO packet types (the first character of a text message). */
export const EngineType = { Open: 0, Close: 1, Ping: 2, Pong: 3, Message: 4, Upgrade: 5, Noop: 6 } as const;
export type EngineType = (typeof EngineType)[keyof typeof EngineType];
export const ENGINE_TYPE_NAMES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;

/** Socket.IO packet types (the first character inside an Engine.IO message). */
export const SioType = { Connect: 0, Disconnect: 1, Event: 2, Ack: 3, ConnectError: 4, BinaryEvent: 5, BinaryAck: 6 } as const;
export type SioType = (typeof SioType)[keyof typeof SioType];
export const SIO_TYPE_NAMES = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR', 'BINARY_EVENT', 'BINARY_ACK'] as const;
export type SioTypeName = (typeof SIO_TYPE_NAMES)[number];

/** A text range [start, end) of the packet text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A Socket.IO packet; fields absent from the wire are absent here, with where each one lay. */
export interface SioPacket {
  readonly type: SioType;
  /** BINARY_EVENT / BINARY_ACK: how many binary messages follow. */
  readonly attachments?: number;
  readonly attachmentsSpan?: Span;
  /** '/' when the wire names none. */
  readonly namespace: string;
  readonly namespaceSpan?: Span;
  readonly ackId?: number;
  readonly ackIdSpan?: Span;
  /** The JSON payload, when there is one. */
  readonly data?: JsonNode;
}

export interface EnginePacket {
  readonly type: EngineType;
  /** Everything after the type digit (offset 1 of the text). */
  readonly body: string;
  /** open: the handshake object. */
  readonly open?: JsonNode;
  /** message: the Socket.IO packet inside (partly, when `error` is set). */
  readonly sio?: SioPacket;
}

/** A text message read as far as it goes: `packet` is set once the Engine.IO type was read. */
export interface ParsedText {
  readonly packet?: EnginePacket;
  readonly error?: JsonTextError;
}

/** Largest ack id or attachment count read: the wire spells them in decimal, JavaScript counts exactly to 2^53. */
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

function readDigits(text: string, at: number): number {
  let i = at;
  while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
  return i;
}

/** Reads one Engine.IO text message (and the Socket.IO packet in a message packet). */
export function parseEngineText(text: string): ParsedText {
  if (text.length === 0) return { error: { offset: 0, reason: 'an empty message is no Engine.IO packet' } };
  const t = text.charCodeAt(0) - 0x30;
  if (!(t >= 0 && t <= 6)) return { error: { offset: 0, reason: `'${text[0]}' is not an Engine.IO packet type (0-6)` } };
  const type = t as EngineType;
  const body = text.slice(1);
  if (type === EngineType.Open) {
    const json = parseJsonText(text, 1);
    if (json.error) return { packet: { type, body }, error: json.error };
    if (json.node.kind !== 'object') return { packet: { type, body }, error: { offset: 1, reason: 'the open packet holds a JSON object' } };
    return { packet: { type, body, open: json.node } };
  }
  if (type !== EngineType.Message) return { packet: { type, body } };
  const sio = parseSioPacket(text, 1);
  return { packet: { type, body, sio: sio.packet }, error: sio.error };
}

/** Reads the Socket.IO packet at `text[from…]`: type, attachments, namespace, ack id, JSON payload. */
export function parseSioPacket(text: string, from: number): { packet?: SioPacket; error?: JsonTextError } {
  if (from >= text.length) return { error: { offset: from, reason: 'the message holds no Socket.IO packet type' } };
  const t = text.charCodeAt(from) - 0x30;
  if (!(t >= 0 && t <= 6)) return { error: { offset: from, reason: `'${text[from]}' is not a Socket.IO packet type (0-6)` } };
  const type = t as SioType;
  let i = from + 1;
  let attachments: number | undefined;
  let attachmentsSpan: Span | undefined;
  let namespace = '/';
  let namespaceSpan: Span | undefined;
  let ackId: number | undefined;
  let ackIdSpan: Span | undefined;
  const partial = (): SioPacket => ({ type, attachments, attachmentsSpan, namespace, namespaceSpan, ackId, ackIdSpan });
  const stop = (offset: number, reason: string) => ({ packet: partial(), error: { offset, reason } });

  if (type === SioType.BinaryEvent || type === SioType.BinaryAck) {
    const end = readDigits(text, i);
    if (end === i) return stop(i, 'a binary packet starts with its attachment count');
    if (text.charCodeAt(end) !== 0x2d) return stop(end, "the attachment count ends with '-'");
    attachments = Number(text.slice(i, end));
    if (attachments > MAX_COUNT) return stop(i, 'the attachment count is too large');
    attachmentsSpan = { start: i, end };
    i = end + 1;
  }
  if (text.charCodeAt(i) === 0x2f) {
    const comma = text.indexOf(',', i);
    const end = comma < 0 ? text.length : comma;
    namespace = text.slice(i, end);
    namespaceSpan = { start: i, end };
    i = comma < 0 ? end : end + 1;
  }
  const digitsEnd = readDigits(text, i);
  if (digitsEnd > i) {
    ackId = Number(text.slice(i, digitsEnd));
    if (ackId > MAX_COUNT) return stop(i, 'the ack id is too large');
    ackIdSpan = { start: i, end: digitsEnd };
    i = digitsEnd;
  }
  if (i >= text.length) {
    if (type === SioType.Event || type === SioType.BinaryEvent || type === SioType.Ack || type === SioType.BinaryAck) {
      return stop(i, `${SIO_TYPE_NAMES[type]} needs a JSON array of arguments`);
    }
    if (type === SioType.ConnectError) return stop(i, 'CONNECT_ERROR needs a reason');
    return { packet: partial() };
  }
  if (type === SioType.Disconnect) return stop(i, 'DISCONNECT carries no payload');
  const json = parseJsonText(text, i);
  if (json.error) return { packet: partial(), error: json.error };
  const packet: SioPacket = { ...partial(), data: json.node };
  const data = json.node;
  switch (type) {
    case SioType.Connect:
      if (data.kind !== 'object') return { packet, error: { offset: i, reason: 'the CONNECT payload is a JSON object' } };
      break;
    case SioType.ConnectError:
      if (data.kind !== 'object' && data.kind !== 'string') return { packet, error: { offset: i, reason: 'the CONNECT_ERROR payload is an object or a string' } };
      break;
    case SioType.Ack:
    case SioType.BinaryAck:
      if (data.kind !== 'array') return { packet, error: { offset: i, reason: 'the ACK payload is a JSON array' } };
      break;
    default:
      if (data.kind !== 'array') return { packet, error: { offset: i, reason: 'the EVENT payload is a JSON array' } };
      if (data.items.length === 0) return { packet, error: { offset: i + 1, reason: 'the EVENT array starts with the event name' } };
      if (data.items[0]!.kind !== 'string' && data.items[0]!.kind !== 'number') {
        return { packet, error: { offset: data.items[0]!.start, reason: 'the event name is a string' } };
      }
  }
  return { packet };
}

/** What encodeSioPacket writes: the fields of a packet, the payload as JSON text already. */
export interface SioPacketFields {
  readonly type: SioType;
  readonly attachments?: number;
  readonly namespace?: string;
  readonly ackId?: number;
  /** JSON text of the payload, compact (as socket.io and python-socketio write it). */
  readonly json?: string;
}

/** The Engine.IO message text of a Socket.IO packet: `42/chat,7["chat","hi"]`. */
export function encodeSioPacket(p: SioPacketFields): string {
  let text = `4${p.type}`;
  if (p.type === SioType.BinaryEvent || p.type === SioType.BinaryAck) text += `${p.attachments ?? 0}-`;
  if (p.namespace !== undefined && p.namespace !== '/') text += `${p.namespace},`;
  if (p.ackId !== undefined) text += String(p.ackId);
  if (p.json !== undefined) text += p.json;
  return text;
}

/** A placeholder's attachment number (`{"_placeholder":true,"num":0}`), or undefined for any other value. */
export function placeholderNumber(text: string, node: JsonNode): number | undefined {
  if (node.kind !== 'object' || node.entries.length !== 2) return undefined;
  let flag = false;
  let num: number | undefined;
  for (const e of node.entries) {
    if (e.key === '_placeholder' && e.value.kind === 'true') flag = true;
    else if (e.key === 'num' && e.value.kind === 'number') num = Number(text.slice(e.value.start, e.value.end));
  }
  return flag && num !== undefined && Number.isInteger(num) && num >= 0 ? num : undefined;
}
