// A panel on a real WebSocket connection to a real server on loopback.
import type { Browser } from 'playwright-core';
import type { WebSocket } from 'ws';
import type { WebSocketConnection } from '../../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../../src/core/connection/wsConnection';
import { openPanel, type OpenPanel, type OpenPanelOptions } from './panelPage';
import type { PanelServer } from './panelServer';
import { startWsPeer, type WsPeer } from './wsPeer';

/** Everything a live test holds; close() releases it all. */
export interface LivePanel {
  readonly peer: WsPeer;
  readonly connection: WebSocketConnection;
  readonly panel: OpenPanel;
  close(): Promise<void>;
}

/** Starts a server, connects to it, and opens a panel on the connection. */
export async function openLivePanel(
  browser: Browser,
  server: PanelServer,
  onConnection: (ws: WebSocket) => void = () => {},
  options: OpenPanelOptions & { connectFirst?: boolean } = {},
): Promise<LivePanel> {
  const peer = await startWsPeer(onConnection);
  const connection = createWebSocketConnection({ url: peer.url });
  if (options.connectFirst !== false) await connection.connect();
  const panel = await openPanel(browser, server, connection, options);
  return {
    peer,
    connection,
    panel,
    async close() {
      await panel.close();
      connection.dispose();
      await peer.close();
    },
  };
}
