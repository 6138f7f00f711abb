// What `activate` returns: a small API other extensions (and our extension-host tests) can use to
// reach the live connections that commands opened.
import type * as vscode from 'vscode';
import type { ConnectionRegistry } from '../core/connection/connectionRegistry';
import type { Connection } from '../core/connection/connectionTypes';
import type { LayerSendForm } from '../../shared/decode/layerForms';
import type { DecodedMessage } from '../../shared/decode/decoded';
import type { SendRequests } from '../../shared/protocol/send';
import type { PanelManager } from './panels/panelManager';
import type { SessionTestsApi } from './testing/sessionTests';
import type { SessionsNode } from './views/sessionsView';

export interface SocketInspectorApi {
  /** The connection a connect command opened, by the id in its result. */
  getConnection(id: string): Connection | undefined;
  /** Ids and targets of all connections of this window. */
  listConnections(): Array<{ id: string; target: string; state: Connection['state'] }>;
  /** The id of the connection whose inspector (tab or session editor) is active. */
  activeConnectionId(): string | undefined;
  /** The session file an inspector shows, if it was opened from or saved to one. */
  sessionFileOf(id: string): string | undefined;
  /** The Test Explorer's session tests: the controller's items and a run as the Run profile does it. */
  readonly sessionTests?: SessionTestsApi;
  /** The inspector tab of connection `id`, as its composer and rows use it: undefined when it has no tab. */
  inspector(id: string): InspectorApi | undefined;
  /** The rows of the Connections view as VS Code is given them (label, description, context value, click command). */
  connectionsViewItems(): vscode.TreeItem[];
  /** Whether the active inspector tab shows a listener or proxy: the when-clause key that makes Ctrl+S Save Server. */
  serverTabActive(): boolean;
  /** The rows of the Sessions view (session files and server files) as VS Code is given them. */
  sessionsViewItems(): Promise<vscode.TreeItem[]>;
}

/** What an inspector tab's webview asks of the host, for extensions and tests that drive a tab without its page. */
export interface InspectorApi {
  /** Sends a layer composer form (Socket.IO emit, MQTT publish, STOMP frame) through the connection's protocol layer. */
  layerSend(form: LayerSendForm): Promise<{ bytes: number }>;
  /** The rows' one-line summaries of entries `seqs` of the log on screen; null where nothing applies. */
  summaries(seqs: readonly number[]): Promise<readonly (string | null)[]>;
  /**
   * Sends what the composer holds, as its Send button does: `encode` has the panel's payload codec encode
   * the JSON ("Encode as <codec>"). Resolves with the bytes sent; rejects with the problem in words.
   */
  send(message: SendRequests['send']['params']): Promise<{ bytes: number; peers?: number }>;
  /** Entry `seq` of the log on screen as the Decoded tab shows it; undefined when nothing decodes it. */
  decoded(seq: number): Promise<DecodedMessage | undefined>;
}

/** What the API reads from the views. */
export interface ApiViews {
  readonly connections?: { getChildren(): Array<{ type: 'connection'; id: string }>; getTreeItem(node: { type: 'connection'; id: string }): vscode.TreeItem };
  readonly sessions?: { getChildren(): Promise<SessionsNode[]>; getTreeItem(node: SessionsNode): vscode.TreeItem };
}

export function createApi(registry: ConnectionRegistry, panels?: PanelManager, sessionTests?: SessionTestsApi, views: ApiViews = {}): SocketInspectorApi {
  return {
    ...(sessionTests ? { sessionTests } : {}),
    getConnection: (id) => registry.get(id),
    connectionsViewItems: () => views.connections?.getChildren().map((node) => views.connections!.getTreeItem(node)) ?? [],
    sessionsViewItems: async () => {
      const sessions = views.sessions;
      return sessions ? (await sessions.getChildren()).map((node) => sessions.getTreeItem(node)) : [];
    },
    listConnections: () => registry.list().map(({ id, connection }) => ({ id, target: connection.target, state: connection.state })),
    activeConnectionId: () => panels?.activeConnectionId(),
    serverTabActive: () => panels?.isServerTabActive ?? false,
    sessionFileOf: (id) => panels?.entry(id)?.source.file?.uri.fsPath,
    inspector: (id) => {
      const controller = panels?.entry(id)?.panel.controller;
      return (
        controller && {
          layerSend: (form) => controller.layerSend(form),
          summaries: (seqs) => controller.summaries(seqs),
          send: (message) => controller.send(message),
          decoded: (seq) => controller.decoded(seq),
        }
      );
    },
  };
}
