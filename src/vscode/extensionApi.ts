// What `activate` returns: a small API other extensions (and our extension-host tests) can use to
// reach the live connections that commands opened.
import type { ConnectionRegistry } from '../core/connection/connectionRegistry';
import type { Connection } from '../core/connection/connectionTypes';
import type { PanelManager } from './panels/panelManager';
import type { SessionTestsApi } from './testing/sessionTests';

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
}

export function createApi(registry: ConnectionRegistry, panels?: PanelManager, sessionTests?: SessionTestsApi): SocketInspectorApi {
  return {
    ...(sessionTests ? { sessionTests } : {}),
    getConnection: (id) => registry.get(id),
    listConnections: () => registry.list().map(({ id, connection }) => ({ id, target: connection.target, state: connection.state })),
    activeConnectionId: () => panels?.activeConnectionId(),
    sessionFileOf: (id) => panels?.entry(id)?.source.file?.uri.fsPath,
  };
}
