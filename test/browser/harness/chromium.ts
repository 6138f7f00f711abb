// Finds and launches the system Chromium (Debian's `chromium` package) for the browser tests.
// In CI a missing browser fails the suite; elsewhere the tests are skipped with the reason.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../../scripts/vscode/workbenchBrowser.mjs';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (p): p is string => typeof p === 'string' && p !== '',
);

/** The same offline, quiet flags the VS Code workbench tests use. */
export { CHROMIUM_ARGS };

/** Path of the Chromium binary, or undefined if none is installed. */
export function findChromium(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

/**
 * Why browser tests cannot run here, or undefined when they can. Throws in CI, where a missing
 * prerequisite must fail loudly.
 */
export function chromiumSkipReason(): string | undefined {
  if (findChromium()) return undefined;
  const reason = `Chromium not found (looked in ${CANDIDATES.join(', ')}); install Debian's 'chromium' package or set CHROMIUM_PATH`;
  if (process.env.CI === 'true') throw new Error(reason);
  return reason;
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium not found');
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
