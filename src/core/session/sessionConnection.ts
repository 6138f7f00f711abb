// Turns a session's connection settings into the engine's connect options (filling in ${env:…} and
// secrets), and back, for saving the settings of a connection as a session.
import type { TcpOptions, TlsOptions, WebSocketOptions } from '../connection/connectionTypes';
import { parseTcpTarget, parseWebSocketUrl } from '../connection/connectionTarget';
import { SocketInspectorError } from '../../../shared/errors';
import { resolveKeyLogPath } from '../tls/keyLogPath';
import { type EnvRecord, type EnvUse, envNames, resolveEnv } from './sessionEnv';
import type {
  Mutable,
  PlainSessionHeader,
  SessionConnection,
  SessionHeader,
  SessionTls,
  TcpSessionConnection,
  WebSocketSessionConnection,
} from './sessionFormat';
import { isSecretHeader } from './sessionFormat';
import { type SecretStore, resolveSecrets } from './sessionSecrets';
import { headerValueProblem } from './sessionValidate';
import { offerLayerSubprotocols } from '../layers/layerRegistry';

/** Connect options made from a session, with the values that must not be written to a saved log. */
export type ResolvedConnection =
  | { readonly type: 'websocket'; readonly options: WebSocketOptions; readonly sensitive: readonly string[] }
  | { readonly type: 'tcp'; readonly options: TcpOptions; readonly sensitive: readonly string[] };

export interface ResolveContext {
  /** Environment for ${env:NAME}, normally process.env. */
  readonly env: EnvRecord;
  /** Where secret header values are; without it a secret header is an error. */
  readonly secrets?: SecretStore;
  /** The session file's folder: a relative tls.keyLogFile is taken from it. */
  readonly baseDir?: string;
  /** Leave out tls.keyLogFile (an untrusted workspace must not make us write files). */
  readonly ignoreKeyLog?: boolean;
}

function tlsOptions(tls: SessionTls, context: ResolveContext): TlsOptions {
  const out: TlsOptions = {};
  if (tls.servername !== undefined) out.servername = tls.servername;
  if (tls.allowSelfSigned !== undefined) out.allowSelfSigned = tls.allowSelfSigned;
  if (tls.ca !== undefined) out.ca = typeof tls.ca === 'string' ? tls.ca : [...tls.ca];
  if (tls.keyLogFile !== undefined && !context.ignoreKeyLog) {
    try {
      out.keyLogFile = resolveKeyLogPath(tls.keyLogFile, context.baseDir, 'connection.tls.keyLogFile');
    } catch (e) {
      throw new SocketInspectorError('BAD_SESSION', (e as Error).message);
    }
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * What a recorded handshake may reveal of the URL: env values other than the bare host or port, and,
 * when the URL came from the environment, its user, password and query values (tokens live there).
 */
function urlSensitive(url: URL, used: readonly EnvUse[]): string[] {
  if (used.length === 0) return [];
  const out: string[] = [];
  for (const { value } of used) {
    if (value === url.hostname || value === url.host || value === url.port) continue;
    out.push(value, encodeURIComponent(value));
  }
  if (url.username) out.push(url.username, safeDecode(url.username));
  if (url.password) out.push(url.password, safeDecode(url.password));
  for (const [, v] of url.searchParams) if (v) out.push(v, encodeURIComponent(v));
  return out;
}

async function resolveWebSocket(c: WebSocketSessionConnection, context: ResolveContext): Promise<ResolvedConnection> {
  const sensitive: string[] = [];
  const urlResolved = resolveEnv(c.url, context.env, 'connection.url');
  let url: URL;
  try {
    url = parseWebSocketUrl(urlResolved.value);
  } catch (e) {
    const filled = urlResolved.used.length > 0 ? ' (with ${env:…} filled in)' : '';
    throw new SocketInspectorError('BAD_SESSION', `connection.url${filled} is not a usable WebSocket URL: ${(e as Error).message}`);
  }
  sensitive.push(...urlSensitive(url, urlResolved.used));
  const options: WebSocketOptions = { url: url.href };
  if (c.headers && c.headers.length > 0) {
    const hasSecret = c.headers.some(isSecretHeader);
    if (hasSecret && !context.secrets) {
      throw new SocketInspectorError('BAD_SESSION', 'This session has secret header values, but no secret store is available to read them');
    }
    // Without secrets every header is plain already.
    const plain = hasSecret ? await resolveSecrets(c, context.secrets!, context.env) : (c.headers as PlainSessionHeader[]);
    const headers: Record<string, string> = {};
    plain.forEach((h, i) => {
      const wasSecret = isSecretHeader(c.headers![i]!);
      const where = `connection.headers[${i}].value ("${h.name}")`;
      let value: string;
      if (wasSecret) {
        value = h.value;
        sensitive.push(value);
      } else {
        const r = resolveEnv(h.value, context.env, where);
        value = r.value;
        for (const u of r.used) sensitive.push(u.value);
      }
      const problem = headerValueProblem(value);
      if (problem) {
        throw new SocketInspectorError('BAD_SESSION', `${where} ${wasSecret ? '(the stored secret) ' : '(with ${env:…} filled in) '}${problem}`);
      }
      headers[h.name] = value;
    });
    options.headers = headers;
  }
  if (c.protocols) options.protocols = [...c.protocols];
  if (c.perMessageDeflate !== undefined) options.perMessageDeflate = c.perMessageDeflate;
  if (c.handshakeTimeoutMs !== undefined) options.handshakeTimeoutMs = c.handshakeTimeoutMs;
  if (c.maxPayload !== undefined) options.maxPayload = c.maxPayload;
  if (c.tls) options.tls = tlsOptions(c.tls, context);
  // A layer that needs a subprotocol (STOMP, MQTT) gets it offered, unless the file names its own.
  return { type: 'websocket', options: offerLayerSubprotocols(options, c.layer?.type), sensitive: [...new Set(sensitive.filter((v) => v !== ''))] };
}

function resolveTcp(c: TcpSessionConnection, context: ResolveContext): ResolvedConnection {
  const { value: host } = resolveEnv(c.host, context.env, 'connection.host');
  if (typeof c.port === 'string') {
    throw new SocketInspectorError('BAD_SESSION', `connection.port is ${c.port}, a variable only a test run fills in (the port of a mock in its set-up)`);
  }
  let target;
  try {
    target = parseTcpTarget(`${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${c.port}`);
  } catch (e) {
    throw new SocketInspectorError('BAD_SESSION', `connection.host is not a usable host: ${(e as Error).message}`);
  }
  const options: TcpOptions = { host: target.host, port: target.port };
  if (c.tls !== undefined) options.tls = typeof c.tls === 'boolean' ? c.tls : tlsOptions(c.tls, context);
  if (c.connectTimeoutMs !== undefined) options.connectTimeoutMs = c.connectTimeoutMs;
  return { type: 'tcp', options, sensitive: [] };
}

/**
 * The connect options of a session's connection: ${env:NAME} filled in from `context.env`, secret
 * header values read from `context.secrets`. `sensitive` lists the values to redact from a log saved
 * later (pass it as `redact` to sessionLogFromEntryLog). Throws BAD_SESSION naming the field at fault.
 */
export async function resolveConnection(connection: SessionConnection, context: ResolveContext): Promise<ResolvedConnection> {
  return connection.type === 'websocket' ? resolveWebSocket(connection, context) : resolveTcp(connection, context);
}

/** Every ${env:NAME} a connection reads, by field, so the user can be told before connecting. */
export function connectionEnvUses(connection: SessionConnection): { path: string; names: string[] }[] {
  const out: { path: string; names: string[] }[] = [];
  const add = (path: string, text: string): void => {
    const names = envNames(text);
    if (names.length > 0) out.push({ path, names });
  };
  if (connection.type === 'websocket') {
    add('connection.url', connection.url);
    connection.headers?.forEach((h, i) => {
      if (!isSecretHeader(h)) add(`connection.headers[${i}].value`, h.value);
    });
  } else {
    add('connection.host', connection.host);
  }
  return out;
}

function sessionTls(tls: TlsOptions): SessionTls {
  const out: Mutable<SessionTls> = {};
  if (tls.servername !== undefined) out.servername = tls.servername;
  if (tls.allowSelfSigned !== undefined) out.allowSelfSigned = tls.allowSelfSigned;
  if (tls.ca !== undefined) out.ca = typeof tls.ca === 'string' ? tls.ca : [...tls.ca];
  if (tls.keyLogFile !== undefined) out.keyLogFile = tls.keyLogFile;
  return out;
}

/**
 * Session connection settings from connect options, values as given. Header values are written in
 * plain text: run extractSecrets on the session for the ones the user marks secret before saving.
 */
export function sessionConnectionFromOptions(
  options: { type: 'websocket'; options: WebSocketOptions } | { type: 'tcp'; options: TcpOptions },
): SessionConnection {
  if (options.type === 'websocket') {
    const o = options.options;
    const out: Mutable<WebSocketSessionConnection> = { type: 'websocket', url: o.url };
    if (o.headers && Object.keys(o.headers).length > 0) {
      out.headers = Object.entries(o.headers).map(([name, value]) => ({ name, value }));
    }
    if (o.protocols && o.protocols.length > 0) out.protocols = [...o.protocols];
    if (o.perMessageDeflate !== undefined) out.perMessageDeflate = o.perMessageDeflate;
    if (o.handshakeTimeoutMs !== undefined) out.handshakeTimeoutMs = o.handshakeTimeoutMs;
    if (o.maxPayload !== undefined) out.maxPayload = o.maxPayload;
    if (o.tls) out.tls = sessionTls(o.tls);
    return out;
  }
  const o = options.options;
  const out: { type: 'tcp'; host: string; port: number; tls?: boolean | SessionTls; connectTimeoutMs?: number } = {
    type: 'tcp',
    host: o.host,
    port: o.port,
  };
  if (o.tls !== undefined && o.tls !== false) out.tls = o.tls === true ? true : sessionTls(o.tls);
  if (o.connectTimeoutMs !== undefined) out.connectTimeoutMs = o.connectTimeoutMs;
  return out;
}
