// Writes MQTT control packets (the inverse of mqttParse.ts) for 3.1.1 and 5. Throws a RangeError or
// TypeError for a value the wire cannot carry; callers turn it into a SocketInspectorError.
import { PACKET_TYPES, requiredFlags, type MqttPacket, type ProtocolLevel } from './mqttPacket';
import { writeProperties } from './mqttProperties';
import { encodeVarint, MAX_VARINT, MqttWriter } from './mqttWire';

/** The bytes of one packet, fixed header included. */
export function encodePacket(packet: MqttPacket, level: ProtocolLevel): Uint8Array {
  const v5 = level === 5;
  const w = new MqttWriter();
  const props = () => {
    if (v5) writeProperties(w, packet.properties ?? []);
  };
  let flags = requiredFlags(packet.type) ?? 0;
  switch (packet.type) {
    case 'CONNECT': {
      const c = packet.connect!;
      w.utf8(c.protocolName, 'the protocol name').u8(c.level);
      const willFlags = c.will ? 0x04 | (c.will.qos << 3) | (c.will.retain ? 0x20 : 0) : 0;
      w.u8((c.username !== undefined ? 0x80 : 0) | (c.password !== undefined ? 0x40 : 0) | willFlags | (c.cleanStart ? 0x02 : 0));
      w.u16(c.keepAlive);
      props();
      w.utf8(c.clientId, 'the client identifier');
      if (c.will) {
        if (v5) writeProperties(w, c.will.properties ?? []);
        w.utf8(c.will.topic, 'the will topic').binary(c.will.payload, 'the will payload');
      }
      if (c.username !== undefined) w.utf8(c.username, 'the user name');
      if (c.password !== undefined) w.binary(c.password, 'the password');
      break;
    }
    case 'CONNACK':
      w.u8(packet.sessionPresent ? 1 : 0).u8(packet.reasonCode ?? 0);
      props();
      break;
    case 'PUBLISH': {
      const qos = packet.qos ?? 0;
      flags = (packet.dup ? 8 : 0) | (qos << 1) | (packet.retain ? 1 : 0);
      w.utf8(packet.topic ?? '', 'the topic');
      if (qos > 0) w.u16(packet.packetId!);
      props();
      w.raw(packet.payload ?? new Uint8Array(0));
      break;
    }
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP': {
      w.u16(packet.packetId!);
      const code = packet.reasonCode ?? 0;
      const hasProps = (packet.properties?.length ?? 0) > 0;
      if (v5 && (code !== 0 || hasProps)) {
        w.u8(code);
        if (hasProps) props();
      }
      break;
    }
    case 'SUBSCRIBE':
      w.u16(packet.packetId!);
      props();
      for (const s of packet.subscriptions ?? []) {
        w.utf8(s.topic, 'the topic filter');
        const options = v5 ? s.qos | (s.noLocal ? 4 : 0) | (s.retainAsPublished ? 8 : 0) | ((s.retainHandling ?? 0) << 4) : s.qos;
        w.u8(options);
      }
      break;
    case 'SUBACK':
    case 'UNSUBACK':
      w.u16(packet.packetId!);
      if (packet.type === 'UNSUBACK' && !v5) break;
      props();
      for (const c of packet.reasonCodes ?? []) w.u8(c);
      break;
    case 'UNSUBSCRIBE':
      w.u16(packet.packetId!);
      props();
      for (const t of packet.topics ?? []) w.utf8(t, 'the topic filter');
      break;
    case 'PINGREQ':
    case 'PINGRESP':
      break;
    case 'DISCONNECT':
    case 'AUTH':
      if (v5 && ((packet.reasonCode ?? 0) !== 0 || (packet.properties?.length ?? 0) > 0)) {
        w.u8(packet.reasonCode ?? 0);
        props();
      }
      break;
    default:
      throw new TypeError(`Cannot encode packet type ${packet.type}`);
  }
  if (w.length > MAX_VARINT) throw new RangeError(`The packet is ${w.length} bytes; MQTT allows at most ${MAX_VARINT}`);
  const header = new MqttWriter().u8((PACKET_TYPES.indexOf(packet.type) << 4) | flags).raw(encodeVarint(w.length));
  return header.raw(w.bytes()).bytes();
}
