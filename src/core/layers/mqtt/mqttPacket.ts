// One MQTT control packet as the layer handles it, for 3.1.1 (protocol level 4; 3 for MQIsdp 3.1) and 5.
// One flat shape for every type: the fields a type does not have are absent.
import type { MqttProperty } from './mqttProperties';

export const PACKET_TYPES = [
  'RESERVED', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP',
  'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH',
] as const;
export type PacketType = (typeof PACKET_TYPES)[number];

/** 3 (MQTT 3.1), 4 (3.1.1) or 5. */
export type ProtocolLevel = 3 | 4 | 5;

export interface MqttSubscription {
  readonly topic: string;
  readonly qos: 0 | 1 | 2;
  /** MQTT 5 subscription options. */
  readonly noLocal?: boolean;
  readonly retainAsPublished?: boolean;
  readonly retainHandling?: 0 | 1 | 2;
}

export interface MqttWill {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  readonly properties?: readonly MqttProperty[];
}

export interface MqttConnect {
  readonly protocolName: string;
  readonly level: ProtocolLevel;
  readonly clientId: string;
  readonly cleanStart: boolean;
  readonly keepAlive: number;
  readonly username?: string;
  readonly password?: Uint8Array;
  readonly will?: MqttWill;
}

export interface MqttPacket {
  readonly type: PacketType;
  /** The fixed header's low four bits. */
  readonly flags?: number;
  readonly packetId?: number;
  /** PUBLISH */
  readonly topic?: string;
  readonly qos?: 0 | 1 | 2;
  readonly dup?: boolean;
  readonly retain?: boolean;
  readonly payload?: Uint8Array;
  /** CONNECT */
  readonly connect?: MqttConnect;
  /** CONNACK */
  readonly sessionPresent?: boolean;
  /** CONNACK (3.1.1 return code), PUBACK…PUBCOMP, DISCONNECT, AUTH. */
  readonly reasonCode?: number;
  /** SUBACK, UNSUBACK (5). */
  readonly reasonCodes?: readonly number[];
  readonly subscriptions?: readonly MqttSubscription[];
  /** UNSUBSCRIBE */
  readonly topics?: readonly string[];
  /** MQTT 5 only. */
  readonly properties?: readonly MqttProperty[];
}

/** The fixed header's flags each type must carry (MQTT 5 §2.1.3); PUBLISH's are its own. */
export function requiredFlags(type: PacketType): number | undefined {
  if (type === 'PUBLISH') return undefined;
  return type === 'PUBREL' || type === 'SUBSCRIBE' || type === 'UNSUBSCRIBE' ? 0b0010 : 0;
}

/** The version's name as people say it. */
export function versionName(level: ProtocolLevel): string {
  return level === 5 ? '5' : level === 4 ? '3.1.1' : '3.1';
}
