// What e2e tests do inside an inspector tab: find its webview, wait for a state, type and send, read hex.
import type { Frame, Page } from 'playwright-core';
import { findWebviewFrame } from './workbench';

/** The inspector webview showing `target` (its toolbar names the target). */
export function inspectorFrame(page: Page, target: string): Promise<Frame> {
  return findWebviewFrame(page, async (f) => {
    if ((await f.locator('[data-testid=composer-input]').count()) === 0) return false;
    const text = (await f.locator('body').textContent()) ?? '';
    return text.includes(target);
  });
}

/** Waits until the toolbar's status shows `state` (open, closed, error…). */
export async function waitForState(frame: Frame, state: string): Promise<void> {
  await frame.locator(`[data-testid=connection-status][data-state=${state}]`).waitFor({ timeout: 20_000 });
}

/** Types into the composer as a person would and sends with Ctrl+Enter. */
export async function sendFromComposer(frame: Frame, text: string): Promise<void> {
  await frame.locator('[data-testid=composer-input]').click();
  await frame.page().keyboard.type(text);
  await frame.page().keyboard.press('Control+Enter');
}

/** Opens the newest incoming row's Hex tab and returns the dump's text. */
export async function hexOfLastIncoming(frame: Frame): Promise<string> {
  const row = frame.locator('[data-testid=log-row][data-direction=in]').last();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await frame.locator('[data-testid=detail-tab-hex]').click();
  const hex = frame.locator('[data-testid=detail-hex]');
  await hex.waitFor({ state: 'visible', timeout: 10_000 });
  return (await hex.innerText()).replace(/\s+/g, ' ');
}
