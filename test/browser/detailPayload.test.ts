// The detail pane on payloads that are binary, big or both: which tab they open on, and that opening them
// keeps the page responsive. The real webview bundle and PanelController on real WebSocket and TCP
// connections to servers on 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeUtf8 } from '../../shared/codecs/utf8Decode';
import { splitControls } from '../../shared/codecs/controlEscapes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { eventually } from '../support/eventually';
import { xorshiftBytes } from '../support/seededRandom';
import { chromiumSkipReason } from './harness/chromium';
import { openLivePanel } from './harness/livePanel';
import { FREEZE_MS, panelLongTasks, recordedLongTasks, recordLongTasks } from './harness/longTasks';
import { rowWithText, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

/** The data-testid of the tab header in front. */
function selectedTab(page: Page): Promise<string | null> {
  return page.locator('vscode-tab-header[aria-selected=true]').getAttribute('data-testid');
}

/** `n` random-looking bytes, the same on every run. */
const randomBytes = (n: number): Buffer => xorshiftBytes(n, 0x9e3779b9);

/**
 * Whether the Text tab has rows and none waits for its bytes. Polled with the page's own querySelector: a
 * Playwright locator's selector engine walks every node, a long task of the test's own on a huge view.
 */
function textFilled(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = (globalThis as unknown as { document: { querySelector(s: string): { childElementCount: number; hasAttribute(a: string): boolean } | null } }).document.querySelector('[data-testid=detail-text]');
    return el !== null && el.childElementCount > 0 && !el.hasAttribute('aria-busy');
  });
}

/** The Text tab's rows in the DOM: payload offset, text, and how many invalid-byte runs are marked. */
function drawnRows(page: Page): Promise<{ offset: number; text: string; invalidRuns: number }[]> {
  return page.evaluate(() => {
    type El = { dataset: { offset?: string }; textContent: string | null; querySelectorAll(s: string): { length: number } };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } }).document;
    return [...doc.querySelectorAll('[data-testid=detail-text] .text-row')].map((el) => ({
      offset: Number(el.dataset.offset),
      text: el.textContent ?? '',
      invalidRuns: el.querySelectorAll('.invalid-bytes').length,
    }));
  });
}

/** What a row of `bytes` reads: invalid runs as \xHH, control characters as their escapes. */
function expectedRowText(bytes: Uint8Array): string {
  return decodeUtf8(bytes).segments.map((seg) => (seg.invalid ? seg.text : splitControls(seg.text).map((p) => p.text).join(''))).join('');
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
      await eventually(() => textOf(page, 'detail-text'), (t) => t === '\\0\\x01\\xFE\\xFF', 'control characters as escapes, invalid bytes marked');
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
      await eventually(() => textOf(page, 'detail-text'), (t) => t === 'hello over tcp\\n', 'the text data');
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

  /**
   * Opens a panel on one 1 MiB random binary message, selects it, brings Text in front and waits until its
   * rows are drawn; long tasks are recorded from before the click.
   */
  async function openRandomMiB(): Promise<{ live: Awaited<ReturnType<typeof openLivePanel>>; payload: Buffer }> {
    const payload = randomBytes(1024 * 1024);
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.send(payload));
    const { page } = live.panel;
    const row = page.locator('[data-testid=log-row][data-kind=binary]');
    await row.waitFor();
    await recordLongTasks(page);
    await row.click();
    await eventually(() => selectedTab(page), (t) => t === 'detail-tab-hex', 'Hex in front for the binary message');
    await page.locator('[data-testid=detail-tab-text]').click();
    await eventually(() => textFilled(page), (done) => done, 'the Text tab filled', 60_000);
    return { live, payload };
  }

  it('shows a 1 MiB random binary message on the Text tab a screen of rows at a time, one node per run of invalid bytes', async () => {
    const { live, payload } = await openRandomMiB();
    try {
      const { page } = live.panel;
      const rows = await drawnRows(page);
      assert.ok(rows.length > 5 && rows.length < 200, `only the rows in view are drawn (${rows.length})`);
      assert.equal(rows[0]!.offset, 0);
      // Each row drawn holds its bytes: invalid runs as marked \xHH, control characters as escapes.
      for (let i = 0; i + 1 < rows.length; i++) {
        const { offset } = rows[i]!;
        const bytes = payload.subarray(offset, rows[i + 1]!.offset);
        assert.equal(rows[i]!.text, expectedRowText(bytes), `row ${i} at offset ${offset}`);
        const invalid = decodeUtf8(bytes).segments.filter((seg) => seg.invalid);
        assert.equal(rows[i]!.invalidRuns, invalid.length, `row ${i}: one node per run of invalid bytes`);
      }
      // The end of the payload is reachable: Ctrl+End scrolls to the last row.
      await page.locator('[data-testid=detail-panel-text] .text-paged-scroller').focus();
      await page.keyboard.press('Control+End');
      await eventually(async () => (await drawnRows(page)).at(-1), (last) => last !== undefined && last.text === expectedRowText(payload.subarray(last.offset)), 'the last row', 20_000);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('opens a 1 MiB random binary message on the Text tab and scrolls it without freezing the panel', async () => {
    const { live } = await openRandomMiB();
    try {
      const { page } = live.panel;
      const scroller = page.locator('[data-testid=detail-panel-text] .text-paged-scroller');
      await scroller.focus();
      for (let i = 0; i < 20; i++) await page.keyboard.press('PageDown');
      await page.keyboard.press('Control+End');
      await eventually(() => textFilled(page), (done) => done, 'the Text tab at its end', 20_000);
      await page.waitForTimeout(300);
      const record = await recordedLongTasks(page);
      assert.deepEqual(panelLongTasks(record), [], `the panel froze (tasks over ${FREEZE_MS} ms): ${record.what}`);
    } finally {
      await live.close();
    }
  });

  it('reads a 16 MiB JSON message into a tree a slice at a time, without freezing the panel, and shows any part of it', async () => {
    const count = 360_000;
    const items = Array.from({ length: count }, (_, i) => JSON.stringify({ id: i, name: `item ${i}`, tags: ['a', 'b'] }));
    const big = `[${items.join(',')}]`;
    assert.ok(big.length > 16 * 1024 * 1024, `${big.length} bytes`);
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.send(big));
    try {
      const { page } = live.panel;
      const row = page.locator('[data-testid=log-row][data-kind=text]');
      await row.waitFor();
      await recordLongTasks(page);
      await row.click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('MiB'), 'the big entry');
      await page.locator('[data-testid=detail-tab-json]').click();
      const status = () => page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid=json-status]')?.textContent ?? '');
      await eventually(status, (t) => t === `${(1 + count * 6).toLocaleString('en-US')} values`, 'the whole document read', 60_000);
      const rows = () => page.evaluate(() => [...(globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ textContent: string | null }> } }).document.querySelectorAll('[data-testid=json-row]')].map((r) => r.textContent ?? ''));
      await eventually(rows, (r) => r[0] === '[360,000 items]' && r[1] === '0: {3 keys}', 'the root and its first items');
      await page.locator('[data-testid=json-row]').nth(1).click();
      await eventually(rows, (r) => r.slice(1, 5).join('|') === '0: {3 keys}|id: 0|name: "item 0"|tags: [2 items]', 'the first item expanded');
      await page.locator('[data-testid=detail-panel-json]').focus();
      await page.keyboard.press('Control+End');
      await eventually(async () => (await rows()).at(-1), (r) => r === `${count - 1}: {3 keys}`, 'the last item');
      await page.waitForTimeout(300);
      const record = await recordedLongTasks(page);
      assert.deepEqual(panelLongTasks(record), [], `the panel froze (tasks over ${FREEZE_MS} ms): ${record.what}`);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('says why a JSON message over the limit of the JSON tab has no tree and what to do', async () => {
    const big = JSON.stringify({ items: 'x'.repeat(64 * 1024 * 1024) });
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.send(big));
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=log-row][data-kind=text]').first().click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('64 MiB'), 'the big entry');
      await page.locator('[data-testid=detail-tab-json]').click();
      assert.match(
        await textOf(page, 'detail-json-too-big'),
        /^This payload looks like JSON but is 67,108,876 bytes, over the 64 MiB the JSON tab reads, so it is not parsed\. Save… writes the whole payload to a file to open in an editor; a payload codec or protocol layer reads it on the Decoded tab\.$/,
      );
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });
});
