// The MQTT layer's settings (a session file's `connection.layer`, the connect command's options), checked
// field by field. MQTT 5 is the default: every current broker speaks it, and its CONNACK and
// acknowledgements carry reason codes and reason strings, which is what a person debugging wants to see;
// 3.1.1 is one setting away for older brokers.
import { SocketInspectorError } from '../../../../shared/errors';
import type { ProtocolLevel } from './mqttPacket';

export interface MqttWillSettings {
  readonly topic: string;
  /** UTF-8 text. */
  readonly payload: string;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
}

export interface MqttSettings {
  readonly version: '3.1.1' | '5';
  /** Empty or absent: a generated `si-…` id (3.1.1 brokers may refuse an empty one). */
  readonly clientId?: string;
  readonly username?: string;
  /** A secret: kept in secret storage. */
  readonly password?: string;
  readonly keepAliveSeconds: number;
  readonly cleanStart: boolean;
  /** Send PINGREQ every keep-alive interval; off to test the broker's keep-alive timeout. */
  readonly autoKeepAlive: boolean;
  readonly will?: MqttWillSettings;
}

export const DEFAULT_MQTT_SETTINGS: MqttSettings = { version: '5', keepAliveSeconds: 60, cleanStart: true, autoKeepAlive: true };

function fail(message: string): SocketInspectorError {
  return new SocketInspectorError('BAD_SESSION', message);
}

function optionalText(o: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw fail(`${path}.${key} must be text`);
  return v;
}

function optionalBool(o: Record<string, unknown>, key: string, path: string, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw fail(`${path}.${key} must be true or false`);
  return v;
}

function qos(v: unknown, where: string): 0 | 1 | 2 {
  if (v === undefined) return 0;
  if (v !== 0 && v !== 1 && v !== 2) throw fail(`${where} must be 0, 1 or 2`);
  return v;
}

/** Checks settings JSON; throws a SocketInspectorError naming the field. */
export function parseMqttSettings(json: unknown, path: string): MqttSettings {
  if (json === undefined || json === null) return DEFAULT_MQTT_SETTINGS;
  if (typeof json !== 'object' || Array.isArray(json)) throw fail(`${path} must be an object`);
  const o = json as Record<string, unknown>;
  const known = ['type', 'version', 'clientId', 'username', 'password', 'keepAliveSeconds', 'cleanStart', 'autoKeepAlive', 'will'];
  const extra = Object.keys(o).find((k) => !known.includes(k));
  if (extra) throw fail(`${path}.${extra} is not an MQTT setting (${known.slice(1).join(', ')})`);
  const version = o.version ?? '5';
  if (version !== '3.1.1' && version !== '5') throw fail(`${path}.version must be "3.1.1" or "5"`);
  const keepAlive = o.keepAliveSeconds ?? 60;
  if (typeof keepAlive !== 'number' || !Number.isInteger(keepAlive) || keepAlive < 0 || keepAlive > 65535) {
    throw fail(`${path}.keepAliveSeconds must be a whole number of seconds from 0 (off) to 65535`);
  }
  let will: MqttWillSettings | undefined;
  if (o.will !== undefined) {
    const w = o.will;
    if (typeof w !== 'object' || w === null || Array.isArray(w)) throw fail(`${path}.will must be an object with topic and payload`);
    const wo = w as Record<string, unknown>;
    const topic = optionalText(wo, 'topic', `${path}.will`);
    if (!topic) throw fail(`${path}.will.topic must be non-empty text`);
    will = { topic, payload: optionalText(wo, 'payload', `${path}.will`) ?? '', qos: qos(wo.qos, `${path}.will.qos`), retain: optionalBool(wo, 'retain', `${path}.will`, false) };
  }
  const clientId = optionalText(o, 'clientId', path);
  const username = optionalText(o, 'username', path);
  const password = optionalText(o, 'password', path);
  return {
    version,
    keepAliveSeconds: keepAlive,
    cleanStart: optionalBool(o, 'cleanStart', path, true),
    autoKeepAlive: optionalBool(o, 'autoKeepAlive', path, true),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(will ? { will } : {}),
  };
}

/** The protocol level settings ask for; undefined when they are not MQTT settings. */
export function levelOfSettings(settings: unknown): ProtocolLevel | undefined {
  const v = typeof settings === 'object' && settings !== null ? (settings as { version?: unknown }).version : undefined;
  return v === '5' ? 5 : v === '3.1.1' ? 4 : undefined;
}
