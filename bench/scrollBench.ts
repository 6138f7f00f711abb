// Scroll benchmark of the inspector's log with 1,000,000 entries in headless Chromium, against a minimal
// reference virtual list measured in the same run. Reports frame times (requestAnimationFrame deltas)
// while scrolling programmatically once per frame, the time to show the last row, and the time to
// filter all entries. Writes bench/results/scroll-<date>.json and the table in bench/README.md.
//
//   npm run bench:scroll            (builds the webview first)
//   npm run bench:scroll -- --quick (fewer frames, for a smoke run)
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Direction } from '../shared/logModel';
import { ROOT, ensureBundle } from '../test/browser/harness/bundle';
import { findChromium, launchChromium } from '../test/browser/harness/chromium';
import { fillLog, logOnlyConnection } from '../test/browser/harness/logOnlyConnection';
import { loadTheme, openPanel } from '../test/browser/harness/panelPage';
import { startPanelServer } from '../test/browser/harness/panelServer';

const COUNT = 1_000_000;
const quick = process.argv.includes('--quick');
const FRAMES = quick ? 120 : 600;
/** Each scenario runs this many times; the run with the median p95 is reported (all p95s are kept). */
const REPEATS = quick ? 1 : 3;
const PROBES = readFileSync(join(ROOT, 'bench', 'pageProbes.js'), 'utf8');

/** Frame statistics as pageProbes.js reports them. */
interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  over17: number;
  over33: number;
  framesWithPlaceholders: number;
  /** Main-thread time per frame from Chromium's Performance metrics (tasks, script, layout, style). */
  mainThreadMsPerFrame?: { task: number; script: number; layout: number; style: number };
  /** p95 of every repetition. */
  p95s?: number[];
}

/** How each scenario moves the view: content position (px) at frame f. */
const SCENARIOS: Record<string, { describe: string; step: string }> = {
  wheel: { describe: '3 rows per frame (wheel scrolling)', step: `(f) => start + f * 3 * rowHeight` },
  drag: { describe: '250 rows per frame (dragging the scrollbar)', step: `(f) => start + f * 250 * rowHeight` },
  jumps: { describe: 'a random position every frame', step: `(f) => rnd() * maxContent` },
};

/** Runs one scenario in a page whose scroller, geometry and scale are given as page expressions. */
async function scrollOnce(page: Page, name: string, scrollerExpr: string, scaled: boolean, placeholder: string | null): Promise<FrameStats> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async (): Promise<Record<string, number>> =>
    Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  const stats = (await page.evaluate(`(() => {
    const scroller = ${scrollerExpr};
    const rowHeight = 22;
    const maxContent = ${COUNT} * rowHeight - scroller.clientHeight;
    const maxScroll = scroller.scrollHeight - scroller.clientHeight;
    const start = maxContent * 0.25;
    const rnd = __bench.random(42);
    const toScrollTop = ${scaled} ? (c) => (Math.min(c, maxContent) / maxContent) * maxScroll : (c) => c;
    return __bench.scroll({ scroller, frames: ${FRAMES}, step: ${SCENARIOS[name]!.step}, toScrollTop, placeholderSelector: ${JSON.stringify(placeholder)} });
  })()`)) as FrameStats;
  const after = await metrics();
  await cdp.detach();
  const per = (key: string): number => round((((after[key] ?? 0) - (before[key] ?? 0)) * 1000) / stats.frames);
  stats.mainThreadMsPerFrame = { task: per('TaskDuration'), script: per('ScriptDuration'), layout: per('LayoutDuration'), style: per('RecalcStyleDuration') };
  return stats;
}

/** Runs a scenario REPEATS times and keeps the run with the median p95. */
async function scrollScenario(page: Page, name: string, scrollerExpr: string, scaled: boolean, placeholder: string | null): Promise<FrameStats> {
  const runs: FrameStats[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await settle(page);
    runs.push(await scrollOnce(page, name, scrollerExpr, scaled, placeholder));
  }
  const byP95 = [...runs].sort((a, b) => a.p95 - b.p95);
  return { ...byP95[Math.floor(byP95.length / 2)]!, p95s: runs.map((r) => r.p95) };
}

async function settle(page: Page): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.waitForTimeout(300);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

async function main(): Promise<void> {
  if (!findChromium()) throw new Error('Chromium not found: install Debian\'s chromium package (or set CHROMIUM_PATH)');
  ensureBundle();
  const loadBefore = loadavg()[0]!;
  const server = await startPanelServer();
  const browser = await launchChromium();
  const results: Record<string, unknown> = {};
  try {
    // --- the product --------------------------------------------------------------------------------
    const fillStart = performance.now();
    const log = fillLog(COUNT);
    const fillMs = performance.now() - fillStart;
    const connection = logOnlyConnection(log);
    const panel = await openPanel(browser, server, connection, { theme: loadTheme('dark-modern') });
    const page = panel.page;
    await page.evaluate(PROBES);
    const openMs = await page.evaluate(`__bench.until(() => {
      const rows = document.querySelectorAll('[data-testid=log-row][data-direction]');
      return document.querySelector('[data-testid=log-count]')?.textContent === '${COUNT}' && rows.length > 10;
    }, 0)`);
    const scroller = `document.querySelector('[data-testid=log]')`;
    const product: Record<string, FrameStats> = {};
    for (const name of Object.keys(SCENARIOS)) {
      product[name] = await scrollScenario(page, name, scroller, true, '[data-testid=log-row].loading');
    }
    await settle(page);
    // Time from End to the last row drawn with its data (fetched from the host on demand).
    await page.evaluate(`${scroller}.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }))`);
    await page.evaluate(`__bench.until(() => document.querySelector('[data-testid=log-row][data-id="0"][data-direction]'))`);
    await settle(page);
    const lastRowMs = await page.evaluate(`(() => {
      const start = performance.now();
      ${scroller}.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
      return __bench.until(() => document.querySelector('[data-testid=log-row][data-id="${COUNT - 1}"][data-direction]'), start);
    })()`);
    // Time to filter all entries (host scan + matches streamed + drawn).
    const filterMs = async (text: string, expect: string): Promise<number> =>
      page.evaluate(`(() => {
        const field = document.querySelector('[data-testid=filter]');
        const start = performance.now();
        field.value = ${JSON.stringify(text)};
        field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
        return __bench.until(() => document.querySelector('[data-testid=filter-count]')?.textContent === ${JSON.stringify(expect)}, start);
      })()`);
    const sparseFilterMs = await filterMs('entry 123456 ', '1 of 1,000,000');
    await settle(page);
    const allFilterMs = await filterMs('/entry|seq/', `${(COUNT - COUNT / 1000).toLocaleString('en-US')} of 1,000,000`);
    await settle(page);
    await filterMs('', '');
    await settle(page);
    const outs = log.totals(Direction.Out).entries.toLocaleString('en-US');
    const directionFilterMs = await page.evaluate(`(() => {
      const toggle = document.querySelector('[data-testid=filter-direction-out]');
      const start = performance.now();
      toggle.checked = true;
      toggle.dispatchEvent(new Event('change'));
      return __bench.until(() => document.querySelector('[data-testid=filter-count]')?.textContent === '${outs} of 1,000,000', start);
    })()`);
    const problems = [...panel.problems];
    await panel.close();
    connection.dispose();

    // --- the reference ------------------------------------------------------------------------------
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const ref = await context.newPage();
    await ref.setContent(readFileSync(join(ROOT, 'bench', 'referenceList.html'), 'utf8'));
    await ref.evaluate(PROBES);
    const reference: Record<string, FrameStats> = {};
    for (const name of Object.keys(SCENARIOS)) {
      reference[name] = await scrollScenario(ref, name, 'window.__reference.scroller', false, null);
    }
    await settle(ref);
    const refLastRowMs = await ref.evaluate(`(() => {
      const s = window.__reference.scroller;
      const start = performance.now();
      s.scrollTop = s.scrollHeight;
      return __bench.until(() => document.querySelector('.row[data-id="${COUNT - 1}"]:not([hidden])'), start);
    })()`);
    await context.close();

    Object.assign(results, {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        chromium: browser.version(),
        loadAverage: { before: round(loadBefore), after: round(loadavg()[0]!) },
      },
      repeats: REPEATS,
      entries: COUNT,
      framesPerScenario: FRAMES,
      scenarios: Object.fromEntries(Object.entries(SCENARIOS).map(([k, v]) => [k, v.describe])),
      product: { fillLogMs: round(fillMs), firstPaintMs: round(openMs as number), lastRowMs: round(lastRowMs as number), sparseFilterMs: round(sparseFilterMs), allFilterMs: round(allFilterMs), directionFilterMs: round(directionFilterMs as number), frames: product },
      reference: { lastRowMs: round(refLastRowMs as number), frames: reference },
      problems,
    });
  } finally {
    await browser.close();
    await server.close();
  }
  report(results as unknown as Report);
}

interface Report {
  date: string;
  machine: { cpus: number; cpu: string; node: string; chromium: string; loadAverage: { before: number; after: number } };
  repeats: number;
  entries: number;
  framesPerScenario: number;
  scenarios: Record<string, string>;
  product: { fillLogMs: number; firstPaintMs: number; lastRowMs: number; sparseFilterMs: number; allFilterMs: number; directionFilterMs: number; frames: Record<string, FrameStats> };
  reference: { lastRowMs: number; frames: Record<string, FrameStats> };
  problems: string[];
}

function report(r: Report): void {
  const day = r.date.slice(0, 10);
  const json = JSON.stringify(r, null, 2) + '\n';
  writeFileSync(join(ROOT, 'bench', 'results', `scroll-${day}.json`), json);
  writeFileSync(join(ROOT, 'bench', 'results', 'scroll-latest.json'), json);

  const f = (n: number): string => n.toFixed(1);
  const lines = [
    `Run ${r.date} — ${r.machine.cpus} × ${r.machine.cpu}, Node ${r.machine.node}, Chromium ${r.machine.chromium} (headless, software rendering), ${r.entries.toLocaleString('en-US')} entries, ${r.framesPerScenario} frames per scenario, median of ${r.repeats} runs (p95 of each run listed). 1-minute load average ${r.machine.loadAverage.before} before, ${r.machine.loadAverage.after} after.`,
    '',
    '| Scenario | List | p50 ms | p95 ms (each run) | p99 ms | max ms | frames > 17 ms | frames > 33 ms | rows still loading (frames) | main thread ms/frame: tasks · script · layout · style |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const name of Object.keys(r.scenarios)) {
    for (const [label, stats] of [['Socket Inspector', r.product.frames[name]!], ['reference', r.reference.frames[name]!]] as const) {
      const m = stats.mainThreadMsPerFrame;
      lines.push(
        `| ${name}: ${r.scenarios[name]} | ${label} | ${f(stats.p50)} | **${f(stats.p95)}** (${(stats.p95s ?? [stats.p95]).map(f).join(', ')}) | ${f(stats.p99)} | ${f(stats.max)} | ${stats.over17} | ${stats.over33} | ${label === 'reference' ? '—' : stats.framesWithPlaceholders} | ${m ? `${f(m.task)} · ${f(m.script)} · ${f(m.layout)} · ${f(m.style)}` : '—'} |`,
      );
    }
  }
  lines.push(
    '',
    '| Measure | Socket Inspector | reference |',
    '|---|---:|---:|',
    `| Filling the host log with 1,000,000 entries | ${f(r.product.fillLogMs)} ms | — |`,
    `| Panel open to first rows drawn | ${f(r.product.firstPaintMs)} ms | — |`,
    `| Jump to the last row (End), drawn with its data | ${f(r.product.lastRowMs)} ms | ${f(r.reference.lastRowMs)} ms |`,
    `| Filter all: substring with 1 match | ${f(r.product.sparseFilterMs)} ms | — |`,
    `| Filter all: regex matching 999,000 | ${f(r.product.allFilterMs)} ms | — |`,
    `| Filter all: direction "sent" (500,000) | ${f(r.product.directionFilterMs)} ms | — |`,
  );
  const missed = Object.entries(r.product.frames).filter(([, stats]) => stats.p95 >= 17);
  lines.push(
    '',
    missed.length === 0
      ? `**Target (p95 < 17 ms while scrolling 1,000,000 entries): met in every scenario** (worst p95 ${f(Math.max(...Object.values(r.product.frames).map((x) => x.p95)))} ms).`
      : `**Target (p95 < 17 ms while scrolling 1,000,000 entries): missed in ${missed.map(([n, x]) => `${n} (p95 ${f(x.p95)} ms)`).join(', ')}.**`,
  );
  if (r.problems.length) lines.push('', `Problems reported during the run: ${r.problems.join('; ')}`);
  const table = lines.join('\n');

  const readmePath = join(ROOT, 'bench', 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- scroll-bench:start -->';
  const end = '<!-- scroll-bench:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`bench/README.md lacks the ${start} … ${end} markers`);
  writeFileSync(readmePath, readme.slice(0, i + start.length) + '\n' + table + '\n' + readme.slice(j));
  console.log(table);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
