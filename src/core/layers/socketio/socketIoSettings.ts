// The Socket.IO layer's settings, as a session file's `connection.layer` or the connect command gives them.
import { SocketInspectorError } from '../../../../shared/errors';

export interface SocketIoSettings {
  /** The namespace connected first and emitted to by default ('/' when absent). */
  readonly namespace?: string;
  /** Further namespaces connected once the Engine.IO session opens. */
  readonly namespaces?: readonly string[];
  /** The CONNECT payload sent to every namespace: a JSON object, often holding a token (a secret). */
  readonly auth?: Readonly<Record<string, unknown>>;
  /** Answer Engine.IO pings with pongs (default true); off to watch a server's ping timeout. */
  readonly autoPong?: boolean;
  /** The server's Engine.IO path ('/socket.io/' by default), used when a socketio:// URL becomes a ws:// one. */
  readonly path?: string;
}

export const DEFAULT_SOCKET_IO_PATH = '/socket.io/';

const FIELDS = ['namespace', 'namespaces', 'auth', 'autoPong', 'path'];

function bad(message: string): SocketInspectorError {
  return new SocketInspectorError('BAD_SESSION', message);
}

/** Why a namespace is not one, or undefined. */
export function namespaceProblem(ns: string): string | undefined {
  if (!ns.startsWith('/')) return `a namespace starts with "/" (found ${JSON.stringify(ns)})`;
  if (ns.includes(',')) return `a namespace cannot contain "," (found ${JSON.stringify(ns)})`;
  return undefined;
}

/** Checks settings JSON; throws naming the field (`${path}.auth must be a JSON object`). */
export function parseSocketIoSettings(json: unknown, path: string): SocketIoSettings {
  if (json === undefined || json === null) return {};
  if (typeof json !== 'object' || Array.isArray(json)) throw bad(`${path} must be an object of Socket.IO settings`);
  const o = json as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'type' && !FIELDS.includes(key)) throw bad(`${path}.${key} is not a Socket.IO setting (${FIELDS.join(', ')})`);
  }
  const out: { -readonly [K in keyof SocketIoSettings]: SocketIoSettings[K] } = {};
  const checkNs = (value: unknown, where: string): string => {
    if (typeof value !== 'string') throw bad(`${where} must be a string such as "/chat"`);
    const problem = namespaceProblem(value);
    if (problem) throw bad(`${where}: ${problem}`);
    return value;
  };
  if (o.namespace !== undefined) out.namespace = checkNs(o.namespace, `${path}.namespace`);
  if (o.namespaces !== undefined) {
    if (!Array.isArray(o.namespaces)) throw bad(`${path}.namespaces must be an array of namespaces`);
    out.namespaces = o.namespaces.map((n, i) => checkNs(n, `${path}.namespaces[${i}]`));
  }
  if (o.auth !== undefined) {
    if (typeof o.auth !== 'object' || o.auth === null || Array.isArray(o.auth)) throw bad(`${path}.auth must be a JSON object (the CONNECT payload)`);
    out.auth = o.auth as Record<string, unknown>;
  }
  if (o.autoPong !== undefined) {
    if (typeof o.autoPong !== 'boolean') throw bad(`${path}.autoPong must be true or false`);
    out.autoPong = o.autoPong;
  }
  if (o.path !== undefined) {
    if (typeof o.path !== 'string' || !o.path.startsWith('/') || /[?#\s]/.test(o.path)) {
      throw bad(`${path}.path must be a URL path starting with "/", such as "/socket.io/"`);
    }
    out.path = o.path;
  }
  return out;
}

/** Every namespace the session connects at the start, the default first, each once. */
export function namespacesOf(settings: SocketIoSettings): string[] {
  return [...new Set([settings.namespace ?? '/', ...(settings.namespaces ?? [])])];
}
