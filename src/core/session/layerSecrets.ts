// The secret settings of a protocol layer (an MQTT password, a Socket.IO auth token: the layer's
// secretFields) live in the secret store like secret header values (sessionSecrets.ts): the file holds
// `{ "secret": id }`, and a stored value is handed out only for the origin and TLS settings it was saved
// with. Every save moves them out of the file; they are never written in the clear.
import { SocketInspectorError } from '../../../shared/errors';
import type { LayerChoice } from '../layers/layerAttachment';
import { layerFactory } from '../layers';
import { type EnvRecord, resolveEnv } from './sessionEnv';
import { layerSettingsJson } from './sessionDecodeValidate';
import { isSecretLayerValue, type Session, type SessionConnection, type SessionLayer } from './sessionFormat';
import { newSecretId, originOf, readStored, secretKey, tlsBinding, tlsInWords, type SecretStore, type StoredSecret } from './sessionSecrets';

/** The origin a layer's secrets are bound to: the WebSocket URL's, or tcp:// / tls:// with host and port. */
function layerOrigin(connection: SessionConnection, env: EnvRecord): string {
  if (connection.type === 'websocket') return originOf(connection, env);
  const host = resolveEnv(connection.host, env, 'connection.host').value.toLowerCase();
  return `${connection.tls ? 'tls' : 'tcp'}://${host.includes(':') ? `[${host}]` : host}:${connection.port}`;
}

/** The TLS settings that decide which server may prove to be the origin (see tlsBinding). */
function layerTls(connection: SessionConnection): string | undefined {
  const tls = typeof connection.tls === 'object' ? connection.tls : undefined;
  return tlsBinding({ type: 'websocket', url: '', ...(tls ? { tls } : {}) });
}

/** Reference ids the layer of a session uses. */
export function layerSecretIds(session: Session): string[] {
  return Object.values(session.connection.layer ?? {}).filter(isSecretLayerValue).map((v) => v.secret);
}

/** The names of the layer's secret settings (none when the layer is not built in). */
function secretFieldsOf(layer: SessionLayer): readonly string[] {
  return layerFactory(layer.type)?.secretFields ?? [];
}

/**
 * Moves the values of the layer's secret fields into `store`; the returned session holds references
 * (an id the previous save used for that field is kept, so saves do not pile up secrets).
 */
export async function extractLayerSecrets(
  session: Session,
  store: SecretStore,
  options: { readonly env: EnvRecord; readonly previous?: Session; readonly newId?: () => string },
): Promise<Session> {
  const layer = session.connection.layer;
  if (!layer) return session;
  const previous = options.previous?.connection.layer;
  let out: Record<string, unknown> | undefined;
  for (const field of secretFieldsOf(layer)) {
    const value = layer[field];
    if (value === undefined || isSecretLayerValue(value)) continue;
    const old = previous?.type === layer.type ? previous[field] : undefined;
    const id = isSecretLayerValue(old) ? old.secret : (options.newId ?? newSecretId)();
    const tls = layerTls(session.connection);
    const stored: StoredSecret = { value: typeof value === 'string' ? value : JSON.stringify(value), origin: layerOrigin(session.connection, options.env), ...(tls !== undefined ? { tls } : {}) };
    await store.store(secretKey(id), JSON.stringify(stored));
    out ??= { ...layer };
    out[field] = { secret: id };
  }
  return out ? { ...session, connection: { ...session.connection, layer: out as SessionLayer } } : session;
}

/**
 * The layer of a connection, ready to start: its settings with every secret reference replaced by the
 * stored value and checked by the layer. Throws BAD_SESSION when a value is missing or was saved for
 * another origin or other TLS settings; undefined when the layer is not built in.
 */
export async function resolveLayerSettings(connection: SessionConnection, store: SecretStore, env: EnvRecord): Promise<LayerChoice | undefined> {
  const layer = connection.layer;
  if (!layer) return undefined;
  const factory = layerFactory(layer.type);
  if (!factory) return undefined;
  const json = layerSettingsJson(layer);
  for (const [field, ref] of Object.entries(layer)) {
    if (!isSecretLayerValue(ref)) continue;
    const stored = readStored(await store.get(secretKey(ref.secret)));
    const where = `connection.layer.${field}`;
    if (!stored) throw new SocketInspectorError('BAD_SESSION', `The value of ${where} is a secret that is not stored on this machine (reference ${ref.secret}). Enter it again in the session's connection settings.`);
    const origin = layerOrigin(connection, env);
    if (stored.origin !== origin) {
      throw new SocketInspectorError('BAD_SESSION', `The secret value of ${where} was saved for ${stored.origin}, but this session now connects to ${origin}; it is not sent there.`);
    }
    if (stored.tls !== layerTls(connection)) {
      const tls = typeof connection.tls === 'object' ? connection.tls : undefined;
      throw new SocketInspectorError('BAD_SESSION', `The secret value of ${where} was saved with other TLS settings than this session has now (it ${tlsInWords({ type: 'websocket', url: '', ...(tls ? { tls } : {}) })}); it is not sent with them.`);
    }
    json[field] = stored.value;
  }
  return { id: layer.type, settings: factory.parseSettings(json, 'connection.layer') };
}
