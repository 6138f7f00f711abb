// Runs session tests from the Test Explorer with the engine the command-line runner uses (runTest):
// secrets from the extension's secret storage, the variables of an environment the user picks from the
// first environment file of the workspace, progress per test and step, a failure as a TestMessage with
// expected and actual at the failing step's line and a link to that run's recorded log. The logs of the
// last few runs are kept; the link writes one as a session file in a temporary folder and opens it in
// the inspector, from where Save Session As keeps it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Session, SessionLog } from '../../core/session/sessionFormat';
import { readStored, secretKey } from '../../core/session/sessionSecrets';
import { serializeSession } from '../../core/session/sessionSerialize';
import { PatternRunner } from '../../core/patterns/patternRunner';
import {
  ENV_FILE_SUFFIX,
  parseEnvironmentFile,
  parseTestSession,
  recordedRunFileName,
  recordedRunSession,
  runTest,
  type StepResult,
  type TestResult,
} from '../../core/testing';
import type { SessionTest } from '../../core/testing/testFormat';
import { messageOf } from '../errorReport';
import { revealInSession } from '../sessionEditor/sessionReveal';
import { positionOfLine, type SessionTestItems } from './sessionTestItems';

/** How many runs' logs are kept for "open this run's log". */
export const KEPT_RUN_LOGS = 5;

/** The command a failure message links to: opens a kept run's log in the inspector. */
export const OPEN_TEST_RUN_COMMAND = 'socketInspector.openTestRunLog';

/** What a run reported for one test item (the extension-host tests read it through the API). */
export interface ReportedOutcome {
  readonly status: 'passed' | 'failed' | 'errored' | 'skipped';
  readonly messages: readonly vscode.TestMessage[];
}

interface KeptRun {
  readonly file: string;
  readonly session: Session;
  readonly test: SessionTest;
  readonly log: SessionLog;
  /** The seq (in the run's log) of the message the failing step concerns. */
  readonly failedSeq?: number;
}

/** `${secret:ID}` references anywhere in a file's text. */
function secretIdsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{secret:([^}\s]+)\}/g)].map((m) => m[1]!))];
}

export class SessionTestRuns implements vscode.Disposable {
  private readonly kept = new Map<string, KeptRun>();
  private nextRun = 1;
  /** Where opened run logs are written; removed on dispose. */
  private readonly folder = join(tmpdir(), `socket-inspector-test-runs-${process.pid}`);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly controller: vscode.TestController,
    private readonly items: SessionTestItems,
    private readonly secrets: vscode.SecretStorage,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(vscode.commands.registerCommand(OPEN_TEST_RUN_COMMAND, (id: unknown) => this.openRunLog(id)));
  }

  /** The run profile's handler; resolves with what was reported per test item id. */
  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<Map<string, ReportedOutcome>> {
    const outcomes = new Map<string, ReportedOutcome>();
    await this.items.scan();
    const run = this.controller.createTestRun(request);
    const report = {
      passed: (item: vscode.TestItem, ms?: number) => (run.passed(item, ms), outcomes.set(item.id, { status: 'passed', messages: [] })),
      failed: (item: vscode.TestItem, m: vscode.TestMessage, ms?: number) => (run.failed(item, m, ms), outcomes.set(item.id, { status: 'failed', messages: [m] })),
      errored: (item: vscode.TestItem, m: vscode.TestMessage) => (run.errored(item, m), outcomes.set(item.id, { status: 'errored', messages: [m] })),
      skipped: (item: vscode.TestItem) => (run.skipped(item), outcomes.set(item.id, { status: 'skipped', messages: [] })),
    };
    const tests = this.collect(request);
    try {
      if (!vscode.workspace.isTrusted) {
        // A test connects where its file says and sends what it says: not for a workspace nobody vouched for.
        const why = vscode.l10n.t('Session tests do not run in an untrusted workspace: a test connects to the server its file names and sends what the file says. Trust the workspace to run them.');
        for (const item of tests) report.errored(item, new vscode.TestMessage(why));
        void vscode.window.showWarningMessage(why);
        return outcomes;
      }
      let environment: Awaited<ReturnType<SessionTestRuns['pickEnvironment']>>;
      try {
        environment = await this.pickEnvironment();
      } catch (e) {
        // A broken environment file stops the run: without its values a test would fail on a missing variable.
        for (const item of tests) report.errored(item, new vscode.TestMessage(messageOf(e)));
        return outcomes;
      }
      if (environment === 'cancelled') {
        for (const item of tests) report.skipped(item);
        return outcomes;
      }
      for (const item of tests) run.enqueued(item);
      const patterns = new PatternRunner();
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        for (const item of tests) {
          if (token.isCancellationRequested) {
            report.skipped(item);
            continue;
          }
          await this.runOne(item, run, report, { patterns, signal: abort.signal, ...(environment ? { environment } : {}) });
        }
      } finally {
        cancel.dispose();
        patterns.dispose();
      }
    } finally {
      run.end();
    }
    return outcomes;
  }

  /** The test items a request names (a file's item stands for its tests), without the excluded ones. */
  private collect(request: vscode.TestRunRequest): vscode.TestItem[] {
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const out: vscode.TestItem[] = [];
    const add = (item: vscode.TestItem) => {
      if (excluded.has(item.id)) return;
      if (this.items.dataOf(item)) out.push(item);
      else item.children.forEach(add);
    };
    if (request.include) request.include.forEach(add);
    else this.controller.items.forEach(add);
    return out;
  }

  /**
   * The variables of an environment: the first environment file of the workspace, and the environment the
   * user picks from it (or none); undefined without a file, 'cancelled' when the pick was dismissed.
   */
  private async pickEnvironment(): Promise<Record<string, string> | undefined | 'cancelled'> {
    const [file] = (await vscode.workspace.findFiles(`**/*${ENV_FILE_SUFFIX}`, '**/node_modules/**')).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    if (!file) return undefined;
    let environments;
    try {
      environments = parseEnvironmentFile(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
    } catch (e) {
      throw new Error(`${vscode.workspace.asRelativePath(file)}: ${messageOf(e)}`);
    }
    const none = vscode.l10n.t('No environment');
    const picked = await vscode.window.showQuickPick(
      [...Object.keys(environments).map((name) => ({ label: name, description: vscode.workspace.asRelativePath(file) })), { label: none, description: '' }],
      { title: vscode.l10n.t('Run the session tests with which environment?'), ignoreFocusOut: true },
    );
    if (!picked) return 'cancelled';
    return picked.label === none ? undefined : { ...environments[picked.label] };
  }

  private async runOne(
    item: vscode.TestItem,
    run: vscode.TestRun,
    report: {
      passed(item: vscode.TestItem, ms?: number): void;
      failed(item: vscode.TestItem, m: vscode.TestMessage, ms?: number): void;
      errored(item: vscode.TestItem, m: vscode.TestMessage): void;
    },
    options: { patterns: PatternRunner; signal: AbortSignal; environment?: Record<string, string> },
  ): Promise<void> {
    const data = this.items.dataOf(item)!;
    run.started(item);
    // The file as it is now: the tree may be a moment behind an edit.
    let text: string;
    let loaded;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(data.uri));
      loaded = parseTestSession(text);
    } catch (e) {
      report.errored(item, new vscode.TestMessage(messageOf(e)));
      return;
    }
    const test = loaded.tests.find((t) => t.name === data.name);
    if (!test) {
      report.errored(item, new vscode.TestMessage(vscode.l10n.t('The test "{0}" is no longer in {1}.', data.name, vscode.workspace.asRelativePath(data.uri))));
      return;
    }
    // `${secret:ID}` is read before the run: the engine asks for values synchronously.
    const secretValues = new Map<string, string>();
    for (const id of secretIdsIn(text)) {
      const stored = readStored(await this.secrets.get(secretKey(id)));
      if (stored) secretValues.set(id, stored.value);
    }
    let result: TestResult;
    try {
      result = await runTest(loaded.session, test, {
        variables: {
          ...(options.environment ? { environment: options.environment } : {}),
          env: process.env,
          secret: (id) => secretValues.get(id),
        },
        env: process.env,
        secrets: this.secrets,
        baseDir: dirname(data.uri.fsPath),
        locate: loaded.locate,
        patterns: options.patterns,
        record: 'always',
        signal: options.signal,
        onStep: (step) => run.appendOutput(`${stepLine(step)}\r\n`, this.locationOf(data.uri, step, item), item),
      });
    } catch (e) {
      report.errored(item, new vscode.TestMessage(messageOf(e)));
      return;
    }
    const failedSeq = result.failure?.seq;
    const runId = result.log ? this.keep({ file: data.uri.fsPath, session: loaded.session, test, log: result.log, ...(failedSeq !== undefined ? { failedSeq } : {}) }) : undefined;
    this.output.info(`test ${vscode.workspace.asRelativePath(data.uri)} › ${test.name}: ${result.status}`);
    if (result.status === 'passed') report.passed(item, result.durationMs);
    else report.failed(item, this.failureMessage(data.uri, item, result.failure!, runId), result.durationMs);
  }

  private locationOf(uri: vscode.Uri, step: StepResult, item: vscode.TestItem): vscode.Location | undefined {
    if (step.at) return new vscode.Location(uri, positionOfLine(step.at.line, step.at.column));
    return item.range ? new vscode.Location(uri, item.range) : undefined;
  }

  /** The failure as the Test Explorer shows it: the sentence, expected vs actual, at the step, with the log link. */
  private failureMessage(uri: vscode.Uri, item: vscode.TestItem, failure: StepResult, runId: string | undefined): vscode.TestMessage {
    const text = new vscode.MarkdownString();
    text.appendText(failure.message ?? vscode.l10n.t('The step failed.'));
    if (runId !== undefined) {
      const args = encodeURIComponent(JSON.stringify([runId]));
      const label =
        failure.seq !== undefined
          ? vscode.l10n.t("Open this run's log in the inspector (message #{0})", failure.seq)
          : vscode.l10n.t("Open this run's log in the inspector");
      text.appendMarkdown(`\n\n[${label}](command:${OPEN_TEST_RUN_COMMAND}?${args})`);
      text.isTrusted = { enabledCommands: [OPEN_TEST_RUN_COMMAND] };
    }
    const message =
      failure.expected !== undefined || failure.actual !== undefined
        ? vscode.TestMessage.diff(text, failure.expected ?? '', failure.actual ?? '')
        : new vscode.TestMessage(text);
    const location = this.locationOf(uri, failure, item);
    if (location) message.location = location;
    return message;
  }

  /** Keeps a run's log, forgetting the oldest beyond KEPT_RUN_LOGS; returns its id for the link. */
  private keep(run: KeptRun): string {
    const id = `run-${this.nextRun++}`;
    this.kept.set(id, run);
    for (const old of this.kept.keys()) {
      if (this.kept.size <= KEPT_RUN_LOGS) break;
      this.kept.delete(old);
    }
    return id;
  }

  /** Writes a kept run's log as a session file in the temporary folder and opens it in the inspector. */
  private async openRunLog(id: unknown): Promise<vscode.Uri | undefined> {
    const kept = typeof id === 'string' ? this.kept.get(id) : undefined;
    if (!kept) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The log of that run is no longer kept: only the last {0} runs are.', KEPT_RUN_LOGS));
      return undefined;
    }
    const dir = join(this.folder, String(id));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, recordedRunFileName(kept.file, kept.test.name));
    writeFileSync(path, serializeSession(recordedRunSession(kept.session, kept.test, kept.log)));
    const uri = vscode.Uri.file(path);
    // The inspector numbers the file's entries from 0 in file order: the failed message is its index.
    const at = kept.failedSeq === undefined ? -1 : kept.log.entries.findIndex((e) => e.seq === kept.failedSeq);
    if (at >= 0) revealInSession(uri, at);
    await vscode.commands.executeCommand('socketInspector.openSession', uri);
    return uri;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** One line of a run's output per step. */
function stepLine(step: StepResult): string {
  const mark = step.status === 'passed' ? '✓' : '✗';
  const where = step.at ? ` (line ${step.at.line})` : '';
  const round = step.round !== undefined ? ` round ${step.round}` : '';
  const why = step.status === 'failed' && step.message ? `: ${step.message}` : '';
  return `${mark} ${step.kind}${step.name ? ` "${step.name}"` : ''}${round}${where}${why}`;
}
