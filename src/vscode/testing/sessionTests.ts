// The Test Explorer's Socket Inspector controller: session files' tests as test items, and a Run
// profile that runs them (see sessionTestItems.ts and sessionTestRuns.ts).
import * as vscode from 'vscode';
import { SessionTestItems } from './sessionTestItems';
import { SessionTestRuns, type ReportedOutcome } from './sessionTestRuns';

/** What the extension's API offers of the session tests (the extension-host tests use it). */
export interface SessionTestsApi {
  readonly controller: vscode.TestController;
  /** Reads the workspace's session files again. */
  refresh(): Promise<void>;
  /** Runs the items (all when none), as the Run profile does; resolves with what was reported per item id. */
  run(items?: readonly vscode.TestItem[]): Promise<ReadonlyMap<string, ReportedOutcome>>;
}

export function registerSessionTests(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): SessionTestsApi {
  const controller = vscode.tests.createTestController('socketInspector.sessionTests', vscode.l10n.t('Socket Inspector sessions'));
  const items = new SessionTestItems(controller);
  const runs = new SessionTestRuns(controller, items, context.secrets, output);
  controller.createRunProfile(vscode.l10n.t('Run'), vscode.TestRunProfileKind.Run, async (request, token) => {
    await runs.run(request, token);
  }, true);
  context.subscriptions.push(controller, items, runs);
  // The tree is filled when the Test Explorer asks (resolveHandler); a file opened in the editor gets its
  // gutter "Run" without that.
  void items.scan();
  return {
    controller,
    refresh: () => items.scan(true),
    async run(selected) {
      const cancel = new vscode.CancellationTokenSource();
      try {
        return await runs.run(new vscode.TestRunRequest(selected && selected.length > 0 ? selected : undefined), cancel.token);
      } finally {
        cancel.dispose();
      }
    },
  };
}
