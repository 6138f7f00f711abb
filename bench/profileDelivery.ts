// Profiles the page of the delivery case: `node --import tsx bench/profileDelivery.ts [rate]`. A paced
// blaster feeds a real WsConnection whose panel is open in Chromium (as in the bench); after a second
// of warm-up the page's main thread is profiled for three seconds. Prints how much was delivered and
// the page functions with the most self time; the .cpuprofile lands in bench/.profiles.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBundle } from '../test/browser/harness/bundle';
import { launchChromium } from '../test/browser/harness/chromium';
import { startPanelServer } from '../test/browser/harness/panelServer';
import { buildChildren } from './lib/children';
import { selfTimeLines } from './lib/cpuProfile';
import { withLiveFlood } from './webview/deliveryCase';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const rate = Number(process.argv[2] ?? 100_000);
  const dir = join(__dirname, '.profiles');
  mkdirSync(dir, { recursive: true });
  ensureBundle();
  await buildChildren();
  const server = await startPanelServer();
  const browser = await launchChromium();
  try {
    await withLiveFlood(browser, server, { rate }, async ({ blaster, connection, panel }) => {
      await connection.connect();
      await sleep(1000);
      const cdp = await panel.page.context().newCDPSession(panel.page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      const from = connection.log.nextSeq;
      await cdp.send('Profiler.start');
      await sleep(3000);
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: Parameters<typeof selfTimeLines>[0] };
      const to = connection.log.nextSeq;
      blaster.send({ type: 'stop' });
      await sleep(1000);
      const delivered = (await panel.page.evaluate(`window.__delivery.delivered(${from}, ${to})`)) as number;
      const file = join(dir, `page-${rate}-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.log(`${rate / 1000}k/s: ${delivered}/${to - from} delivered (${(delivered / Math.max(1, to - from)).toFixed(3)})`);
      console.log(file);
      for (const line of selfTimeLines(profile, Number(process.env.TOP ?? 30))) console.log(line);
    });
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
