// The JSON tab of a 64 MiB JSON message (issue 18 item 2), in headless Chromium with the real webview
// bundle and PanelController: the click on the JSON tab to the first painted tree rows; the longest task
// while the document is fetched and indexed; the frames of scrolling the read tree (all 700,000+ items
// of its root shown); and Ctrl+End to the painted last row.
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { Direction, Kind } from '../../shared/logModel';
import { MAX_PAYLOAD_LIMIT } from '../../shared/protocol';
import { EntryLog } from '../../src/core/log/entryLog';
import { ensureBundle } from '../../test/browser/harness/bundle';
import { chromiumSkipReason, launchChromium } from '../../test/browser/harness/chromium';
import { logOnlyConnection } from '../../test/browser/harness/logOnlyConnection';
import { startPanelServer } from '../../test/browser/harness/panelServer';
import { failedRow, type BenchCase, type Row } from '../lib/row';
import { percentile, round } from '../lib/stats';
import { openBenchPanel } from './benchPanel';

const ID = 'detail-json-64m';
const LABEL = 'JSON tab of a 64 MiB JSON message: first paint, longest task while reading, scroll, jump to the end';
const GOAL = 'first paint ≤ 300 ms, scroll p95 ≤ 17 ms, jump to the end ≤ 100 ms, longest task while opening ≤ 50 ms';
const BASELINE = 'no JSON tab over 4 MiB';

/** A JSON array of records just under MAX_PAYLOAD_LIMIT. */
function jsonPayload(): Buffer {
  const parts: string[] = [];
  let size = 2;
  for (let i = 0; ; i++) {
    const item = JSON.stringify({ id: i, name: `item ${i}`, tags: ['alpha', 'beta'], nested: { x: i * 1.5, ok: i % 2 === 0 } });
    if (size + item.length + 1 > MAX_PAYLOAD_LIMIT) break;
    parts.push(item);
    size += item.length + 1;
  }
  return Buffer.from(`[${parts.join(',')}]`);
}

/**
 * Records long tasks from now, and resolves __jsonFirstPaint with the time from the next click to the first
 * paint (a task posted from requestAnimationFrame runs after that frame's paint) with JSON rows.
 */
const PROBE = `void (() => {
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
  // What ran in frames held over 50 ms (the scripts' entry points and their times), for the row's notes.
  window.__longFrames = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      if (e.blockingDuration <= 0) continue;
      window.__longFrames.push({ ms: Math.round(e.duration), layoutMs: Math.round(e.startTime + e.duration - e.styleAndLayoutStart), scripts: e.scripts.map((s) => s.invoker + ' ' + (s.sourceFunctionName || '') + ' ' + Math.round(s.duration) + ' ms') });
    }
  }).observe({ type: 'long-animation-frame' });
  window.__jsonFirstPaint = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('no JSON rows within 30 s')), 30000);
    let t0 = NaN;
    addEventListener('pointerdown', () => { t0 = performance.now(); }, { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (!document.querySelector('[data-testid=json-row]')) return;
      observer.disconnect();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now() - t0);
        channel.port2.postMessage(0);
      });
    });
    observer.observe(document.body, { subtree: true, childList: true });
  });
})()`;

/** Scrolls `scroller` by `step` px once per animation frame for `count` frames; the times between frames, ms. */
async function scrollFrames(page: Page, scroller: string, step: number, count: number): Promise<number[]> {
  return (await page.evaluate(`new Promise((resolve) => {
    const scroller = ${scroller};
    const deltas = [];
    let last = 0;
    let frame = 0;
    const tick = (now) => {
      if (last) deltas.push(now - last);
      last = now;
      if (frame++ === ${count}) return resolve(deltas);
      scroller.scrollTop += ${step};
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`)) as number[];
}

/** Time from `act` (run in the page) to the end of the paint of the frame after it, ms. */
async function toPaint(page: Page, act: string): Promise<number> {
  return (await page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => {
    const t0 = performance.now();
    ${act};
    // The view draws in the next frame: a task posted from that frame's callbacks runs after its paint.
    requestAnimationFrame(() => {
      const c = new MessageChannel();
      c.port1.onmessage = () => resolve(performance.now() - t0);
      c.port2.postMessage(0);
    });
  }))`)) as number;
}

async function measure(): Promise<Row> {
  const payload = jsonPayload();
  const log = new EntryLog();
  log.appendText(Direction.Meta, Kind.Open, 'recorded for the benchmark');
  const seq = log.append(Direction.In, Kind.Text, payload);
  const server = await startPanelServer();
  const browser = await launchChromium();
  const panel = await openBenchPanel(browser, server, logOnlyConnection(log));
  try {
    const { page } = panel;
    await page.locator(`[data-testid=log-row][data-id="${seq}"]`).click();
    await page.locator('[data-testid=detail-tab-json]').waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.evaluate(PROBE);
    await page.locator('[data-testid=detail-tab-json]').click();
    const firstPaint = (await page.evaluate('window.__jsonFirstPaint')) as number;
    const readStart = Date.now();
    await page.waitForFunction("/^[\\d,]+ values$/.test(document.querySelector('[data-testid=json-status]')?.textContent ?? '')", undefined, { timeout: 120_000, polling: 250 });
    const readMs = Date.now() - readStart + firstPaint;
    const longTasks = (await page.evaluate('window.__longTasks')) as number[];
    const longFrames = (await page.evaluate('window.__longFrames')) as unknown[];
    const status = (await page.evaluate("document.querySelector('[data-testid=json-status]').textContent")) as string;
    // Scrolling: 150 steps of 700 px down the tree of the whole root.
    const scroller = "document.querySelector('[data-testid=detail-panel-json] .text-paged-scroller')";
    const scroll = await scrollFrames(page, scroller, 700, 150);
    const jump = [await toPaint(page, `document.querySelector('[data-testid=detail-panel-json]').dispatchEvent(new KeyboardEvent('keydown', { key: 'End', ctrlKey: true, bubbles: true }))`)];
    const lastRow = (await page.evaluate("[...document.querySelectorAll('[data-testid=json-row]')].at(-1)?.textContent")) as string;
    const scrollP95 = percentile(scroll, 95);
    const longest = longTasks.length ? Math.max(...longTasks) : 0;
    const met = firstPaint <= 300 && scrollP95 <= 17 && jump[0]! <= 100 && longest <= 50;
    const notes: string[] = [];
    if (longTasks.length) notes.push(`${longTasks.length} long tasks while opening: ${longTasks.map((t) => t.toFixed(0)).join(', ')} ms; frames held: ${JSON.stringify(longFrames)}`);
    if (panel.problems.length) notes.push(`problems reported: ${[...new Set(panel.problems)].slice(0, 3).join('; ')}`);
    return {
      id: ID,
      label: LABEL,
      baseline: BASELINE,
      measured: `first paint ${firstPaint.toFixed(0)} ms; longest task while opening ${longest ? `${longest.toFixed(0)} ms` : 'none over 50 ms'}; scroll p95 ${scrollP95.toFixed(1)} ms (median ${percentile(scroll, 50).toFixed(1)}); jump to the end ${jump[0]!.toFixed(0)} ms; read and indexed in ${(readMs / 1000).toFixed(1)} s (${status}); payload ${(payload.length / 1048576).toFixed(1)} MiB`,
      goal: GOAL,
      met,
      notes,
      details: { payloadBytes: payload.length, firstPaintMs: round(firstPaint, 1), readMs, longTasks, longFrames, scrollMs: scroll.map((t) => round(t, 1)), jumpMs: round(jump[0]!, 1), lastRow, status, chromium: browser.version(), loadAverage: round(loadavg()[0]!, 2) },
    };
  } finally {
    await panel.close();
    await browser.close();
    await server.close();
  }
}

export const detailJsonCase: BenchCase = {
  id: ID,
  unavailable: () => chromiumSkipReason(),
  async run() {
    ensureBundle();
    try {
      return [await measure()];
    } catch (e) {
      return [failedRow(ID, LABEL, BASELINE, GOAL, e)];
    }
  },
};
