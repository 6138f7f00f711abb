// The extension-host suite's entry point, by @vscode/test-electron's convention: the host loads this module and
// calls run(), which builds a Mocha instance (tdd UI: suite, test, suiteSetup, setup, teardown, suiteTeardown),
// adds every bundled suite/*.test.js next to it and runs them. Under the code-server harness (SI_VSCODE_RESULTS
// set) results stream to that file through JsonLinesReporter; under test-electron mocha's spec reporter prints
// them. SI_VSCODE_GREP runs only the tests whose full title contains it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { isCI } from '../../scripts/vscode/prerequisites.mjs';
import { JsonLinesReporter, appendEvent, describeFailure } from './jsonLinesReporter';

/** Per test and hook; a test that needs longer says so with this.timeout(ms). */
const TIMEOUT_MS = 20_000;

function runMocha(resultsFile: string | undefined): Promise<Mocha.Stats> {
  const mocha = new Mocha({
    ui: 'tdd',
    timeout: TIMEOUT_MS,
    // In CI a stray suite.only/test.only fails the run instead of silently skipping everything else.
    forbidOnly: isCI(),
    reporter: resultsFile ? JsonLinesReporter : 'spec',
    reporterOptions: { file: resultsFile },
  });
  const grep = process.env.SI_VSCODE_GREP;
  if (grep) mocha.grep(grep);
  const dir = join(__dirname, 'suite');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(dir, name));
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats!));
  });
}

/** Runs the suite; rejects when a test failed, when none ran, or when the suite could not be loaded. */
export async function run(): Promise<void> {
  const resultsFile = process.env.SI_VSCODE_RESULTS || undefined;
  let stats: Mocha.Stats;
  try {
    if (resultsFile) appendEvent(resultsFile, { type: 'start', vscodeVersion: vscode.version, node: process.version });
    stats = await runMocha(resultsFile);
  } catch (error) {
    // The suite never ran (a test file failed to load, say), so no `end` will come: tell the harness why.
    if (resultsFile) appendEvent(resultsFile, { type: 'error', ...describeFailure(error) });
    throw error;
  }
  if (stats.failures > 0) throw new Error(`${stats.failures} of ${stats.tests} extension-host tests failed`);
  if (stats.passes === 0) throw new Error('no extension-host test ran');
}
