// Memory per logged 64-byte frame, on the host (EntryLog behind a real WsConnection, in its own
// process) and in the webview (the page cache of the real bundle after the live tail delivered the
// entries), against the ideal columnar cost: the payload plus 21 bytes (8 time, 8 seq or offset, 4
// length, 1 direction/kind).
import type { Browser } from 'playwright-core';
import { ensureBundle } from '../../test/browser/harness/bundle';
import { chromiumSkipReason, launchChromium } from '../../test/browser/harness/chromium';
import { startPanelServer } from '../../test/browser/harness/panelServer';
import { startChild } from '../lib/children';
import { failedRow, type BenchCase, type Row } from '../lib/row';
import { median, round } from '../lib/stats';
import { webviewMemoryPerEntry } from '../webview/deliveryCase';
import type { HostMemoryResult } from './hostMemory';

const ID = 'memory';
const LABEL = 'memory per logged 64 B frame, host and webview';
const BASELINE = 'payload + 21 B (ideal columnar)';
const GOAL = '≤ payload + 32 B host, ≤ payload + 48 B webview';
const PAYLOAD = 64;

async function hostRun(count: number): Promise<HostMemoryResult> {
  const blaster = startChild('blaster', { protocol: 'ws', size: PAYLOAD, limit: count });
  try {
    const { port } = await blaster.next<{ port: number }>('listening', 10_000);
    const child = startChild('hostMemory', { port, count }, ['--expose-gc']);
    try {
      return (await child.next<{ result: HostMemoryResult }>('result', 120_000)).result;
    } finally {
      child.kill();
    }
  } finally {
    blaster.send({ type: 'stop' });
    blaster.kill();
  }
}

export const memoryCase: BenchCase = {
  id: ID,
  async run(s) {
    try {
      const count = s.quick ? 300_000 : 1_000_000;
      const host: HostMemoryResult[] = [];
      for (let rep = 0; rep < Math.min(3, s.repetitions); rep++) {
        host.push(await hostRun(count));
        s.progress(`  ${ID} host rep ${rep + 1}: ${host.at(-1)!.bytesPerEntry.toFixed(1)} B per entry`);
      }
      const hostPerEntry = median(host.map((h) => h.bytesPerEntry));
      let webview: Awaited<ReturnType<typeof webviewMemoryPerEntry>> | undefined;
      let webviewError: string | undefined = chromiumSkipReason();
      if (!webviewError) {
        ensureBundle();
        const server = await startPanelServer();
        let browser: Browser | undefined;
        try {
          browser = await launchChromium();
          webview = await webviewMemoryPerEntry(browser, server, s.quick ? 50_000 : 100_000);
          s.progress(`  ${ID} webview: ${webview.perEntry.toFixed(1)} B per cached entry (${webview.entries} entries)`);
        } catch (e) {
          webviewError = e instanceof Error ? e.message : String(e);
        } finally {
          await browser?.close();
          await server.close();
        }
      }
      const hostOver = hostPerEntry - PAYLOAD;
      const webviewOver = webview ? webview.perEntry - PAYLOAD : NaN;
      const notes: string[] = [];
      if (webviewError) notes.push(`webview not measured: ${webviewError}`);
      else if (webview && !webview.backingStoreReported) notes.push("Chromium did not report ArrayBuffer backing stores: the webview figure omits them");
      const row: Row = {
        id: ID,
        label: LABEL,
        baseline: BASELINE,
        measured: `host payload + ${hostOver.toFixed(1)} B; webview payload + ${Number.isNaN(webviewOver) ? '—' : webviewOver.toFixed(1)} B (per cached entry; the webview caches at most 131,072 entries)`,
        ratio: round(hostPerEntry / (PAYLOAD + 21), 3),
        goal: GOAL,
        met: hostOver <= 32 && webviewOver <= 48,
        notes,
        details: { host, webview },
      };
      return [row];
    } catch (e) {
      return [failedRow(ID, LABEL, BASELINE, GOAL, e)];
    }
  },
};
