// The checks the rendering-safety suites (xssLive.test.ts, xssSessionFiles.test.ts) share: that a hostile
// string became no markup, ran nothing and raised no dialog.
import assert from 'node:assert/strict';
import type { Dialog, Page } from 'playwright-core';
import { cspViolations, loadedSummary, textOf } from './panelActions';
import type { OpenPanel } from './panelPage';

/** A viewport tall enough for the detail pane's tabs and a few rows. */
export const TALL = { width: 1400, height: 1600 };

/** What would show that a payload became markup or ran. */
interface Inertness {
  pwned: unknown;
  handlers: string[];
  dangerous: string[];
  scripts: number;
  styles: number;
}

/** The little of the DOM these checks read (the host tsconfig has no DOM types). */
interface PageElement {
  readonly tagName: string;
  readonly outerHTML: string;
  readonly attributes: ArrayLike<{ readonly name: string }>;
}
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  readonly scripts: { readonly length: number };
}

export function inertness(page: Page): Promise<Inertness> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { __pwned?: unknown; document: PageDocument };
    const doc = g.document;
    const all = Array.from(doc.querySelectorAll('*'));
    return {
      pwned: g.__pwned ?? null,
      // No element anywhere carries an inline event handler attribute.
      handlers: all.filter((el) => Array.from(el.attributes).some((a) => a.name.toLowerCase().startsWith('on'))).map((el) => el.tagName),
      // Nothing the panel never creates itself: media, frames, links, forms, base, meta, MathML.
      dangerous: Array.from(doc.querySelectorAll('img, svg, iframe, object, embed, a, form, base, body meta, meta[http-equiv=refresh], math, mglyph, template, body *[href]')).map(
        (el) => el.outerHTML.slice(0, 120),
      ),
      scripts: doc.scripts.length,
      styles: doc.querySelectorAll('style').length,
    };
  });
}

/** Collects dialogs (and dismisses them, so a page is never stuck on one). */
export function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (d: Dialog) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  return dialogs;
}

/** Nothing ran, nothing was created, nothing was blocked, nothing went wrong (a dialog is a problem too: panelPage.ts). */
export async function assertInert(panel: OpenPanel): Promise<void> {
  const { page } = panel;
  assert.deepEqual(await inertness(page), { pwned: null, handlers: [], dangerous: [], scripts: 1, styles: 1 });
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(panel.problems, []);
}

/** Selects the row of `seq` (it must be in view) and returns the detail pane's text view. */
export async function detailTextOf(page: Page, seq: number): Promise<string> {
  await page.locator(`[data-testid=log-row][data-id="${seq}"]`).click();
  await page.locator('[data-testid=detail-tab-text]').click();
  // Until the entry is drawn, the Text tab still holds the previous entry's text (not busy).
  await loadedSummary(page, `entry #${seq} in the detail pane`, seq);
  // A long payload is filled a block a task (aria-busy until the last block is in).
  await page.locator('[data-testid=detail-text]:not([aria-busy])').waitFor();
  return textOf(page, 'detail-text');
}
