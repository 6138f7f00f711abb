// What `activate` returns: a small API other extensions (and our extension-host tests) can use to
// reach the live connections that commands opened.
import type { ConnectionRegistry } from './connectionRegistry';
import type { Connection } from './core/connectionTypes';

export interface SocketInspectorApi {
  /** The connection a connect command opened, by the id in its result. */
  getConnection(id: string): Connection | undefined;
  /** Ids and targets of all connections of this window. */
  listConnections(): Array<{ id: string; target: string; state: Connection['state'] }>;
}

export function createApi(registry: ConnectionRegistry): SocketInspectorApi {
  return {
    getConnection: (id) => registry.get(id),
    listConnections: () => registry.list().map(({ id, connection }) => ({ id, target: connection.target, state: connection.state })),
  };
}
