// Listen TCP… and Listen WebSocket…: prompt for an address (or take one as the argument), bind, and
// open one inspector tab for the server, where every accepted client appears as a peer. A server that
// cannot bind opens no tab: the reason is shown instead. Disconnect and closing the tab stop it.
import * as vscode from 'vscode';
import { validatorOf } from './connectCommands';
import type { InspectorHost } from '../panels/inspectorHost';
import { retentionFromSettings, serverSettingsFromConfiguration, withMessageLimitFromSettings } from '../settings';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import type { ConnectionKind } from '../../core/connection/connectionTypes';
import { parseTcpTarget, parseWebSocketUrl } from '../../core/connection/connectionTarget';
import { proxyOptionsFrom, type ProxyCommandOptions } from '../../core/connection/connectOptions';
import { formatListenAddress, parseListenAddress, type ListenAddress } from '../../core/listen/listenAddress';
import { createTcpProxy, createWsProxy, type ProxySession, type WsProxyOptions } from '../../core/proxy';
import { createTcpListener } from '../../core/listen/tcpListener';
import { createWsListener } from '../../core/listen/wsListener';
import { listenerLimitsFrom, wsListenerSettingsFrom } from '../../core/listen/listenerSettings';
import { createServerConnection, type ServerConnection } from '../../core/connection/serverConnection';
import type { ServerSession } from '../../core/connection/serverTypes';
import { reportError } from '../errorReport';

/** What a listen command resolves to, so keybindings, tasks and tests can follow up. */
export interface ListenResult {
  /** The registry id of the server (absent when it could not bind). */
  readonly id?: string;
  readonly target: string;
  readonly state: string;
  /** The bound address; port 0 resolved to the real port. */
  readonly address?: { readonly host: string; readonly port: number };
  readonly error?: { readonly code: string; readonly message: string };
}

const DEFAULT_ADDRESS = '127.0.0.1:0';

/** The address a command argument names: "host:port", or an object with `address`. */
function addressArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { address?: unknown }).address === 'string') {
    return (arg as { address: string }).address;
  }
  return undefined;
}

/** The `{ listen, upstream }` a proxy command argument names; `undefined` fields are prompted for. */

/** What a proxy command's argument adds to the listen address and upstream. */
type ProxyExtras = Omit<ProxyCommandOptions, 'listen' | 'upstream'>;

export function registerServerCommands(
  context: vscode.ExtensionContext,
  registry: ConnectionRegistry,
  host: InspectorHost,
  output: vscode.LogOutputChannel,
): void {
  /** Binds, and only then registers and shows the server; never throws. */
  async function listen(create: (address: ListenAddress) => ServerSession, requested: ListenAddress): Promise<ListenResult> {
    let address = requested;
    const make = (): ServerConnection => {
      const next = createServerConnection(create(address));
      // "Listen again" binds the port this server got, so clients can come back to it.
      next.onDidChangeState(() => {
        if (next.server.address && requested.port === 0) address = { host: requested.host, port: next.server.address.port };
      });
      return next;
    };
    const connection = make();
    try {
      await connection.connect();
    } catch (e) {
      const target = connection.target;
      connection.dispose();
      reportError(output, e, target);
      const error = connection.lastError;
      return { target, state: 'error', ...(error ? { error: { code: error.code, message: error.message } } : {}) };
    }
    const id = registry.add(connection);
    host.show(id, { recreate: make });
    output.info(`[${id}] ${connection.target}`);
    const bound = connection.server.address;
    return { id, target: connection.target, state: connection.state, ...(bound ? { address: { host: bound.host, port: bound.port } } : {}) };
  }

  function registerListen(command: string, kind: ConnectionKind, title: string, create: (address: ListenAddress) => ServerSession): vscode.Disposable {
    return vscode.commands.registerCommand(command, async (arg?: unknown) => {
      let text = addressArgument(arg);
      if (arg !== undefined && text === undefined) {
        return reportError(output, new Error(vscode.l10n.t('{0} takes an address such as "{1}" or {2}', title, DEFAULT_ADDRESS, `{ address: "${DEFAULT_ADDRESS}" }`)));
      }
      if (text === undefined) {
        text = await vscode.window.showInputBox({
          title,
          prompt: vscode.l10n.t('Address to listen on: host:port, :port or port (127.0.0.1 unless you name another; port 0 picks a free one)'),
          value: DEFAULT_ADDRESS,
          // The port, so typing replaces it.
          valueSelection: [DEFAULT_ADDRESS.length - 1, DEFAULT_ADDRESS.length],
          placeHolder: '127.0.0.1:0, 9000, :9000, [::1]:9000',
          ignoreFocusOut: true,
          validateInput: validatorOf((input) => parseListenAddress(input, kind)),
        });
        if (text === undefined || text.trim() === '') return undefined;
      }
      let address: ListenAddress;
      try {
        address = parseListenAddress(text, kind);
      } catch (e) {
        return reportError(output, e);
      }
      return listen(create, address);
    });
  }

  /**
   * Proxy TCP…/Proxy WebSocket…: asks for the upstream, then where to listen (or takes `{ listen, upstream }`),
   * binds, and opens the tab like a listener.
   */
  function registerProxy(
    command: string,
    kind: ConnectionKind,
    title: string,
    upstreamHint: { prompt: string; placeHolder: string; parse: (input: string) => unknown },
    create: (listen: string, upstream: string, extra: ProxyExtras) => ProxySession,
  ): vscode.Disposable {
    return vscode.commands.registerCommand(command, async (arg?: unknown) => {
      let given: ProxyCommandOptions = {};
      if (arg !== undefined) {
        try {
          given = proxyOptionsFrom(arg, kind);
        } catch (e) {
          const example = `{ listen: "${DEFAULT_ADDRESS}", upstream: "${upstreamHint.placeHolder.split(',')[0]}" }`;
          return reportError(output, new Error(vscode.l10n.t('{0} takes {1}: {2}', title, example, e instanceof Error ? e.message : String(e))));
        }
      }
      let upstream = given?.upstream;
      if (upstream === undefined) {
        upstream = await vscode.window.showInputBox({
          title: vscode.l10n.t('{0}: upstream', title),
          prompt: upstreamHint.prompt,
          placeHolder: upstreamHint.placeHolder,
          ignoreFocusOut: true,
          validateInput: validatorOf(upstreamHint.parse),
        });
        if (upstream === undefined || upstream.trim() === '') return undefined;
      }
      let listenText = given?.listen;
      if (listenText === undefined) {
        listenText = await vscode.window.showInputBox({
          title: vscode.l10n.t('{0}: listen on', title),
          prompt: vscode.l10n.t('Local address clients connect to instead of {0} (port 0 picks a free one)', upstream.trim()),
          value: DEFAULT_ADDRESS,
          valueSelection: [DEFAULT_ADDRESS.length - 1, DEFAULT_ADDRESS.length],
          placeHolder: '127.0.0.1:0, 9000, :9000, [::1]:9000',
          ignoreFocusOut: true,
          validateInput: validatorOf((input) => parseListenAddress(input, kind)),
        });
        if (listenText === undefined || listenText.trim() === '') return undefined;
      }
      const upstreamText = upstream;
      const { listen: _listen, upstream: _upstream, ...extras } = given;
      let requested: ListenAddress;
      try {
        upstreamHint.parse(upstreamText);
        requested = parseListenAddress(listenText, kind);
        // Throws BAD_URL/BAD_PORT before anything binds.
        create(listenText, upstreamText, extras).dispose();
      } catch (e) {
        return reportError(output, e);
      }
      return listen((address) => create(formatListenAddress(address), upstreamText, extras), requested);
    });
  }

  context.subscriptions.push(
    registerProxy(
      'socketInspector.proxyTcp',
      'tcp',
      vscode.l10n.t('Proxy TCP'),
      {
        prompt: vscode.l10n.t('Upstream to forward to: host:port, tcp://host:port or tls://host:port'),
        placeHolder: 'tcp://127.0.0.1:6379, tls://example.com:443',
        parse: (input) => {
          if (/^\s*wss?:\/\//i.test(input)) throw new Error(vscode.l10n.t('Proxy TCP forwards to tcp:// or tls://; for a ws:// or wss:// upstream use Proxy WebSocket…'));
          return parseTcpTarget(input);
        },
      },
      // proxyOptionsFrom refuses headers for a TCP proxy, so the extras are TCP proxy options.
      (listenOn, upstream, extras) => createTcpProxy({ ...extras, listen: listenOn, upstream, retention: retentionFromSettings() }),
    ),
    registerProxy(
      'socketInspector.proxyWebSocket',
      'ws',
      vscode.l10n.t('Proxy WebSocket'),
      {
        prompt: vscode.l10n.t('Upstream WebSocket URL to forward to: ws://… or wss://… (the client\'s path is appended)'),
        placeHolder: 'ws://127.0.0.1:8080/, wss://example.com/socket',
        parse: (input) => {
          if (/^\s*(tcp|tls):\/\//i.test(input)) throw new Error(vscode.l10n.t('Proxy WebSocket forwards to ws:// or wss://; for a tcp:// or tls:// upstream use Proxy TCP…'));
          return parseWebSocketUrl(input);
        },
      },
      // The message size limit of the setting, unless the command's argument names its own maxPayload.
      (listenOn, upstream, extras) => createWsProxy(withMessageLimitFromSettings<WsProxyOptions>({ ...extras, listen: listenOn, upstream, retention: retentionFromSettings() })),
    ),
    registerListen('socketInspector.listenTcp', 'tcp', vscode.l10n.t('Listen TCP'), (address) =>
      createTcpListener({ address, retention: retentionFromSettings(), ...listenerLimitsFrom(serverSettingsFromConfiguration()) }),
    ),
    registerListen('socketInspector.listenWebSocket', 'ws', vscode.l10n.t('Listen WebSocket'), (address) =>
      createWsListener({ address, retention: retentionFromSettings(), ...wsListenerSettingsFrom(serverSettingsFromConfiguration()) }),
    ),
  );
}
