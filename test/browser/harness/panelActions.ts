// What a test does with the panel, expressed through the documented data-testid hooks.
import type { Locator, Page } from 'playwright-core';

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

/** CSP violations the page reported. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __siCspViolations: string[] }).__siCspViolations);
}
