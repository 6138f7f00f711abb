// A small mocha-like registry for tests that run inside VS Code's extension host, where node:test's
// runner is not available. Test files call suite/test/hooks at load time; runTests() runs what they
// registered and reports each result; run() is the entry point @vscode/test-electron expects.
import { mapStack } from './stackMapping';

/** A test body or hook; may be async. */
export type TestBody = () => void | Promise<void>;

export interface TestOptions {
  /** Fails the test when its body has not settled by then (default 20 s). */
  timeoutMs?: number;
  /** Skips the test; a string says why. */
  skip?: boolean | string;
}

export interface TestFailure {
  message: string;
  stack?: string;
}

export interface TestResult {
  /** Suite names and the test name, joined by ' › '. */
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: TestFailure;
  skipReason?: string;
}

export interface TestReport {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  results: TestResult[];
}

export interface RunOptions {
  /** Runs only tests whose full name contains this text. */
  grep?: string;
  /** Called after each test settles, so a harness can stream progress. */
  onResult?: (result: TestResult) => void;
}

interface TestCase {
  kind: 'test';
  name: string;
  body: TestBody;
  options: TestOptions;
}

interface Suite {
  kind: 'suite';
  name: string;
  children: (Suite | TestCase)[];
  before: TestBody[];
  after: TestBody[];
  beforeEach: TestBody[];
  afterEach: TestBody[];
}

const DEFAULT_TIMEOUT_MS = 20_000;

const newSuite = (name: string): Suite => ({ kind: 'suite', name, children: [], before: [], after: [], beforeEach: [], afterEach: [] });

const root = newSuite('');
let current = root;

/** Groups tests; body runs immediately to register them. */
export function suite(name: string, body: () => void): void {
  const child = newSuite(name);
  current.children.push(child);
  const parent = current;
  current = child;
  try {
    body();
  } finally {
    current = parent;
  }
}

/** Registers a test in the enclosing suite. */
export function test(name: string, body: TestBody, options: TestOptions = {}): void {
  current.children.push({ kind: 'test', name, body, options });
}

/** Runs once before the enclosing suite's first test. */
export function before(body: TestBody): void {
  current.before.push(body);
}

/** Runs once after the enclosing suite's last test, even when tests failed. */
export function after(body: TestBody): void {
  current.after.push(body);
}

/** Runs before each test of the enclosing suite (and its nested suites). */
export function beforeEach(body: TestBody): void {
  current.beforeEach.push(body);
}

/** Runs after each test of the enclosing suite (and its nested suites), even when the test failed. */
export function afterEach(body: TestBody): void {
  current.afterEach.push(body);
}

/** Turns anything thrown into a message and stack a person can read in a report. */
export function describeFailure(error: unknown): TestFailure {
  if (error instanceof Error) return { message: error.message || error.name, stack: error.stack && mapStack(error.stack) };
  return { message: `non-Error thrown: ${String(error)}` };
}

async function withTimeout(body: TestBody, timeoutMs: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(body),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function testsIn(node: Suite | TestCase, path: string[]): { name: string; test: TestCase }[] {
  if (node.kind === 'test') return [{ name: [...path, node.name].join(' › '), test: node }];
  const inner = node.name ? [...path, node.name] : path;
  return node.children.flatMap((child) => testsIn(child, inner));
}

class Run {
  readonly results: TestResult[] = [];

  constructor(private readonly options: RunOptions) {}

  private record(result: TestResult): void {
    this.results.push(result);
    this.options.onResult?.(result);
  }

  private selected(name: string): boolean {
    return !this.options.grep || name.includes(this.options.grep);
  }

  async runSuite(suite: Suite, path: string[], eachHooks: { before: TestBody[]; after: TestBody[] }): Promise<void> {
    const inner = suite.name ? [...path, suite.name] : path;
    const selected = testsIn(suite, path).filter(({ name }) => this.selected(name));
    if (!selected.length) return;
    const hooks = { before: [...eachHooks.before, ...suite.beforeEach], after: [...suite.afterEach, ...eachHooks.after] };

    let setupFailure: TestFailure | undefined;
    for (const hook of suite.before) {
      try {
        await withTimeout(hook, DEFAULT_TIMEOUT_MS, `before hook of "${inner.join(' › ')}"`);
      } catch (error) {
        setupFailure = describeFailure(error);
        break;
      }
    }
    if (setupFailure) {
      const failure = { message: `before hook failed: ${setupFailure.message}`, stack: setupFailure.stack };
      for (const { name } of selected) this.record({ name, status: 'failed', durationMs: 0, error: failure });
    } else {
      for (const child of suite.children) {
        if (child.kind === 'suite') await this.runSuite(child, inner, hooks);
        else await this.runTest(child, [...inner, child.name].join(' › '), hooks);
      }
    }
    for (const hook of suite.after) {
      try {
        await withTimeout(hook, DEFAULT_TIMEOUT_MS, `after hook of "${inner.join(' › ')}"`);
      } catch (error) {
        const failure = describeFailure(error);
        this.record({ name: `${inner.join(' › ')} › (after hook)`, status: 'failed', durationMs: 0, error: failure });
      }
    }
  }

  private async runTest(test: TestCase, name: string, hooks: { before: TestBody[]; after: TestBody[] }): Promise<void> {
    if (!this.selected(name)) return;
    if (test.options.skip) {
      const skipReason = typeof test.options.skip === 'string' ? test.options.skip : undefined;
      this.record({ name, status: 'skipped', durationMs: 0, skipReason });
      return;
    }
    const started = performance.now();
    const timeoutMs = test.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let failure: TestFailure | undefined;
    try {
      for (const hook of hooks.before) await withTimeout(hook, timeoutMs, 'beforeEach hook');
      await withTimeout(test.body, timeoutMs, 'test');
    } catch (error) {
      failure = describeFailure(error);
    }
    for (const hook of hooks.after) {
      try {
        await withTimeout(hook, timeoutMs, 'afterEach hook');
      } catch (error) {
        failure ??= describeFailure(error);
      }
    }
    const durationMs = Math.round(performance.now() - started);
    this.record(failure ? { name, status: 'failed', durationMs, error: failure } : { name, status: 'passed', durationMs });
  }
}

/** Runs every registered test (or those matching grep) and returns the report; never throws for a failing test. */
export async function runTests(options: RunOptions = {}): Promise<TestReport> {
  const started = performance.now();
  const run = new Run(options);
  await run.runSuite(root, [], { before: [], after: [] });
  const count = (status: TestResult['status']) => run.results.filter((r) => r.status === status).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    durationMs: Math.round(performance.now() - started),
    results: run.results,
  };
}

/** One line per result, with the failure's stack indented under it. */
export function formatResult(result: TestResult): string {
  if (result.status === 'passed') return `✔ ${result.name} (${result.durationMs} ms)`;
  if (result.status === 'skipped') return `﹣ ${result.name} (skipped${result.skipReason ? `: ${result.skipReason}` : ''})`;
  const detail = result.error?.stack ?? result.error?.message ?? '';
  return `✘ ${result.name}\n    ${detail.split('\n').join('\n    ')}`;
}

/** Entry point for @vscode/test-electron: runs everything, prints results, throws when any test failed. */
export async function run(): Promise<void> {
  const report = await runTests({ grep: process.env.SI_VSCODE_GREP, onResult: (r) => console.log(formatResult(r)) });
  console.log(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  if (report.failed > 0) throw new Error(`${report.failed} of ${report.results.length} extension-host tests failed`);
  if (report.passed === 0) throw new Error('no extension-host test ran');
}
