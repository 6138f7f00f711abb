// Test results as JUnit XML, the report format CI systems read (GitHub Actions reporters, GitLab,
// Jenkins, Azure): <testsuites> with one <testsuite> per session file and one <testcase> per test; a
// failed test holds <failure message="…"> with the expected and actual values in its text. Times are
// in seconds. Everything is escaped for XML, and characters XML 1.0 cannot carry at all are replaced.
import type { StepResult, TestResult } from './testRunner';

/** One session file's results. */
export interface SuiteResults {
  /** The suite's name: the session file's path as given. */
  readonly name: string;
  readonly tests: readonly TestResult[];
  /** Set when the file could not be loaded: the suite has one failing "load" case with this message. */
  readonly error?: string;
}

/** Text escaped for an XML attribute or element; characters XML 1.0 forbids become U+FFFD. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Element text: newlines kept as they are (they read better in a CI log). */
function textEscape(text: string): string {
  return xmlEscape(text).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Where the failing step is: `line 12 (tests[0].steps[2])`. */
export function describeLocation(step: StepResult): string {
  return step.at ? `line ${step.at.line} (${step.at.path})` : step.kind;
}

/** A failure's text: the step, the message, expected and actual. */
export function failureText(step: StepResult): string {
  const lines = [`${step.kind}${step.name ? ` "${step.name}"` : ''} at ${describeLocation(step)}${step.round !== undefined ? `, round ${step.round}` : ''}`, step.message ?? ''];
  if (step.seq !== undefined) lines.push(`message #${step.seq} of the run's log`);
  if (step.expected !== undefined) lines.push('', 'expected:', step.expected);
  if (step.actual !== undefined) lines.push('', 'actual:', step.actual);
  return lines.join('\n');
}

/** The JUnit XML report of a run. */
export function junitXml(suites: readonly SuiteResults[], options: { name?: string; timestamp?: Date } = {}): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = suites.flatMap((s) => s.tests);
  const failures = all.filter((t) => t.status === 'failed').length;
  const errors = suites.filter((s) => s.error !== undefined).length;
  const total = all.reduce((sum, t) => sum + t.durationMs, 0);
  out.push(
    `<testsuites name="${xmlEscape(options.name ?? 'socket-inspector')}" tests="${all.length + errors}" failures="${failures}" errors="${errors}" time="${seconds(total)}">`,
  );
  const timestamp = (options.timestamp ?? new Date()).toISOString().replace(/\.\d{3}Z$/, '');
  for (const suite of suites) {
    const suiteFailures = suite.tests.filter((t) => t.status === 'failed').length;
    const time = suite.tests.reduce((sum, t) => sum + t.durationMs, 0);
    const count = suite.tests.length + (suite.error !== undefined ? 1 : 0);
    out.push(
      `  <testsuite name="${xmlEscape(suite.name)}" tests="${count}" failures="${suiteFailures}" errors="${suite.error !== undefined ? 1 : 0}" skipped="0" time="${seconds(time)}" timestamp="${timestamp}">`,
    );
    if (suite.error !== undefined) {
      out.push(`    <testcase name="load" classname="${xmlEscape(suite.name)}" time="0.000">`);
      out.push(`      <error message="${xmlEscape(suite.error)}" type="BAD_SESSION">${textEscape(suite.error)}</error>`);
      out.push('    </testcase>');
    }
    for (const t of suite.tests) {
      const head = `    <testcase name="${xmlEscape(t.name)}" classname="${xmlEscape(suite.name)}" time="${seconds(t.durationMs)}"`;
      if (!t.failure) {
        out.push(`${head}/>`);
        continue;
      }
      out.push(`${head}>`);
      out.push(`      <failure message="${xmlEscape(t.failure.message ?? 'failed')}" type="${t.failure.kind}">${textEscape(failureText(t.failure))}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
