// A server file made live: the listener, proxy or mock it describes, with its auto-replies and hold
// settings applied (not yet bound: the caller starts it, as the Listen and Proxy commands do). And the
// other way: the file that describes a running server, for Save and Save As.
import { Disposable, type IDisposable } from '../base/dispose';
import { createServerConnection, type ServerConnection } from '../connection/serverConnection';
import type { ServerSession } from '../connection/serverTypes';
import type { FramerSpecJson } from '../../../shared/framerSpec';
import { AutoResponder } from '../listen/autoResponder';
import { parseListenAddress, formatListenAddress } from '../listen/listenAddress';
import type { ListenerOptions } from '../listen/listenerSession';
import { createTcpListener } from '../listen/tcpListener';
import { createWsListener, type WsListenerOptions } from '../listen/wsListener';
import { loadMockScript } from '../mock/mockLoad';
import { createMockServer } from '../mock/mockServer';
import { readMockFallback, readMockStrategy } from '../mock/mockSettings';
import { createTcpProxy, createWsProxy, isProxySession, type ProxyOptions } from '../proxy';
import type { SessionLayer } from '../session/sessionFormat';
import { autoRepliesToFile, autoReplyRulesOf, SERVER_FILE_VERSION, type ServerFile } from './serverFileFormat';

/** What a server file starts: the server session, and what it owns besides (auto-replies, a mock). */
export interface StartedServerFile extends IDisposable {
  readonly session: ServerSession;
  /** The listener's auto-replies (absent without rules, for a proxy and for a mock). */
  readonly responder?: AutoResponder;
  /** The layer the file names, for the panel to read the log with. */
  readonly layer?: SessionLayer;
}

/** Settings of the user's (socketInspector.listen.*) that the file does not hold. */
export type ServerFileLimits = Omit<WsListenerOptions, 'address'> & Omit<ListenerOptions, 'address'> & Pick<ProxyOptions, 'retention'>;

class Started extends Disposable implements StartedServerFile {
  constructor(
    readonly session: ServerSession,
    readonly responder: AutoResponder | undefined,
    readonly layer: SessionLayer | undefined,
    owned: IDisposable[],
  ) {
    super();
    // The responder and the mock go before the session they watch.
    for (const d of owned) this.register(d);
  }
}

/** Makes the server a file describes (call session.start() to bind). A mock's recording is read from `baseDir`. */
export async function createServerFromFile(file: ServerFile, baseDir: string | undefined, limits: ServerFileLimits = {}): Promise<StartedServerFile> {
  const kind = file.type === 'websocket' ? 'ws' : 'tcp';
  if (file.mode === 'proxy') {
    const startPaused = file.hold?.startPaused;
    const options = {
      listen: file.listen,
      upstream: file.upstream!,
      ...(limits.retention ? { retention: limits.retention } : {}),
      ...(file.hold?.maxMessages !== undefined || file.hold?.maxBytes !== undefined
        ? { hold: { ...(file.hold.maxMessages !== undefined ? { maxMessages: file.hold.maxMessages } : {}), ...(file.hold.maxBytes !== undefined ? { maxBytes: file.hold.maxBytes } : {}) } }
        : {}),
      ...(startPaused ? { startPaused } : {}),
    };
    const session = kind === 'ws' ? createWsProxy(options) : createTcpProxy(options);
    return new Started(session, undefined, file.layer, [session]);
  }
  const address = parseListenAddress(file.listen, kind);
  if (file.mock) {
    const script = await loadMockScript(file.mock.session, baseDir);
    const strategy = file.mock.strategy === undefined ? { type: 'exact' as const } : readMockStrategy(file.mock.strategy, 'mock.strategy', []);
    const fallback = file.mock.fallback === undefined ? undefined : readMockFallback(file.mock.fallback, 'mock.fallback', []);
    const mock = createMockServer(script, { strategy, address, listener: limits, ...(fallback ? { fallback } : {}) });
    return new Started(mock.session, undefined, file.layer, [mock]);
  }
  const session = kind === 'ws' ? createWsListener({ ...limits, address }) : createTcpListener({ ...limits, address });
  const rules = autoReplyRulesOf(file);
  const responder = rules.length > 0 ? new AutoResponder(session) : undefined;
  responder?.setRules(rules);
  return new Started(session, responder, file.layer, responder ? [responder, session] : [session]);
}

/**
 * What Start Server from File opens: the file's server as a Connection (not yet started). Its auto-reply
 * rules go to the panel, which owns them, so no second responder runs; the panel applies the file's layer
 * and framing (src/panel/serverFileView.ts).
 */
export async function serverConnectionFromFile(file: ServerFile, baseDir: string | undefined, limits: ServerFileLimits = {}): Promise<ServerConnection> {
  const started = await createServerFromFile({ ...file, autoReplies: [] }, baseDir, limits);
  const connection = createServerConnection(started.session);
  connection.autoReplyRules = autoReplyRulesOf(file);
  connection.owned.push(started);
  return connection;
}

/** The file that starts `session` again: its address (the port it got, when it asked for any), rules, hold settings. */
export function serverFileOf(
  session: ServerSession,
  extras: { readonly name?: string; readonly rules?: Parameters<typeof autoRepliesToFile>[0]; readonly layer?: SessionLayer; readonly framing?: FramerSpecJson; readonly upstream?: string } = {},
): ServerFile {
  const type = session.kind === 'ws' ? 'websocket' : 'tcp';
  const asked = /^[a-z]+:\/\/([^ ]+)/.exec(session.target)?.[1] ?? '127.0.0.1:0';
  const bound = session.address;
  // A server that asked for any port is saved with the port it got, so clients can come back to it.
  const listen = bound && /:0$/.test(asked) ? formatListenAddress({ host: bound.host, port: bound.port }) : asked;
  const base = { version: SERVER_FILE_VERSION, ...(extras.name ? { name: extras.name } : {}), type, listen } as const;
  // Written in the format's field order (SERVER_FILE_FIELDS): upstream, layer, framing, then the rest.
  const reading = { ...(extras.layer ? { layer: extras.layer } : {}), ...(type === 'tcp' && extras.framing ? { framing: extras.framing } : {}) };
  if (isProxySession(session)) {
    const paused = session.paused;
    return {
      ...base,
      mode: 'proxy',
      upstream: extras.upstream ?? session.upstream,
      ...reading,
      ...(paused.toServer || paused.toClient ? { hold: { startPaused: { toServer: paused.toServer, toClient: paused.toClient } } } : {}),
    };
  }
  const rules = extras.rules ?? [];
  return { ...base, mode: 'listen', ...reading, ...(rules.length > 0 ? { autoReplies: autoRepliesToFile(rules) } : {}) };
}

/** A server file as text, with the schema pointer first. */
export function serverFileText(file: ServerFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
