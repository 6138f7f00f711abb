// The connect and disconnect commands: prompt when called without arguments, validate when called with
// an options object, open the inspector, and report failures as messages a person can act on.
import * as vscode from 'vscode';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import { tcpOptionsFrom, webSocketOptionsFrom } from '../../core/connection/connectOptions';
import type { Connection } from '../../core/connection/connectionTypes';
import { parseTcpTarget, parseWebSocketUrl } from '../../core/connection/connectionTarget';
import { createTcpConnection } from '../../core/connection/tcpConnection';
import { createWebSocketConnection } from '../../core/connection/wsConnection';
import { reportError } from '../errorReport';
import { redactCredentialsInText } from '../../core/export/credentialRedaction';
import { resolveCommandKeyLog, retentionFromSettings, withKeyLogSetting, withMessageLimitFromSettings } from '../settings';
import type { InspectorHost } from '../panels/inspectorHost';
import { sessionConnectionFromOptions, type SessionConnection } from '../../core/session';
import type { ConnectionState } from '../../../shared/logModel';
import type { InspectorSource } from '../panels/inspectorHost';
import { decodeOfChoice, promptTarget, speakOfOptions, type Speak } from './speakChoice';
import { offerLayerSubprotocols } from '../../core/layers';
import type { LayerId } from '../../../shared/decode/decoded';

/** What a connect command resolves to, so keybindings, tasks and tests can follow up. */
export interface ConnectResult {
  readonly id: string;
  readonly target: string;
  readonly state: ConnectionState;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Turns a validation function that throws into an input box validator that returns the message. */
export function validatorOf(parse: (input: string) => unknown): (value: string) => string | undefined {
  return (value) => {
    if (value.trim() === '') return undefined;
    try {
      parse(value.trim());
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
}

export function registerCommands(
  context: vscode.ExtensionContext,
  registry: ConnectionRegistry,
  host: InspectorHost,
  output: vscode.LogOutputChannel,
): void {
  /** Registers, shows and opens a connection; never throws — failures become messages and a result. */
  async function open(create: () => Connection, settings: SessionConnection, decode: InspectorSource['decode']): Promise<ConnectResult> {
    const connection = create();
    const id = registry.add(connection);
    // The panel first: a chosen protocol layer starts before the connection opens.
    host.show(id, { recreate: create, settings, ...(decode ? { decode } : {}) });
    // A password or token in the URL is not for the output channel.
    const target = redactCredentialsInText(connection.target);
    output.info(`[${id}] connecting to ${target}`);
    try {
      await connection.connect();
      output.info(`[${id}] open: ${target}`);
    } catch (e) {
      reportError(output, e, `[${id}] ${target}`);
    }
    const error = connection.lastError;
    return {
      id,
      target: connection.target,
      state: connection.state,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    };
  }

  /** Reports a bad argument the same way for every command. */
  const refuse = (e: unknown): undefined => reportError(output, e);

  /**
   * A connect command: prompts for a target when called without an argument, turns the argument or the
   * answer into options (a bad one is reported, nothing opens), then opens the connection.
   */
  function registerConnect(
    command: string,
    spec: {
      title: string;
      prompt: string;
      placeHolder: string;
      validate: (input: string) => unknown;
      /** `layer`: the protocol layer the connection will speak, when one was chosen (its subprotocols are offered). */
      connect: (input: unknown, layer: LayerId | undefined) => [create: () => Connection, settings: SessionConnection];
    },
  ): vscode.Disposable {
    return vscode.commands.registerCommand(command, async (arg?: unknown) => {
      let input: unknown = arg;
      let speak: Speak | undefined;
      if (input === undefined) {
        const typed = await promptTarget({ ...spec, validate: validatorOf(spec.validate) });
        if (typed === undefined) return undefined;
        ({ input, speak } = typed);
      }
      let opened: [() => Connection, SessionConnection];
      let decode: InspectorSource['decode'];
      try {
        speak ??= speakOfOptions(input);
        decode = decodeOfChoice(input, speak);
        opened = spec.connect(input, decode?.layer?.id);
      } catch (e) {
        return refuse(e);
      }
      return open(...opened, decode);
    });
  }

  context.subscriptions.push(
    registerConnect('socketInspector.connectWebSocket', {
      title: vscode.l10n.t('Connect WebSocket'),
      prompt: vscode.l10n.t('WebSocket URL (ws://, wss://, socketio:// or socketios://)'),
      placeHolder: 'ws://localhost:8080/',
      validate: parseWebSocketUrl,
      connect: (input, layer) => {
        const options = offerLayerSubprotocols(resolveCommandKeyLog(webSocketOptionsFrom(input)), layer);
        // The settings' key log and message limit are added per connect (a changed setting applies on
        // Reconnect) and are not part of the session settings a Save would write.
        return [
          () => createWebSocketConnection(withMessageLimitFromSettings(withKeyLogSetting(options)), retentionFromSettings()),
          sessionConnectionFromOptions({ type: 'websocket', options }),
        ];
      },
    }),

    registerConnect('socketInspector.connectTcp', {
      title: vscode.l10n.t('Connect TCP'),
      prompt: vscode.l10n.t('host:port, tcp://, tls://, mqtt:// or mqtts://host:port'),
      placeHolder: '127.0.0.1:6379',
      validate: parseTcpTarget,
      connect: (input) => {
        const options = resolveCommandKeyLog(tcpOptionsFrom(input));
        return [() => createTcpConnection(withKeyLogSetting(options), retentionFromSettings()), sessionConnectionFromOptions({ type: 'tcp', options })];
      },
    }),

    vscode.commands.registerCommand('socketInspector.disconnect', async (arg?: unknown) => {
      const id = await pickConnection(arg, vscode.l10n.t('Disconnect which connection?'));
      if (!id) return false;
      const connection = registry.get(id);
      if (!connection) return false;
      output.info(`[${id}] disconnecting from ${connection.target}`);
      connection.close();
      return true;
    }),
  );

  const pickConnection = connectionPicker(registry, host, refuse);
}

/**
 * Which connection a command means: the argument (an id, or an object with one), the active inspector,
 * the only candidate, or the user's pick. `liveOnly` limits candidates to open (or opening) connections.
 */
export function connectionPicker(
  registry: ConnectionRegistry,
  host: InspectorHost,
  refuse: (e: unknown) => undefined,
): (arg: unknown, title: string, options?: { liveOnly?: boolean }) => Promise<string | undefined> {
  return async (arg, title, { liveOnly = true } = {}) => {
    const explicit = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null ? (arg as { id?: unknown }).id : undefined;
    if (typeof explicit === 'string') {
      if (registry.get(explicit)) return explicit;
      refuse(new Error(vscode.l10n.t('No connection with id "{0}"', explicit)));
      return undefined;
    }
    const active = host.activeConnectionId();
    if (active && registry.get(active)) return active;
    const live = registry
      .list()
      .filter(({ connection }) => !liveOnly || connection.state === 'open' || connection.state === 'connecting');
    if (live.length === 0) {
      void vscode.window.showInformationMessage(
        liveOnly ? vscode.l10n.t('Socket Inspector: no connection is open.') : vscode.l10n.t('Socket Inspector: no connection is shown.'),
      );
      return undefined;
    }
    if (live.length === 1) return live[0]!.id;
    const picked = await vscode.window.showQuickPick(
      live.map(({ id, connection }) => ({ label: connection.target, description: `${id} · ${connection.state}`, id })),
      { title },
    );
    return picked?.id;
  };
}
