// The Decoded tab of a 1 MiB message (issue 20): from the click that opens the message to the first
// painted rows of its tree, in headless Chromium with the real webview bundle and PanelController. The
// time includes the host's decode of the payload, the transfer of the decoded message and the page's
// drawing of the tree. Each repetition appends a fresh copy of the payload (the host caches what it
// decoded, by seq), so every open decodes anew.
import { loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import type { CodecRule } from '../../shared/decode/decodeSettings';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { ensureBundle } from '../../test/browser/harness/bundle';
import { chromiumSkipReason, launchChromium } from '../../test/browser/harness/chromium';
import { logOnlyConnection } from '../../test/browser/harness/logOnlyConnection';
import { startPanelServer, type PanelServer } from '../../test/browser/harness/panelServer';
import { failedRow, type BenchCase, type BenchSettings, type Row } from '../lib/row';
import { median, round } from '../lib/stats';
import { openBenchPanel } from './benchPanel';
import { loadBenchSchemas, msgpackPayload, PROTO_FILE, PROTO_TYPE, protobufPayload } from './decodedPayloads';

const GOAL_MS = 100;
const GOAL = `≤ ${GOAL_MS} ms to the first painted rows of the tree (median)`;
const BASELINE = '—';

interface FormatSpec {
  readonly id: string;
  readonly label: string;
  readonly rule: CodecRule;
  readonly protoFiles?: readonly string[];
  payload(): Promise<Uint8Array> | Uint8Array;
}

const FORMATS: readonly FormatSpec[] = [
  { id: 'decoded-tree-msgpack', label: 'Decoded tab of a 1 MiB MessagePack message: click to the first painted tree rows', rule: { codec: 'msgpack' }, payload: msgpackPayload },
  {
    id: 'decoded-tree-protobuf',
    label: `Decoded tab of a 1 MiB Protobuf message (${PROTO_TYPE}): click to the first painted tree rows`,
    rule: { codec: 'protobuf', messageType: PROTO_TYPE },
    protoFiles: [PROTO_FILE],
    payload: protobufPayload,
  },
];

/**
 * Installs the page's probe (returning nothing: Playwright would wait for a returned promise): the time from the next pointerdown to the first paint after the Decoded
 * tab shows tree rows (a task posted from requestAnimationFrame runs after that frame's paint).
 */
const PROBE = `void (window.__decodedOpen = new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error('no tree rows within 30 s of the click')), 30000);
  let t0 = NaN;
  let answerMs = NaN;
  addEventListener('pointerdown', () => { t0 = performance.now(); }, { capture: true, once: true });
  // The decoded answer's arrival (after the bridge deserialized it): splits the host and transfer from the page.
  const onMessage = (e) => {
    if (e.data && e.data.type === 'response' && e.data.result && 'decoded' in e.data.result) {
      answerMs = performance.now() - t0;
      removeEventListener('message', onMessage, true);
    }
  };
  addEventListener('message', onMessage, true);
  const shown = () => document.querySelector('[data-testid=detail-decoded] [data-testid=decoded-node]');
  const observer = new MutationObserver(() => {
    if (!shown()) return;
    observer.disconnect();
    const rowsAt = performance.now();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve({ ms: performance.now() - t0, rowsMs: rowsAt - t0, answerMs, lines: document.querySelectorAll('[data-testid=detail-decoded] [data-testid=decoded-node]').length });
      channel.port2.postMessage(0);
    });
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
}))`;

interface OpenTimes {
  /** Click to the first paint with tree rows. */
  readonly ms: number;
  /** Click to the tree rows in the DOM. */
  readonly rowsMs: number;
  /** Click to the decoded answer's arrival in the page (deserialized). */
  readonly answerMs: number;
  readonly lines: number;
  /** The host: getDecoded received to its answer posted (decode and serialization), ms. */
  readonly hostMs: number;
  /** Bytes of the answer as VS Code would post it. */
  readonly answerBytes: number;
}

async function waitForRow(page: Page, seq: number): Promise<void> {
  await page.locator(`[data-testid=log-row][data-id="${seq}"]`).waitFor({ state: 'visible', timeout: 30_000 });
}

async function measureFormat(spec: FormatSpec, browser: Browser, server: PanelServer, s: BenchSettings): Promise<Row> {
  const payload = await spec.payload();
  const log = new EntryLog();
  log.appendText(Direction.Meta, Kind.Open, 'recorded for the benchmark');
  const connection = logOnlyConnection(log);
  let asked = NaN;
  let answered: { ms: number; bytes: number } | undefined;
  let bytesAtAsk = 0;
  const panel = await openBenchPanel(browser, server, connection, {
    controller: {
      decode: { codecs: [spec.rule], ...(spec.protoFiles ? { protoFiles: spec.protoFiles } : {}) },
      ...(spec.protoFiles ? { loadProtoSchemas: async (files: readonly string[]) => (await loadBenchSchemas(files)).schemas } : {}),
    },
    onReceive: (m) => {
      if ((m as { type?: string }).type === 'getDecoded') {
        asked = performance.now();
        bytesAtAsk = panel.bytesPosted();
      }
    },
    onPost: (m) => {
      const r = m as { type?: string; result?: { decoded?: unknown } };
      if (r.type === 'response' && r.result && 'decoded' in r.result) answered = { ms: performance.now() - asked, bytes: 0 };
    },
  });
  const { page } = panel;
  try {
    await waitForRow(page, 0);
    const times: OpenTimes[] = [];
    const reps = s.quick ? 3 : 7;
    for (let rep = 0; rep < reps + 1; rep++) {
      const seq = log.append(Direction.In, Kind.Binary, payload);
      await waitForRow(page, seq);
      // Away from any decoded message first (the meta row has no Decoded tab), then open the new one.
      await page.locator('[data-testid=log-row][data-id="0"]').click();
      await page.waitForFunction("!document.querySelector('[data-testid=detail-decoded]')", undefined, { timeout: 10_000 });
      await page.waitForTimeout(200);
      answered = undefined;
      await page.evaluate(PROBE);
      await page.locator(`[data-testid=log-row][data-id="${seq}"]`).click();
      const t = (await page.evaluate('window.__decodedOpen').catch(async (e: unknown) => {
        // What the page showed instead, for the row's note.
        const shown = (await page.evaluate(`(document.querySelector('[data-testid=detail]') ?? document.body).innerText.slice(0, 300)`)) as string;
        throw new Error(`${e instanceof Error ? e.message : String(e)}; getDecoded ${Number.isNaN(asked) ? 'never asked' : 'asked'}; the detail pane showed: ${JSON.stringify(shown)}; problems: ${panel.problems.slice(0, 3).join('; ')}`);
      })) as { ms: number; rowsMs: number; answerMs: number; lines: number };
      const host = answered as { ms: number } | undefined;
      // The first open warms up the JIT of both sides: not counted.
      if (rep > 0) times.push({ ...t, hostMs: host?.ms ?? NaN, answerBytes: panel.bytesPosted() - bytesAtAsk });
      s.progress(`  ${spec.id} ${rep === 0 ? 'warm-up' : `rep ${rep}`}: ${t.ms.toFixed(0)} ms to the first paint (answer in the page at ${t.answerMs.toFixed(0)} ms, rows in the DOM at ${t.rowsMs.toFixed(0)} ms; host ${host?.ms.toFixed(0) ?? '?'} ms; ${t.lines} lines)`);
    }
    const ms = median(times.map((t) => t.ms));
    const hostMs = median(times.map((t) => t.hostMs));
    const bytes = median(times.map((t) => t.answerBytes));
    const answerMs = median(times.map((t) => t.answerMs));
    const notes: string[] = [];
    if (ms > GOAL_MS) notes.push(`the host's decode and serialization took ${hostMs.toFixed(0)} ms of it; ${(bytes / 1e6).toFixed(1)} MB posted to the page`);
    if (panel.problems.length) notes.push(`problems reported: ${[...new Set(panel.problems)].slice(0, 3).join('; ')}`);
    return {
      id: spec.id,
      label: spec.label,
      baseline: BASELINE,
      measured: `median ${ms.toFixed(0)} ms (${times.map((t) => t.ms.toFixed(0)).join(', ')}); host decode + serialize ${hostMs.toFixed(0)} ms, answer in the page at ${answerMs.toFixed(0)} ms; ${(bytes / 1e6).toFixed(2)} MB posted; payload ${(payload.length / 1024).toFixed(0)} KiB`,
      goal: GOAL,
      met: ms <= GOAL_MS,
      notes,
      details: { payloadBytes: payload.length, runs: times.map((t) => ({ ...t, ms: round(t.ms, 1), rowsMs: round(t.rowsMs, 1), answerMs: round(t.answerMs, 1), hostMs: round(t.hostMs, 1) })), chromium: browser.version(), loadAverage: round(loadavg()[0]!, 2) },
    };
  } finally {
    await panel.close();
  }
}

export const decodedTreeCase: BenchCase = {
  id: 'decoded-tree',
  unavailable: () => chromiumSkipReason(),
  async run(s) {
    ensureBundle();
    const server = await startPanelServer();
    const browser = await launchChromium();
    try {
      const rows: Row[] = [];
      for (const spec of FORMATS) {
        try {
          rows.push(await measureFormat(spec, browser, server, s));
        } catch (e) {
          rows.push(failedRow(spec.id, spec.label, BASELINE, GOAL, e));
        }
      }
      return rows;
    } finally {
      await browser.close();
      await server.close();
    }
  },
};
