// Record as Test: the rows selected in an inspector's log (or its whole recording) become a named test of
// a session file: sends for what was sent, expects for what came back (src/core/testing/testFromLog.ts).
// The user names the test and chooses which volatile fields (timestamps, uuids, ids) to capture; the
// others are matched by their shape. The test is appended to the inspector's session file (Save Session
// As makes one first when it has none), where the Test Explorer finds it.
import * as vscode from 'vscode';
import { insertTest, testFromLog, volatileFields, type VolatileField } from '../../core/testing';
import { parseSession } from '../../core/session/sessionParse';
import { sessionLogFromEntryLog } from '../../core/session/sessionLog';
import { messageOf, reportError } from '../errorReport';
import type { InspectorEntry, PanelManager } from '../panels/panelManager';

type Picker = (arg: unknown, title: string, options?: { liveOnly?: boolean }) => Promise<string | undefined>;

/** What a keybinding, the webview or a test may pass instead of answering dialogs. */
interface RecordTestArgs {
  id?: string;
  /** The seqs of the first and last rows (of the log the inspector shows); the whole log when absent. */
  from?: number;
  to?: number;
  /** The test's name; asked for when absent. */
  name?: string;
  /** The session file to write (path); the inspector's own file when absent, else Save Session As asks. */
  file?: string;
  /** Paths (or `seq path` keys) of the volatile fields to capture; asked for when absent. */
  capture?: string[];
}

/** What the command did, for the tests: the file written and the test's name. */
export interface RecordTestResult {
  readonly uri: vscode.Uri;
  readonly name: string;
}

export const RECORD_TEST_COMMAND = 'socketInspector.recordAsTest';

export function registerRecordTestCommand(context: vscode.ExtensionContext, panels: PanelManager, pick: Picker, output: vscode.LogOutputChannel): void {
  async function fileOf(entry: InspectorEntry, file: string | undefined): Promise<vscode.Uri | undefined> {
    const own = entry.source.file?.uri;
    if (file === undefined && own) return own;
    if (file !== undefined && own?.fsPath === vscode.Uri.file(file).fsPath) return own;
    if (file !== undefined) {
      const exists = await vscode.workspace.fs.stat(vscode.Uri.file(file)).then(() => true, () => false);
      if (exists) return vscode.Uri.file(file);
    }
    // A test needs the connection's settings: the inspector is saved as a session file first.
    return vscode.commands.executeCommand<vscode.Uri | undefined>('socketInspector.saveSessionAs', file !== undefined ? { id: entry.id, uri: file } : { id: entry.id });
  }

  async function chooseCaptures(fields: readonly VolatileField[], given: string[] | undefined): Promise<string[] | undefined> {
    if (given) return fields.filter((f) => given.includes(f.path) || given.includes(f.key)).map((f) => f.key);
    if (fields.length === 0) return [];
    const reasons = { timestamp: vscode.l10n.t('timestamp'), uuid: vscode.l10n.t('uuid'), id: vscode.l10n.t('id') };
    const picked = await vscode.window.showQuickPick(
      fields.map((f) => ({
        label: f.path,
        description: vscode.l10n.t('{0} in message #{1}: {2}', reasons[f.reason], f.seq, String(f.value)),
        detail: vscode.l10n.t('captured as {0}; when not picked, matched by its shape', `\${${f.variable}}`),
        // Ids are what later steps use; a timestamp is rarely sent back.
        picked: f.reason !== 'timestamp',
        key: f.key,
      })),
      { title: vscode.l10n.t('These values change from run to run. Capture which (the rest are matched by their shape)?'), canPickMany: true, ignoreFocusOut: true },
    );
    return picked?.map((p) => p.key);
  }

  async function record(arg: unknown): Promise<RecordTestResult | undefined> {
    const args: RecordTestArgs = typeof arg === 'object' && arg !== null ? (arg as RecordTestArgs) : {};
    const id = await pick(args.id ?? (typeof arg === 'string' ? arg : undefined), vscode.l10n.t('Record which connection as a test?'), { liveOnly: false });
    const entry = id ? panels.entry(id) : undefined;
    if (!entry) return undefined;
    if (!vscode.workspace.isTrusted) throw new Error(vscode.l10n.t('Tests cannot be recorded into session files in an untrusted workspace.'));
    // Copied now: the log goes on growing (and recycling its memory) while the dialogs are open.
    const from = args.from ?? -Infinity;
    const to = args.to ?? Infinity;
    const entries = sessionLogFromEntryLog(entry.panel.controller.shownLog).entries.filter((e) => e.seq >= Math.min(from, to) && e.seq <= Math.max(from, to));
    if (!entries.some((e) => e.direction !== 'meta')) throw new Error(vscode.l10n.t('The rows chosen hold no sent or received messages to make a test of.'));
    const uri = await fileOf(entry, args.file);
    if (!uri) return undefined;
    let text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const existing = (): string[] => {
      try {
        return (parseSession(text).tests ?? []).map((t) => (t as { name?: string }).name ?? '');
      } catch {
        return [];
      }
    };
    const name =
      args.name ??
      (await vscode.window.showInputBox({
        title: vscode.l10n.t('Record as Test'),
        prompt: vscode.l10n.t('The name of the test in {0}', vscode.workspace.asRelativePath(uri)),
        value: vscode.l10n.t('recorded test'),
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('A test needs a name.') : existing().includes(v) ? vscode.l10n.t('The file already has a test of that name.') : undefined),
      }));
    if (name === undefined) return undefined;
    const fields = volatileFields(entries);
    const capture = await chooseCaptures(fields, args.capture);
    if (!capture) return undefined;
    const test = testFromLog(entries, { name, volatile: fields, capture });
    // Read again: the file may have changed while the dialogs were open.
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const next = insertTest(text, test);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(next));
    // The inspector's own file: a later Save starts from what is there now (it keeps the tests).
    if (entry.source.file && entry.source.file.uri.toString() === uri.toString()) {
      entry.source.file = { ...entry.source.file, text: next, session: parseSession(next) };
    }
    output.info(`[${entry.id}] recorded test "${name}" (${test.steps.length} steps) into ${uri.fsPath}`);
    if (args.name === undefined) {
      const open = vscode.l10n.t('Open File');
      void vscode.window.showInformationMessage(vscode.l10n.t('Socket Inspector: the test "{0}" is in {1}; run it from the Test Explorer.', name, vscode.workspace.asRelativePath(uri)), open).then((choice) => {
        if (choice === open) void vscode.window.showTextDocument(uri);
      });
    }
    return { uri, name };
  }

  context.subscriptions.push(
    vscode.commands.registerCommand(RECORD_TEST_COMMAND, async (arg?: unknown) => {
      try {
        return await record(arg);
      } catch (e) {
        return reportError(output, new Error(vscode.l10n.t('Could not record the test: {0}', messageOf(e))));
      }
    }),
  );
}
