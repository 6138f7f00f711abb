// Keyboard and screen readers in the real panel (Chromium): axe-core finds no WCAG 2.0/2.1 A or AA
// violation in any state or theme; Tab reaches every control in order and draws focus; the log is an
// ARIA grid whose counts and positions are right for a virtualized log of 10,000 entries, filtered or
// not, walked by keyboard to both ends; Enter opens the detail; arrow keys move between detail tabs;
// F6 moves between regions; a live region says what happens, without spamming a flood.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { AXE_THEMES as THEMES, assertNoViolations } from './harness/axeCheck';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { focusChangesPixels, focusedControl, markOperableControls, tabCycle } from './harness/keyboardProbe';
import { openLivePanel, type LivePanel } from './harness/livePanel';
import { choose, composerTextarea, logCount, rowWithText, setFilter, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();


/** The grid's ARIA state and its active row, read from the DOM. */
async function gridState(page: Page): Promise<{ rowCount: number; colCount: number; active?: { rowIndex: number; seq: number; selected: string | null; inView: boolean } }> {
  return page.evaluate(() => {
    interface El {
      id: string;
      getAttribute(n: string): string | null;
      getBoundingClientRect(): { top: number; bottom: number };
    }
    const d = (globalThis as unknown as { document: { querySelector(s: string): El | null; getElementById(id: string): El | null } }).document;
    const grid = d.querySelector('[data-testid=log-grid]')!;
    const scroller = d.querySelector('[data-testid=log]')!.getBoundingClientRect();
    const id = grid.getAttribute('aria-activedescendant');
    const row = id ? d.getElementById(id) : null;
    const box = row?.getBoundingClientRect();
    return {
      rowCount: Number(grid.getAttribute('aria-rowcount')),
      colCount: Number(grid.getAttribute('aria-colcount')),
      ...(row && box
        ? {
            active: {
              rowIndex: Number(row.getAttribute('aria-rowindex')),
              seq: Number(row.getAttribute('data-id')),
              selected: row.getAttribute('aria-selected'),
              inView: box.top >= scroller.top - 0.5 && box.bottom <= scroller.bottom + 0.5,
            },
          }
        : {}),
    };
  });
}

describe('accessibility (Chromium, axe-core)', { skip }, () => {
  const suite = usePanelSuite();

  for (const theme of THEMES) {
    it(`WebSocket panel in ${theme.name}: no violations when empty, live, selected, on each tab, filtered, failing`, async () => {
      // Connect opens the panel's connection; Reconnect, as in the extension, opens a new one.
      const reconnected: Connection[] = [];
      let live: LivePanel | undefined;
      const connect = async (): Promise<Connection | void> => {
        if (live!.connection.state === 'idle') return void (await live!.connection.connect());
        const next = createWebSocketConnection({ url: live!.peer.url });
        reconnected.push(next);
        void next.connect();
        return next;
      };
      live = await openLivePanel(suite.browser, suite.server, (ws) => {
        ws.on('message', (data: Buffer) => {
          const text = data.toString('utf8');
          if (text === 'send traffic') {
            ws.send('Hello, screen reader');
            ws.send('{"type":"ticker","price":"67012.45","tags":["a","b"],"nested":{"ok":true}}');
            ws.send(Buffer.from([0x00, 0x01, 0xfe, 0xff]));
          }
          if (text === 'close please') ws.close(4001, 'done here');
        });
      }, { theme, connectFirst: false, callbacks: { connect } });
      try {
        const { page } = live.panel;
        await page.locator('[data-testid=connection-status][data-detail=idle]').waitFor();
        await assertNoViolations(page, 'an empty, unconnected panel');
        const grid = page.locator('[data-testid=log-grid]');
        // Set when the log first draws, in an animation frame.
        await eventually(() => grid.getAttribute('aria-rowcount'), (n) => n === '1', 'aria-rowcount: only the header row');
        assert.equal(await page.locator(`#${await grid.getAttribute('aria-describedby')}`).textContent(), 'No entries yet.', 'the empty grid says why');

        await page.locator('[data-testid=connect-toggle]').click();
        await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
        await composerTextarea(page).fill('send traffic');
        await page.locator('[data-testid=composer-send]').click();
        await rowWithText(page, 'Hello, screen reader').click();
        await eventually(() => textOf(page, 'detail-text'), (t) => t === 'Hello, screen reader', 'the text view');
        await assertNoViolations(page, 'a live log and a row selected (Text tab)');

        await page.locator('[data-testid=detail-tab-hex]').click();
        await page.locator('[data-testid=detail-hex]').waitFor();
        await assertNoViolations(page, 'the Hex tab');

        await rowWithText(page, '"type":"ticker"').click();
        await page.locator('[data-testid=detail-tab-json]').click();
        await page.locator('[data-testid=detail-json]').waitFor();
        await assertNoViolations(page, 'the JSON tab');

        await page.locator('[data-testid=detail-tab-connection]').click();
        await page.locator('[data-testid=handshake-response]').waitFor();
        await assertNoViolations(page, 'the Connection tab');

        await setFilter(page, 'hello');
        await eventually(() => textOf(page, 'filter-count'), (t) => /^1 of \d+$/.test(t), 'the filter count');
        await page.locator('[data-testid=filter-direction-in]').click();
        await assertNoViolations(page, 'a filter by text and direction');

        await setFilter(page, '/(unclosed/');
        await page.locator('[data-testid=filter-error]').waitFor({ state: 'visible' });
        await choose(page, 'composer-format', 'Hex');
        await composerTextarea(page).fill('48 6g');
        await page.locator('[data-testid=composer-error]').waitFor({ state: 'visible' });
        await assertNoViolations(page, 'an invalid filter and invalid composer input');
        await setFilter(page, '');
        await page.locator('[data-testid=filter-direction-in]').click();
        await choose(page, 'composer-format', 'Text');

        await composerTextarea(page).fill('close please');
        await page.locator('[data-testid=composer-send]').click();
        await page.locator('[data-testid=connection-status][data-state=closed]').waitFor();
        await page.locator('[data-testid=log-row][data-direction=in][data-kind=close]').click();
        await page.locator('[data-testid=detail-tab-close]').click();
        await page.locator('[data-testid=detail-close]').waitFor();
        await assertNoViolations(page, 'a closed connection and the Close tab');

        await live.peer.close();
        await page.locator('[data-testid=connect-toggle]').click();
        await page.locator('[data-testid=connection-status][data-state=error]').waitFor();
        await assertNoViolations(page, 'a connection that failed');
        assert.deepEqual(live.panel.problems, []);
      } finally {
        await live.close();
        for (const c of reconnected) c.dispose();
      }
    });
  }

  it('TCP panel with View as settings: no violations in any theme', async () => {
    const sockets: Socket[] = [];
    const tcp = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      socket.write('+OK ready\r\n');
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    try {
      for (const theme of THEMES) {
        const connection = createTcpConnection({ host: '127.0.0.1', port: (tcp.address() as AddressInfo).port });
        await connection.connect();
        const panel = await openPanel(suite.browser, suite.server, connection, { theme });
        try {
          const { page } = panel;
          await page.locator('[data-testid=log-row][data-kind=data]').click();
          await page.locator('[data-testid=detail-text]').waitFor();
          await assertNoViolations(page, `a TCP panel in ${theme.name}`);
          await choose(page, 'framing-select', 'Length prefix…');
          await page.locator('[data-testid=framing-length-width]').waitFor({ state: 'visible' });
          await assertNoViolations(page, `length prefix settings in ${theme.name}`);
          await choose(page, 'framing-select', 'Custom delimiter…');
          await page.locator('[data-testid=framing-delimiter] input').fill('0d0');
          await page.locator('[data-testid=framing-delimiter] input').press('Enter');
          await page.locator('[data-testid=framing-error]').waitFor({ state: 'visible' });
          await assertNoViolations(page, `an invalid delimiter in ${theme.name}`);
          assert.deepEqual(panel.problems, []);
        } finally {
          await panel.close();
          connection.dispose();
        }
      }
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });
});
describe('keyboard (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('Tab reaches every control in order, draws focus on each, and leaves the page; Shift+Tab walks back', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.send('Hello, keyboard'), { theme: THEMES[0]! });
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      await rowWithText(page, 'Hello, keyboard').click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === 'Hello, keyboard', 'the text view');

      const operable = await markOperableControls(page);
      const { controls: forward, leftPage } = await tabCycle(page, 'Tab');
      assert.equal(leftPage, true, 'Tab leaves the page after the last control: no trap');
      const expectedOrder = [
        'connect-toggle',
        'clear',
        'follow',
        'filter',
        'filter-direction-in',
        'filter-direction-out',
        'filter-direction-meta',
        'filter-kinds',
        'pair-field',
        'log-grid',
        'copy-text',
        'copy-hex',
        'copy-base64',
        'save-payload',
        'detail-tab-text',
        'detail-panel-text',
        'composer-format',
        'composer-escapes',
        'composer-save',
        'composer-input',
        'composer-fragments',
        'composer-send',
        'composer-control-payload',
        'composer-ping',
        'composer-pong',
        'composer-auto-pong',
        'composer-close-code',
        'composer-close-reason',
        'composer-close',
      ];
      // Controls other modules add may come between these, but these come in this order.
      const positions = expectedOrder.map((id) => forward.indexOf(id));
      assert.ok(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!)), `Tab order ${forward.join(', ')}`);
      const unreached = operable.filter((c) => !forward.includes(c));
      assert.deepEqual(unreached, [], `controls Tab never reaches (reached: ${forward.join(', ')})`);
      assert.equal(forward.includes('log'), false, 'the scroller is not a second tab stop of the log');

      const backward = (await tabCycle(page, 'Shift+Tab')).controls;
      const reversed = [...forward].reverse();
      const at = backward.indexOf(reversed[0]!);
      assert.deepEqual([...backward.slice(at), ...backward.slice(0, at)], reversed, 'Shift+Tab is Tab backwards');

      // Focus is drawn: each control looks different focused than after Tab moved on.
      const invisible: string[] = [];
      for (let checked = 0; checked < forward.length; ) {
        if ((await focusedControl(page)) === 'body') {
          await page.keyboard.press('Tab');
          continue;
        }
        const { control, changed } = await focusChangesPixels(page, () => page.keyboard.press('Tab'));
        if (!changed) invisible.push(control);
        checked++;
      }
      assert.deepEqual(invisible, [], 'controls without a visible focus indicator');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('walks a virtualized log of 10,000 entries as an ARIA grid, filtered or not; Enter opens the detail', async () => {
    const COUNT = 10_000;
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      for (let i = 0; i < COUNT; i++) ws.send(`msg ${i}`);
    });
    try {
      const { page } = live.panel;
      const log = live.connection.log;
      await eventually(() => logCount(page), (n) => n >= COUNT && n === log.size, 'all 10,000 messages in the log');
      const total = log.size;
      const firstSeq = log.firstSeq;
      const lastSeq = log.nextSeq - 1;
      const grid = page.locator('[data-testid=log-grid]');
      assert.equal(await grid.getAttribute('role'), 'grid');
      assert.equal(await grid.getAttribute('aria-label'), 'Message log');
      await eventually(() => gridState(page), (g) => g.rowCount === total + 1, 'aria-rowcount: every entry and the header row');
      assert.equal(await page.locator('[data-testid=log-row]').count() < 200, true, 'only the rows in view exist');
      const { colCount } = await gridState(page);
      assert.equal(colCount, await page.locator('.log-header [role=columnheader]').count());
      assert.equal(await page.locator('[data-testid=log-row]').first().locator('[role=gridcell]').count(), colCount, 'a cell per column');

      await grid.focus();
      await page.keyboard.press('Home');
      let g = await eventually(() => gridState(page), (s) => s.active?.seq === firstSeq, 'Home: the first entry active');
      assert.deepEqual(g.active, { rowIndex: 2, seq: firstSeq, selected: 'true', inView: true });

      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
      g = await eventually(() => gridState(page), (s) => s.active?.seq === firstSeq + 3, 'three rows down');
      assert.equal(g.active?.rowIndex, 5);
      await page.keyboard.press('ArrowUp');
      await eventually(() => gridState(page), (s) => s.active?.rowIndex === 4, 'one row up');

      await page.keyboard.press('PageDown');
      g = await eventually(() => gridState(page), (s) => (s.active?.rowIndex ?? 0) > 10, 'a page down');
      const paged = g.active!;
      assert.equal(paged.seq, firstSeq + paged.rowIndex - 2, 'aria-rowindex is the position in the whole log');
      assert.equal(paged.inView, true);
      await page.keyboard.press('PageUp');
      await eventually(() => gridState(page), (s) => s.active?.rowIndex === 4, 'and back up');

      // End: the last row was never rendered; the virtual list scrolls to it.
      await page.keyboard.press('End');
      g = await eventually(() => gridState(page), (s) => s.active?.seq === lastSeq && s.active.inView, 'End: the last entry active and in view');
      assert.deepEqual(g.active, { rowIndex: total + 1, seq: lastSeq, selected: 'true', inView: true });
      assert.equal(await rowWithText(page, `msg ${COUNT - 1}`).getAttribute('aria-rowindex'), String(total + 1));

      await page.keyboard.press('Enter');
      await eventually(() => focusedControl(page), (c) => c.startsWith('detail-panel-'), 'Enter puts the keyboard in the detail');
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.startsWith(`#${lastSeq} ·`), 'the detail of the last entry');
      await eventually(() => textOf(page, 'detail-text'), (t) => t === `msg ${COUNT - 1}`, 'its text');

      // Filtered: counts and positions are those of the matches. A row in view is drawn at once, with
      // its text once its entry has arrived from the host ('…' until then).
      const drawnPreview = (seq: number): Promise<string | null> =>
        eventually(() => page.locator(`[data-testid=log-row][data-id="${seq}"] .c-preview`).textContent(), (t) => t !== '…', `row #${seq} drawn with its entry`);
      await setFilter(page, 'msg 12');
      const matches = 1 + 10 + 100; // msg 12, msg 120…129, msg 1200…1299
      await eventually(() => textOf(page, 'filter-count'), (t) => t === `${matches} of ${total.toLocaleString('en-US')}`, 'the filter count');
      await eventually(() => gridState(page), (s) => s.rowCount === matches + 1, 'aria-rowcount of the matches');
      await grid.focus();
      await page.keyboard.press('End');
      g = await eventually(() => gridState(page), (s) => s.active?.rowIndex === matches + 1, 'End among the matches');
      assert.equal(await drawnPreview(g.active!.seq), 'msg 1299');
      await page.keyboard.press('Home');
      g = await eventually(() => gridState(page), (s) => s.active?.rowIndex === 2, 'Home among the matches');
      assert.equal(await drawnPreview(g.active!.seq), 'msg 12');
      await page.keyboard.press('ArrowDown');
      g = await eventually(() => gridState(page), (s) => s.active?.rowIndex === 3, 'the second match');
      assert.equal(await drawnPreview(g.active!.seq), 'msg 120');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('arrow keys move between the detail tabs that apply; the views scroll by keyboard; F6 moves between regions', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      ws.send(long);
      ws.send('plain text');
    });
    try {
      const { page } = live.panel;
      await rowWithText(page, 'plain text').click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === 'plain text', 'the text view');
      const selectedTab = (): Promise<string | undefined> =>
        page.evaluate(() => {
          const d = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
          return d.querySelector('vscode-tab-header[aria-selected=true]')?.getAttribute('data-testid') ?? undefined;
        });
      await page.locator('[data-testid=detail-tab-text]').focus();
      const steps: Array<[key: string, tab: string]> = [
        ['ArrowRight', 'detail-tab-hex'],
        ['ArrowRight', 'detail-tab-frames'], // JSON and Close do not apply to this entry
        ['ArrowRight', 'detail-tab-connection'],
        ['ArrowRight', 'detail-tab-text'],
        ['ArrowLeft', 'detail-tab-connection'],
        ['Home', 'detail-tab-text'],
        ['End', 'detail-tab-connection'],
      ];
      for (const [key, tab] of steps) {
        await page.keyboard.press(key);
        assert.equal(await focusedControl(page), tab, `${key} focuses ${tab}`);
        assert.equal(await selectedTab(), tab, `${key} shows ${tab}`);
      }
      assert.equal(await page.locator('[data-testid=detail-panel-connection]').isVisible(), true);
      assert.equal(await page.locator('[data-testid=detail-panel-connection]').getAttribute('role'), 'tabpanel');

      // A long payload's Text and Hex views scroll from the keyboard once their panel has focus.
      await rowWithText(page, 'line 0').click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t.startsWith('line 0\\nline 1'), 'the long text');
      const scrolled = (tab: string): Promise<number> =>
        // Text and Hex scroll their own rows (virtualized), inside the panel.
        page.locator(tab === 'text' ? '[data-testid=detail-panel-text] .text-paged-scroller' : '[data-testid=detail-panel-hex] .hex-scroller').evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop);
      for (const tab of ['text', 'hex']) {
        await page.locator(`[data-testid=detail-tab-${tab}]`).click();
        await page.locator(`[data-testid=detail-panel-${tab}]`).focus();
        assert.equal(await scrolled(tab), 0);
        await page.keyboard.press('PageDown');
        await eventually(() => scrolled(tab), (top) => top > 0, `the ${tab} view scrolled by PageDown`);
      }
      await rowWithText(page, 'plain text').click();

      await page.locator('[data-testid=log-grid]').focus();
      const f6: Array<[key: string, control: string]> = [
        ['F6', 'detail-panel-hex'],
        ['F6', 'composer-input'],
        ['Shift+F6', 'detail-panel-hex'],
        ['Shift+F6', 'log-grid'],
        ['Shift+F6', 'filter'],
        ['Shift+F6', 'connect-toggle'],
        ['F6', 'filter'],
      ];
      for (const [key, control] of f6) {
        await page.keyboard.press(key);
        assert.equal(await focusedControl(page), control, `${key} goes to ${control}`);
      }
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('a live region says new entries at the tail without spamming a flood, and connection changes', async () => {
    const live = await openLivePanel(suite.browser, suite.server);
    try {
      const { page } = live.panel;
      const region = page.locator('[data-testid=live-region]');
      assert.equal(await region.getAttribute('aria-live'), 'polite');
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      await page.evaluate(() => {
        const g = globalThis as unknown as {
          __said: string[];
          document: { querySelector(s: string): { textContent: string } };
          MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void };
        };
        g.__said = [];
        const el = g.document.querySelector('[data-testid=live-region]');
        new g.MutationObserver(() => g.__said.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
      });
      const said = (): Promise<string[]> => page.evaluate(() => (globalThis as unknown as { __said: string[] }).__said);

      const ws = live.peer.client();
      const started = Date.now();
      for (let burst = 0; burst < 20; burst++) {
        for (let i = 0; i < 100; i++) ws.send(`flood ${burst}/${i}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await eventually(() => logCount(page), (n) => n === live.connection.log.size, 'the flood in the log');
      const announcements = await eventually(said, (s) => s.some((t) => /^[\d,]+ new entr(y|ies)/.test(t)), 'new entries announced');
      // At most one announcement per 5 s interval (and one at the start): 2,000 messages are not 2,000 announcements.
      const intervals = Math.ceil((Date.now() - started) / 5000);
      assert.ok(announcements.length <= intervals + 1, `${announcements.length} announcements in ${intervals} intervals: ${announcements.join(' | ')}`);

      ws.close(1000, 'bye');
      await eventually(said, (s) => s.some((t) => t.trim() === 'Connection closed'), 'the closed connection announced');
      assert.equal(await page.locator('[data-testid=connection-status]').getAttribute('role'), null, 'the badge is not a second live region');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });
});
