// The connection a test runs on: the session's settings with `${name}` and `${secret:ID}` filled in, then
// resolved (`${env:NAME}`, secret headers, TLS) and created by the same session and engine code the
// extension's Connect uses.
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
  } else add('connection.host', c.host);
  return out;
}

/** The settings with test variables filled in (`${env:…}` left for resolveConnection). */
export function fillConnection(c: SessionConnection, variables: Variables): SessionConnection {
  if (c.type === 'tcp') return { ...c, host: variables.fill(c.host, 'connection.host', true) };
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
