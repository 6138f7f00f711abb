// The connection feature of a panel (shared/protocol/connection.ts): connect, disconnect and close, and
// what a WebSocket offers beyond messages (ping, pong, automatic pongs, wire frames). On a server panel
// these act on the peer shown; the server itself is started and stopped by the extension.
import { RequestError, type RequestHandlers } from '../../shared/messageHandler';
import type { ConnectionRequests } from '../../shared/protocol';
import type { Connection, WebSocketConnection } from '../core/connection/connectionTypes';
import { isWebSocket, type PanelContext } from './panelContext';
import { requireOpen } from './sendHandlers';
import { frameRecorder, framesResult } from './wireFrameQueries';

/** The connection as a live WebSocket, or a PROTOCOL error naming what needs one. */
function requireFrames(connection: Connection, what: string): WebSocketConnection {
  const ws = frameRecorder(connection);
  if (!ws) throw new RequestError({ message: `${what} is a WebSocket feature; this connection is not one.`, code: 'PROTOCOL' });
  return ws;
}

/** On a server panel, a control frame goes to a peer, never to the server's own log. */
function requirePeerShown(panel: PanelContext, message: string): void {
  if (panel.server && !panel.server.showsPeer) throw new RequestError({ message, code: 'NOT_A_PEER' });
}

/** Handlers of the connection requests. */
export function connectionHandlers(panel: PanelContext): RequestHandlers<ConnectionRequests> {
  return {
    connect: async () => {
      if (panel.server?.showsPeer) {
        throw new RequestError({ message: 'A peer cannot be reconnected from here: it is the client that connects.', code: 'NOT_A_CONNECTION' });
      }
      const next = await panel.callbacks.connect();
      if (next && next !== panel.connection) panel.attach(next);
      return {};
    },
    disconnect: async () => {
      // On a server panel showing a peer, Disconnect drops that peer; on the server's log it stops the server.
      if (panel.server?.showsPeer) panel.connection.close();
      else await panel.callbacks.disconnect();
      return {};
    },
    close: ({ code, reason }) => {
      requirePeerShown(panel, 'Choose a peer to close it; Stop stops the server.');
      requireOpen(panel.connection, 'close');
      panel.connection.close(code, reason);
      return {};
    },
    ping: ({ payload }) => {
      const c = panel.connection;
      requirePeerShown(panel, 'Choose a peer to ping it.');
      if (!isWebSocket(c)) throw new RequestError({ message: 'Ping is a WebSocket control frame; this is a TCP connection.', code: 'PROTOCOL' });
      c.ping(new TextEncoder().encode(payload));
      return {};
    },
    pong: ({ payload }) => {
      requireFrames(panel.connection, 'Pong').pong(new TextEncoder().encode(payload));
      return {};
    },
    setAutoPong: ({ enabled }) => {
      panel.rememberAutoPong(enabled);
      requireFrames(panel.connection, 'Automatic pong').setAutoPong(enabled);
      return {};
    },
    getFrames: ({ seq }) => framesResult(panel.connection, seq),
  };
}
