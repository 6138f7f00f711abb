// Which entry a session file's inspector is to show first: the Test Explorer's failure link opens a run's
// recorded log at the message that failed. The link names the entry here, then opens the file; the session
// editor takes it once it shows the file, or an inspector already showing the file is told at once.
import type * as vscode from 'vscode';

/** What can show an entry: a panel's controller. */
interface Revealer {
  reveal(seq: number): void;
}

const pending = new Map<string, number>();
const shown = new Map<string, Revealer>();

/** Selects entry `seq` of the log of the inspector showing `uri`: now if one does, else when one opens it. */
export function revealInSession(uri: vscode.Uri, seq: number): void {
  const target = shown.get(uri.toString());
  if (target) target.reveal(seq);
  else pending.set(uri.toString(), seq);
}

/** The session editor shows `uri` in `target` (until the returned handle is disposed); an entry waiting for it is revealed. */
export function sessionShown(uri: vscode.Uri, target: Revealer): vscode.Disposable {
  const key = uri.toString();
  shown.set(key, target);
  const seq = pending.get(key);
  pending.delete(key);
  if (seq !== undefined) target.reveal(seq);
  return { dispose: () => shown.get(key) === target && shown.delete(key) };
}
