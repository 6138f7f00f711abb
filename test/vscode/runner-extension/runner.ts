// The test-runner extension: installed next to ours in code-server's extensions folder, it runs the bundled
// suite inside the extension host once startup has finished and streams results to the harness as JSON lines
// appended to the file named by SI_VSCODE_RESULTS (one `start`, one `test` per result, then `end` or `error`).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunOptions, TestReport, TestResult } from '../testRegistry';
import { describeFailure } from '../testRegistry';

/** What the suite bundle (dist/suite.js) exports. */
interface SuiteModule {
  runTests(options: RunOptions): Promise<TestReport>;
}

/** One line of the results stream the harness reads. */
export type RunnerEvent =
  | { type: 'start'; vscodeVersion: string; node: string }
  | ({ type: 'test' } & TestResult)
  | { type: 'end'; passed: number; failed: number; skipped: number; durationMs: number }
  | { type: 'error'; message: string; stack?: string };

/** Runs the suite when the harness asked for it; without SI_VSCODE_RESULTS the extension does nothing. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const resultsFile = process.env.SI_VSCODE_RESULTS;
  if (!resultsFile) return;
  const emit = (event: RunnerEvent) => appendFileSync(resultsFile, JSON.stringify(event) + '\n');
  try {
    emit({ type: 'start', vscodeVersion: vscode.version, node: process.version });
    // A runtime require keeps the suite a separate bundle that @vscode/test-electron can load as well.
    const suite = require(join(context.extensionPath, 'dist', 'suite.js')) as SuiteModule;
    const report = await suite.runTests({
      grep: process.env.SI_VSCODE_GREP || undefined,
      onResult: (result) => emit({ type: 'test', ...result }),
    });
    emit({ type: 'end', passed: report.passed, failed: report.failed, skipped: report.skipped, durationMs: report.durationMs });
  } catch (error) {
    emit({ type: 'error', ...describeFailure(error) });
  }
}

export function deactivate(): void {}
