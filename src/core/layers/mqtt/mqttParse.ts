// Reads MQTT control packets from bytes. Never throws: a packet that does not parse gives an error with
// the byte offset where it stopped making sense, and what was read before it.
//
// Only CONNECT says which protocol version is spoken; every other packet is read as the version the
// caller knows (the session's settings), or, when no one knows (a proxy, a detected layer), as 5 and
// then as 3.1.1 when it does not parse as 5: the 5 reading is the stricter one (property lengths,
// known property identifiers, at least one reason code), so a 3.1.1 packet rarely passes it.
import { PACKET_TYPES, requiredFlags, type MqttConnect, type MqttPacket, type MqttSubscription, type PacketType, type ProtocolLevel } from './mqttPacket';
import { readProperties, type MqttProperty } from './mqttProperties';
import { MqttReader, MqttWireError, readVarint } from './mqttWire';

/** One packet read: bytes[offset, offset + size), or what was read of it and where it failed. */
export interface ParsedPacket {
  readonly offset: number;
  /** Bytes the packet takes on the wire (fixed header included); for an incomplete one, what there is. */
  readonly size: number;
  /** The version it was read as. */
  readonly level: ProtocolLevel;
  readonly packet?: MqttPacket;
  readonly error?: { readonly offset: number; readonly message: string };
}

/** Where the next packet ends: its total size, or undefined when the header is not complete yet. */
export function packetSize(bytes: Uint8Array, at: number, end = bytes.length): number | undefined {
  if (at + 1 >= end) return undefined;
  const r = readVarint(bytes, at + 1, end);
  return r ? 1 + r.size + r.value : undefined;
}

/** Reads every packet in bytes (one WebSocket message or framed TCP piece may hold several). */
export function parsePackets(bytes: Uint8Array, level?: ProtocolLevel): ParsedPacket[] {
  const out: ParsedPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    const p = parsePacket(bytes, at, level);
    out.push(p);
    if (p.error && !p.packet) break;
    at += p.size;
  }
  return out;
}

/** Reads the packet at `at`, as `level` or (undefined) as 5 and else 3.1.1. */
export function parsePacket(bytes: Uint8Array, at = 0, level?: ProtocolLevel): ParsedPacket {
  let size: number | undefined;
  try {
    size = packetSize(bytes, at);
  } catch (e) {
    return { offset: at, size: bytes.length - at, level: level ?? 5, error: wireError(e) };
  }
  if (size === undefined) {
    return { offset: at, size: bytes.length - at, level: level ?? 5, error: { offset: bytes.length, message: 'The packet ends inside its fixed header' } };
  }
  if (at + size > bytes.length) {
    return {
      offset: at,
      size: bytes.length - at,
      level: level ?? 5,
      packet: { type: PACKET_TYPES[bytes[at]! >> 4]!, flags: bytes[at]! & 0x0f },
      error: { offset: bytes.length, message: `Incomplete packet: ${bytes.length - at} of the ${size} bytes announced` },
    };
  }
  const first = bytes[at]!;
  if ((first >> 4) === 1) return readAs(bytes, at, size, level ?? 5);
  if (level !== undefined) return readAs(bytes, at, size, level);
  if (publishNotAs5(bytes, at, size)) {
    // The 5 reading would fail (and throw) for sure: it is made only for its error when 3.1.1 fails too.
    const as4 = readAs(bytes, at, size, 4);
    return as4.error ? readAs(bytes, at, size, 5) : as4;
  }
  const as5 = readAs(bytes, at, size, 5);
  if (!as5.error) return as5;
  const as4 = readAs(bytes, at, size, 4);
  return as4.error ? as5 : as4;
}

/**
 * Whether the packet at `at` is a PUBLISH whose MQTT 5 reading surely fails: its property length (where
 * MQTT 5 puts it, after the topic and packet id) runs past the packet. The common case of a 3.1.1
 * PUBLISH read with no version known: its payload's first bytes are taken for a property length.
 */
function publishNotAs5(bytes: Uint8Array, at: number, size: number): boolean {
  const first = bytes[at]!;
  if (first >> 4 !== 3) return false;
  const end = at + size;
  const length = readVarintQuietly(bytes, at + 1, end);
  if (length === undefined) return false;
  let pos = at + 1 + length.size;
  if (pos + 2 > end) return false;
  pos += 2 + ((bytes[pos]! << 8) | bytes[pos + 1]!);
  if (((first >> 1) & 3) > 0) pos += 2;
  if (pos > end) return false;
  const properties = readVarintQuietly(bytes, pos, end);
  return properties !== undefined && properties.value > end - pos - properties.size;
}

function readVarintQuietly(bytes: Uint8Array, at: number, end: number): { value: number; size: number } | undefined {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4 && at + i < end; i++) {
    const b = bytes[at + i]!;
    value += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return { value, size: i + 1 };
    multiplier *= 128;
  }
  return undefined;
}

function wireError(e: unknown): { offset: number; message: string } {
  if (e instanceof MqttWireError) return { offset: e.offset, message: e.message };
  return { offset: 0, message: String(e) };
}

function readAs(bytes: Uint8Array, at: number, size: number, level: ProtocolLevel): ParsedPacket {
  const first = bytes[at]!;
  const type = PACKET_TYPES[first >> 4]!;
  const flags = first & 0x0f;
  const headerSize = size - readVarint(bytes, at + 1)!.value;
  const r = new MqttReader(bytes, at + headerSize, at + size);
  const partial: { packet?: MqttPacket } = {};
  try {
    if (type === 'RESERVED') throw new MqttWireError(at, 'Packet type 0 is reserved');
    if (type === 'AUTH' && level < 5) throw new MqttWireError(at, 'AUTH exists only in MQTT 5');
    const want = requiredFlags(type);
    if (want !== undefined && flags !== want) {
      throw new MqttWireError(at, `${type} must have fixed header flags ${want.toString(2).padStart(4, '0')}, not ${flags.toString(2).padStart(4, '0')}`);
    }
    if (type === 'PUBLISH' && (flags & 0b0110) === 0b0110) throw new MqttWireError(at, 'PUBLISH QoS 3 is not allowed');
    const body = readBody(r, type, flags, level, size - headerSize, partial);
    const packetLevel = body.connect?.level ?? level;
    if (r.remaining > 0) throw new MqttWireError(r.pos, `${r.remaining} unexpected byte${r.remaining === 1 ? '' : 's'} after the ${type} packet's fields`);
    return { offset: at, size, level: packetLevel, packet: { type, flags, ...body } };
  } catch (e) {
    return { offset: at, size, level, ...(partial.packet ? { packet: partial.packet } : { packet: { type, flags } }), error: wireError(e) };
  }
}

type Body = Omit<MqttPacket, 'type' | 'flags'>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function qosOf(bits: number, at: number, what: string): 0 | 1 | 2 {
  if (bits > 2) throw new MqttWireError(at, `${what} QoS 3 is not allowed`);
  return bits as 0 | 1 | 2;
}

function readBody(r: MqttReader, type: PacketType, flags: number, level: ProtocolLevel, length: number, partial: { packet?: MqttPacket }): Body {
  const v5 = level === 5;
  const props = (): { properties?: readonly MqttProperty[] } => {
    if (!v5) return {};
    const p = readProperties(r);
    return p.length > 0 ? { properties: p } : {};
  };
  switch (type) {
    case 'CONNECT':
      return readConnect(r);
    case 'CONNACK': {
      const ack = r.u8('the acknowledge flags');
      if (ack & 0xfe) throw new MqttWireError(r.pos - 1, 'CONNACK acknowledge flags other than session present must be 0');
      const reasonCode = r.u8('the reason code');
      return { sessionPresent: (ack & 1) === 1, reasonCode, ...props() };
    }
    case 'PUBLISH': {
      // Objects built field by field, not spread: a page of rows reads hundreds of PUBLISH packets.
      const qos = ((flags >> 1) & 3) as 0 | 1 | 2;
      const dup = (flags & 8) !== 0;
      const retain = (flags & 1) !== 0;
      const topic = r.utf8('the topic name');
      partial.packet = { type, flags, qos, dup, retain, topic };
      const body: Mutable<Body> = { qos, dup, retain, topic };
      if (qos > 0) body.packetId = r.u16('the packet identifier');
      if (v5) {
        const properties = readProperties(r);
        if (properties.length > 0) body.properties = properties;
      }
      body.payload = r.rest();
      return body;
    }
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP': {
      const packetId = r.u16('the packet identifier');
      // MQTT 5 §3.4.2.1: a remaining length of 2 means reason code 0 and no properties.
      if (!v5 || r.remaining === 0) return { packetId, ...(v5 ? { reasonCode: 0 } : {}) };
      const reasonCode = r.u8('the reason code');
      return { packetId, reasonCode, ...(r.remaining > 0 ? props() : {}) };
    }
    case 'SUBSCRIBE': {
      const packetId = r.u16('the packet identifier');
      const p = props();
      const subscriptions: MqttSubscription[] = [];
      while (r.remaining > 0) {
        const topic = r.utf8('a topic filter');
        const at = r.pos;
        const options = r.u8('the subscription options');
        if (options & (v5 ? 0xc0 : 0xfc)) throw new MqttWireError(at, 'Reserved bits of the subscription options must be 0');
        const qos = qosOf(options & 3, at, 'The requested');
        subscriptions.push(
          v5
            ? { topic, qos, noLocal: (options & 4) !== 0, retainAsPublished: (options & 8) !== 0, retainHandling: qosOf((options >> 4) & 3, at, 'Retain handling') }
            : { topic, qos },
        );
      }
      if (subscriptions.length === 0) throw new MqttWireError(r.pos, 'SUBSCRIBE must hold at least one topic filter');
      return { packetId, ...p, subscriptions };
    }
    case 'SUBACK':
    case 'UNSUBACK': {
      const packetId = r.u16('the packet identifier');
      if (type === 'UNSUBACK' && !v5) return { packetId };
      const p = props();
      const reasonCodes: number[] = [];
      while (r.remaining > 0) reasonCodes.push(r.u8('a reason code'));
      if (reasonCodes.length === 0) throw new MqttWireError(r.pos, `${type} must hold at least one reason code`);
      return { packetId, ...p, reasonCodes };
    }
    case 'UNSUBSCRIBE': {
      const packetId = r.u16('the packet identifier');
      const p = props();
      const topics: string[] = [];
      while (r.remaining > 0) topics.push(r.utf8('a topic filter'));
      if (topics.length === 0) throw new MqttWireError(r.pos, 'UNSUBSCRIBE must hold at least one topic filter');
      return { packetId, ...p, topics };
    }
    case 'PINGREQ':
    case 'PINGRESP':
      return {};
    case 'DISCONNECT':
    case 'AUTH': {
      if (!v5 || length === 0) return v5 ? { reasonCode: 0 } : {};
      const reasonCode = r.u8('the reason code');
      return { reasonCode, ...(r.remaining > 0 ? props() : {}) };
    }
    default:
      throw new MqttWireError(r.pos, `Unknown packet type ${type}`);
  }
}

function readConnect(r: MqttReader): Body {
  const protocolName = r.utf8('the protocol name');
  const levelAt = r.pos;
  const level = r.u8('the protocol level');
  if (level !== 3 && level !== 4 && level !== 5) throw new MqttWireError(levelAt, `Unknown protocol level ${level} (4 is MQTT 3.1.1, 5 is MQTT 5)`);
  const flagsAt = r.pos;
  const f = r.u8('the connect flags');
  if (f & 1) throw new MqttWireError(flagsAt, 'The reserved connect flag must be 0');
  const keepAlive = r.u16('the keep alive');
  const properties = level === 5 ? readProperties(r) : [];
  const clientId = r.utf8('the client identifier');
  let will: MqttConnect['will'];
  if (f & 0x04) {
    const willProps = level === 5 ? readProperties(r) : [];
    const topic = r.utf8('the will topic');
    const payload = r.binary('the will payload');
    will = { topic, payload, qos: qosOf((f >> 3) & 3, flagsAt, 'The will'), retain: (f & 0x20) !== 0, ...(willProps.length ? { properties: willProps } : {}) };
  }
  const username = f & 0x80 ? r.utf8('the user name') : undefined;
  const password = f & 0x40 ? r.binary('the password') : undefined;
  const connect: MqttConnect = {
    protocolName,
    level,
    clientId,
    cleanStart: (f & 0x02) !== 0,
    keepAlive,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(will ? { will } : {}),
  };
  return { connect, ...(properties.length ? { properties } : {}) };
}
