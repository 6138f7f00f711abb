// Debian's Chromium, driven by playwright-core, showing code-server's workbench. code-server starts an
// extension host only when a workbench connects, so even the extension-host suite needs this page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './prerequisites.mjs';

/**
 * Flags that keep a headless Chromium from reaching out to the network or prompting on its first run,
 * and from preloading the omnibox's WebUI popups: a headless browser never shows them, yet Chromium 156
 * renders both in a renderer of their own at start-up, about a second of CPU on a 2-core machine that
 * the page under test (and the benchmark's first measurement) would otherwise wait for.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];

/** Launches headless Chromium with its profile and crash reports kept inside scratchDir. */
export async function launchChromium(scratchDir) {
  const home = join(scratchDir, 'chromium-home');
  mkdirSync(home, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    // Chromium writes crash-report and dconf folders under XDG dirs even with a temporary profile.
    env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') },
  });
}

/**
 * Opens the workbench at url in a new page and resolves once VS Code's shell is on screen. Browser console
 * errors are appended to consoleLog (an array) for failure reports.
 */
export async function openWorkbenchPage(browser, url, { timeoutMs = 90_000, consoleLog } = {}) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  if (consoleLog) {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleLog.push(`[${message.type()}] ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleLog.push(`[pageerror] ${error.stack ?? error.message}`));
  }
  await page.goto(url, { timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  return page;
}
