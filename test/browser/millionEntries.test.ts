// A million entries in the real webview: they load, the scroll area stays within browser limits, both
// ends are reachable by keyboard and by the scrollbar, and the filter runs over all of them.
// The log is filled in advance (no server can be asked for a million messages in a unit of test time);
// everything else — controller, protocol, bundle, browser — is the real thing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction } from '../../shared/logModel';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { fillLog, logOnlyConnection, syntheticPayload } from './harness/logOnlyConnection';
import { logCount, setFilter, textOf, visibleRows } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();
const COUNT = 1_000_000;

interface ScrollerProbe {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
}

describe('a million entries (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('loads 1,000,000 entries; the first and the last are reachable; the filter covers all', async () => {
    const log = fillLog(COUNT);
    const connection = logOnlyConnection(log);
    const panel = await openPanel(suite.browser, suite.server, connection);
    try {
      const { page } = panel;
      const scroller = page.locator('[data-testid=log]');
      await eventually(() => logCount(page), (n) => n === COUNT, 'log-count of a million');

      // The view starts at the newest entry.
      const last = await eventually(async () => (await visibleRows(page)).at(-1), (r) => r?.id === COUNT - 1 && r.kind !== undefined, 'the last entry in view');
      assert.equal(last?.direction, 'meta');

      // Browsers cap element heights (~16-33M px); a million 22 px rows would be 22M px: scaled.
      const geometry = await scroller.evaluate((el) => {
        const s = el as unknown as ScrollerProbe;
        return { scrollHeight: s.scrollHeight, clientHeight: s.clientHeight };
      });
      assert.ok(geometry.scrollHeight <= 8_000_000, `scroll height ${geometry.scrollHeight} is capped`);

      await scroller.press('Home');
      await eventually(async () => (await visibleRows(page))[0], (r) => r?.id === 0 && r.preview === syntheticPayload(0), 'the first entry after Home');

      // Dragging the scrollbar to the very end reaches the very last row.
      await scroller.evaluate((el) => {
        const s = el as unknown as ScrollerProbe;
        s.scrollTop = s.scrollHeight;
      });
      await eventually(async () => (await visibleRows(page)).at(-1), (r) => r?.id === COUNT - 1 && r.kind === 'open', 'the last entry at the scrollbar end');

      // And the middle of the scrollbar is the middle of the log.
      await scroller.evaluate((el) => {
        const s = el as unknown as ScrollerProbe;
        s.scrollTop = (s.scrollHeight - s.clientHeight) / 2;
      });
      const nearMiddle = (rows: Awaited<ReturnType<typeof visibleRows>>): boolean =>
        rows.length > 0 && Math.abs(rows[Math.floor(rows.length / 2)]!.id - COUNT / 2) < 100;
      const middle = await eventually(
        async () => await visibleRows(page),
        (rows) => nearMiddle(rows) && rows.every((r) => r.kind !== undefined),
        'the rows around entry 500,000, loaded',
      );
      const row = middle.find((r) => r.direction !== 'meta')!;
      assert.equal(row.preview, syntheticPayload(row.id).slice(0, 240));

      // The filter scans every entry on the host.
      await setFilter(page, 'entry 123456 ');
      await eventually(() => textOf(page, 'filter-count'), (t) => t === '1 of 1,000,000', 'one match of a million');
      assert.deepEqual((await visibleRows(page)).map((r) => r.id), [123456]);

      await setFilter(page, '');
      await page.locator('[data-testid=filter-direction-out]').click();
      const outs = log.totals(Direction.Out).entries;
      await eventually(() => textOf(page, 'filter-count'), (t) => t === `${outs.toLocaleString('en-US')} of 1,000,000`, 'every sent entry matched');
      await scroller.press('End');
      await eventually(async () => (await visibleRows(page)).at(-1), (r) => r?.id === COUNT - 3 && r.direction === 'out', 'the last sent entry');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
    }
  });
});
