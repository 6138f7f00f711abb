// Types for workbenchBrowser.mjs, which the TypeScript end-to-end tests import.
import type { Browser, BrowserServer, Page } from 'playwright-core';

export declare const CHROMIUM_ARGS: readonly string[];
export declare function launchChromium(scratchDir: string): Promise<Browser>;
export declare function launchChromiumServer(scratchDir: string): Promise<BrowserServer>;
export declare function connectChromium(wsEndpoint: string): Promise<Browser>;
export declare function openWorkbenchPage(browser: Browser, url: string, options?: { timeoutMs?: number; consoleLog?: string[] }): Promise<Page>;
export declare function closeWorkbenchPage(page: Page): Promise<void>;
