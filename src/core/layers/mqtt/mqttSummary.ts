// The one-line summary of an MQTT packet, as a log row shows it: `PUBLISH sensors/1 q1 · 12 B`,
// `SUBSCRIBE #3 sensors/+ q1, alerts/# q2`, `SUBACK #3 [1, 0x80]`, `CONNACK 0x86 Bad user name or password`.
import { versionName, type MqttPacket, type ProtocolLevel } from './mqttPacket';
import { hexCode, reasonText } from './mqttReasons';

/** "12 B", "1.5 KiB", "2.0 MiB". */
export function byteSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A reason code in a list: a SUBACK's granted QoS in decimal, everything else in hex. */
function listedCode(code: number, type: string): string {
  return type === 'SUBACK' && code <= 2 ? String(code) : hexCode(code);
}

function reason(code: number | undefined, level: ProtocolLevel, kind: 'CONNACK' | 'DISCONNECT' | 'other'): string {
  return code === undefined ? '' : ` ${hexCode(code)} ${reasonText(code, level, kind)}`;
}

/** One line for a packet read as `level`. */
export function summarize(p: MqttPacket, level: ProtocolLevel): string {
  const id = p.packetId !== undefined ? ` #${p.packetId}` : '';
  switch (p.type) {
    case 'CONNECT': {
      const c = p.connect;
      if (!c) return 'CONNECT';
      const user = c.username !== undefined ? ` · user ${c.username}` : '';
      const will = c.will ? ` · will ${c.will.topic}` : '';
      return `CONNECT ${c.clientId === '' ? '(no client id)' : c.clientId} · MQTT ${versionName(c.level)} · keep-alive ${c.keepAlive} s${c.cleanStart ? ' · clean' : ''}${user}${will}`;
    }
    case 'CONNACK':
      return `CONNACK${reason(p.reasonCode, level, 'CONNACK')}${p.sessionPresent ? ' · session present' : ''}`;
    case 'PUBLISH': {
      const flags = `${p.retain ? ' retain' : ''}${p.dup ? ' dup' : ''}`;
      const size = p.payload ? ` · ${byteSize(p.payload.length)}` : '';
      return `PUBLISH ${p.topic ?? ''} q${p.qos ?? 0}${flags}${size}`;
    }
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP':
      return `${p.type}${id}${p.reasonCode ? reason(p.reasonCode, level, 'other') : ''}`;
    case 'SUBSCRIBE':
      return `SUBSCRIBE${id} ${(p.subscriptions ?? []).map((s) => `${s.topic} q${s.qos}`).join(', ')}`;
    case 'SUBACK':
    case 'UNSUBACK':
      return `${p.type}${id}${p.reasonCodes ? ` [${p.reasonCodes.map((c) => listedCode(c, p.type)).join(', ')}]` : ''}`;
    case 'UNSUBSCRIBE':
      return `UNSUBSCRIBE${id} ${(p.topics ?? []).join(', ')}`;
    case 'DISCONNECT':
      return `DISCONNECT${p.reasonCode ? reason(p.reasonCode, level, 'DISCONNECT') : ''}`;
    case 'AUTH':
      return `AUTH${reason(p.reasonCode, level, 'other')}`;
    default:
      return p.type;
  }
}
