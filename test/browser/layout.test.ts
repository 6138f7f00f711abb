// The panel at the widths it is really given: a narrow split beside the editor (260 px), half a laptop
// screen (480), a panel beside the editor (800) and a wide window (1500). At each, the log keeps a
// usable Payload column (Length, then Kind, give way first), nothing sticks out of its pane, the detail
// header keeps the whole time, and the Hex and Frames tabs show their last column in full. Each run
// leaves test-results/layout-<width>-frames.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT } from './harness/bundle';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { openLivePanel } from './harness/livePanel';
import { composerTextarea, loadedSummary, rowWithText } from './harness/panelActions';
import { usePanelSuite } from './harness/panelSuite';
import { openWsProxyPanel, showFirstPair } from './harness/wsProxyPanel';
import { opened } from '../support/wsProxyEnds';
import { createWsListener } from '../../src/core/listen/wsListener';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import { openPanel } from './harness/panelPage';

const skip = chromiumSkipReason();

/** The narrowest Payload column the log may show, in px. */
const MIN_PAYLOAD_PX = 100;

interface Box {
  readonly left: number;
  readonly right: number;
  readonly width: number;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly shown: boolean;
}

/**
 * Boxes of the first element matching each selector (undefined when none). Evaluated as a string: tsx
 * would wrap named functions in a helper the page does not have.
 */
async function boxes(page: Page, selectors: Record<string, string>): Promise<Record<string, Box | undefined>> {
  const script = `(() => {
    const out = {};
    for (const [name, sel] of Object.entries(${JSON.stringify(selectors)})) {
      const e = document.querySelector(sel);
      if (!e) continue;
      const b = e.getBoundingClientRect();
      out[name] = { left: b.left, right: b.right, width: b.width, scrollWidth: e.scrollWidth, clientWidth: e.clientWidth,
        shown: getComputedStyle(e).display !== 'none' && b.width > 0 };
    }
    return out;
  })()`;
  return (await page.evaluate(script)) as Record<string, Box | undefined>;
}

/** Cells of the log's header and rows that reach past the log's right edge. */
async function cellsPastLog(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const log = document.querySelector('.log').getBoundingClientRect();
    const past = [];
    for (const cell of document.querySelectorAll('.log-header > *, .log-row > *')) {
      const b = cell.getBoundingClientRect();
      if (b.width > 0 && b.right > log.right + 0.5) past.push(cell.className + ' ends at ' + b.right + ' > ' + log.right);
    }
    return past;
  })()`)) as string[];
}

/** `inner` lies within `outer`'s horizontal extent, and `outer` does not scroll sideways. */
function assertInside(inner: Box | undefined, outer: Box | undefined, what: string): void {
  assert.ok(inner && outer, `${what}: both are on the page`);
  assert.ok(inner.shown, `${what} is shown`);
  assert.ok(inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5, `${what} [${inner.left}, ${inner.right}] lies within [${outer.left}, ${outer.right}]`);
  assert.ok(outer.scrollWidth <= outer.clientWidth + 1, `${what}: its pane does not overflow (${outer.scrollWidth} > ${outer.clientWidth})`);
}

describe('panel layout at 260, 480, 800 and 1500 px (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  for (const width of [260, 480, 800, 1500]) {
    it(`${width} px: Payload column, detail header, Hex and Frames fit their panes`, async () => {
      const live = await openLivePanel(
        suite.browser,
        suite.server,
        (ws) => {
          ws.send('{"type":"ticker","symbol":"BTC-USD","price":"67012.45"}');
          ws.on('message', (data, binary) => ws.send(data, { binary }));
        },
        { viewport: { width, height: 900 } },
      );
      try {
        const { page } = live.panel;
        await rowWithText(page, 'ticker').waitFor();
        assert.equal(await page.locator('[data-testid=filter-auto-replies]').isVisible(), false, "a client's log holds no auto-replies: no sender choice");
        // A sent message: its frame is masked, the widest row the Frames table has.
        await composerTextarea(page).fill('hello from the panel, a payload long enough to need ellipsis in any log column');
        await page.locator('[data-testid=composer-send]').click();
        await page.locator('[data-testid=log-row][data-direction=out][data-kind=text]').first().click();
        const summary = await loadedSummary(page, 'the detail to load');
        const time = /\d{2}:\d{2}:\d{2}\.\d{3}$/.exec(summary)?.[0];
        assert.ok(time, `the summary ends with the time: ${summary}`);

        // The log: Payload shown and wide enough, header and rows inside the log.
        const log = await boxes(page, {
          log: '.log',
          headerPayload: '.log-header .c-preview',
          rowPayload: '[data-testid=log-row][data-direction=out] .c-preview',
          rowTime: '[data-testid=log-row][data-direction=out] .c-time',
        });
        for (const name of ['headerPayload', 'rowPayload'] as const) {
          assert.ok(log[name]?.shown && log[name].width >= MIN_PAYLOAD_PX, `${name} is at least ${MIN_PAYLOAD_PX} px wide: ${JSON.stringify(log[name])}`);
          assertInside(log[name], log.log, name);
        }
        assertInside(log.rowTime, log.log, 'the row time');
        assert.deepEqual(await cellsPastLog(page), []);

        // The detail header: the whole summary (time last) and the copy buttons within the pane.
        const header = await boxes(page, { detail: '.detail', summary: '[data-testid=detail-summary]', actions: '.detail-actions' });
        assertInside(header.summary, header.detail, 'the detail summary');
        assertInside(header.actions, header.detail, 'the copy buttons');
        assert.ok(header.summary!.scrollWidth <= header.summary!.clientWidth + 1, `the summary is not cut: ${JSON.stringify(header.summary)}`);

        // Hex: the ASCII column within the tab's pane, which does not scroll sideways.
        await page.locator('[data-testid=detail-tab-hex]').click();
        await page.locator('[data-testid=detail-hex]').waitFor();
        const hex = await eventually(
          () => boxes(page, { panel: '[data-testid=detail-panel-hex]', ascii: '.hex-ascii' }),
          (b) => (b.ascii?.right ?? Infinity) <= (b.panel?.right ?? 0) + 0.5,
          'the ASCII column within the Hex pane (the rows re-laid to its width)',
        );
        assertInside(hex.ascii, hex.panel, 'the Hex tab ASCII column');

        // Frames: the Time cell in full, within the tab's pane.
        await page.locator('[data-testid=detail-tab-frames]').click();
        await page.locator('[data-testid=frame-row]').first().waitFor();
        const frames = await boxes(page, { panel: '[data-testid=detail-panel-frames]', time: '[data-testid=frame-row] [data-col=time]' });
        assertInside(frames.time, frames.panel, 'the Frames tab Time cell');
        assert.ok(frames.time!.scrollWidth <= frames.time!.clientWidth + 1, 'the Time cell is not cut');
        assert.match((await page.locator('[data-testid=frame-row] [data-col=time]').first().textContent()) ?? '', /^\d{2}:\d{2}:\d{2}\.\d{3}$/);
        // For people to look at after layout changes (test-results/ is not committed).
        mkdirSync(join(ROOT, 'test-results'), { recursive: true });
        await page.screenshot({ path: join(ROOT, 'test-results', `layout-${width}-frames.png`) });
        assert.deepEqual(live.panel.problems, []);
      } finally {
        await live.close();
      }
    });
  }

  it("a listener's filter strip at 260, 480 and 800 px: every control, the sender choice too, within the page", async () => {
    const server = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
    await server.connect();
    const panel = await openPanel(suite.browser, suite.server, server, {
      viewport: { width: 800, height: 900 },
      callbacks: { disconnect: () => server.close(), connect: () => undefined },
    });
    try {
      const { page } = panel;
      await page.locator('[data-testid=filter-auto-replies]').waitFor();
      for (const width of [800, 480, 260]) {
        await page.setViewportSize({ width, height: 900 });
        await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
        const strip = await boxes(page, {
          bar: '.filter-bar',
          text: '[data-testid=filter]',
          directions: '.filter-bar .toggle-group',
          kinds: '[data-testid=filter-kinds]',
          senders: '[data-testid=filter-auto-replies]',
          count: '.filter-bar .count-label',
        });
        for (const name of ['text', 'directions', 'kinds', 'senders', 'count'] as const) assertInside(strip[name], strip.bar, `${width} px: the filter strip's ${name}`);
        assert.ok(strip.bar!.right <= width + 0.5, `${width} px: the filter strip ends within the page (${strip.bar!.right})`);
      }
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      server.dispose();
    }
  });

  it('resizing a connection\'s panel across 260, 480, 800 and 1500 px raises no "ResizeObserver loop" error', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      for (let i = 0; i < 40; i++) ws.send(`{"type":"ticker","n":${i},"price":"67012.45"}`);
    }, { viewport: { width: 1500, height: 900 } });
    try {
      const { page } = live.panel;
      const errors = await recordWindowErrors(page);
      await rowWithText(page, '"n":39').click();
      await page.locator('[data-testid=detail-tab-hex]').click();
      await page.locator('[data-testid=detail-hex]').waitFor();
      await resizeAcrossBreakpoints(page);
      assert.deepEqual(await errors(), []);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('showing a proxy pair\'s log and resizing the panel raises no "ResizeObserver loop" error', async () => {
    const proxy = await openWsProxyPanel(suite, (ws) => ws.on('message', (d, binary) => ws.send(d, { binary })), { viewport: { width: 1500, height: 900 } });
    const { panel, client } = proxy;
    const open = opened(client);
    try {
      const { page } = panel;
      const errors = await recordWindowErrors(page);
      await open;
      client.send('hello through the proxy');
      // The pair's log replaces the server's and the hold panel appears: the log and detail pane shrink at once.
      await showFirstPair(proxy);
      await page.locator('[data-testid=hold-panel]').waitFor();
      await rowWithText(page, 'hello through the proxy').click();
      await resizeAcrossBreakpoints(page);
      assert.deepEqual(await errors(), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await proxy.close();
    }
  });
});

/** Starts recording the page's window errors (the "ResizeObserver loop" notice is one); returns their reader. */
async function recordWindowErrors(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(`window.__layoutErrors = []; window.addEventListener('error', (e) => window.__layoutErrors.push(e.message))`);
  return async () => (await page.evaluate('window.__layoutErrors')) as string[];
}

/** Resizes the page across the side-by-side switch (760 px) both ways and the widths the columns give way at. */
async function resizeAcrossBreakpoints(page: Page): Promise<void> {
  for (const width of [800, 480, 260, 480, 759, 760, 800, 1500, 260, 1500]) {
    await page.setViewportSize({ width, height: 900 });
    // Observers run in the frame after a resize; the loop notice, if any, is raised in that frame.
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  }
}
