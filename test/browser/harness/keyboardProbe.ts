// What the keyboard reaches in a panel page: the focused control, a walk with Tab or Shift+Tab, the
// controls a person could operate, and whether focus is drawn on screen.
import type { Page } from 'playwright-core';

/** Minimal DOM shapes for code run in the page (the test tsconfig has no DOM library). */
interface ProbeElement {
  readonly tagName: string;
  readonly hidden: boolean;
  readonly disabled?: boolean;
  readonly tabIndex: number;
  readonly shadowRoot: { activeElement: ProbeElement | null } | null;
  readonly dataset: Record<string, string | undefined>;
  readonly parentElement: ProbeElement | null;
  getAttribute(name: string): string | null;
  closest(selector: string): ProbeElement | null;
  getClientRects(): { length: number };
  blur(): void;
}
interface ProbeDocument {
  readonly activeElement: ProbeElement | null;
  readonly body: ProbeElement;
  querySelectorAll(selector: string): Iterable<ProbeElement>;
}

/**
 * Names the focused control: its data-testid, or its probe mark ({@link markOperableControls}), or
 * `tag` for anything else; 'body' when nothing is focused. A web component counts as itself (focus in
 * its shadow root leaves the host as the document's activeElement).
 */
export function focusedControl(page: Page): Promise<string> {
  return page.evaluate(() => {
    const d = (globalThis as unknown as { document: ProbeDocument }).document;
    const el = d.activeElement;
    if (!el || el === d.body) return 'body';
    return el.getAttribute('data-testid') ?? el.getAttribute('data-probe') ?? el.tagName.toLowerCase();
  });
}

/** One round of Tab or Shift+Tab through the page. */
export interface TabRound {
  /** The controls in the order reached, from where the round left the page (or, if it did not, from the first reached). */
  readonly controls: string[];
  /** Whether focus left the page on the way round. */
  readonly leftPage: boolean;
}

/**
 * Presses `key` (Tab or Shift+Tab) until focus comes back to the first control it reached. Throws if
 * that takes more than `limit` presses or focus leaves the page twice in one round.
 */
export async function tabCycle(page: Page, key: 'Tab' | 'Shift+Tab', limit = 100): Promise<TabRound> {
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(key);
    const now = await focusedControl(page);
    if (seen.length > 0 && now === seen[0]) {
      const out = seen.indexOf('body');
      if (out < 0) return { controls: seen, leftPage: false };
      if (seen.lastIndexOf('body') !== out) throw new Error(`${key} left the page twice in one round: ${seen.join(', ')}`);
      return { controls: [...seen.slice(out + 1), ...seen.slice(0, out)], leftPage: true };
    }
    seen.push(now);
  }
  throw new Error(`${key} did not come back to ${seen[0]} in ${limit} presses: ${seen.join(', ')}`);
}

/**
 * Marks every control a person could operate now (shown, enabled, in the tab order, or the active
 * tab of a tab list) with data-probe unless it has a data-testid; returns their names.
 */
export function markOperableControls(page: Page): Promise<string[]> {
  const selector = [
    'vscode-button',
    'vscode-toolbar-button',
    'vscode-textfield',
    'vscode-textarea',
    'vscode-single-select',
    'vscode-checkbox',
    'vscode-tab-header[active]',
    'vscode-tab-panel',
    'button',
    'input',
    'select',
    'textarea',
    'summary',
    'a[href]',
    '[tabindex]:not([tabindex="-1"])',
  ].join(',');
  return page.evaluate((sel) => {
    const d = (globalThis as unknown as { document: ProbeDocument }).document;
    const names: string[] = [];
    let n = 0;
    for (const el of d.querySelectorAll(sel)) {
      const shown = el.getClientRects().length > 0 && !el.closest('[hidden]');
      if (!shown || el.disabled === true || el.getAttribute('disabled') !== null) continue;
      // Elements inside a web component's light DOM that it renders itself (options of a select) are its parts.
      if (el.parentElement?.closest('vscode-single-select, vscode-textfield, vscode-textarea')) continue;
      let name = el.getAttribute('data-testid');
      if (!name) {
        name = el.getAttribute('data-probe') ?? `${el.tagName.toLowerCase()}#${n++}`;
        el.dataset.probe = name;
      }
      names.push(name);
    }
    return names;
  }, selector);
}

/** Screenshot of the focused control's box, then of the same box after `next` moved focus away. */
export async function focusChangesPixels(page: Page, next: () => Promise<void>): Promise<{ control: string; changed: boolean }> {
  const control = await focusedControl(page);
  const box = await page.evaluate(() => {
    const el = (globalThis as unknown as { document: { activeElement: { getBoundingClientRect(): { x: number; y: number; width: number; height: number } } | null } }).document.activeElement;
    const r = el?.getBoundingClientRect();
    return r ? { x: r.x, y: r.y, width: r.width, height: r.height } : undefined;
  });
  if (!box || box.width < 1 || box.height < 1) throw new Error(`${control} has no box on screen`);
  const focused = await page.screenshot({ clip: box, animations: 'disabled', caret: 'hide' });
  await next();
  const unfocused = await page.screenshot({ clip: box, animations: 'disabled', caret: 'hide' });
  return { control, changed: !focused.equals(unfocused) };
}
