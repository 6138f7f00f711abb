// One way to tell the user that something failed: the Output channel keeps the record (with the
// connection it concerns), a notification says it once.
import * as vscode from 'vscode';

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Logs a failure (prefixed with `where`, e.g. "[c1] ws://…") and shows it; returns undefined for command results. */
export function reportError(output: vscode.LogOutputChannel, e: unknown, where?: string): undefined {
  const message = messageOf(e);
  output.error(where ? `${where}: ${message}` : message);
  void vscode.window.showErrorMessage(vscode.l10n.t('Socket Inspector: {0}', message));
  return undefined;
}
