// A proxy panel in Chromium: the real webview bundle and the real PanelController on a real Proxy
// WebSocket… between a node `ws` server and a `ws` client. What a user sees and does through the
// data-testid hooks of docs/testing.md: Hold, the held list, Edit then Forward edited, Drop, Send to.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { createWsProxy } from '../../src/core/proxy';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { choose, composerTextarea, rowWithText, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

describe('proxy panel (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('holds a client message, edits and forwards it, drops a server message, and injects toward the client', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const upstreamGot: string[] = [];
    let upstream: WebSocket | undefined;
    wss.on('connection', (ws) => {
      upstream = ws;
      ws.on('message', (d) => upstreamGot.push(String(d)));
    });
    const server = createServerConnection(
      createWsProxy({ listen: '127.0.0.1:0', upstream: `ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}/` }),
    );
    await server.connect();
    const panel = await openPanel(suite.browser, suite.server, server, { callbacks: { disconnect: () => server.close(), connect: () => undefined } });
    const client = new WebSocket(`ws://127.0.0.1:${server.server.address!.port}/`);
    const clientGot: string[] = [];
    client.on('message', (d) => clientGot.push(String(d)));
    try {
      const { page } = panel;
      await new Promise<void>((resolve, reject) => {
        client.once('open', () => resolve());
        client.once('error', reject);
      });
      await eventually(() => upstream, (u) => u !== undefined, 'the pair reaching upstream');
      const remote = server.server.peers[0]!.remote;
      assert.match(await textOf(page, 'connection-target'), /^Proxy /);
      assert.equal(await page.locator('[data-testid=hold-panel]').isVisible(), false, 'no hold controls on the server log');
      assert.equal(await page.locator('[data-testid=auto-replies-toggle]').isVisible(), false, 'proxies have no auto-replies');

      await eventually(() => page.$$eval('[data-testid=peer-select] vscode-option', (els) => els.length), (n) => n === 2, 'the pair listed');
      await choose(page, 'peer-select', `#1 ${remote} (open)`);
      await page.locator('[data-testid=hold-panel]').waitFor();
      assert.equal(await textOf(page, 'held-count'), 'nothing held');
      assert.equal(await page.locator('[data-testid=composer-broadcast]').isVisible(), false, 'a pair\'s composer sends to one leg: no Broadcast');

      // Hold client → server, then edit the held message in the composer and forward the edit.
      await page.locator('[data-testid=hold-to-server]').click();
      await eventually(() => server.server.peers[0]!.connection.state, (s) => s === 'open', 'the pair open');
      await eventually(
        () => page.locator('[data-testid=hold-to-server]').evaluate((el) => (el as unknown as { checked: boolean }).checked),
        (c) => c,
        'hold ticked',
      );
      await eventually(() => (server.server as ReturnType<typeof createWsProxy>).peers[0]!.controls.paused.toServer, (p) => p, 'the pair holding');
      client.send('{"price":10}');
      const row = page.locator('[data-testid=held-row]');
      await row.first().waitFor();
      assert.equal(await textOf(page, 'held-count'), '1 held');
      assert.equal(await row.first().locator('[data-testid=held-leg]').textContent(), 'client → server');
      assert.equal(await row.first().locator('[data-testid=held-preview]').textContent(), '{"price":10}');
      assert.deepEqual(upstreamGot, []);

      await row.first().locator('[data-testid=held-edit]').click();
      await eventually(() => composerTextarea(page).inputValue(), (v) => v === '{"price":10}', 'the held payload in the composer');
      assert.equal((await textOf(page, 'composer-send')).trim(), 'Forward edited');
      assert.match(await textOf(page, 'held-editing'), /Editing #1/);
      await composerTextarea(page).fill('{"price":1}');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => upstreamGot.slice(), (g) => g.length === 1, 'the edit reaching the server');
      assert.deepEqual(upstreamGot, ['{"price":1}']);
      await eventually(() => row.count(), (n) => n === 0, 'the held list emptied');
      assert.equal((await textOf(page, 'composer-send')).trim(), 'Send');

      // The log names the legs.
      await rowWithText(page, '{"price":1}').click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('client → server'), 'the detail names the leg');

      // Hold server → client and drop what the server sends.
      await page.locator('[data-testid=hold-to-client]').click();
      await eventually(() => (server.server as ReturnType<typeof createWsProxy>).peers[0]!.controls.paused.toClient, (p) => p, 'holding server → client');
      upstream!.send('secret');
      await row.first().waitFor();
      assert.equal(await row.first().locator('[data-testid=held-leg]').textContent(), 'server → client');
      await row.first().locator('[data-testid=held-drop]').click();
      await eventually(() => row.count(), (n) => n === 0, 'dropped');

      // Inject toward the client.
      await choose(page, 'composer-inject', 'client');
      await composerTextarea(page).fill('hello client');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => clientGot.slice(), (g) => g.length === 1, 'the injection reaching the client');
      assert.deepEqual(clientGot, ['hello client'], 'the dropped message never arrived');
      await rowWithText(page, 'hello client').click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('server → client'), 'the injected row is server → client');
    } finally {
      client.terminate();
      await panel.close();
      server.dispose();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});
