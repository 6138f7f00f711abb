// The test-runner extension: installed next to ours in code-server's extensions folder, it runs the suite once
// startup has finished. code-server has no --extensionTestsPath, so this extension stands in for VS Code's own
// test loader and calls the same run() (../runSuite.ts) that @vscode/test-electron calls in desktop VS Code.
import { run } from '../runSuite';

/** Runs the suite when the harness asked for it; without SI_VSCODE_RESULTS the extension does nothing. */
export function activate(): void {
  if (!process.env.SI_VSCODE_RESULTS) return;
  // run() streams every result, failures and a suite that cannot load included, to the results file; its
  // rejection (for test-electron's exit code) has nothing left to say here.
  run().catch(() => {});
}

export function deactivate(): void {}
