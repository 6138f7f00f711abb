// What `npm start -- --check` proves before it exits: a person who opens the printed address gets VS Code's
// workbench with our extension active (its Socket Sessions view lists the sample session files, which only the
// extension's own tree provider can do), and the two sample echo servers echo. Imported by start.mjs after
// the install step, so it may use dependencies.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { launchChromium, openWorkbenchPage } from './vscode/workbenchBrowser.mjs';

const SAMPLE_SESSIONS = ['echo-websocket', 'echo-tcp'];

/** Resolves once the WebSocket echo server sends back what it was sent. */
async function wsEchoes(url) {
  const probe = `npm start check ${Date.now()}`;
  const socket = new WebSocket(url);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the WebSocket echo server at ${url} did not answer within 10 s`)), 10_000);
      socket.once('error', (error) => reject(new Error(`the WebSocket echo server at ${url}: ${error.message}`)));
      socket.once('open', () => socket.send(probe));
      socket.once('message', (data) => {
        clearTimeout(timer);
        if (String(data) === probe) resolve();
        else reject(new Error(`the WebSocket echo server at ${url} answered ${JSON.stringify(String(data))} to ${JSON.stringify(probe)}`));
      });
    });
  } finally {
    socket.terminate();
  }
}

/** Resolves once the TCP echo server sends back the bytes it was sent. */
async function tcpEchoes(target) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const probe = Buffer.from(`npm start check ${Date.now()}\r\n`);
  const socket = connect({ host, port });
  try {
    await new Promise((resolve, reject) => {
      let received = Buffer.alloc(0);
      const timer = setTimeout(() => reject(new Error(`the TCP echo server at ${target} did not answer within 10 s`)), 10_000);
      socket.once('error', (error) => reject(new Error(`the TCP echo server at ${target}: ${error.message}`)));
      socket.once('connect', () => socket.write(probe));
      socket.on('data', (chunk) => {
        received = Buffer.concat([received, chunk]);
        if (received.length < probe.length) return;
        clearTimeout(timer);
        if (received.equals(probe)) resolve();
        else reject(new Error(`the TCP echo server at ${target} answered ${JSON.stringify(received.toString())}`));
      });
    });
  } finally {
    socket.destroy();
  }
}

/** Opens the workbench and waits until the extension's Socket Sessions view lists every sample session. */
async function extensionListsSamples(workbenchUrl) {
  const scratch = mkdtempSync(join(tmpdir(), 'si-start-check-'));
  const browser = await launchChromium(scratch);
  try {
    const page = await openWorkbenchPage(browser, workbenchUrl, { timeoutMs: 120_000 });
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Socket Sessions/i }) });
    // The view lives in the extension's own activity-bar container: open it unless it is open already
    // (clicking the container's entry while it shows would close the side bar).
    const container = page.locator('.activitybar').getByRole('tab', { name: /^Socket Inspector/ });
    await container.first().waitFor({ timeout: 60_000 }).catch(() => {
      throw new Error('the activity bar has no Socket Inspector entry: the extension is not loaded');
    });
    if (!(await view.first().isVisible())) await container.first().click();
    await view.first().waitFor({ timeout: 60_000 }).catch(() => {
      throw new Error('the Socket Inspector container shows no Socket Sessions view: the extension is not loaded');
    });
    // The pane may start collapsed; its header toggles it.
    const header = view.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    for (const name of SAMPLE_SESSIONS) {
      await view.locator('.monaco-list-row', { hasText: name }).first().waitFor({ timeout: 60_000 }).catch(async () => {
        const rows = await view.locator('.monaco-list-row').allTextContents();
        throw new Error(`the Socket Sessions view does not list ${name} (it lists: ${rows.join(', ') || 'nothing'}): the extension did not activate`);
      });
    }
  } finally {
    await browser.close().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Throws with the reason when any part of what `npm start` promises does not hold. */
export async function checkStart({ workbenchUrl, echo }) {
  await wsEchoes(echo.wsUrl);
  await tcpEchoes(echo.tcpTarget);
  console.log('Echo servers echo. Opening the workbench in headless Chromium…');
  await extensionListsSamples(workbenchUrl);
}
