// A mocha reporter for the code-server harness: the extension host has no terminal the harness can read, so
// each result is appended as one JSON line to a file (SI_VSCODE_RESULTS) that scripts/vscode/runVscodeTests.mjs
// reads as it grows. Failures carry stacks mapped back to the .ts sources.
import { appendFileSync } from 'node:fs';
import Mocha from 'mocha';
import { mapStack } from './stackMapping';

const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } = Mocha.Runner.constants;

/** A failure as a person reads it in the harness's output. */
export interface TestFailure {
  message: string;
  stack?: string;
}

/** One line of the results stream: `start`, then a `test` per result (hook failures too), then `end` or `error`. */
export type ResultEvent =
  | { type: 'start'; vscodeVersion: string; node: string }
  | { type: 'test'; name: string; status: 'passed' | 'failed' | 'skipped'; durationMs: number; error?: TestFailure }
  | { type: 'end'; passed: number; failed: number; skipped: number; durationMs: number }
  | ({ type: 'error' } & TestFailure);

/** Appends one event to the results file. Synchronous, so a line is complete before the harness can read it. */
export function appendEvent(file: string, event: ResultEvent): void {
  appendFileSync(file, JSON.stringify(event) + '\n');
}

/** Turns anything thrown into a message and a source-mapped stack. */
export function describeFailure(error: unknown): TestFailure {
  if (error instanceof Error) return { message: error.message || error.name, stack: error.stack && mapStack(error.stack) };
  return { message: `non-Error thrown: ${String(error)}` };
}

/** Suite titles and the test's (or hook's) title, joined by ' › '. */
const nameOf = (runnable: Mocha.Runnable) => runnable.titlePath().join(' › ');
const durationOf = (runnable: Mocha.Runnable) => Math.round(runnable.duration ?? 0);

/** `reporterOptions: { file }` names the results file. */
export class JsonLinesReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const file = (options.reporterOptions as { file?: string } | undefined)?.file;
    if (!file) throw new Error('JsonLinesReporter needs reporterOptions.file');
    const emit = (event: ResultEvent) => appendEvent(file, event);
    runner.on(EVENT_TEST_PASS, (test) => emit({ type: 'test', name: nameOf(test), status: 'passed', durationMs: durationOf(test) }));
    runner.on(EVENT_TEST_PENDING, (test) => emit({ type: 'test', name: nameOf(test), status: 'skipped', durationMs: 0 }));
    // Also fires for a failing hook, whose title says which ("before all" hook for "…").
    runner.on(EVENT_TEST_FAIL, (runnable, error) =>
      emit({ type: 'test', name: nameOf(runnable), status: 'failed', durationMs: durationOf(runnable), error: describeFailure(error) }),
    );
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending, duration } = this.stats;
      emit({ type: 'end', passed: passes, failed: failures, skipped: pending, durationMs: duration ?? 0 });
    });
  }
}
