// Listener and proxy files (*.socket-server.json) and Serve as Mock:
//   Serve as Mock…         a recorded session file served as a listener (pick how requests are matched);
//   Start Server from File… a server file started with its settings; opening one in an editor offers it;
//   Save Server / Save Server As…  the active listener or proxy tab written as a server file (Save: to the
//                          file it started from or was last saved to).
// Each server opens in an inspector tab like Listen…/Proxy…; the core work is in src/core/mock and
// src/core/serverFile.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { PanelManager } from '../panels/panelManager';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import { createServerConnection, serverOf, type ServerConnection } from '../../core/connection/serverConnection';
import type { ServerFile } from '../../core/serverFile/serverFileFormat';
import { createMockServer, loadMockScript, readMockStrategy, type MockStrategy } from '../../core/mock';
import { SERVER_FILE_SUFFIX } from '../../core/serverFile/serverFileFormat';
import { parseServerFile } from '../../core/serverFile/serverFileParse';
import { serverConnectionFromFile, serverFileOf, serverFileText } from '../../core/serverFile/serverFileStart';
import { applyServerFileView, serverFileViewOf } from '../../panel/serverFileView';
import { listenerLimitsFrom, wsListenerSettingsFrom } from '../../core/listen/listenerSettings';
import { retentionFromSettings, serverSettingsFromConfiguration } from '../settings';
import { reportError } from '../errorReport';

/** The file a command was given: a Uri, a tree node or explorer item with `uri`/`resourceUri`, else the active editor's. */
function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const o = arg as { uri?: unknown; resourceUri?: unknown } | undefined;
  if (o?.uri instanceof vscode.Uri) return o.uri;
  if (o?.resourceUri instanceof vscode.Uri) return o.resourceUri;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: unknown } | undefined;
  return tab?.uri instanceof vscode.Uri ? tab.uri : vscode.window.activeTextEditor?.document.uri;
}

async function pickStrategy(): Promise<MockStrategy | undefined> {
  const items: Array<vscode.QuickPickItem & { type: MockStrategy['type'] }> = [
    { type: 'exact', label: vscode.l10n.t('By exact payload'), detail: vscode.l10n.t('A request gets the replies recorded for the same bytes') },
    { type: 'inOrder', label: vscode.l10n.t('In order'), detail: vscode.l10n.t('The n-th request gets the n-th recorded replies, whatever it holds') },
    { type: 'jsonField', label: vscode.l10n.t('By a JSON field…'), detail: vscode.l10n.t('A request gets the replies recorded for the same value at a path, e.g. id') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Serve as Mock: match requests'), ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.type !== 'jsonField') return { type: picked.type };
  const path = await vscode.window.showInputBox({ title: vscode.l10n.t('Serve as Mock: JSON field'), prompt: vscode.l10n.t('The JSON field path requests are matched by'), value: 'id', ignoreFocusOut: true });
  return path ? { type: 'jsonField', path } : undefined;
}

export function registerServerFileCommands(context: vscode.ExtensionContext, registry: ConnectionRegistry, host: PanelManager, output: vscode.LogOutputChannel): void {
  const limits = () => ({ retention: retentionFromSettings(), ...listenerLimitsFrom(serverSettingsFromConfiguration()), ...wsListenerSettingsFrom(serverSettingsFromConfiguration()) });

  /** Starts `connection`, then registers and shows it; on failure shows why and disposes it. */
  async function show(connection: ServerConnection): Promise<string | undefined> {
    try {
      await connection.connect();
    } catch (e) {
      connection.dispose();
      reportError(output, e, connection.target);
      return undefined;
    }
    const id = registry.add(connection);
    host.show(id);
    output.info(`[${id}] ${connection.target}`);
    return id;
  }

  function trusted(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(vscode.l10n.t('Servers start from files only in a trusted workspace: a file names ports to open and files to read.'));
    return false;
  }

  async function serveAsMock(arg?: unknown): Promise<string | undefined> {
    const uri = uriOf(arg);
    if (!uri || !uri.fsPath.endsWith('.socket-session.json')) {
      return reportError(output, new Error(vscode.l10n.t('Serve as Mock serves a recorded session file (*.socket-session.json)')));
    }
    if (!trusted()) return undefined;
    // `{ uri, strategy }` (as a test's setup.mock writes it) skips the picker: for keybindings, tasks and tests.
    const given = (arg as { strategy?: unknown } | undefined)?.strategy;
    let strategy: MockStrategy | undefined;
    try {
      strategy = given !== undefined ? readMockStrategy(given, 'strategy', []) : await pickStrategy();
    } catch (e) {
      return reportError(output, e);
    }
    if (!strategy) return undefined;
    try {
      const mock = createMockServer(await loadMockScript(uri.fsPath), { strategy, listener: limits() });
      const connection = createServerConnection(mock.session);
      connection.owned.push(mock);
      return await show(connection);
    } catch (e) {
      return reportError(output, e, uri.fsPath);
    }
  }

  async function startFile(arg?: unknown): Promise<string | undefined> {
    const uri = uriOf(arg);
    if (!uri || !uri.fsPath.endsWith(SERVER_FILE_SUFFIX)) return reportError(output, new Error(vscode.l10n.t('Start Server from File takes a *.socket-server.json file')));
    if (!trusted()) return undefined;
    try {
      const { file } = parseServerFile(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
      const connection = await serverConnectionFromFile(file, dirname(uri.fsPath), limits());
      fileOf.set(connection, uri);
      viewOf.set(connection, file);
      const id = await show(connection);
      // The panel reads peers (a proxy's legs) with the file's layer and framing, as a session file's view.
      const controller = id ? host.entry(id)?.panel.controller : undefined;
      if (controller) applyServerFileView(controller, file, (problem) => output.warn(`${uri.fsPath}: ${problem}`));
      return id;
    } catch (e) {
      return reportError(output, e, uri.fsPath);
    }
  }

  /** Where each server started from a file came from: Save Server writes back there. */
  const fileOf = new WeakMap<object, vscode.Uri>();
  /** The layer and framing each server's file gave it: what is saved when its tab is gone. */
  const viewOf = new WeakMap<object, Pick<ServerFile, 'layer' | 'framing'>>();

  /** Saves the active server tab to the file it started from, else as Save Server As. */
  async function save(arg?: unknown): Promise<string | undefined> {
    const named = arg as { id?: unknown } | undefined;
    const id = typeof named?.id === 'string' ? named.id : host.activeConnectionId();
    const connection = id ? registry.get(id) : undefined;
    const uri = connection ? fileOf.get(connection) : undefined;
    return saveAs({ ...(id ? { id } : {}), ...(uri ? { uri } : {}) });
  }

  /** Saves the active server tab, or `{ id, uri }` without asking. */
  async function saveAs(arg?: unknown): Promise<string | undefined> {
    const named = arg as { id?: unknown; uri?: unknown } | undefined;
    const id = typeof named?.id === 'string' ? named.id : host.activeConnectionId();
    const connection = id ? registry.get(id) : undefined;
    const session = connection ? serverOf(connection) : undefined;
    if (!connection || !session) return reportError(output, new Error(vscode.l10n.t('Save Server As saves the active listener or proxy tab')));
    // The layer and framing the panel reads with now (the file's own layer kept while the same one is chosen).
    const controller = id ? host.entry(id)?.panel.controller : undefined;
    const view = controller ? serverFileViewOf(controller, viewOf.get(connection)) : (viewOf.get(connection) ?? {});
    const file = serverFileOf(session, { rules: (connection as ServerConnection).autoReplyRules, ...view });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = named?.uri instanceof vscode.Uri ? named.uri : await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save Server As'),
      filters: { [vscode.l10n.t('Socket Inspector server')]: ['json'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${session.mode === 'proxy' ? 'proxy' : 'listener'}${SERVER_FILE_SUFFIX}`) } : {}),
    });
    if (!target) return undefined;
    const uri = target.fsPath.endsWith(SERVER_FILE_SUFFIX) ? target : target.with({ path: target.path.replace(/(\.json)?$/, SERVER_FILE_SUFFIX) });
    if (!vscode.workspace.isTrusted) return reportError(output, new Error(vscode.l10n.t('Server files cannot be saved in an untrusted workspace.')));
    try {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(serverFileText(file)));
    } catch (e) {
      return reportError(output, e, uri.fsPath);
    }
    fileOf.set(connection, uri);
    viewOf.set(connection, view);
    return uri.fsPath;
  }

  // Opening a server file offers to start it, once per file and window.
  const offered = new Set<string>();
  const offer = (doc: vscode.TextDocument) => {
    if (!doc.uri.fsPath.endsWith(SERVER_FILE_SUFFIX) || offered.has(doc.uri.toString())) return;
    offered.add(doc.uri.toString());
    const start = vscode.l10n.t('Start');
    void vscode.window.showInformationMessage(vscode.l10n.t('Start the server this file describes?'), start).then((choice) => {
      if (choice === start) void startFile(doc.uri);
    });
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('socketInspector.serveAsMock', serveAsMock),
    vscode.commands.registerCommand('socketInspector.startServerFile', startFile),
    vscode.commands.registerCommand('socketInspector.saveServer', save),
    vscode.commands.registerCommand('socketInspector.saveServerAs', saveAs),
    vscode.workspace.onDidOpenTextDocument(offer),
  );
  vscode.workspace.textDocuments.forEach(offer);
}
