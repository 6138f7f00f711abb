// The STOMP layer's settings, as a session file's `connection.layer` (minus `type`) or the connect
// command gives them, checked field by field.
import { SocketInspectorError } from '../../../../shared/errors';

export interface StompSettings {
  /** The virtual host, sent as CONNECT's `host` header. Default '/'. */
  readonly host?: string;
  readonly login?: string;
  /** A secret: kept in secret storage, never in a session file. */
  readonly passcode?: string;
  /**
   * CONNECT's heart-beat: [the least interval we can send at, the interval we want to hear from the
   * server at], in ms; 0 = not at all. Default [10000, 10000].
   */
  readonly heartBeat?: readonly [number, number];
  /** CONNECT's accept-version. Default '1.2,1.1,1.0'. */
  readonly acceptVersion?: string;
}

export const DEFAULT_HEART_BEAT: readonly [number, number] = [10_000, 10_000];
export const DEFAULT_ACCEPT_VERSION = '1.2,1.1,1.0';
export const DEFAULT_VIRTUAL_HOST = '/';

const FIELDS = ['host', 'login', 'passcode', 'heartBeat', 'acceptVersion'];
/** Longest heart-beat interval accepted: a day (setTimeout's own limit is about 24.8 days). */
const MAX_HEART_BEAT_MS = 86_400_000;

function bad(message: string): SocketInspectorError {
  return new SocketInspectorError('BAD_SESSION', message);
}

function text(o: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(`${path}.${key} must be a string`);
  if (/[\r\n]/.test(v)) throw bad(`${path}.${key} must be one line (CONNECT headers carry no line breaks)`);
  return v;
}

/** Checks settings JSON; throws a SocketInspectorError naming the field. */
export function parseStompSettings(json: unknown, path: string): StompSettings {
  if (json === undefined || json === null) return {};
  if (typeof json !== 'object' || Array.isArray(json)) throw bad(`${path} must be an object { host, login, passcode, heartBeat, acceptVersion }`);
  const o = json as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) throw bad(`${path}.${unknown} is not a STOMP setting (settings: ${FIELDS.join(', ')})`);
  const out: { -readonly [K in keyof StompSettings]: StompSettings[K] } = {};
  const host = text(o, 'host', path);
  if (host !== undefined) out.host = host;
  const login = text(o, 'login', path);
  if (login !== undefined) out.login = login;
  const passcode = text(o, 'passcode', path);
  if (passcode !== undefined) out.passcode = passcode;
  if (o.heartBeat !== undefined) {
    const hb = o.heartBeat;
    const ok = Array.isArray(hb) && hb.length === 2 && hb.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= MAX_HEART_BEAT_MS);
    if (!ok) throw bad(`${path}.heartBeat must be [outgoingMs, incomingMs]: two whole numbers from 0 (none) to ${MAX_HEART_BEAT_MS}`);
    out.heartBeat = [hb[0] as number, hb[1] as number];
  }
  const accept = text(o, 'acceptVersion', path);
  if (accept !== undefined) {
    if (!/^(1\.[012])(,1\.[012])*$/.test(accept)) throw bad(`${path}.acceptVersion must list versions such as "1.2,1.1,1.0"`);
    out.acceptVersion = accept;
  }
  return out;
}
