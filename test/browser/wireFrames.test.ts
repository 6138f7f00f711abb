// The Frames tab and the composer's WebSocket testing options in Chromium, on the real webview bundle,
// the real PanelController and real WebSocket servers on 127.0.0.1: what a user sees and does, through
// the data-testid hooks of docs/testing.md.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { startWsServer } from '../support/nodePeers';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { openLivePanel } from './harness/livePanel';
import { composerTextarea, rowWithText, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

/** The Frames table's rows, each as { column: text }. */
function frameRows(page: Page): Promise<Array<Record<string, string>>> {
  return page.$$eval('[data-testid=frame-row]', (rows) =>
    rows.map((row) => Object.fromEntries([...row.querySelectorAll('td')].map((td) => [td.getAttribute('data-col'), (td.textContent ?? '').trim()]))),
  );
}

async function showFrames(page: Page, rowSelector: string, count: number): Promise<Array<Record<string, string>>> {
  await page.locator(rowSelector).first().click();
  await page.locator('[data-testid=detail-tab-frames]').click();
  return eventually(() => frameRows(page), (rows) => rows.length === count, `${count} frame rows`);
}

describe('Frames tab and WebSocket composer options (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('sends a message in three frames and shows them, then the echo in one', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      await page.locator('[data-testid=composer-fragments] input').fill('3');
      await composerTextarea(page).fill('fragmented hello');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => textOf(page, 'composer-info'), (t) => t === 'Sent 16 B in 3 frames', 'the sent note');
      await eventually(() => live.peer.received.length, (n) => n === 1, 'the message at the server');
      assert.deepEqual(live.peer.received[0], { data: Buffer.from('fragmented hello'), binary: false });

      const sent = await showFrames(page, '[data-testid=log-row][data-direction=out][data-kind=text]', 3);
      const store = live.connection.wireFrames;
      const wire = [...Array(store.size).keys()].map((i) => store.get(store.firstIndex + i)!);
      assert.deepEqual(
        sent.map((r) => [r.dir, r.fin, r.rsv1, r.rsv2, r.rsv3, r.opcode, r.payload, r.header, r.notes]),
        [
          ['out', '0', '0', '0', '0', 'text (0x1)', '6', '6', ''],
          ['out', '0', '0', '0', '0', 'continuation (0x0)', '5', '6', ''],
          ['out', '1', '0', '0', '0', 'continuation (0x0)', '5', '6', ''],
        ],
      );
      // The mask key shown is the one on the wire.
      const outKeys = wire.filter((f) => f.direction === 1).map((f) => `1 · ${f.maskKey.toString(16).padStart(8, '0')}`);
      assert.deepEqual(
        sent.map((r) => r.mask),
        outKeys,
      );
      assert.equal(await textOf(page, 'frames-summary'), '3 frames · 16 B payload + 18 B headers on the wire · message 16 B');

      const echo = await showFrames(page, '[data-testid=log-row][data-direction=in][data-kind=text]', 1);
      assert.deepEqual(
        echo.map((r) => [r.dir, r.fin, r.opcode, r.mask, r.payload, r.header]),
        [['in', '1', 'text (0x1)', '0', '16', '2']],
      );

      // Meta entries have no frames: the tab is not offered.
      await page.locator('[data-testid=log-row][data-kind=open]').click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('open'), 'the open entry');
      assert.equal(await page.locator('[data-testid=detail-tab-frames]').isVisible(), false);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('marks compressed frames and sets the wire size against the message', async () => {
    const peer = await startWsServer({ perMessageDeflate: true });
    const connection = createWebSocketConnection({ url: peer.url('/deflate') });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection);
    try {
      const { page } = panel;
      await composerTextarea(page).fill('squeeze '.repeat(100));
      await page.locator('[data-testid=composer-send]').click();
      await rowWithText(page, 'squeeze squeeze').waitFor();
      const rows = await showFrames(page, '[data-testid=log-row][data-direction=out][data-kind=text]', 1);
      assert.equal(rows[0]!.rsv1, '1');
      assert.equal(rows[0]!.notes, 'compressed');
      const wireLength = Number(rows[0]!.payload);
      assert.ok(wireLength < 800, `compressed to ${wireLength} bytes`);
      assert.match(await textOf(page, 'frames-summary'), new RegExp(`compressed: ${wireLength} B on the wire for a 800 B message \\(\\d+%\\)$`));
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      await peer.close();
    }
  });

  it('pings and pongs by hand with a payload, turns automatic pong off, and closes with a code ws refuses', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.on('error', () => {}));
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      const server = live.peer.client();
      const pongs: string[] = [];
      server.on('pong', (data) => pongs.push(String(data)));
      assert.equal(await page.locator('[data-testid=composer-auto-pong]').evaluate((el) => (el as unknown as { checked: boolean }).checked), true);

      await page.locator('[data-testid=composer-control-payload] input').fill('hb');
      await page.locator('[data-testid=composer-ping]').click();
      await eventually(() => live.peer.pings.map(String), (p) => p[0] === 'hb', 'the ping with its payload');

      await page.locator('[data-testid=composer-auto-pong]').click();
      await eventually(() => live.connection.autoPong, (on) => !on, 'automatic pong off');
      server.ping('unanswered');
      await page.locator('[data-testid=log-row][data-direction=in][data-kind=ping]').waitFor();
      await page.locator('[data-testid=composer-control-payload] input').fill('manual');
      await page.locator('[data-testid=composer-pong]').click();
      await eventually(() => pongs.length, (n) => n === 1, 'the pong at the server');
      // Had the ping been answered automatically, that pong would have arrived first.
      assert.deepEqual(pongs, ['manual']);

      await page.locator('[data-testid=composer-close-code] input').fill('70000');
      await page.locator('[data-testid=composer-close]').click();
      await eventually(() => textOf(page, 'composer-error'), (t) => /from 0 to 65535/.test(t), 'the range error');
      assert.equal(live.connection.state, 'open');
      await page.locator('[data-testid=composer-close-code] input').fill('1015');
      await page.locator('[data-testid=composer-close-reason] input').fill('tls?');
      await page.locator('[data-testid=composer-close]').click();
      await eventually(() => textOf(page, 'composer-info'), (t) => /1015 is not allowed on the wire by RFC 6455; sent anyway/.test(t), 'the note');
      const close = await showFrames(page, '[data-testid=log-row][data-direction=out][data-kind=close]', 1);
      assert.deepEqual(
        close.map((r) => [r.opcode, r.fin, r.payload]),
        [['close (0x8)', '1', '6']],
      );
      assert.match(close[0]!.mask ?? '', /^1 · [0-9a-f]{8}$/);
      assert.equal(live.connection.log.code(Number(await page.locator('[data-testid=log-row][data-direction=out][data-kind=close]').getAttribute('data-id'))), 1015);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });
});
