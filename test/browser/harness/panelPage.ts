// Opens the real webview bundle in a Chromium page and wires it to a real PanelController in this
// process: the page's stand-in acquireVsCodeApi posts through an exposed binding to the controller, and
// the controller's posts are dispatched in the page as `message` events, in order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Connection } from '../../../src/core/connection/connectionTypes';
import { PanelController, type PanelCallbacks, type PanelControllerOptions } from '../../../src/panel/panelController';
import { decodeFromBridge, encodeForBridge } from './bridgeCodec';
import type { PanelServer } from './panelServer';

/** A VS Code color theme as the webview sees it: CSS variables and a body class. */
export interface ThemeFixture {
  readonly name: string;
  readonly bodyClass: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** Loads a theme fixture from test/browser/fixtures. */
export function loadTheme(name: 'dark-modern' | 'light-modern' | 'dark-high-contrast'): ThemeFixture {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', `theme-${name}.json`), 'utf8')) as ThemeFixture;
}

/** An open panel: the page, its controller, and what happened on the way. */
export interface OpenPanel {
  readonly page: Page;
  readonly controller: PanelController;
  /** Diagnostics from the controller (refused messages, failed posts) and page errors. */
  readonly problems: string[];
  /** Text written to the clipboard through the controller. */
  readonly clipboard: string[];
  /** Posts a message to the page as the host would (after everything the controller posted before it). */
  postToPage(message: object): void;
  /**
   * Holds the host's messages back until releaseDelivery(), which hands them to the page in one task, as
   * a busy webview gets several messages before it draws its next frame.
   */
  holdDelivery(): void;
  releaseDelivery(): void;
  /** The `type` of each message held back, in order. */
  heldTypes(): string[];
  /** Reloads the document (as VS Code recreates a hidden webview), keeping its saved state. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenPanelOptions {
  readonly theme?: ThemeFixture;
  readonly callbacks?: Partial<PanelCallbacks>;
  readonly controller?: PanelControllerOptions;
  readonly viewport?: { width: number; height: number };
  /**
   * A stand-in for host handlers the controller does not have yet (a slice of the protocol another
   * branch wires): it sees each message the page posts first and returns true for those it answered
   * (through `post`, which reaches the page in order with the controller's messages).
   */
  readonly hostSlice?: (message: Record<string, unknown>, post: (message: object) => void) => boolean;
}

const STAND_IN = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'vscodeApiStandIn.js'), 'utf8');
const SLOW_FRAMES = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'slowFrames.js'), 'utf8');
/**
 * SI_SLOW_FRAMES=<ms>: every animation frame of the page comes that much later, as on a loaded machine, to
 * find reads of what the page draws in a frame that do not wait for it. Off (0) unless set.
 */
const SLOW_FRAMES_MS = Number(process.env.SI_SLOW_FRAMES ?? 0);

/** The init script for a page load: slow frames when asked for, setup data, then the stand-in. */
function initScript(theme: ThemeFixture | undefined, state: unknown): string {
  const slow = SLOW_FRAMES_MS > 0 ? `window.__siSlowFramesMs = ${SLOW_FRAMES_MS};\n${SLOW_FRAMES}\n` : '';
  return `${slow}window.__siSetup = ${JSON.stringify({ theme: theme ?? null, state: state ?? null })};\n${STAND_IN}`;
}

/** Opens the panel for `connection` in a new page of `browser`. */
export async function openPanel(browser: Browser, server: PanelServer, connection: Connection, options: OpenPanelOptions = {}): Promise<OpenPanel> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  const clipboard: string[] = [];
  let savedState: unknown = undefined;
  let closed = false;

  // Host → page, strictly in order: one evaluate at a time carrying everything queued meanwhile.
  let queue: unknown[] = [];
  let draining: Promise<void> | undefined;
  let held = false;
  const drain = async (): Promise<void> => {
    while (queue.length > 0 && !closed && !held) {
      const batch = queue;
      queue = [];
      try {
        await page.evaluate((list) => (globalThis as unknown as { __siDeliver(l: unknown[]): void }).__siDeliver(list), batch);
      } catch (e) {
        if (!closed) problems.push(`delivery failed: ${(e as Error).message}`);
      }
    }
    draining = undefined;
  };
  const deliverSoon = (): void => {
    if (!held) draining ??= drain();
  };
  const controller = new PanelController(
    connection,
    (message) => {
      queue.push(encodeForBridge(message));
      deliverSoon();
    },
    {
      connect: options.callbacks?.connect ?? (() => connection.connect()),
      disconnect: options.callbacks?.disconnect ?? (() => connection.close()),
      writeClipboard: options.callbacks?.writeClipboard ?? ((text) => void clipboard.push(text)),
      ...(options.callbacks?.sessionCommand ? { sessionCommand: options.callbacks.sessionCommand } : {}),
      ...(options.callbacks?.saveServer ? { saveServer: options.callbacks.saveServer } : {}),
      ...(options.callbacks?.savePayload ? { savePayload: options.callbacks.savePayload } : {}),
    },
    { ...options.controller, log: (line) => problems.push(line) },
  );

  const postToPage = (message: object): void => {
    queue.push(encodeForBridge(message));
    deliverSoon();
  };
  await page.exposeBinding('__siPost', (_source, message: unknown) => {
    const decoded = decodeFromBridge(message);
    if (options.hostSlice && typeof decoded === 'object' && decoded !== null && options.hostSlice(decoded as Record<string, unknown>, postToPage)) return;
    controller.handleMessage(decoded);
  });
  await page.exposeBinding('__siSaveState', (_source, state: unknown) => {
    savedState = state;
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // The panel never opens a dialog; one that appears came from content that ran.
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  await page.addInitScript({ content: initScript(options.theme, undefined) });
  await page.goto(server.url);
  return {
    page,
    controller,
    problems,
    clipboard,
    postToPage,
    holdDelivery() {
      held = true;
    },
    releaseDelivery() {
      held = false;
      deliverSoon();
    },
    heldTypes() {
      return queue.map((m) => String((m as { type?: unknown }).type));
    },
    async reload() {
      // A recreated webview starts from scratch and says `ready` again; its saved state comes back.
      queue = [];
      await page.addInitScript({ content: initScript(options.theme, savedState) });
      await page.reload();
    },
    async close() {
      closed = true;
      controller.dispose();
      await context.close();
    },
  };
}
