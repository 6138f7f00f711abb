// Types for workbenchBrowser.mjs, which the TypeScript end-to-end tests import.
import type { Browser, Page } from 'playwright-core';

export declare const CHROMIUM_ARGS: readonly string[];
export declare function launchChromium(scratchDir: string): Promise<Browser>;
export declare function openWorkbenchPage(browser: Browser, url: string, options?: { timeoutMs?: number; consoleLog?: string[] }): Promise<Page>;
