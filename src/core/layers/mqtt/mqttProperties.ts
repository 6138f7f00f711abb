// MQTT 5 properties (§2.2.2.2): the table of identifiers with their spec names and data types, and
// reading and writing a property list. In JSON (the composer, editing a held packet) a property is
// named in camelCase as MQTT.js names it (`contentType`, `messageExpiryInterval`, `userProperties`).
import { MqttReader, MqttWireError, MqttWriter } from './mqttWire';
import { decodeShortText } from '../../../../shared/codecs/shortText';

type PropertyType = 'byte' | 'u16' | 'u32' | 'varint' | 'utf8' | 'binary' | 'pair';

interface PropertyInfo {
  readonly id: number;
  /** camelCase, as in JSON. */
  readonly key: string;
  /** As the spec names it. */
  readonly name: string;
  readonly type: PropertyType;
}

const TABLE: readonly PropertyInfo[] = [
  { id: 0x01, key: 'payloadFormatIndicator', name: 'Payload Format Indicator', type: 'byte' },
  { id: 0x02, key: 'messageExpiryInterval', name: 'Message Expiry Interval', type: 'u32' },
  { id: 0x03, key: 'contentType', name: 'Content Type', type: 'utf8' },
  { id: 0x08, key: 'responseTopic', name: 'Response Topic', type: 'utf8' },
  { id: 0x09, key: 'correlationData', name: 'Correlation Data', type: 'binary' },
  { id: 0x0b, key: 'subscriptionIdentifier', name: 'Subscription Identifier', type: 'varint' },
  { id: 0x11, key: 'sessionExpiryInterval', name: 'Session Expiry Interval', type: 'u32' },
  { id: 0x12, key: 'assignedClientIdentifier', name: 'Assigned Client Identifier', type: 'utf8' },
  { id: 0x13, key: 'serverKeepAlive', name: 'Server Keep Alive', type: 'u16' },
  { id: 0x15, key: 'authenticationMethod', name: 'Authentication Method', type: 'utf8' },
  { id: 0x16, key: 'authenticationData', name: 'Authentication Data', type: 'binary' },
  { id: 0x17, key: 'requestProblemInformation', name: 'Request Problem Information', type: 'byte' },
  { id: 0x18, key: 'willDelayInterval', name: 'Will Delay Interval', type: 'u32' },
  { id: 0x19, key: 'requestResponseInformation', name: 'Request Response Information', type: 'byte' },
  { id: 0x1a, key: 'responseInformation', name: 'Response Information', type: 'utf8' },
  { id: 0x1c, key: 'serverReference', name: 'Server Reference', type: 'utf8' },
  { id: 0x1f, key: 'reasonString', name: 'Reason String', type: 'utf8' },
  { id: 0x21, key: 'receiveMaximum', name: 'Receive Maximum', type: 'u16' },
  { id: 0x22, key: 'topicAliasMaximum', name: 'Topic Alias Maximum', type: 'u16' },
  { id: 0x23, key: 'topicAlias', name: 'Topic Alias', type: 'u16' },
  { id: 0x24, key: 'maximumQoS', name: 'Maximum QoS', type: 'byte' },
  { id: 0x25, key: 'retainAvailable', name: 'Retain Available', type: 'byte' },
  { id: 0x26, key: 'userProperties', name: 'User Property', type: 'pair' },
  { id: 0x27, key: 'maximumPacketSize', name: 'Maximum Packet Size', type: 'u32' },
  { id: 0x28, key: 'wildcardSubscriptionAvailable', name: 'Wildcard Subscription Available', type: 'byte' },
  { id: 0x29, key: 'subscriptionIdentifiersAvailable', name: 'Subscription Identifier Available', type: 'byte' },
  { id: 0x2a, key: 'sharedSubscriptionAvailable', name: 'Shared Subscription Available', type: 'byte' },
];

const BY_ID = new Map(TABLE.map((p) => [p.id, p]));
const BY_KEY = new Map(TABLE.map((p) => [p.key, p]));

/** One property as read from the wire, in order. */
export interface MqttProperty {
  readonly id: number;
  readonly value: number | string | Uint8Array | readonly [string, string];
}

/** The spec's name of a property id ('Content Type'), or `Property 0x..` for an unknown one. */
export function propertyName(id: number): string {
  return BY_ID.get(id)?.name ?? `Property 0x${id.toString(16).padStart(2, '0')}`;
}

/** The JSON key of a property id. */
export function propertyKey(id: number): string | undefined {
  return BY_ID.get(id)?.key;
}

/** Reads a property list (its length, then the properties) at the reader's position. */
export function readProperties(r: MqttReader): MqttProperty[] {
  const lengthAt = r.pos;
  const length = r.varint('the property length');
  const start = r.pos;
  if (length > r.remaining) throw new MqttWireError(lengthAt, `The property length ${length} runs past the packet's end (${r.remaining} bytes left)`);
  const end = start + length;
  const sub = new MqttReader(r.bytes, start, end);
  const out: MqttProperty[] = [];
  while (sub.pos < end) {
    const at = sub.pos;
    const id = sub.varint('a property identifier');
    const info = BY_ID.get(id);
    if (!info) throw new MqttWireError(at, `Unknown property identifier 0x${id.toString(16)}`);
    out.push({ id, value: readValue(sub, info) });
  }
  r.pos = end;
  return out;
}

function readValue(r: MqttReader, info: PropertyInfo): MqttProperty['value'] {
  switch (info.type) {
    case 'byte':
      return r.u8(info.name);
    case 'u16':
      return r.u16(info.name);
    case 'u32':
      return r.u32(info.name);
    case 'varint':
      return r.varint(info.name);
    case 'utf8':
      return r.utf8(info.name);
    case 'binary':
      return r.binary(info.name);
    case 'pair':
      return [r.utf8(`${info.name} name`), r.utf8(`${info.name} value`)] as const;
  }
}

/** Writes a property list with its length. */
export function writeProperties(w: MqttWriter, props: readonly MqttProperty[]): void {
  const body = new MqttWriter();
  for (const p of props) {
    const info = BY_ID.get(p.id);
    if (!info) throw new RangeError(`Unknown property identifier 0x${p.id.toString(16)}`);
    body.varint(p.id);
    const v = p.value;
    switch (info.type) {
      case 'byte':
        body.u8(v as number);
        break;
      case 'u16':
        body.u16(v as number);
        break;
      case 'u32':
        body.u32(v as number);
        break;
      case 'varint':
        body.varint(v as number);
        break;
      case 'utf8':
        body.utf8(v as string, info.name);
        break;
      case 'binary':
        body.binary(v as Uint8Array, info.name);
        break;
      case 'pair': {
        const [k, val] = v as readonly [string, string];
        body.utf8(k, `${info.name} name`).utf8(val, `${info.name} value`);
        break;
      }
    }
  }
  w.varint(body.length).raw(body.bytes());
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Binary as JSON: the text when it is UTF-8 without control characters, else `{"hex": "…"}`. */
export function binaryToJson(bytes: Uint8Array): string | { hex: string } {
  try {
    const text = decodeShortText(utf8, bytes);
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) return text;
  } catch {
    // Not UTF-8: hex below.
  }
  return { hex: Buffer.from(bytes).toString('hex') };
}

function binaryFromJson(v: unknown, where: string): Uint8Array {
  if (typeof v === 'string') return encoder.encode(v);
  const hex = typeof v === 'object' && v !== null ? (v as { hex?: unknown }).hex : undefined;
  if (typeof hex === 'string' && /^(?:[0-9a-fA-F]{2})*$/.test(hex)) return Uint8Array.from(Buffer.from(hex, 'hex'));
  throw new TypeError(`${where} must be text or {"hex": "…"} (an even number of hex digits)`);
}

/** Properties as a JSON object: camelCase keys; repeated user properties as arrays of values. */
export function propertiesToJson(props: readonly MqttProperty[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of props) {
    const info = BY_ID.get(p.id)!;
    if (info.type === 'pair') {
      const [k, v] = p.value as readonly [string, string];
      const users = (out.userProperties ??= {}) as Record<string, string | string[]>;
      const had = users[k];
      users[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    } else if (info.type === 'binary') {
      out[info.key] = binaryToJson(p.value as Uint8Array);
    } else if (info.key === 'subscriptionIdentifier' && out[info.key] !== undefined) {
      // PUBLISH may carry several.
      const had = out[info.key];
      out[info.key] = Array.isArray(had) ? [...had, p.value] : [had, p.value];
    } else {
      out[info.key] = p.value;
    }
  }
  return out;
}

const INT_RANGE: Readonly<Record<string, number>> = { byte: 0xff, u16: 0xffff, u32: 0xffff_ffff, varint: 268_435_455 };

/**
 * Reads properties from a JSON object (keys as propertiesToJson writes them). Throws a TypeError naming
 * the key (`properties.contentType must be text`), which callers turn into a SocketInspectorError.
 */
export function propertiesFromJson(json: unknown, where = 'properties'): MqttProperty[] {
  if (json === undefined || json === null) return [];
  if (typeof json !== 'object' || Array.isArray(json)) throw new TypeError(`${where} must be a JSON object`);
  const out: MqttProperty[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const info = BY_KEY.get(key);
    const at = `${where}.${key}`;
    if (!info) throw new TypeError(`${at} is not an MQTT 5 property (e.g. contentType, messageExpiryInterval, userProperties)`);
    switch (info.type) {
      case 'pair': {
        const pairs = Array.isArray(value)
          ? value.map((p) => (Array.isArray(p) && p.length === 2 ? [p[0], p[1]] : [undefined, undefined]))
          : typeof value === 'object' && value !== null
            ? Object.entries(value).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))
            : undefined;
        if (!pairs || pairs.some(([k, v]) => typeof k !== 'string' || typeof v !== 'string')) {
          throw new TypeError(`${at} must be an object of text values ({"unit": "C"}) or a list of [name, value] pairs`);
        }
        for (const [k, v] of pairs) out.push({ id: info.id, value: [k as string, v as string] });
        break;
      }
      case 'utf8':
        if (typeof value !== 'string') throw new TypeError(`${at} must be text`);
        out.push({ id: info.id, value });
        break;
      case 'binary':
        out.push({ id: info.id, value: binaryFromJson(value, at) });
        break;
      default: {
        const values = key === 'subscriptionIdentifier' && Array.isArray(value) ? value : [value];
        for (const v of values) {
          const max = INT_RANGE[info.type]!;
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
            throw new TypeError(`${at} must be a whole number from 0 to ${max}`);
          }
          out.push({ id: info.id, value: v });
        }
      }
    }
  }
  return out;
}
