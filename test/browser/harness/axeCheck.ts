// Runs axe-core (the accessibility engine behind Lighthouse and the browsers' audits) in a panel page
// and reports the WCAG 2.0/2.1 A and AA violations it finds, each with the elements at fault.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { loadTheme, type ThemeFixture } from './panelPage';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The rule sets checked: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** One violation as a readable line per element. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: ReadonlyArray<{ readonly target: string; readonly summary: string }>;
}

/**
 * Injects axe into `page` (once) and returns the violations of the page as it is now (only within the
 * elements `within` selects, if given).
 * Evaluated through the DevTools protocol, which the panel's CSP (script-src 'nonce-…') does not
 * govern: a <script> tag would be refused, exactly as the CSP intends.
 */
export async function axeViolations(page: Page, within?: string): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async ([tags, within]) => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeRawViolation[] }> } }).axe;
    interface AxeRawViolation {
      id: string;
      impact: string | null;
      help: string;
      nodes: Array<{ target: unknown[]; failureSummary?: string }>;
    }
    const context = within === undefined ? (globalThis as unknown as { document: unknown }).document : { include: [within] };
    const result = await axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'], preload: false });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: JSON.stringify(n.target), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ') })),
    }));
  }, [[...WCAG_TAGS], within] as const);
}

/** The violations as text for an assertion message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target}: ${n.summary}`).join('\n')}`)
    .join('\n');
}

/** The themes every panel is checked in: VS Code's default dark and light, and dark high contrast. */
export const AXE_THEMES: readonly ThemeFixture[] = [loadTheme('dark-modern'), loadTheme('light-modern'), loadTheme('dark-high-contrast')];

/** Asserts that axe finds nothing in the page as it is now; `state` names it in the failure. */
export async function assertNoViolations(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, `accessibility violations with ${state}:\n${describeViolations(violations)}`);
}
