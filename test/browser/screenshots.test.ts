// Screenshots of the panel in VS Code's Dark Modern, Light Modern and Dark High Contrast themes, saved
// to test-results/ for people to look at. The assertions check that the theme reached the page (the
// panel draws with the theme's colors), not pixels.
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ROOT } from './harness/bundle';
import { chromiumSkipReason } from './harness/chromium';
import { openLivePanel } from './harness/livePanel';
import { composerTextarea, loadedSummary, rowWithText } from './harness/panelActions';
import { loadTheme, type ThemeFixture } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();
const OUT_DIR = join(ROOT, 'test-results');

/** rgb() of a #rrggbb color, as getComputedStyle reports it. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

const SAMPLE = [
  '{"type":"subscribe","channel":"ticker","symbols":["BTC-USD","ETH-USD"],"depth":10}',
  '{"type":"ticker","symbol":"BTC-USD","price":"67012.45","volume_24h":1234.5678,"sequence":12345678901234567890,"open":true,"meta":null}',
  'heartbeat',
  'Ünïcödé ✓ — 日本語 🚀',
];

describe('panel screenshots (Chromium)', { skip }, () => {
  const suite = usePanelSuite();
  before(() => mkdirSync(OUT_DIR, { recursive: true }));

  const shots: Array<[file: string, theme: ThemeFixture, tab: 'json' | 'hex' | 'connection']> = [
    ['panel-dark.png', loadTheme('dark-modern'), 'json'],
    ['panel-light.png', loadTheme('light-modern'), 'json'],
    ['panel-dark-hex.png', loadTheme('dark-modern'), 'hex'],
    ['panel-light-connection.png', loadTheme('light-modern'), 'connection'],
    ['panel-high-contrast.png', loadTheme('dark-high-contrast'), 'json'],
  ];

  for (const [file, theme, tab] of shots) {
    it(`${file}: ${theme.name}, ${tab} tab`, async () => {
      const live = await openLivePanel(suite.browser, suite.server, (ws) => {
        for (const m of SAMPLE) ws.send(m);
        ws.send(Buffer.from('00ff10204142434445464748494a4b4c4d4e4f5051525354', 'hex'));
        ws.on('message', (data: Buffer, binary: boolean) => ws.send(binary ? data : `ack: ${data.toString('utf8')}`));
      }, { theme });
      try {
        const { page } = live.panel;
        await rowWithText(page, 'heartbeat').waitFor();
        await composerTextarea(page).fill('{"type":"ping","id":42}');
        await page.locator('[data-testid=composer-send]').click();
        await rowWithText(page, 'ack: {"type":"ping"').waitFor();
        await page.locator('[data-testid=filter] input').click();
        await rowWithText(page, '"type":"ticker"').click();
        await page.locator(`[data-testid=detail-tab-${tab}]`).click();
        await loadedSummary(page, 'the detail to load');
        await composerTextarea(page).fill('{"type": "unsubscribe", "channel": "ticker"}');

        const colors = await page.evaluate(() => {
          const g = globalThis as unknown as {
            document: { body: unknown; querySelector(s: string): unknown };
            getComputedStyle(e: unknown): { backgroundColor: string; color: string };
          };
          return { body: g.getComputedStyle(g.document.body).backgroundColor, text: g.getComputedStyle(g.document.body).color };
        });
        assert.equal(colors.body, rgb(theme.variables['--vscode-editor-background']!));
        assert.equal(colors.text, rgb(theme.variables['--vscode-foreground']!));

        const path = join(OUT_DIR, file);
        await page.screenshot({ path });
        assert.ok(statSync(path).size > 10_000, `${file} was written`);
        assert.deepEqual(live.panel.problems, []);
      } finally {
        await live.close();
      }
    });
  }
});
