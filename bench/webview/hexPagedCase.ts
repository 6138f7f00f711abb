// The Hex tab of a 256 MiB binary message (issue 18 item 2), in headless Chromium with the real webview
// bundle and PanelController: from the click on its row to the first paint of its rows, the longest
// main-thread task while opening, frame times while scrolling through the whole payload (pages fetched
// from the host as the view moves), and Ctrl+End to the last row drawn with its bytes.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { ROOT, ensureBundle } from '../../test/browser/harness/bundle';
import { chromiumSkipReason, launchChromium } from '../../test/browser/harness/chromium';
import { logOnlyConnection } from '../../test/browser/harness/logOnlyConnection';
import { startPanelServer } from '../../test/browser/harness/panelServer';
import { failedRow, type BenchCase, type Row } from '../lib/row';
import { median, round } from '../lib/stats';
import { openBenchPanel } from './benchPanel';

const ID = 'detail-hex-256m';
const LABEL = 'Hex tab of a 256 MiB binary message: click to first paint, longest task while opening, scroll frame p95, Ctrl+End to the last row';
const BASELINE = '—';
const GOAL = 'first paint ≤ 300 ms, longest task ≤ 50 ms, scroll p95 ≤ 17 ms, end ≤ 100 ms (medians)';
const SIZE = 256 * 1024 * 1024;
const PROBES = readFileSync(join(ROOT, 'bench', 'webview', 'pageProbes.js'), 'utf8');
const FRAMES = 120;

/**
 * The page's probe for one open (returning nothing: Playwright would wait for a returned promise): the
 * time from the next pointerdown to the first paint after the Hex tab shows rows drawn from their bytes,
 * and every long task from the click until a second after that paint.
 */
const OPEN_PROBE = `void (window.__hexOpen = new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error('no hex rows within 30 s of the click')), 30000);
  let t0 = NaN;
  const tasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.startTime >= t0) tasks.push(e.duration); }).observe({ type: 'longtask' });
  addEventListener('pointerdown', () => { t0 = performance.now(); }, { capture: true, once: true });
  const shown = () => {
    const dump = document.querySelector('[data-testid=hex-scroller][data-total="${SIZE}"] [data-testid=detail-hex]');
    return dump && !dump.hasAttribute('aria-busy') && (dump.querySelector('.hex-bytes')?.textContent ?? '').length > 0;
  };
  const observer = new MutationObserver(() => {
    if (!shown()) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const ms = performance.now() - t0;
        setTimeout(() => resolve({ ms, longestTask: Math.max(0, ...tasks) }), 1000);
      };
      channel.port2.postMessage(0);
    });
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
}))`;

const SCROLLS: Record<string, string> = {
  drag: '(f) => (f / FRAMES) * maxScroll',
  jumps: '(f) => rnd() * maxScroll',
};

async function settle(page: Page): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.waitForTimeout(200);
}

interface Rep {
  readonly openMs: number;
  readonly longestTaskMs: number;
  readonly p95: Record<string, number>;
  readonly endMs: number;
}

async function measure(reps: number, progress: (line: string) => void): Promise<Row> {
  ensureBundle();
  const server = await startPanelServer();
  const browser = await launchChromium();
  try {
    const payload = new Uint8Array(SIZE);
    // Random-looking bytes (xorshift32, fixed seed) written a word at a time: 256 MiB in well under a second.
    const words = new Uint32Array(payload.buffer);
    let x = 0x9e3779b9;
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    const log = new EntryLog({ maxBytes: 2 * SIZE });
    log.appendText(Direction.Meta, Kind.Open, 'recorded for the benchmark');
    const seq = log.append(Direction.In, Kind.Binary, payload);
    const panel = await openBenchPanel(browser, server, logOnlyConnection(log));
    const { page } = panel;
    try {
      await page.evaluate(PROBES);
      await page.locator(`[data-testid=log-row][data-id="${seq}"]`).waitFor({ timeout: 30_000 });
      const runs: Rep[] = [];
      for (let rep = 0; rep < reps + 1; rep++) {
        await page.locator('[data-testid=log-row][data-id="0"]').click();
        await page.waitForFunction("!document.querySelector('[data-testid=hex-scroller][data-total=\"${SIZE}\"]')", undefined, { timeout: 10_000 });
        await settle(page);
        await page.evaluate(OPEN_PROBE);
        await page.locator(`[data-testid=log-row][data-id="${seq}"]`).click();
        const open = (await page.evaluate('window.__hexOpen')) as { ms: number; longestTask: number };
        const p95: Record<string, number> = {};
        for (const [name, step] of Object.entries(SCROLLS)) {
          await settle(page);
          const stats = (await page.evaluate(`(() => {
            const scroller = document.querySelector('[data-testid=hex-scroller]');
            const maxScroll = scroller.scrollHeight - scroller.clientHeight;
            const FRAMES = ${FRAMES};
            const rnd = __bench.random(42);
            return __bench.scroll({ scroller, frames: FRAMES, step: ${step}, toScrollTop: (c) => c, placeholderSelector: null });
          })()`)) as { p95: number };
          p95[name] = stats.p95;
        }
        await settle(page);
        const lastRow = (SIZE - 16).toString(16).padStart(8, '0');
        const endMs = (await page.evaluate(`(() => {
          const scroller = document.querySelector('[data-testid=hex-scroller]');
          scroller.focus();
          const start = performance.now();
          scroller.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', ctrlKey: true, bubbles: true }));
          return __bench.until(() => {
            const dump = document.querySelector('[data-testid=detail-panel-hex] [data-testid=detail-hex]');
            return !dump.hasAttribute('aria-busy') && dump.querySelector('.hex-offsets').textContent.endsWith('${lastRow}');
          }, start);
        })()`)) as number;
        const r = { openMs: open.ms, longestTaskMs: open.longestTask, p95, endMs };
        if (rep > 0) runs.push(r);
        progress(`  ${ID} ${rep === 0 ? 'warm-up' : `rep ${rep}`}: first paint ${r.openMs.toFixed(0)} ms, longest task ${r.longestTaskMs.toFixed(0)} ms, scroll p95 ${Object.entries(p95).map(([n, v]) => `${n} ${v.toFixed(1)}`).join(', ')} ms, end ${r.endMs.toFixed(0)} ms`);
      }
      const openMs = median(runs.map((r) => r.openMs));
      const longest = median(runs.map((r) => r.longestTaskMs));
      const worstP95 = median(runs.map((r) => Math.max(...Object.values(r.p95))));
      const endMs = median(runs.map((r) => r.endMs));
      const notes: string[] = [];
      if (openMs > 300) notes.push(`first paint ${openMs.toFixed(0)} ms`);
      if (longest > 50) notes.push(`a ${longest.toFixed(0)} ms task while opening`);
      if (worstP95 > 17) notes.push(`scroll p95 ${worstP95.toFixed(1)} ms`);
      if (endMs > 100) notes.push(`Ctrl+End ${endMs.toFixed(0)} ms`);
      if (panel.problems.length) notes.push(`problems reported: ${[...new Set(panel.problems)].slice(0, 3).join('; ')}`);
      return {
        id: ID,
        label: LABEL,
        baseline: BASELINE,
        measured:
          `first paint median ${openMs.toFixed(0)} ms (${runs.map((r) => r.openMs.toFixed(0)).join(', ')}); longest task ${longest > 0 ? `${longest.toFixed(0)} ms` : 'none over 50 ms'}; ` +
          `scroll p95 ${worstP95.toFixed(1)} ms (worst of drag, jumps); Ctrl+End ${endMs.toFixed(0)} ms`,
        goal: GOAL,
        met: openMs <= 300 && longest <= 50 && worstP95 <= 17 && endMs <= 100,
        notes,
        details: { payloadBytes: SIZE, runs: runs.map((r) => ({ ...r, openMs: round(r.openMs, 1), endMs: round(r.endMs, 1) })), chromium: browser.version(), loadAverage: round(loadavg()[0]!, 2) },
      };
    } finally {
      await panel.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

export const hexPagedCase: BenchCase = {
  id: ID,
  unavailable: () => chromiumSkipReason(),
  async run(s) {
    try {
      return [await measure(s.quick ? 2 : 5, s.progress)];
    } catch (e) {
      return [failedRow(ID, LABEL, BASELINE, GOAL, e)];
    }
  },
};
