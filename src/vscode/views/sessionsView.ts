// The Socket Inspector container's "Socket Sessions" view: the workspace's *.socket-session.json files,
// which a person opens, connects, renames and deletes from it. The window's connections have a view of
// their own beside it (connectionsView.ts).
import * as vscode from 'vscode';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import { reportError } from '../errorReport';
import type { PanelManager } from '../panels/panelManager';
import { SESSION_EDITOR_VIEW_TYPE } from '../sessionEditor/sessionEditor';
import { sessionDisplayName, sessionFileNameFor } from '../../core/session/sessionFileName';

/** The view's id (package.json contributes.views.socketInspector); tests and the API refer to it. */
export const SESSIONS_VIEW_ID = 'socketInspector.sessions';

/** Session files, and listener/proxy files (*.socket-server.json), which the view lists with them. */
const SESSION_GLOB = '**/*.{socket-session,socket-server}.json';
const SERVER_SUFFIX = '.socket-server.json';
/** Most files listed; a workspace with more is better served by the file explorer's search. */
const MAX_FILES = 2000;

/** A node of the tree: a session file. */
export type SessionsNode = { readonly type: 'file'; readonly uri: vscode.Uri };

export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<SessionsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private files: vscode.Uri[] | undefined;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(SESSION_GLOB);
    const filesChanged = () => this.refreshFiles();
    this.disposables.push(
      watcher,
      watcher.onDidCreate(filesChanged),
      watcher.onDidDelete(filesChanged),
      vscode.workspace.onDidChangeWorkspaceFolders(filesChanged),
    );
  }

  /** Lists the session files again (after a rename, delete or a change on disk). */
  refreshFiles(): void {
    this.files = undefined;
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(node: SessionsNode): vscode.TreeItem {
    const name = node.uri.path.split('/').pop() ?? '';
    const server = name.endsWith(SERVER_SUFFIX);
    const item = new vscode.TreeItem(server ? name.slice(0, -SERVER_SUFFIX.length) : sessionDisplayName(name), vscode.TreeItemCollapsibleState.None);
    item.id = `file:${node.uri.toString()}`;
    item.resourceUri = node.uri;
    // The folder's name only helps tell files apart in a multi-root workspace.
    const relative = vscode.workspace.asRelativePath(node.uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
    const folder = relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '';
    if (folder) item.description = folder;
    item.tooltip = relative;
    if (server) {
      // Opening a server file offers to start it (serverFileCommands.ts).
      item.iconPath = new vscode.ThemeIcon('server');
      item.contextValue = 'serverFile';
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Open Server File'), arguments: [node.uri] };
      return item;
    }
    item.iconPath = new vscode.ThemeIcon('plug');
    item.contextValue = 'sessionFile';
    item.command = { command: 'socketInspector.sessions.open', title: vscode.l10n.t('Open Session'), arguments: [node] };
    return item;
  }

  async getChildren(node?: SessionsNode): Promise<SessionsNode[]> {
    if (node) return [];
    this.files ??= (await vscode.workspace.findFiles(SESSION_GLOB, '**/node_modules/**', MAX_FILES)).sort((a, b) =>
      vscode.workspace.asRelativePath(a).localeCompare(vscode.workspace.asRelativePath(b)),
    );
    return this.files.map((uri) => ({ type: 'file', uri }));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The session file a command was given: a tree node, a Uri, or a path. */
function fileArgument(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.file(arg);
  if (typeof arg === 'object' && arg !== null && (arg as SessionsNode).type === 'file') return (arg as { uri: vscode.Uri }).uri;
  return undefined;
}

/** Registers the view and its commands. */
export function registerSessionsView(
  context: vscode.ExtensionContext,
  registry: ConnectionRegistry,
  panels: PanelManager,
  output: vscode.LogOutputChannel,
): SessionsTreeProvider {
  const provider = new SessionsTreeProvider();
  const fail = (e: unknown) => reportError(output, e);
  const inspectorOf = (uri: vscode.Uri) => panels.list().find((entry) => entry.source.file?.uri.toString() === uri.toString());

  /** Opens the file in its inspector and resolves with the inspector's connection id once it exists. */
  async function open(uri: vscode.Uri): Promise<string | undefined> {
    await vscode.commands.executeCommand('vscode.openWith', uri, SESSION_EDITOR_VIEW_TYPE);
    const found = inspectorOf(uri);
    if (found) return found.id;
    // The custom editor resolves after openWith returns; wait for its inspector to register.
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), 10_000);
      const sub = panels.onDidChange(() => {
        const entry = inspectorOf(uri);
        if (entry) finish(entry.id);
      });
      function finish(id: string | undefined): void {
        clearTimeout(timer);
        sub.dispose();
        resolve(id);
      }
    });
  }

  context.subscriptions.push(
    provider,
    vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: false }),

    vscode.commands.registerCommand('socketInspector.sessions.refresh', () => provider.refreshFiles()),

    vscode.commands.registerCommand('socketInspector.sessions.open', async (arg?: unknown) => {
      const uri = fileArgument(arg);
      if (!uri) return fail(new Error(vscode.l10n.t('Open Session needs a session file.')));
      return open(uri);
    }),

    vscode.commands.registerCommand('socketInspector.sessions.connect', async (arg?: unknown) => {
      const uri = fileArgument(arg);
      if (!uri) return fail(new Error(vscode.l10n.t('Connect needs a session file.')));
      const id = await open(uri);
      if (!id) return fail(new Error(vscode.l10n.t('"{0}" did not open as a session; see the editor for why.', vscode.workspace.asRelativePath(uri))));
      const connection = registry.get(id);
      if (connection && (connection.state === 'open' || connection.state === 'connecting')) return id;
      return (await panels.reconnect(id)) ? id : undefined;
    }),

    vscode.commands.registerCommand('socketInspector.sessions.rename', async (arg?: unknown, newName?: unknown) => {
      const uri = fileArgument(arg);
      if (!uri) return fail(new Error(vscode.l10n.t('Rename needs a session file.')));
      const current = sessionDisplayName(uri.path.split('/').pop() ?? '');
      const input =
        typeof newName === 'string'
          ? newName
          : await vscode.window.showInputBox({
              title: vscode.l10n.t('Rename Session'),
              prompt: vscode.l10n.t('New name (the .socket-session.json suffix is kept)'),
              value: current,
              validateInput: (value) => {
                try {
                  sessionFileNameFor(value);
                  return undefined;
                } catch (e) {
                  return e instanceof Error ? e.message : String(e);
                }
              },
            });
      if (input === undefined) return undefined;
      let fileName: string;
      try {
        fileName = sessionFileNameFor(input);
      } catch (e) {
        return fail(e);
      }
      const target = vscode.Uri.joinPath(uri, '..', fileName);
      if (target.toString() === uri.toString()) return target;
      const wasOpen = inspectorOf(uri);
      const edit = new vscode.WorkspaceEdit();
      // overwrite: false — a rename never replaces another session.
      edit.renameFile(uri, target, { overwrite: false });
      if (!(await vscode.workspace.applyEdit(edit))) {
        return fail(new Error(vscode.l10n.t('Could not rename "{0}" to "{1}": a file with that name may already exist.', vscode.workspace.asRelativePath(uri), fileName)));
      }
      // VS Code closes a custom editor whose file moved; the inspector comes back under the new name.
      if (wasOpen && !inspectorOf(target)) await open(target);
      output.info(`renamed ${vscode.workspace.asRelativePath(uri)} to ${fileName}`);
      provider.refreshFiles();
      return target;
    }),

    vscode.commands.registerCommand('socketInspector.sessions.delete', async (arg?: unknown, options?: { confirmed?: boolean }) => {
      const uri = fileArgument(arg);
      if (!uri) return fail(new Error(vscode.l10n.t('Delete needs a session file.')));
      const name = vscode.workspace.asRelativePath(uri);
      if (!options?.confirmed) {
        const remove = vscode.l10n.t('Delete');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('Delete the session "{0}"?', name),
          { modal: true, detail: vscode.l10n.t('The file is moved to the trash where the system has one.') },
          remove,
        );
        if (choice !== remove) return false;
      }
      try {
        await vscode.workspace.fs.delete(uri, { useTrash: true });
      } catch {
        // Remote and some Linux hosts have no trash: delete for good, as the file explorer does after asking.
        try {
          await vscode.workspace.fs.delete(uri, { useTrash: false });
        } catch (e) {
          return fail(e);
        }
      }
      output.info(`deleted ${name}`);
      provider.refreshFiles();
      return true;
    }),
  );
  return provider;
}
