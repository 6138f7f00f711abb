// What every browser suite needs around its tests: a fresh bundle, the page server and a Chromium,
// started before the first test and stopped after the last.
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureBundle } from './bundle';
import { launchChromium } from './chromium';
import { startPanelServer, type PanelServer } from './panelServer';

export interface PanelSuite {
  readonly browser: Browser;
  readonly server: PanelServer;
}

/** Registers the suite's before/after hooks; read `browser` and `server` inside tests. */
export function usePanelSuite(): PanelSuite {
  let browser: Browser | undefined;
  let server: PanelServer | undefined;
  before(async () => {
    ensureBundle();
    server = await startPanelServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} did not start (see the before hook's error)`);
    return value;
  };
  return {
    get browser() {
      return started(browser, 'browser');
    },
    get server() {
      return started(server, 'page server');
    },
  };
}
