// A panel on a real Proxy WebSocket… between a node `ws` server upstream and a `ws` client downstream.
import type WebSocket from 'ws';
import type { ServerConnection } from '../../../src/core/connection/serverConnection';
import { eventually } from '../../support/eventually';
import { proxyClient, startWsUpstream, wsProxyServer, type WsUpstream } from '../../support/wsProxyEnds';
import { choose } from './panelActions';
import { openPanel, type OpenPanel, type OpenPanelOptions } from './panelPage';
import type { PanelSuite } from './panelSuite';

/** Everything a proxy panel test holds; close() releases it all. */
export interface WsProxyPanel {
  readonly upstream: WsUpstream;
  readonly server: ServerConnection;
  readonly panel: OpenPanel;
  /** Connecting when given (see wsProxyEnds' opened). */
  readonly client: WebSocket;
  close(): Promise<void>;
}

/**
 * Starts the upstream server (`onUpstream` runs for each of its clients), the proxy in front of it and a
 * panel on the proxy (Disconnect stops it), then connects a client to the proxy. `perMessageDeflate`,
 * when given, is set on both the upstream server and the client.
 */
export async function openWsProxyPanel(
  suite: PanelSuite,
  onUpstream: (ws: WebSocket) => void,
  options: Omit<OpenPanelOptions, 'callbacks'> & { perMessageDeflate?: boolean } = {},
): Promise<WsProxyPanel> {
  const { perMessageDeflate, ...panelOptions } = options;
  const deflate = perMessageDeflate === undefined ? {} : { perMessageDeflate };
  const upstream = await startWsUpstream(onUpstream, deflate);
  const server = wsProxyServer(upstream.url);
  let panel: OpenPanel;
  try {
    await server.connect();
    panel = await openPanel(suite.browser, suite.server, server, { ...panelOptions, callbacks: { disconnect: () => server.close(), connect: () => undefined } });
  } catch (e) {
    server.dispose();
    await upstream.close();
    throw e;
  }
  const client = proxyClient(server, deflate);
  return {
    upstream,
    server,
    panel,
    client,
    async close() {
      client.terminate();
      await panel.close();
      server.dispose();
      await upstream.close();
    },
  };
}

/** Waits for the proxy's first pair in the peer list and shows its log. */
export async function showFirstPair(proxy: WsProxyPanel): Promise<void> {
  const { page } = proxy.panel;
  await eventually(() => page.$$eval('[data-testid=peer-select] vscode-option', (els) => els.length), (n) => n === 2, 'the pair listed');
  await choose(page, 'peer-select', `#1 ${proxy.server.server.peers[0]!.remote} (open)`);
}
