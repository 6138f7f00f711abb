// What Save and Save As write for an inspector, without VS Code: the session of its settings, composer
// messages, view and log, and what must stay out of the file. The redaction list lives with the inspector
// (SessionSaveState.sensitive) and only grows: a header value marked secret at one Save As is still
// redacted from the logged handshake by every later Save, even though the settings then hold only a
// reference and no longer know the value.
import type { EntryLog } from '../log/entryLog';
import type { EnvRecord } from './sessionEnv';
import {
  SESSION_FORMAT_VERSION,
  isSecretHeader,
  type PlainSessionHeader,
  type Session,
  type SessionConnection,
  type SessionLayer,
  type SessionMessage,
  type SessionView,
} from './sessionFormat';
import { sessionLogFromEntryLog } from './sessionLog';
import { type SecretStore, extractSecrets } from './sessionSecrets';

/** What an inspector keeps between saves. */
export interface SessionSaveState {
  /** Connection settings as a session file holds them (placeholders and secret references kept). */
  readonly settings: SessionConnection;
  /** Values never written to a file: secret header values and values read from the environment. */
  readonly sensitive?: readonly string[];
  /** The session last read from or written to the inspector's file: its unknown fields and secret ids are kept. */
  readonly previous?: Session;
}

/** What the inspector shows now, to be saved. */
export interface SessionContent {
  /** Saved composer messages, in order. */
  readonly messages: readonly SessionMessage[];
  /** The panel's view (framing, pairing field), undefined when it has none. */
  readonly view?: SessionView;
  /** The log to store with the session; undefined to store none. */
  readonly log?: EntryLog;
  /** The save time (default now). */
  readonly now?: Date;
  /** The protocol layer chosen in the panel (`connection.layer`); null: none; absent: as in the settings. */
  readonly layer?: SessionLayer | null;
}

/** The connection settings with the panel's layer choice (see SessionContent.layer). */
function withLayer(settings: SessionConnection, layer: SessionLayer | null | undefined): SessionConnection {
  if (layer === undefined) return settings;
  const { layer: _old, ...rest } = settings;
  return (layer === null ? rest : { ...rest, layer }) as SessionConnection;
}

/** The session a Save writes: the settings, messages, view and (redacted) log over the old file's unknown fields. */
export function sessionToSave(state: SessionSaveState, content: SessionContent): Session {
  // Unknown fields of the file the session came from are kept; the rest is replaced.
  const { messages: _m, log: _l, connection: _c, version: _v, view: _view, ...rest } = (state.previous ?? {}) as Partial<Session>;
  const log =
    content.log && content.log.size > 0
      ? sessionLogFromEntryLog(content.log, { redact: state.sensitive ?? [], ...(content.now ? { now: content.now } : {}) })
      : undefined;
  return {
    ...rest,
    version: SESSION_FORMAT_VERSION,
    connection: withLayer(state.settings, content.layer),
    ...(content.view ? { view: content.view } : {}),
    ...(content.messages.length > 0 ? { messages: content.messages } : {}),
    ...(log ? { log } : {}),
  };
}

/** Headers whose values Save As may move to the secret store: the plain ones of a WebSocket connection. */
export function secretHeaderCandidates(settings: SessionConnection | undefined): PlainSessionHeader[] {
  return settings?.type === 'websocket' ? (settings.headers ?? []).filter((h): h is PlainSessionHeader => !isSecretHeader(h)) : [];
}

export interface SaveAsOptions {
  /** Names (any case) of the headers whose values go to the secret store. */
  readonly secretHeaders: Iterable<string>;
  readonly store: SecretStore;
  /** Environment for ${env:…} in the URL, which decides the origin secrets are bound to. */
  readonly env: EnvRecord;
}

/** What a Save As writes and what the inspector keeps for the next save. */
export interface SaveAsResult {
  readonly session: Session;
  /** The settings from now on: marked headers hold a reference instead of the value. */
  readonly settings: SessionConnection;
  /** The redaction list from now on: the old one and the values just marked secret. */
  readonly sensitive: readonly string[];
}

/** Save As: moves the marked header values into the store and redacts them (and all known secrets) from the log. */
export async function sessionToSaveAs(state: SessionSaveState, content: SessionContent, options: SaveAsOptions): Promise<SaveAsResult> {
  const names = new Set([...options.secretHeaders].map((n) => n.toLowerCase()));
  const marked = secretHeaderCandidates(state.settings).filter((h) => names.has(h.name.toLowerCase()));
  const sensitive = [...new Set([...(state.sensitive ?? []), ...marked.map((h) => h.value)].filter((v) => v !== ''))];
  let session = sessionToSave({ ...state, sensitive }, content);
  if (marked.length > 0) {
    session = await extractSecrets(session, (h) => names.has(h.name.toLowerCase()), options.store, {
      env: options.env,
      ...(state.previous ? { previous: state.previous } : {}),
    });
  }
  return { session, settings: session.connection, sensitive };
}
