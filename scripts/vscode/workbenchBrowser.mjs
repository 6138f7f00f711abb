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

/** Options for a headless Chromium whose profile and crash reports stay inside scratchDir. */
function launchOptions(scratchDir) {
  const home = join(scratchDir, 'chromium-home');
  mkdirSync(home, { recursive: true });
  return {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    // Chromium writes crash-report and dconf folders under XDG dirs even with a temporary profile.
    env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') },
  };
}

/** Launches headless Chromium with its profile and crash reports kept inside scratchDir. */
export async function launchChromium(scratchDir) {
  return chromium.launch(launchOptions(scratchDir));
}

/**
 * Launches headless Chromium as a server that other processes reach with connectChromium(server.wsEndpoint()),
 * so a whole test stage shares one browser. Each connection still gets its own browser contexts.
 */
export async function launchChromiumServer(scratchDir) {
  return chromium.launchServer(launchOptions(scratchDir));
}

/** Connects to a Chromium started by launchChromiumServer; closing the result disconnects and leaves it running. */
export async function connectChromium(wsEndpoint) {
  return chromium.connect(wsEndpoint);
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

/**
 * Closes a workbench page so that code-server ends the window's extension host now. Navigating away unloads the
 * workbench, and code-server then stops that window's extension host within seconds; a page that is only
 * closed looks like a dropped connection, whose extension host code-server keeps for a reconnect (3 hours by
 * default), so on a shared server each finished test file would leave one behind.
 */
export async function closeWorkbenchPage(page) {
  await page.goto('about:blank', { timeout: 10_000 }).catch(() => {});
  await page.close().catch(() => {});
}
