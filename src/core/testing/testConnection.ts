// The connection a test runs on: the session's settings with `${name}` and `${secret:ID}` filled in, then
// resolved (`${env:NAME}`, secret headers, TLS) and created by the same session and engine code the
// extension's Connect uses.
import { SocketInspectorError } from '../../../shared/errors';
import type { Connection, RetentionOptions } from '../connection/connectionTypes';
import { createTcpConnection } from '../connection/tcpConnection';
import { createWebSocketConnection } from '../connection/wsConnection';
import { resolveConnection, type ResolveContext } from '../session/sessionConnection';
import { isSecretHeader, type SessionConnection } from '../session/sessionFormat';
import type { Placeholder } from './testVariables';
import { placeholdersOf, type Variables } from './testVariables';

/** Every placeholder of the connection settings, with the field it is in. */
export function connectionPlaceholders(c: SessionConnection): { where: string; placeholder: Placeholder }[] {
  const out: { where: string; placeholder: Placeholder }[] = [];
  const add = (where: string, text: string) => {
    for (const placeholder of placeholdersOf(text, where)) if (placeholder.source !== 'env') out.push({ where, placeholder });
  };
  if (c.type === 'websocket') {
    add('connection.url', c.url);
    c.headers?.forEach((h, i) => !isSecretHeader(h) && add(`connection.headers[${i}].value`, h.value));
  } else {
    add('connection.host', c.host);
    if (typeof c.port === 'string') add('connection.port', c.port);
  }
  return out;
}

/** A port written as a variable ("${mock.port}"), filled in and checked. */
function fillPort(port: number | string, variables: Variables): number {
  if (typeof port === 'number') return port;
  const text = variables.fill(port, 'connection.port', true);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new SocketInspectorError('BAD_SESSION', `connection.port ${port} is "${text}", not a port 1–65535`);
  return n;
}

/** The settings with test variables filled in (`${env:…}` left for resolveConnection). */
export function fillConnection(c: SessionConnection, variables: Variables): SessionConnection {
  if (c.type === 'tcp') return { ...c, host: variables.fill(c.host, 'connection.host', true), port: fillPort(c.port, variables) };
  return {
    ...c,
    url: variables.fill(c.url, 'connection.url', true),
    ...(c.headers
      ? { headers: c.headers.map((h, i) => (isSecretHeader(h) ? h : { ...h, value: variables.fill(h.value, `connection.headers[${i}].value`, true) })) }
      : {}),
  };
}

/** A connection (not yet connected) for the settings, and the values that must not be written. */
export async function createTestConnection(
  settings: SessionConnection,
  variables: Variables,
  context: ResolveContext,
  retention?: RetentionOptions,
): Promise<{ connection: Connection; sensitive: readonly string[] }> {
  const resolved = await resolveConnection(fillConnection(settings, variables), context);
  const connection =
    resolved.type === 'websocket' ? createWebSocketConnection(resolved.options, retention) : createTcpConnection(resolved.options, retention);
  return { connection, sensitive: resolved.sensitive };
}
