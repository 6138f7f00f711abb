// Helpers for end-to-end tests that drive our extension in a real VS Code workbench: code-server on loopback
// with the built extension installed, shown in headless Chromium through playwright-core. Under
// `npm run test:e2e` every file opens its window on the stage's one code-server and one Chromium
// (scripts/vscode/sharedWorkbench.mjs); a file run by itself with node --test starts both for itself.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  assertCodeServerAvailable,
  ensureCodeServer,
  installExtensionFolder,
  installVsix,
  repoRoot,
  resultsDir,
  startCodeServer,
  workbenchUrl,
  type CodeServer,
} from '../../scripts/vscode/codeServer.mjs';
import { chromiumPath, skipReasonOrThrow } from '../../scripts/vscode/prerequisites.mjs';
import { sharedWorkbenchFromEnv } from '../../scripts/vscode/sharedWorkbench.mjs';
import { closeWorkbenchPage, connectChromium, launchChromium, openWorkbenchPage } from '../../scripts/vscode/workbenchBrowser.mjs';

export interface Workbench {
  page: Page;
  browser: Browser;
  /** The code-server the window is on: the stage's shared one, or one started for this workbench. */
  serverUrl: string;
  /** That code-server's extensions folder. */
  extensionsDir: string;
  /** The folder open in the workbench; fresh for every workbench. */
  workspace: string;
  /** Browser console errors and warnings, for failure messages. */
  consoleLog: string[];
  /** With the vsix option: what `code-server --list-extensions --show-versions` printed after the install. */
  installed: string[];
  /**
   * Saves a last screenshot to test-results/, closes the window (ending its extension host), stops a code-server
   * or browser started for this workbench alone, and removes the workspace.
   */
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions {
  /** Names artifacts in test-results/ (screenshot, browser console, an own code-server's log); default 'e2e'. */
  label?: string;
  /** Files to create in the workspace, by relative path. */
  files?: Record<string, string>;
  /**
   * Settings for this window, written as workspace settings (.vscode/settings.json in its fresh folder) on top
   * of the harness's user settings. Settings VS Code reads only from user settings (application scope) cannot
   * be set this way.
   */
  settings?: Record<string, unknown>;
  /**
   * Added to code-server's environment, which the extension host inherits. One code-server has one
   * environment, so a workbench with env gets a code-server of its own (the shared browser still shows it).
   */
  env?: Record<string, string>;
  /**
   * Install this packaged .vsix with code-server's --install-extension instead of copying the built folder.
   * The install goes into a fresh extensions folder, so this too gets a code-server of its own.
   */
  vsix?: string;
}

export interface PaletteEntry {
  /** The command id (the row's data-quick-input-id). */
  id: string;
  /** The label as shown, e.g. "Socket Inspector: Connect WebSocket…". */
  label: string;
}

/**
 * Why workbench tests cannot run on this machine (no Chromium, cannot install code-server), or undefined when
 * they can. In CI (CI=true) it throws instead, so a missing prerequisite fails the run.
 */
export function workbenchSkipReason(): string | undefined {
  try {
    chromiumPath();
    assertCodeServerAvailable();
    return undefined;
  } catch (error) {
    return skipReasonOrThrow(error);
  }
}

/** Starts a code-server for one workbench, with the built extension or an installed .vsix. */
async function startOwnServer(scratch: string, workspace: string, label: string, options: OpenWorkbenchOptions) {
  await ensureCodeServer();
  const extensionsDir = join(scratch, 'extensions');
  const userDataDir = join(scratch, 'user-data');
  let installed: string[] = [];
  if (options.vsix) {
    installed = await installVsix(extensionsDir, options.vsix, { userDataDir });
  } else {
    // SI_E2E_EXTENSION_DIR points at another built extension folder; only for checking the harness itself.
    installExtensionFolder(extensionsDir, { sourceDir: process.env.SI_E2E_EXTENSION_DIR || repoRoot });
  }
  const server = await startCodeServer({ workspace, extensionsDir, userDataDir, logFile: join(resultsDir, `code-server-${label}.log`), env: options.env });
  return { server, extensionsDir, installed };
}

/**
 * Opens a workbench window with our built extension (npm run build first) on a fresh workspace folder, in a
 * browser context of its own: on the stage's shared code-server and Chromium when `npm run test:e2e` provides
 * them and the options allow (no env, no vsix), otherwise on ones started for this workbench.
 */
export async function openWorkbench(options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const label = options.label ?? 'e2e';
  const shared = sharedWorkbenchFromEnv();
  const scratch = mkdtempSync(join(tmpdir(), `si-${label}-`));
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  if (options.settings) {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(options.settings, null, 2));
  }

  const consoleLog: string[] = [];
  let ownServer: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const teardown = async () => {
    if (page) await closeWorkbenchPage(page);
    // For a connected browser this only disconnects; the shared Chromium stays up for the next file.
    await browser?.close().catch(() => {});
    await ownServer?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    let serverUrl: string;
    let extensionsDir: string;
    let installed: string[] = [];
    if (shared && !options.vsix && Object.keys(options.env ?? {}).length === 0) {
      ({ serverUrl, extensionsDir } = shared);
    } else {
      const own = await startOwnServer(scratch, workspace, label, options);
      ownServer = own.server;
      ({ extensionsDir, installed } = own);
      serverUrl = own.server.url;
    }
    browser = shared ? await connectChromium(shared.browserEndpoint) : await launchChromium(scratch);
    page = await openWorkbenchPage(browser, workbenchUrl(serverUrl, workspace), { consoleLog });
    const opened = { page, browser, serverUrl, extensionsDir, workspace, consoleLog, installed };
    return {
      ...opened,
      close: async () => {
        mkdirSync(resultsDir, { recursive: true });
        await opened.page.screenshot({ path: join(resultsDir, `${label}-last.png`) }).catch(() => {});
        writeFileSync(join(resultsDir, `${label}-browser-console.log`), consoleLog.join('\n') + '\n');
        await teardown();
      },
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}

const QUICK_INPUT = '.quick-input-widget';
const ROW = `${QUICK_INPUT} .monaco-list-row`;

/** Drops the trailing ellipsis VS Code titles carry ("Connect WebSocket…"), so titles compare by words. */
const bareTitle = (title: string) => title.replace(/(…|\.\.\.)\s*$/, '').trim();

async function openPalette(page: Page, query: string): Promise<void> {
  if (await page.locator(QUICK_INPUT).isVisible()) await page.keyboard.press('Escape');
  const input = page.locator(`${QUICK_INPUT} input`);
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const shown = await input.waitFor({ state: 'visible', timeout: 4_000 }).then(() => true, () => false);
    if (shown) break;
    if (attempt === 3) throw new Error('F1 did not open the command palette in three tries');
    // A webview that has just opened (an inspector tab) can hold the keyboard and drop F1: give the
    // keyboard back to the workbench through the side bar's title, which does nothing when clicked.
    await page.locator('.part.sidebar .composite.title').first().click({ timeout: 2_000 }).catch(() => {});
  }
  await input.fill(`>${query}`);
}

async function visibleEntries(page: Page): Promise<PaletteEntry[]> {
  return page.locator(`${ROW} [data-quick-input-id]`).evaluateAll((nodes) =>
    nodes.map((node) => ({
      id: node.getAttribute('data-quick-input-id') ?? '',
      label: node.querySelector('.label-name')?.textContent?.trim() ?? '',
    })),
  );
}

/**
 * Opens the command palette with query typed and waits until an entry titled title (or with that command id)
 * is listed, leaving the palette open on it. Contributions appear a few seconds after the workbench shell,
 * so the palette is reopened until then. Throws, naming what was listed, after timeoutMs.
 */
export async function findPaletteEntry(page: Page, title: string, { timeoutMs = 60_000 } = {}): Promise<PaletteEntry> {
  const deadline = Date.now() + timeoutMs;
  const wanted = bareTitle(title);
  let last: PaletteEntry[] = [];
  for (;;) {
    await openPalette(page, wanted);
    // The list filters as it renders; give it a moment before reading it.
    await page.locator(ROW).first().waitFor({ state: 'visible', timeout: 2_000 }).catch(() => {});
    last = await visibleEntries(page);
    const match = last.find((entry) => entry.id === title || bareTitle(entry.label) === wanted);
    if (match) return match;
    if (Date.now() > deadline) {
      await page.keyboard.press('Escape');
      throw new Error(`"${title}" is not in the command palette after ${timeoutMs} ms; it lists: ${last.map((e) => `"${e.label}"`).join(', ') || 'nothing'}`);
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1_000);
  }
}

/** Lists the command palette's entries for query (as they are right now) and closes it again. */
export async function paletteEntries(page: Page, query: string): Promise<PaletteEntry[]> {
  await openPalette(page, query);
  await page.locator(ROW).first().waitFor({ state: 'visible', timeout: 2_000 }).catch(() => {});
  const entries = await visibleEntries(page);
  await page.keyboard.press('Escape');
  return entries;
}

/** Runs a command by its palette title (e.g. "Socket Inspector: Connect WebSocket") or its id, as a person would. */
export async function runCommand(page: Page, title: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const entry = await findPaletteEntry(page, title, options);
  await page.locator(`${ROW} [data-quick-input-id="${entry.id}"]`).first().click();
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {
    // Some commands open a quick input of their own; the caller goes on from there.
  });
}

/** Opens a workspace file in an editor through Quick Open (Ctrl+P), waiting for its tab. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = relativePath.split('/').pop() ?? relativePath;
  await page.keyboard.press('Control+P');
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(relativePath);
  await page.locator(ROW).filter({ hasText: name }).first().click({ timeout: 20_000 });
  await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 20_000 });
}

/**
 * Finds the frame of a webview whose content satisfies predicate (e.g. has our composer), searching all
 * frames of the page (webviews are nested iframes). Throws, listing the frames seen, after timeoutMs.
 */
export async function findWebviewFrame(
  page: Page,
  predicate: (frame: Frame) => boolean | Promise<boolean>,
  { timeoutMs = 30_000 } = {},
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      try {
        if (await predicate(frame)) return frame;
      } catch {
        // The frame navigated or detached while we looked; try the others and look again.
      }
    }
    if (Date.now() > deadline) {
      const urls = page.frames().map((frame) => frame.url().slice(0, 120));
      throw new Error(`no webview frame matched within ${timeoutMs} ms; frames: ${urls.join(', ')}`);
    }
    await page.waitForTimeout(250);
  }
}

/** Answers the quick input a command opened (an input box) with text and Enter. */
export async function answerInputBox(page: Page, text: string): Promise<void> {
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(text);
  await input.press('Enter');
}

/**
 * Answers code-server's save dialog (a quick input holding a path) with an absolute path and waits until
 * the file exists. The dialog fills in its own default path after it has read the folder, which can land
 * after ours, so the path is typed again until the dialog holds it when Enter is pressed.
 */
export async function answerSaveDialog(page: Page, path: string, { timeoutMs = 30_000 } = {}): Promise<void> {
  const input = page.locator(`${QUICK_INPUT} input`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`the save dialog did not write ${path} within ${timeoutMs} ms`);
    if (await input.isVisible()) {
      await input.fill(path);
      await page.waitForTimeout(300);
      if ((await input.inputValue()) === path) await input.press('Enter');
    }
    await page.waitForTimeout(500);
  }
}
