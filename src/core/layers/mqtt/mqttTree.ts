// The tree of an MQTT packet for the Decoded tab: type, flags, packet id, topic, QoS, MQTT 5
// properties (named as the spec names them), and the payload as text when it is UTF-8, else hex.
import type { DecodedNode } from '../../../../shared/decode/decoded';
import { toHex } from '../../../../shared/codecs/hexDump';
import { versionName, type MqttPacket, type ProtocolLevel } from './mqttPacket';
import { propertyName, type MqttProperty } from './mqttProperties';
import { hexCode, reasonText } from './mqttReasons';
import { decodeShortText } from '../../../../shared/codecs/shortText';
import { isWellFormedUtf8 } from '../../../../shared/codecs/utf8Decode';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function leaf(key: string, type: string, value: string, offset?: number, length?: number): DecodedNode {
  return { key, type, value, ...(offset !== undefined ? { offset } : {}), ...(length !== undefined ? { length } : {}) };
}

/** Bytes as a leaf: a JSON-quoted string when UTF-8, else hex. */
export function bytesLeaf(key: string, bytes: Uint8Array, offset?: number): DecodedNode {
  // Checked first: a binary payload (the common case under a codec) would make the decoder throw.
  if (!isWellFormedUtf8(bytes)) return leaf(key, 'bin', toHex(bytes), offset, bytes.length);
  return leaf(key, 'str', JSON.stringify(decodeShortText(utf8, bytes)), offset, bytes.length);
}

function propertyNode(p: MqttProperty): DecodedNode {
  const name = propertyName(p.id);
  const v = p.value;
  if (v instanceof Uint8Array) return bytesLeaf(name, v);
  if (Array.isArray(v)) {
    const [k, val] = v as readonly [string, string];
    return { key: name, type: 'pair', children: [leaf('name', 'str', JSON.stringify(k)), leaf('value', 'str', JSON.stringify(val))], value: `${k}: ${val}` };
  }
  return leaf(name, typeof v === 'number' ? 'int' : 'str', typeof v === 'number' ? String(v) : JSON.stringify(v));
}

function propertiesNode(props: readonly MqttProperty[] | undefined): DecodedNode[] {
  if (!props || props.length === 0) return [];
  return [{ key: 'properties', type: 'properties', children: props.map(propertyNode) }];
}

function reasonNode(key: string, code: number, level: ProtocolLevel, kind: 'CONNACK' | 'SUBACK' | 'DISCONNECT' | 'other'): DecodedNode {
  return leaf(key, 'reason code', `${hexCode(code)} ${reasonText(code, level, kind)}`);
}

/**
 * The packet's tree. `payloadOffset` is where the PUBLISH payload starts in the decoded input, when
 * known, so the payload node points at its bytes.
 */
export function packetTree(p: MqttPacket, level: ProtocolLevel, offset: number, size: number, payloadOffset?: number): DecodedNode {
  const c: DecodedNode[] = [leaf('type', 'packet type', p.type), leaf('version', 'protocol', versionName(level))];
  if (p.packetId !== undefined) c.push(leaf('packetId', 'uint16', String(p.packetId)));
  switch (p.type) {
    case 'CONNECT': {
      const k = p.connect;
      if (!k) break;
      c[1] = leaf('version', 'protocol', `${versionName(k.level)} (${k.protocolName} level ${k.level})`);
      c.push(leaf('clientId', 'str', JSON.stringify(k.clientId)), leaf('cleanStart', 'bool', String(k.cleanStart)), leaf('keepAlive', 'seconds', String(k.keepAlive)));
      if (k.username !== undefined) c.push(leaf('username', 'str', JSON.stringify(k.username)));
      // The password is a secret: shown by its length only (the bytes stay in the Hex tab).
      if (k.password !== undefined) c.push(leaf('password', 'bin', `(${k.password.length} bytes, hidden)`));
      if (k.will) {
        const w = k.will;
        c.push({
          key: 'will',
          type: 'will',
          children: [leaf('topic', 'str', JSON.stringify(w.topic)), leaf('qos', 'int', String(w.qos)), leaf('retain', 'bool', String(w.retain)), ...propertiesNode(w.properties), bytesLeaf('payload', w.payload)],
        });
      }
      break;
    }
    case 'CONNACK':
      c.push(leaf('sessionPresent', 'bool', String(p.sessionPresent ?? false)));
      if (p.reasonCode !== undefined) c.push(reasonNode(level === 5 ? 'reasonCode' : 'returnCode', p.reasonCode, level, 'CONNACK'));
      break;
    case 'PUBLISH':
      if (p.topic === undefined) break;
      c.push(leaf('topic', 'str', JSON.stringify(p.topic)));
      c.push(leaf('qos', 'int', String(p.qos ?? 0)), leaf('dup', 'bool', String(p.dup ?? false)), leaf('retain', 'bool', String(p.retain ?? false)));
      break;
    case 'SUBSCRIBE':
      c.push({
        key: 'subscriptions',
        type: 'array',
        children: (p.subscriptions ?? []).map((s, i) => ({
          key: String(i),
          type: 'subscription',
          value: `${s.topic} q${s.qos}`,
          children: [
            leaf('topicFilter', 'str', JSON.stringify(s.topic)),
            leaf('qos', 'int', String(s.qos)),
            ...(level === 5
              ? [leaf('noLocal', 'bool', String(s.noLocal ?? false)), leaf('retainAsPublished', 'bool', String(s.retainAsPublished ?? false)), leaf('retainHandling', 'int', String(s.retainHandling ?? 0))]
              : []),
          ],
        })),
      });
      break;
    case 'UNSUBSCRIBE':
      c.push({ key: 'topicFilters', type: 'array', children: (p.topics ?? []).map((t, i) => leaf(String(i), 'str', JSON.stringify(t))) });
      break;
    case 'SUBACK':
    case 'UNSUBACK':
      if (p.reasonCodes) {
        c.push({ key: 'reasonCodes', type: 'array', children: p.reasonCodes.map((code, i) => reasonNode(String(i), code, level, p.type === 'SUBACK' ? 'SUBACK' : 'other')) });
      }
      break;
    default:
      if (p.reasonCode !== undefined) c.push(reasonNode('reasonCode', p.reasonCode, level, p.type === 'DISCONNECT' ? 'DISCONNECT' : 'other'));
  }
  c.push(...propertiesNode(p.properties));
  if (p.payload) c.push(bytesLeaf('payload', p.payload, payloadOffset));
  return { key: '', type: p.type, children: c, offset, length: size };
}
