// A held EVENT or ACK as JSON a person edits ({"namespace", "event", "args", "ackId"}) and back to the
// exact wire text. Values keep their spelling both ways: unedited text gives back the bytes received
// (for the compact JSON socket.io and python-socketio write).
import { inputError } from '../../../../shared/codecs/inputError';
import { SocketInspectorError } from '../../../../shared/errors';
import { compactJson, parseJsonText, type JsonNode } from './jsonText';
import { encodeSioPacket, EngineType, parseEngineText, SIO_TYPE_NAMES, SioType, type SioPacket } from './packetCodec';
import { decodeUtf8 } from './utf8Text';

const EDITABLE: readonly SioType[] = [SioType.Event, SioType.Ack, SioType.BinaryEvent, SioType.BinaryAck];

function hasEvent(type: SioType): boolean {
  return type === SioType.Event || type === SioType.BinaryEvent;
}

function isBinary(type: SioType): boolean {
  return type === SioType.BinaryEvent || type === SioType.BinaryAck;
}

/** The well-formed EVENT/ACK packet of a text message and its text; undefined for anything else. */
function editablePacket(payload: Uint8Array): { packet: SioPacket; text: string } | undefined {
  const { text } = decodeUtf8(payload);
  if (text === undefined) return undefined;
  const parsed = parseEngineText(text);
  const sio = parsed.packet?.sio;
  if (parsed.error || parsed.packet?.type !== EngineType.Message || !sio || !EDITABLE.includes(sio.type)) return undefined;
  return { packet: sio, text };
}

/** The packet as editable JSON, or undefined when it is not a well-formed EVENT or ACK. */
export function toEditableText(payload: Uint8Array): string | undefined {
  const found = editablePacket(payload);
  if (!found) return undefined;
  const { packet, text } = found;
  const items = packet.data?.kind === 'array' ? packet.data.items : [];
  const lines = [`  "namespace": ${JSON.stringify(packet.namespace)}`];
  let args = items;
  if (hasEvent(packet.type)) {
    lines.push(`  "event": ${text.slice(items[0]!.start, items[0]!.end)}`);
    args = items.slice(1);
  }
  lines.push(`  "args": [${args.map((n) => text.slice(n.start, n.end)).join(',')}]`);
  lines.push(`  "ackId": ${packet.ackId === undefined ? 'null' : packet.ackId}`);
  if (isBinary(packet.type)) lines.push(`  "attachments": ${packet.attachments ?? 0}`);
  return `{\n${lines.join(',\n')}\n}`;
}

function editError(text: string, offset: number, reason: string): SocketInspectorError {
  return inputError('INVALID_JSON', 'Cannot encode the Socket.IO packet', text, offset, reason);
}

/**
 * Encodes edited JSON text back to the message's wire text, as the packet type of `original` (the held
 * message). Throws a SocketInspectorError naming the line, column and field of a mistake.
 */
export function fromEditableText(edited: string, original: Uint8Array): Uint8Array {
  const found = editablePacket(original);
  if (!found) throw new SocketInspectorError('PROTOCOL', 'Only a well-formed Socket.IO EVENT or ACK can be edited as JSON');
  const type = found.packet.type;
  const parsed = parseJsonText(edited);
  if (parsed.error) throw editError(edited, parsed.error.offset, parsed.error.reason);
  const root = parsed.node;
  if (root.kind !== 'object') throw editError(edited, root.start, 'expected an object: {"namespace", "event", "args", "ackId"}');
  const allowed = ['namespace', 'args', 'ackId', ...(hasEvent(type) ? ['event'] : []), ...(isBinary(type) ? ['attachments'] : [])];
  const member: Record<string, JsonNode> = {};
  for (const e of root.entries) {
    if (!allowed.includes(e.key)) {
      throw editError(edited, e.keyStart, `a ${SIO_TYPE_NAMES[type]} has no field ${JSON.stringify(e.key)} (fields: ${allowed.join(', ')})`);
    }
    member[e.key] = e.value;
  }
  let namespace = '/';
  const ns = member.namespace;
  if (ns !== undefined) {
    if (ns.kind !== 'string' || !ns.value.startsWith('/') || ns.value.includes(',')) {
      throw editError(edited, ns.start, 'namespace is a string starting with "/" and without ","');
    }
    namespace = ns.value;
  }
  const args = member.args;
  if (args === undefined) throw editError(edited, root.end - 1, 'the field "args" (a JSON array) is missing');
  if (args.kind !== 'array') throw editError(edited, args.start, '"args" is a JSON array');
  const values = args.items.map((n) => compactJson(edited, n));
  if (hasEvent(type)) {
    const event = member.event;
    if (event === undefined) throw editError(edited, root.end - 1, 'the field "event" (the event name) is missing');
    if (event.kind !== 'string' || event.value === '') throw editError(edited, event.start, '"event" is the event name, a non-empty string');
    values.unshift(compactJson(edited, event));
  }
  let ackId: number | undefined;
  const ack = member.ackId;
  if (ack !== undefined && ack.kind !== 'null') {
    const n = Number(edited.slice(ack.start, ack.end));
    if (ack.kind !== 'number' || !Number.isSafeInteger(n) || n < 0) throw editError(edited, ack.start, '"ackId" is a whole number ≥ 0, or null for none');
    ackId = n;
  }
  if (!hasEvent(type) && ackId === undefined) throw editError(edited, ack?.start ?? root.end - 1, 'an ACK needs the "ackId" it answers');
  let attachments: number | undefined;
  if (isBinary(type)) {
    const a = member.attachments;
    const n = a?.kind === 'number' ? Number(edited.slice(a.start, a.end)) : NaN;
    if (a === undefined || !Number.isSafeInteger(n) || n < 0) {
      throw editError(edited, a?.start ?? root.end - 1, '"attachments" is the number of binary messages that follow');
    }
    attachments = n;
  }
  const text = encodeSioPacket({ type, namespace, ackId, attachments, json: `[${values.join(',')}]` });
  return new TextEncoder().encode(text);
}
