// The MQTT layer's decoder: a logged message (a WebSocket binary message, or a TCP piece cut by the
// mqtt framer) to its packets' summary, tree and filter fields; a PUBLISH to JSON for editing a held
// message and back. Stateless; never throws out of decode.
import { clipSummary, type DecodedMessage, type DecodedNode } from '../../../../shared/decode/decoded';
import { SocketInspectorError } from '../../../../shared/errors';
import { Kind } from '../../../../shared/logModel';
import type { LayerDecodeInput, LayerDecoder, LayerSummary } from '../protocolLayer';
import { encodePacket } from './mqttEncode';
import type { MqttPacket, ProtocolLevel } from './mqttPacket';
import { parsePackets, type ParsedPacket } from './mqttParse';
import { binaryToJson, propertiesFromJson, propertiesToJson } from './mqttProperties';
import { levelOfSettings } from './mqttSettings';
import { summarize } from './mqttSummary';
import { packetTree } from './mqttTree';

function carriesPackets(kind: Kind): boolean {
  return kind === Kind.Binary || kind === Kind.Data || kind === Kind.Text;
}

function fieldsOf(p: MqttPacket): Record<string, string> {
  const f: Record<string, string> = { type: p.type };
  const topic = p.topic ?? p.subscriptions?.map((s) => s.topic).join(' ') ?? p.topics?.join(' ');
  if (topic !== undefined) f.topic = topic;
  if (p.packetId !== undefined) f.packetId = String(p.packetId);
  if (p.qos !== undefined) f.qos = String(p.qos);
  return f;
}

/** A packet's part of the summary. */
function packetSummary(parsed: ParsedPacket): string {
  const p = parsed.packet;
  if (!p) return `MQTT ${parsed.error?.message ?? ''}`;
  const bare = Object.keys(p).every((k) => k === 'type' || k === 'flags');
  const summary = bare && parsed.error ? p.type : summarize(p, parsed.level);
  return parsed.error ? `${summary} · malformed: ${parsed.error.message}` : summary;
}

function packetNode(parsed: ParsedPacket): DecodedNode {
  const p = parsed.packet;
  if (!p) return { key: '', type: 'MQTT', offset: parsed.offset, length: parsed.size };
  const payloadOffset = p.payload && !parsed.error ? parsed.offset + parsed.size - p.payload.length : undefined;
  return packetTree(p, parsed.level, parsed.offset, parsed.size, payloadOffset);
}

/** What a row shows of the packets (decode's summary, fields, error and innerPayload). */
function rowOf(packets: readonly ParsedPacket[]): LayerSummary {
  const error = packets.find((p) => p.error)?.error;
  const first = packets[0]!;
  const publishes = packets.filter((p) => p.packet?.type === 'PUBLISH' && !p.error);
  const inner = publishes.length === 1 ? publishes[0]!.packet!.payload : undefined;
  return {
    summary: clipSummary(packets.map(packetSummary).join(' + ')),
    fields: first.packet ? fieldsOf(first.packet) : {},
    ...(error ? { error } : {}),
    ...(inner ? { innerPayload: inner } : {}),
  };
}

function notDecoded(e: unknown): DecodedMessage {
  return { format: 'mqtt', summary: 'MQTT (not decoded)', tree: { key: '', type: 'MQTT' }, fields: {}, error: { offset: 0, message: String(e) } };
}

/** decodeMqtt without the tree, for a row; see LayerDecoder.summarize. */
export function summarizeMqtt(input: LayerDecodeInput): LayerSummary | undefined {
  if (!carriesPackets(input.kind) || input.payload.length === 0) return undefined;
  try {
    return rowOf(parsePackets(input.payload, levelOfSettings(input.settings)));
  } catch (e) {
    return notDecoded(e);
  }
}

/** Decodes one logged message; see LayerDecoder.decode. */
export function decodeMqtt(input: LayerDecodeInput): (DecodedMessage & { readonly innerPayload?: Uint8Array }) | undefined {
  if (!carriesPackets(input.kind) || input.payload.length === 0) return undefined;
  try {
    const packets = parsePackets(input.payload, levelOfSettings(input.settings));
    const nodes = packets.map(packetNode);
    const tree = nodes.length === 1 ? nodes[0]! : { key: '', type: 'packets', value: `${packets.length} packets`, children: nodes.map((n, i) => ({ ...n, key: String(i) })) };
    const row = rowOf(packets);
    return { format: 'mqtt', summary: row.summary, tree, fields: row.fields, ...(row.error ? { error: row.error } : {}), ...(row.innerPayload ? { innerPayload: row.innerPayload } : {}) };
  } catch (e) {
    // parsePackets reports malformed input itself; this is a last guard so decode never throws.
    return notDecoded(e);
  }
}

/** A single, well-formed PUBLISH in the input, with the version it was read as. */
function onePublish(input: LayerDecodeInput): ParsedPacket | undefined {
  if (!carriesPackets(input.kind)) return undefined;
  const packets = parsePackets(input.payload, levelOfSettings(input.settings));
  const only = packets.length === 1 ? packets[0]! : undefined;
  return only && !only.error && only.packet?.type === 'PUBLISH' ? only : undefined;
}

/** A PUBLISH as the JSON a person edits: topic, qos, retain, payload, properties (MQTT 5). */
export function publishToEditableText(input: LayerDecodeInput): string | undefined {
  const parsed = onePublish(input);
  if (!parsed) return undefined;
  const p = parsed.packet!;
  const json: Record<string, unknown> = { topic: p.topic, qos: p.qos ?? 0, retain: p.retain ?? false };
  if (p.dup) json.dup = true;
  if (p.packetId !== undefined) json.packetId = p.packetId;
  json.payload = binaryToJson(p.payload ?? new Uint8Array(0));
  if (parsed.level === 5) json.properties = propertiesToJson(p.properties ?? []);
  return JSON.stringify(json, null, 2);
}

function bad(message: string): SocketInspectorError {
  return new SocketInspectorError('INVALID_JSON', message);
}

const encoder = new TextEncoder();

/** The edited JSON of a PUBLISH back to its bytes, in the version the original was read as. */
export function publishFromEditableText(text: string, input: LayerDecodeInput): Uint8Array {
  const original = onePublish(input);
  if (!original) throw bad('Only a single MQTT PUBLISH packet can be edited as JSON');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bad(`The edited PUBLISH is not JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('The edited PUBLISH must be a JSON object with topic, qos, retain and payload');
  const j = json as Record<string, unknown>;
  const known = ['topic', 'qos', 'retain', 'dup', 'packetId', 'payload', 'properties'];
  const extra = Object.keys(j).find((k) => !known.includes(k));
  if (extra) throw bad(`"${extra}" is not a field of a PUBLISH (use ${known.join(', ')})`);
  if (typeof j.topic !== 'string' || j.topic === '') throw bad('topic must be non-empty text');
  if (j.qos !== 0 && j.qos !== 1 && j.qos !== 2) throw bad('qos must be 0, 1 or 2');
  for (const k of ['retain', 'dup'] as const) if (j[k] !== undefined && typeof j[k] !== 'boolean') throw bad(`${k} must be true or false`);
  const level: ProtocolLevel = original.level;
  const qos = j.qos;
  let packetId: number | undefined;
  if (qos > 0) {
    packetId = j.packetId === undefined ? original.packet!.packetId : (j.packetId as number);
    if (typeof packetId !== 'number' || !Number.isInteger(packetId) || packetId < 1 || packetId > 0xffff) throw bad('packetId must be a whole number from 1 to 65535 for QoS 1 and 2');
  }
  let payload: Uint8Array;
  const pj = j.payload ?? '';
  if (typeof pj === 'string') payload = encoder.encode(pj);
  else if (typeof pj === 'object' && pj !== null && typeof (pj as { hex?: unknown }).hex === 'string' && /^(?:[0-9a-fA-F]{2})*$/.test((pj as { hex: string }).hex)) {
    payload = Uint8Array.from(Buffer.from((pj as { hex: string }).hex, 'hex'));
  } else throw bad('payload must be text or {"hex": "…"} (an even number of hex digits)');
  let properties;
  try {
    properties = propertiesFromJson(j.properties);
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (level < 5 && properties.length > 0) throw bad('properties exist only in MQTT 5; this PUBLISH is MQTT 3.1.1');
  try {
    return encodePacket(
      { type: 'PUBLISH', topic: j.topic, qos, retain: j.retain === true, dup: j.dup === true, ...(packetId !== undefined ? { packetId } : {}), properties, payload },
      level,
    );
  } catch (e) {
    throw bad((e as Error).message);
  }
}

export const mqttDecoder: LayerDecoder = {
  id: 'mqtt',
  decode: decodeMqtt,
  summarize: summarizeMqtt,
  toEditableText: publishToEditableText,
  fromEditableText: publishFromEditableText,
};
