// Delivered to the webview ÷ recorded, and how soon the newest entry is drawn: a real WsConnection fed
// by a paced blaster process at 50k, 100k and 200k frames/s, its panel open in Chromium (the real
// webview bundle and PanelController, over a bridge that carries messages as VS Code does). Then the
// webview's memory per cached entry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Direction } from '../../shared/logModel';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { ROOT, ensureBundle } from '../../test/browser/harness/bundle';
import { chromiumSkipReason, launchChromium } from '../../test/browser/harness/chromium';
import { startPanelServer, type PanelServer } from '../../test/browser/harness/panelServer';
import { startChild } from '../lib/children';
import { failedRow, type BenchCase, type BenchSettings, type Row } from '../lib/row';
import { median, percentile, round } from '../lib/stats';
import { openBenchPanel, type BenchPanel } from './benchPanel';

const PROBES = readFileSync(join(ROOT, 'bench', 'webview', 'liveProbes.js'), 'utf8');
const RATES = (process.env.BENCH_DELIVERY_RATES ?? "50000,100000,200000").split(",").map(Number);
const ID = 'delivery';
const LABEL = 'delivered to the webview ÷ recorded, up to 200k frames/s';
const GOAL = '≥ 0.95, newest entry painted ≤ 100 ms after it arrived';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One rate: ratio of entries delivered in live batches, and the age of the newest drawn entry per frame. */
interface RateResult {
  rate: number;
  recorded: number;
  delivered: number;
  ratio: number;
  recordedPerSecond: number;
  latencyMs: { p50: number; p95: number; max: number; frames: number };
  batches: number;
  bytesPostedPerEntry: number;
}

/** A paced blaster, a WsConnection to it (not connected yet) and its panel open with the probes loaded. */
export interface LiveFlood {
  readonly blaster: ReturnType<typeof startChild>;
  readonly connection: ReturnType<typeof createWebSocketConnection>;
  readonly panel: BenchPanel;
}

/** Runs `use` on a live flood of 64 B frames at `rate` (at most `limit` of them), then tears it all down. */
export async function withLiveFlood<T>(browser: Browser, server: PanelServer, blasterOptions: { rate: number; limit?: number }, use: (flood: LiveFlood) => Promise<T>): Promise<T> {
  const blaster = startChild('blaster', { protocol: 'ws', size: 64, ...blasterOptions });
  try {
    const { port } = await blaster.next<{ port: number }>('listening', 10_000);
    const connection = createWebSocketConnection({ url: `ws://127.0.0.1:${port}/` });
    try {
      const panel = await openBenchPanel(browser, server, connection);
      try {
        await panel.page.evaluate(PROBES);
        return await use({ blaster, connection, panel });
      } finally {
        await panel.close();
      }
    } finally {
      connection.dispose();
    }
  } finally {
    blaster.kill();
  }
}

function measureRate(browser: Browser, server: PanelServer, rate: number, s: BenchSettings, problems: string[]): Promise<RateResult> {
  return withLiveFlood(browser, server, { rate }, async ({ blaster, connection, panel }) => {
    await connection.connect();
    await sleep(s.quick ? 700 : 1000);
    const from = connection.log.nextSeq;
    const bytes0 = panel.bytesPosted();
    const t0 = performance.now();
    await panel.page.evaluate('window.__delivery.start()');
    await sleep(s.quick ? 1500 : 3000);
    const latencies = (await panel.page.evaluate('window.__delivery.stop()')) as number[];
    const to = connection.log.nextSeq;
    const seconds = (performance.now() - t0) / 1000;
    const bytes = panel.bytesPosted() - bytes0;
    blaster.send({ type: 'stop' });
    // Let what was recorded in the window arrive.
    await sleep(1000);
    const delivered = (await panel.page.evaluate(`window.__delivery.delivered(${from}, ${to})`)) as number;
    const batches = (await panel.page.evaluate('window.__delivery.batchCount()')) as number;
    problems.push(...panel.problems);
    const recorded = to - from;
    return {
      rate,
      recorded,
      delivered,
      ratio: recorded > 0 ? delivered / recorded : 0,
      recordedPerSecond: Math.round(recorded / seconds),
      latencyMs: latencies.length
        ? { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies), frames: latencies.length }
        : { p50: NaN, p95: NaN, max: NaN, frames: 0 },
      batches,
      bytesPostedPerEntry: round(bytes / Math.max(1, recorded), 1),
    };
  });
}

/** Heap of the page after a full GC: V8's used size plus ArrayBuffer backing stores. */
async function pageHeap(page: import('playwright-core').Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  await cdp.detach();
  return usage.usedSize + (usage.backingStorageSize ?? 0);
}

/** Bytes the webview holds per cached 64 B entry, after the live tail delivered `count` entries. */
export function webviewMemoryPerEntry(browser: Browser, server: PanelServer, count: number): Promise<{ perEntry: number; entries: number; heapBefore: number; heapAfter: number; backingStoreReported: boolean }> {
  return withLiveFlood(browser, server, { rate: 50_000, limit: count }, async ({ connection, panel }) => {
    await panel.page.waitForSelector('[data-testid=log]');
    await sleep(300);
    const heapBefore = await pageHeap(panel.page);
    await connection.connect();
    const deadline = performance.now() + 60_000;
    while (connection.log.totals(Direction.In).entries < count && performance.now() < deadline) await sleep(50);
    await sleep(1000);
    const entries = (await panel.page.evaluate(`window.__delivery.delivered(0, ${connection.log.nextSeq})`)) as number;
    const cdp = await panel.page.context().newCDPSession(panel.page);
    const usage = (await cdp.send('Runtime.getHeapUsage')) as { backingStorageSize?: number };
    await cdp.detach();
    const heapAfter = await pageHeap(panel.page);
    return { perEntry: (heapAfter - heapBefore) / entries, entries, heapBefore, heapAfter, backingStoreReported: usage.backingStorageSize !== undefined };
  });
}

export const deliveryCase: BenchCase = {
  id: ID,
  unavailable: () => chromiumSkipReason(),
  async run(s) {
    try {
      ensureBundle();
      const server = await startPanelServer();
      const browser = await launchChromium();
      const problems: string[] = [];
      try {
        const results: RateResult[] = [];
        for (const rate of RATES) {
          const r = await measureRate(browser, server, rate, s, problems);
          results.push(r);
          s.progress(`  ${ID} ${rate / 1000}k/s: ${r.delivered}/${r.recorded} delivered (${r.ratio.toFixed(3)}), newest drawn after p95 ${r.latencyMs.p95} ms`);
        }
        const worstRatio = Math.min(...results.map((r) => r.ratio));
        const worstP95 = Math.max(...results.map((r) => r.latencyMs.p95));
        const notes: string[] = [];
        if (problems.length) notes.push(`problems reported: ${[...new Set(problems)].slice(0, 3).join('; ')}`);
        const row: Row = {
          id: ID,
          label: LABEL,
          baseline: '—',
          measured: results
            .map((r) => `${r.rate / 1000}k/s: ${r.ratio.toFixed(3)} delivered, newest drawn p95 ${r.latencyMs.p95.toFixed(0)} ms (max ${r.latencyMs.max.toFixed(0)})`)
            .join('; '),
          ratio: round(worstRatio, 3),
          goal: GOAL,
          met: worstRatio >= 0.95 && worstP95 <= 100,
          notes,
          details: { results, median: median(results.map((r) => r.ratio)) },
        };
        return [row];
      } finally {
        await browser.close();
        await server.close();
      }
    } catch (e) {
      return [failedRow(ID, LABEL, '—', GOAL, e)];
    }
  },
};
