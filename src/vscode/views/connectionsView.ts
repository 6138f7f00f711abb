// The Socket Inspector container's "Connections" view: the connections, listeners and proxies of this
// window, each with its state. A click reveals its inspector tab; the context menu reconnects,
// disconnects or clears it through the commands that already exist for those (package.json menus).
import * as vscode from 'vscode';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import type { Connection } from '../../core/connection/connectionTypes';
import type { ConnectionState } from '../../../shared/logModel';
import { openPeers, serverOf } from '../../core/connection/serverConnection';
import type { IDisposable } from '../../core/base/dispose';
import type { PanelManager } from '../panels/panelManager';

/** The view's id (package.json contributes.views.socketInspector). */
export const CONNECTIONS_VIEW_ID = 'socketInspector.connections';

/** A connection of the registry, by its id (what the commands take). */
export interface ConnectionNode {
  readonly type: 'connection';
  readonly id: string;
}

const STATE_ICONS: Record<ConnectionState, string> = {
  idle: 'circle-outline',
  connecting: 'loading~spin',
  open: 'pass-filled',
  closing: 'loading~spin',
  closed: 'circle-slash',
  error: 'error',
};

/** "WebSocket", "TCP listener", "WebSocket proxy · 2 peers"…: what the connection is, for the description. */
function roleOf(connection: Connection): string {
  const server = serverOf(connection);
  const protocol = (server?.kind ?? connection.kind) === 'ws' ? 'WebSocket' : 'TCP';
  if (!server) return protocol;
  const role = server.mode === 'proxy' ? vscode.l10n.t('{0} proxy', protocol) : vscode.l10n.t('{0} listener', protocol);
  const peers = openPeers(server).length;
  return peers === 1 ? vscode.l10n.t('{0} · 1 peer', role) : vscode.l10n.t('{0} · {1} peers', role, peers);
}

export class ConnectionsTreeProvider implements vscode.TreeDataProvider<ConnectionNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ConnectionNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  /** Each listener's or proxy's peer events (the registry only reports state changes), by connection id. */
  private readonly serverWatches = new Map<string, { readonly connection: Connection; readonly watch: IDisposable }>();

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly panels: PanelManager,
  ) {
    const changed = () => {
      this.watchServers();
      this.changeEmitter.fire(undefined);
    };
    this.disposables.push(registry.onDidChange(changed), panels.onDidChange(changed));
    this.watchServers();
  }

  /** Follows the peers of every registered server, and forgets servers that left or were replaced. */
  private watchServers(): void {
    const current = new Map(this.registry.list().map(({ id, connection }) => [id, connection]));
    for (const [id, { connection, watch }] of this.serverWatches) {
      if (current.get(id) !== connection) {
        watch.dispose();
        this.serverWatches.delete(id);
      }
    }
    for (const [id, connection] of current) {
      const server = serverOf(connection);
      if (!server || this.serverWatches.has(id)) continue;
      this.serverWatches.set(id, { connection, watch: server.onDidChange(() => this.changeEmitter.fire(undefined)) });
    }
  }

  getTreeItem(node: ConnectionNode): vscode.TreeItem {
    const connection = this.registry.get(node.id);
    const item = new vscode.TreeItem(connection?.target ?? node.id, vscode.TreeItemCollapsibleState.None);
    item.id = `connection:${node.id}`;
    const state = connection?.state ?? 'closed';
    const file = this.panels.entry(node.id)?.source.file;
    item.description = [connection ? roleOf(connection) : undefined, state, file?.uri.path.split('/').pop()].filter(Boolean).join(' · ');
    item.tooltip = connection?.lastError ? `${state}: ${connection.lastError.message}` : state;
    item.iconPath = new vscode.ThemeIcon(STATE_ICONS[state]);
    item.contextValue = state === 'open' || state === 'connecting' ? 'connection.live' : 'connection.ended';
    item.command = { command: 'socketInspector.focusConnection', title: vscode.l10n.t('Show Connection'), arguments: [node.id] };
    return item;
  }

  getChildren(node?: ConnectionNode): ConnectionNode[] {
    if (node) return [];
    return this.registry.list().map(({ id }) => ({ type: 'connection', id }));
  }

  dispose(): void {
    for (const { watch } of this.serverWatches.values()) watch.dispose();
    this.serverWatches.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** Registers the view; the provider is returned for the extension's API. */
export function registerConnectionsView(context: vscode.ExtensionContext, registry: ConnectionRegistry, panels: PanelManager): ConnectionsTreeProvider {
  const provider = new ConnectionsTreeProvider(registry, panels);
  context.subscriptions.push(provider, vscode.window.createTreeView(CONNECTIONS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: false }));
  return provider;
}
