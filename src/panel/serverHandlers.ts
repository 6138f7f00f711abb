// The server feature of a panel (shared/protocol/server.ts): which peer of a listener or proxy is on
// screen, a listener's auto-reply rules, and Save Server. The peers themselves are tracked by ServerController.
import { RequestError, type RequestHandlers } from '../../shared/messageHandler';
import type { ServerRequests } from '../../shared/protocol';
import type { PanelContext } from './panelContext';
import type { ServerController } from './serverController';

/** The server session the panel shows, or an UNSUPPORTED error naming what needs one. */
export function requireServer(panel: PanelContext, action: string): ServerController {
  if (!panel.server) throw new RequestError({ message: `Cannot ${action}: this panel shows a single connection, not a server.`, code: 'UNSUPPORTED' });
  return panel.server;
}

/** Handlers of the server requests. */
export function serverHandlers(panel: PanelContext): RequestHandlers<ServerRequests> {
  return {
    selectPeer: ({ peer, followNewest }) => {
      requireServer(panel, 'choose a peer').select(peer, followNewest);
      return {};
    },
    setAutoReplies: ({ rules }) => requireServer(panel, 'set auto-replies').setAutoReplies(rules),
    saveServer: async () => {
      requireServer(panel, 'save a server');
      if (!panel.callbacks.saveServer) throw new RequestError({ message: 'Server files cannot be saved here.', code: 'UNSUPPORTED' });
      await panel.callbacks.saveServer();
      return {};
    },
  };
}
