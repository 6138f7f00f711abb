// What a test does with the panel, expressed through the documented data-testid hooks.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../../support/eventually';

/** A log row as the page shows it. */
export interface RowInfo {
  readonly id: number;
  readonly direction: string | undefined;
  readonly kind: string | undefined;
  readonly preview: string;
}

/** The rows in view, in seq order. */
export async function visibleRows(page: Page): Promise<RowInfo[]> {
  const rows = await page.$$eval('[data-testid=log-row]', (els) =>
    els.map((el) => ({
      id: Number(el.getAttribute('data-id')),
      direction: el.getAttribute('data-direction') ?? undefined,
      kind: el.getAttribute('data-kind') ?? undefined,
      preview: el.querySelector('.c-preview')?.textContent ?? '',
    })),
  );
  return rows.sort((a, b) => a.id - b.id);
}

/** The row showing a payload preview containing `text`. */
export function rowWithText(page: Page, text: string): Locator {
  return page.locator('[data-testid=log-row]', { hasText: text }).first();
}

/** The total in `log-count` (its `data-count`: the text has thousands separators). */
export async function logCount(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid=log-count]', 'data-count'));
}

/** Picks an option of a vscode-single-select by its label. */
export async function choose(page: Page, testId: string, label: string): Promise<void> {
  const select = page.locator(`[data-testid=${testId}]`);
  await select.click();
  await select.getByRole('option', { name: label, exact: true }).click();
}

/** The composer's textarea (inside vscode-textarea's shadow root). */
export function composerTextarea(page: Page): Locator {
  return page.locator('[data-testid=composer-input] textarea');
}

/** Types a filter into the filter box and applies it at once. */
export async function setFilter(page: Page, text: string): Promise<void> {
  const input = page.locator('[data-testid=filter] input');
  await input.fill(text);
  await input.press('Enter');
}

/** The text content of an element by test id ('' if absent). */
export async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.locator(`[data-testid=${testId}]`).first().textContent()) ?? '';
}

/**
 * The detail header once the selected entry (`seq`, when given) is drawn. Selecting a row says
 * "#N · loading…" at once and draws the entry after a host round trip, with the previous entry's
 * tabs still in the page until then: a wait for "#…" alone can end before the entry is there.
 */
export function loadedSummary(page: Page, what: string, seq?: number): Promise<string> {
  const prefix = seq === undefined ? '#' : `#${seq} ·`;
  return eventually(() => textOf(page, 'detail-summary'), (t) => t.startsWith(prefix) && !t.endsWith('loading…'), what);
}

/** CSP violations the page reported. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __siCspViolations: string[] }).__siCspViolations);
}

/** Just enough of the DOM for the functions below, which run in the page (the tests compile without lib.dom). */
interface PageNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<PageNode>;
  readonly classList?: { contains(name: string): boolean };
  dispatchEvent?(event: unknown): boolean;
}

/**
 * A row's preview cell (`selector` in it) as drawn: its text nodes as they are, an element as `[text]` when
 * it is a muted control escape (`.text-escape`) and `<TAG.class>text` otherwise; the summary badge left out.
 */
export function previewPieces(row: Locator, selector = '.c-preview'): Promise<string[]> {
  return row.locator(selector).evaluate((cell) =>
    Array.from((cell as unknown as PageNode).childNodes).flatMap((n) => {
      if (n.nodeType === 3) return n.textContent ? [n.textContent] : [];
      const el = n as PageNode & { tagName: string; className: string };
      if (el.classList!.contains('summary-badge')) return [];
      return [el.classList!.contains('text-escape') ? `[${el.textContent}]` : `<${el.tagName}.${el.className}>${el.textContent}`];
    }),
  );
}

/** What Copy puts on the clipboard with `el`'s contents selected (by mouse, as a user would). */
export function copiedContents(el: Locator): Promise<string> {
  return el.evaluate((node) => {
    const g = globalThis as unknown as {
      document: { createRange(): { selectNodeContents(n: unknown): void }; getSelection(): { removeAllRanges(): void; addRange(r: unknown): void } };
      DataTransfer: new () => { getData(type: string): string };
      ClipboardEvent: new (type: string, init: object) => unknown;
    };
    const range = g.document.createRange();
    range.selectNodeContents(node);
    const selection = g.document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const clipboardData = new g.DataTransfer();
    (node as unknown as PageNode).dispatchEvent!(new g.ClipboardEvent('copy', { clipboardData, bubbles: true, cancelable: true }));
    return clipboardData.getData('text/plain');
  });
}

/** What Copy puts on the clipboard with the whole preview cell of a row selected. */
export function copiedPreview(row: Locator): Promise<string> {
  return copiedContents(row.locator('.c-preview'));
}
