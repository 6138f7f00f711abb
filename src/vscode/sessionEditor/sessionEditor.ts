// Opens `*.socket-session.json` files in the inspector (a custom editor).
//
// Why a CustomReadonlyEditorProvider: with an editable custom editor or a CustomTextEditorProvider, VS
// Code's own Save would write the file (in place, from a text buffer), so it could not promise "temp file
// + rename" nor refuse to overwrite a file it could not parse. Read-only to VS Code, the file is written
// only by our Save Session commands, through saveSession (atomic, refusing an unparseable or changed
// file). "Reopen Editor With… Text Editor" still edits the JSON by hand.
import { sessionShown } from './sessionReveal';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { InspectorSource } from '../panels/inspectorHost';
import { retentionFromSettings, withMessageLimitFromSettings } from '../settings';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import type { Connection, TcpOptions, WebSocketOptions } from '../../core/connection/connectionTypes';
import { loadSessionFile, resolveConnection, type LoadedSession, type SecretStore } from '../../core/session';
import { createTcpConnection } from '../../core/connection/tcpConnection';
import { createWebSocketConnection } from '../../core/connection/wsConnection';
import type { PanelManager } from '../panels/panelManager';
import { RecordedConnection, sessionTarget } from '../../core/session/recordedConnection';
import { renderSessionErrorHtml } from './sessionErrorHtml';
import { envConfirmation, sessionPermissions } from '../../core/session/sessionPolicy';
import { applySessionView } from '../../panel/sessionView';
import { resolveLayerSettings } from '../../core/session/layerSecrets';
import { keyLogToConfirm, withoutKeyLog } from '../../core/tls/keyLogPath';

/** The custom editor's view type (package.json contributes.customEditors). */
export const SESSION_EDITOR_VIEW_TYPE = 'socketInspector.session';

/** A session file as opened: the parsed session, or why it could not be read. */
class SessionDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    readonly loaded: LoadedSession | undefined,
    readonly error: string | undefined,
  ) {}

  dispose(): void {
    // Holds no resources: the file was read whole.
  }
}

/** Loads a session file; never writes it. */
async function openDocument(uri: vscode.Uri): Promise<SessionDocument> {
  if (uri.scheme !== 'file') {
    return new SessionDocument(uri, undefined, `Cannot open session "${uri.toString()}": only files on disk can be opened as sessions.`);
  }
  try {
    return new SessionDocument(uri, await loadSessionFile(uri.fsPath), undefined);
  } catch (e) {
    return new SessionDocument(uri, undefined, e instanceof Error ? e.message : String(e));
  }
}

/** What the user already agreed to for one session tab, so Reconnect does not ask again. */
export interface SessionConfirmations {
  /** Reading the environment variables the session names. */
  env: boolean;
  /** The key log path outside the workspace the user agreed to (write) or declined (skip). */
  keyLog?: { readonly path: string; readonly write: boolean };
}

/**
 * Asks before a session file writes its TLS key log outside the workspace (or in an empty window): the
 * file may come from anyone and name any path. Returns the options to connect with (without the key log
 * when declined), or undefined when the user cancelled.
 */
async function confirmKeyLog<T extends WebSocketOptions | TcpOptions>(options: T, confirmed: SessionConfirmations): Promise<T | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const path = await keyLogToConfirm(options, folders);
  if (path === undefined) return options;
  if (confirmed.keyLog?.path !== path) {
    const writeIt = vscode.l10n.t('Write Key Log');
    const skip = vscode.l10n.t('Connect Without Key Log');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('This session writes the TLS secrets of its connection (a key log that decrypts the traffic) to {0}, which is outside the workspace. Write the key log there?', path),
      { modal: true },
      writeIt,
      skip,
    );
    if (answer !== writeIt && answer !== skip) return undefined;
    confirmed.keyLog = { path, write: answer === writeIt };
  }
  return confirmed.keyLog.write ? options : withoutKeyLog(options);
}

/** Makes the connection a session describes, after the confirmations trust, env use and key logs call for. */
export async function connectionFromSession(
  source: InspectorSource,
  secrets: SecretStore,
  confirmed: SessionConfirmations,
): Promise<Connection | undefined> {
  const session = source.file?.session;
  const settings = source.settings ?? session?.connection;
  if (!settings) return undefined;
  const permissions = sessionPermissions(vscode.workspace.isTrusted);
  const target = session ? sessionTarget({ ...session, connection: settings }) : settings.type;
  if (permissions.connectNeedsConfirmation) {
    const writesKeyLog = settings.tls && typeof settings.tls === 'object' && settings.tls.keyLogFile;
    const connect = vscode.l10n.t('Connect');
    const answer = await vscode.window.showWarningMessage(
      writesKeyLog
        ? vscode.l10n.t('This workspace is not trusted. Connect to {0}? Environment variables are not read and the TLS key log is not written in an untrusted workspace.', target)
        : vscode.l10n.t('This workspace is not trusted. Connect to {0}? Environment variables are not read in an untrusted workspace.', target),
      { modal: true },
      connect,
    );
    if (answer !== connect) return undefined;
  } else if (!confirmed.env && session) {
    const uses = envConfirmation({ ...session, connection: settings });
    if (uses) {
      const connect = vscode.l10n.t('Connect');
      const names = uses.names.join(', ');
      const fields = uses.fields.join(', ');
      const question =
        uses.names.length === 1
          ? vscode.l10n.t('This session reads the environment variable {0} (in {1}) and sends its value to the server. Connect?', names, fields)
          : vscode.l10n.t('This session reads the environment variables {0} (in {1}) and sends their values to the server. Connect?', names, fields);
      const answer = await vscode.window.showWarningMessage(question, { modal: true }, connect);
      if (answer !== connect) return undefined;
    }
    confirmed.env = true;
  }
  const resolved = await resolveConnection(settings, {
    env: permissions.canReadEnv ? process.env : {},
    secrets,
    // A relative key log path is taken from the session file's folder.
    ...(source.file ? { baseDir: dirname(source.file.uri.fsPath) } : {}),
    ignoreKeyLog: !permissions.canWriteKeyLog,
  });
  // Added to, never replaced: values marked secret at an earlier Save As stay out of every later save.
  source.sensitive = [...new Set([...(source.sensitive ?? []), ...resolved.sensitive])];
  if (resolved.type === 'websocket') {
    const options = await confirmKeyLog(resolved.options, confirmed);
    return options && createWebSocketConnection(withMessageLimitFromSettings(options), retentionFromSettings());
  }
  const options = await confirmKeyLog(resolved.options, confirmed);
  return options && createTcpConnection(options, retentionFromSettings());
}

export class SessionEditorProvider implements vscode.CustomReadonlyEditorProvider<SessionDocument> {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly panels: PanelManager,
    private readonly secrets: SecretStore,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  openCustomDocument(uri: vscode.Uri): Promise<SessionDocument> {
    return openDocument(uri);
  }

  resolveCustomEditor(document: SessionDocument, webviewPanel: vscode.WebviewPanel): void {
    if (!document.loaded) {
      this.showError(document, webviewPanel, document.error ?? 'Unknown error');
      return;
    }
    const { session, text, warnings } = document.loaded;
    for (const w of warnings) this.output.warn(`${document.uri.fsPath}: ${w.path}: ${w.message}`);
    const recorded = new RecordedConnection(session);
    const id = this.registry.add(recorded);
    const confirmed: SessionConfirmations = { env: false };
    const source: InspectorSource = {
      settings: session.connection,
      file: { uri: document.uri, text, session, readOnly: !sessionPermissions(vscode.workspace.isTrusted).canSave },
    };
    // eslint-disable-next-line prefer-const
    let entry: ReturnType<PanelManager['adopt']>;
    source.recreate = async () => {
      // The layer starts on the new connection with its settings, secrets filled in from the store
      // (resolved first: a missing secret stops the reconnect before a connection exists).
      const layer = source.settings ? await resolveLayerSettings(source.settings, this.secrets, process.env) : undefined;
      const connection = await connectionFromSession(source, this.secrets, confirmed);
      if (connection) entry?.panel.controller.setLayerSettings(layer);
      return connection;
    };
    entry = this.panels.adopt(id, webviewPanel, source);
    if (!entry) return;
    const shown = sessionShown(document.uri, entry.panel.controller);
    webviewPanel.onDidDispose(() => shown.dispose());
    const lists = entry.panel.controller.composerLists;
    for (const m of session.messages ?? []) {
      try {
        lists.save(m.name ?? '', { format: m.format, input: m.body, escapes: m.escapes ?? false });
      } catch (e) {
        this.output.warn(`${document.uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
        break;
      }
    }
    entry.panel.controller.notifyComposerLists();
    applySessionView(entry.panel.controller, session.view, (problem) => this.output.warn(`${document.uri.fsPath}: ${problem}`), session.connection);
    this.output.info(`[${id}] opened session ${document.uri.fsPath}`);
  }

  private showError(document: SessionDocument, webviewPanel: vscode.WebviewPanel, message: string): void {
    this.output.error(message);
    webviewPanel.webview.options = { enableScripts: true, localResourceRoots: [] };
    webviewPanel.webview.html = renderSessionErrorHtml({
      cspSource: webviewPanel.webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      message,
    });
    const subscription = webviewPanel.webview.onDidReceiveMessage((m: unknown) => {
      if ((m as { type?: unknown } | null)?.type === 'reopenAsText') {
        void vscode.commands.executeCommand('vscode.openWith', document.uri, 'default', webviewPanel.viewColumn);
      }
    });
    webviewPanel.onDidDispose(() => subscription.dispose());
  }
}

/** Registers the custom editor for session files. */
export function registerSessionEditor(
  context: vscode.ExtensionContext,
  registry: ConnectionRegistry,
  panels: PanelManager,
  output: vscode.LogOutputChannel,
): void {
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(
      SESSION_EDITOR_VIEW_TYPE,
      new SessionEditorProvider(registry, panels, context.secrets, output),
      { supportsMultipleEditorsPerDocument: true },
    ),
  );
}
