// Header values the user marks secret live in a secret store (VS Code's SecretStorage in the extension);
// the session file holds only a reference id. A stored value remembers the origin (scheme, host, port) it
// was saved for and is only handed out for that origin, so a session file edited to point elsewhere
// (a malicious change in a shared repository) cannot send the secret to another server. It remembers the
// TLS settings that decide which server may prove to be that origin (allowSelfSigned, ca, servername) as
// well: a file edited to accept any certificate would let any machine on the path pose as the origin.
import { createHash, randomUUID } from 'node:crypto';
import { parseWebSocketUrl } from '../connection/connectionTarget';
import { SocketInspectorError } from '../../../shared/errors';
import { type EnvRecord, resolveEnv } from './sessionEnv';
import {
  isSecretHeader,
  type PlainSessionHeader,
  type Session,
  type SessionHeader,
  type WebSocketSessionConnection,
} from './sessionFormat';

/** Where secret values are kept. VS Code's SecretStorage fits this interface as is. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** What the store holds for one reference. */
export interface StoredSecret {
  readonly value: string;
  /** URL origin the value may be sent to: "wss://api.example.com". */
  readonly origin: string;
  /** Digest of the TLS settings it was saved with (tlsBinding); absent for the default, full verification. */
  readonly tls?: string;
}

/** The store key of a reference id; all of this extension's session secrets share the prefix. */
export function secretKey(id: string): string {
  return `socketInspector.sessionSecret.${id}`;
}

/** A new reference id (random, so it says nothing about the value). */
export function newSecretId(): string {
  return randomUUID();
}

/** The origin secrets of this connection are bound to, from its URL with ${env:…} filled in. */
export function originOf(connection: WebSocketSessionConnection, env: EnvRecord): string {
  const { value } = resolveEnv(connection.url, env, 'connection.url');
  try {
    return parseWebSocketUrl(value).origin;
  } catch (e) {
    throw new SocketInspectorError('BAD_SESSION', `connection.url is not a usable WebSocket URL: ${(e as Error).message}`);
  }
}

/**
 * The TLS settings that decide which server can prove to be the origin, as a digest (the CA text is long
 * and need not be in the store twice); undefined for the default: the system's CAs, the URL's host name.
 */
export function tlsBinding(connection: WebSocketSessionConnection): string | undefined {
  const tls = connection.tls ?? {};
  const ca = tls.ca === undefined ? [] : typeof tls.ca === 'string' ? [tls.ca] : [...tls.ca];
  if (tls.allowSelfSigned !== true && ca.length === 0 && tls.servername === undefined) return undefined;
  const canonical = JSON.stringify({ allowSelfSigned: tls.allowSelfSigned === true, ca, servername: tls.servername ?? null });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The TLS settings of a connection in words, for the message that refuses a secret. */
export function tlsInWords(connection: WebSocketSessionConnection): string {
  const tls = connection.tls ?? {};
  const parts: string[] = [];
  if (tls.allowSelfSigned === true) parts.push('accepts any certificate (allowSelfSigned)');
  if (tls.ca !== undefined && tls.ca.length > 0) parts.push('trusts extra CA certificates (ca)');
  if (tls.servername !== undefined) parts.push(`checks the certificate for "${tls.servername}" (servername)`);
  return parts.length > 0 ? parts.join(', ') : 'verifies certificates as by default';
}

/** Reference ids a session uses. */
export function secretIds(session: Session): string[] {
  if (session.connection.type !== 'websocket') return [];
  return (session.connection.headers ?? []).filter(isSecretHeader).map((h) => h.secret);
}

export interface ExtractSecretsOptions {
  /** Environment for ${env:…} in the URL, which decides the origin the secrets are bound to. */
  readonly env: EnvRecord;
  /** The session as last saved: a header that had a reference keeps its id, so saves do not pile up secrets. */
  readonly previous?: Session;
  /** Makes reference ids (default random UUIDs). */
  readonly newId?: () => string;
}

/**
 * Moves the values of headers `isSecret` picks into `store` and returns the session with
 * `{ name, secret: id }` in their place, ready to be written. Headers that already hold a reference
 * are left as they are.
 */
export async function extractSecrets(
  session: Session,
  isSecret: (header: PlainSessionHeader, index: number) => boolean,
  store: SecretStore,
  options: ExtractSecretsOptions,
): Promise<Session> {
  const connection = session.connection;
  if (connection.type !== 'websocket' || !connection.headers) return session;
  const previousIds = new Map<string, string>();
  const previous = options.previous?.connection;
  if (previous?.type === 'websocket') {
    for (const h of previous.headers ?? []) if (isSecretHeader(h)) previousIds.set(h.name.toLowerCase(), h.secret);
  }
  let origin: string | undefined;
  const tls = tlsBinding(connection);
  const headers: SessionHeader[] = [];
  for (const [index, header] of connection.headers.entries()) {
    if (isSecretHeader(header) || !isSecret(header, index)) {
      headers.push(header);
      continue;
    }
    origin ??= originOf(connection, options.env);
    const id = previousIds.get(header.name.toLowerCase()) ?? (options.newId ?? newSecretId)();
    const stored: StoredSecret = { value: header.value, origin, ...(tls !== undefined ? { tls } : {}) };
    await store.store(secretKey(id), JSON.stringify(stored));
    // Unknown fields of the header are kept; only the value is replaced by the reference.
    const { value: _value, ...rest } = header;
    headers.push({ ...rest, secret: id });
  }
  return { ...session, connection: { ...connection, headers } };
}

export function readStored(text: string | undefined): StoredSecret | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    const s = v as StoredSecret | null;
    if (typeof s === 'object' && s !== null && typeof s.value === 'string' && typeof s.origin === 'string' && (s.tls === undefined || typeof s.tls === 'string')) {
      return v as StoredSecret;
    }
  } catch {
    // Not ours or damaged: treated as missing, the user enters the value again.
  }
  return undefined;
}

/**
 * The headers of a connection with every secret reference replaced by its stored value, for connecting
 * or for editing. Throws BAD_SESSION when a value is missing (asking the user to enter it again) or was
 * saved for another origin than the one the URL now points to, or with other TLS settings.
 */
export async function resolveSecrets(
  connection: WebSocketSessionConnection,
  store: SecretStore,
  env: EnvRecord,
): Promise<PlainSessionHeader[]> {
  const out: PlainSessionHeader[] = [];
  let origin: string | undefined;
  const tls = tlsBinding(connection);
  for (const header of connection.headers ?? []) {
    if (!isSecretHeader(header)) {
      out.push(header);
      continue;
    }
    const stored = readStored(await store.get(secretKey(header.secret)));
    if (!stored) {
      throw new SocketInspectorError(
        'BAD_SESSION',
        `The value of header "${header.name}" is a secret that is not stored on this machine (reference ${header.secret}). Enter it again in the session's connection settings.`,
      );
    }
    origin ??= originOf(connection, env);
    if (stored.origin !== origin) {
      throw new SocketInspectorError(
        'BAD_SESSION',
        `The secret value of header "${header.name}" was saved for ${stored.origin}, but this session now connects to ${origin}; it is not sent there. Enter the value again to use it with ${origin}.`,
      );
    }
    if (stored.tls !== tls) {
      throw new SocketInspectorError(
        'BAD_SESSION',
        `The secret value of header "${header.name}" was saved with other TLS settings than this session has now (it ${tlsInWords(connection)}); it is not sent with them. Enter the value again to use it with these settings.`,
      );
    }
    const { secret: _secret, ...rest } = header;
    out.push({ ...rest, value: stored.value });
  }
  return out;
}

/** Deletes the stored values of the given reference ids (e.g. those a save no longer uses). */
export async function forgetSecrets(ids: readonly string[], store: SecretStore): Promise<void> {
  for (const id of ids) await store.delete(secretKey(id));
}
