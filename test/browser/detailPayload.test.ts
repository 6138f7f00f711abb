// The detail pane on payloads that are binary, big or both: which tab they open on, and that opening them
// keeps the page responsive. The real webview bundle and PanelController on real WebSocket and TCP
// connections to servers on 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { eventually } from '../support/eventually';
import { chromiumSkipReason } from './harness/chromium';
import { openLivePanel } from './harness/livePanel';
import { rowWithText, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

/** The data-testid of the tab header in front. */
function selectedTab(page: Page): Promise<string | null> {
  return page.locator('vscode-tab-header[aria-selected=true]').getAttribute('data-testid');
}

describe('detail pane on binary and big payloads (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('opens binary messages on Hex and text messages on Text, unless the user picks a tab', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      ws.send('plain words');
      ws.send(Buffer.from([0x00, 0x01, 0xfe, 0xff]));
      // Binary by kind, though its bytes happen to be valid UTF-8.
      ws.send(Buffer.from('ascii in a binary frame'));
    });
    try {
      const { page } = live.panel;
      const binaryRows = page.locator('[data-testid=log-row][data-kind=binary]');
      await eventually(() => binaryRows.count(), (n) => n === 2, 'both binary rows');
      await rowWithText(page, 'plain words').click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === 'plain words', 'the text entry');
      assert.equal(await selectedTab(page), 'detail-tab-text');

      await binaryRows.first().click();
      await eventually(() => textOf(page, 'detail-hex'), (t) => t.includes('0001 feff'), 'the binary entry');
      await eventually(() => selectedTab(page), (t) => t === 'detail-tab-hex', 'Hex in front for a binary message');
      await binaryRows.nth(1).click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('23 B'), 'the second binary entry');
      assert.equal(await selectedTab(page), 'detail-tab-hex', 'binary by kind opens on Hex too');

      // The pane chose Hex, not the user: a text message opens on Text again.
      await rowWithText(page, 'plain words').click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('11 B'), 'the text entry again');
      assert.equal(await selectedTab(page), 'detail-tab-text');

      // A tab the user picks on a binary entry is kept for it.
      await binaryRows.first().click();
      await eventually(() => selectedTab(page), (t) => t === 'detail-tab-hex', 'Hex in front');
      await page.locator('[data-testid=detail-tab-text]').click();
      assert.equal(await textOf(page, 'detail-text'), '\u0000\u0001\\xFE\\xFF');
      assert.equal(await selectedTab(page), 'detail-tab-text');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('opens TCP data that is not valid UTF-8 on Hex, and valid UTF-8 on Text', async () => {
    const sockets: Socket[] = [];
    const tcp = createServer((socket) => {
      sockets.push(socket);
      socket.write('hello over tcp\n');
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const connection = createTcpConnection({ host: '127.0.0.1', port: (tcp.address() as AddressInfo).port });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection);
    try {
      const { page } = panel;
      const rows = page.locator('[data-testid=log-row][data-direction=in][data-kind=data]');
      await rows.first().waitFor();
      await rows.first().click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === 'hello over tcp\n', 'the text data');
      assert.equal(await selectedTab(page), 'detail-tab-text');
      // Sent after a pause so it arrives as its own chunk.
      sockets[0]!.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]));
      await eventually(() => rows.count(), (n) => n === 2, 'the binary data');
      await rows.nth(1).click();
      await eventually(() => textOf(page, 'detail-hex'), (t) => t.includes('8950 4e47 ff00'), 'its hex');
      await eventually(() => selectedTab(page), (t) => t === 'detail-tab-hex', 'Hex in front for bytes that are not UTF-8');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });
});
