// Save Session, Save Session As…, Open Session… and Replay Sent Messages: between the inspector tabs and
// session files on disk. Every write goes through saveSession (atomic; refuses a file it cannot parse or
// that changed on disk since it was read).
import * as vscode from 'vscode';
import { storeLogFromSettings } from '../settings';
import type { Connection } from '../../core/connection/connectionTypes';
import { isSocketInspectorError } from '../../../shared/errors';
import { messageOf, reportError } from '../errorReport';
import { SESSION_FILE_SUFFIX, replaySteps, saveSession, type Session, type SessionMessage } from '../../core/session';
import {
  secretHeaderCandidates,
  sessionToSave,
  sessionToSaveAs,
  type SessionContent,
  type SessionSaveState,
} from '../../core/session/sessionSave';
import type { InspectorEntry, PanelManager } from '../panels/panelManager';
import { ReplayRun } from '../../core/session/replayRunner';
import { SESSION_EDITOR_VIEW_TYPE } from '../sessionEditor/sessionEditor';
import { defaultSessionFileName, looksSecret } from '../../core/session/sessionPolicy';
import { sessionLayerOf, sessionViewOf } from '../../panel/sessionView';
import { extractLayerSecrets } from '../../core/session/layerSecrets';

type Picker = (arg: unknown, title: string, options?: { liveOnly?: boolean }) => Promise<string | undefined>;

/** Arguments a keybinding or test may pass to Save Session As instead of answering dialogs. */
interface SaveAsArgs {
  id?: string;
  /** Target file (path or file URI); skips the save dialog. */
  uri?: string | vscode.Uri;
  /** Header names to keep in the secret store; with `uri` given, none unless listed. */
  secretHeaders?: string[];
}

/** What an inspector shows now, as Save and Save As store it: composer messages, view and (if wanted) the log. */
function contentOf(entry: InspectorEntry, connection: Connection, storeLog: boolean): SessionContent {
  const messages: SessionMessage[] = entry.panel.controller.composerLists.saved.map((m) => ({
    name: m.name,
    format: m.format,
    body: m.input,
    ...(m.escapes ? { escapes: true } : {}),
  }));
  const view = sessionViewOf(entry.panel.controller, entry.source.file?.session.view);
  const layer = sessionLayerOf(entry.panel.controller, entry.source.settings);
  return { messages, layer, ...(view ? { view } : {}), ...(storeLog ? { log: connection.log } : {}) };
}

/** What the inspector keeps between saves (see sessionSave.ts), or an error when it has no settings. */
function saveStateOf(entry: InspectorEntry): SessionSaveState {
  const settings = entry.source.settings;
  if (!settings) throw new Error(vscode.l10n.t('This inspector has no connection settings to save.'));
  return {
    settings,
    ...(entry.source.sensitive ? { sensitive: entry.source.sensitive } : {}),
    ...(entry.source.file ? { previous: entry.source.file.session } : {}),
  };
}

export function registerSessionCommands(
  context: vscode.ExtensionContext,
  panels: PanelManager,
  pick: Picker,
  output: vscode.LogOutputChannel,
): void {
  const replays = new Map<string, ReplayRun>();
  context.subscriptions.push({ dispose: () => replays.forEach((r) => r.cancel()) });

  const fail = (e: unknown): undefined => reportError(output, e);

  async function entryFor(arg: unknown, title: string): Promise<InspectorEntry | undefined> {
    const id = await pick(arg, title, { liveOnly: false });
    return id ? panels.entry(id) : undefined;
  }

  /** Writes `session` to `uri` and makes it the inspector's file. */
  async function write(entry: InspectorEntry, uri: vscode.Uri, session: Session, expectedOriginal: string | undefined): Promise<vscode.Uri | undefined> {
    try {
      const text = await saveSession(uri.fsPath, session, expectedOriginal !== undefined ? { expectedOriginal } : {});
      entry.source.file = { uri, text, session, readOnly: false };
      panels.fileSaved(entry.id);
      output.info(`[${entry.id}] saved session ${uri.fsPath}`);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Socket Inspector: saved {0}', vscode.workspace.asRelativePath(uri)), 4000);
      return uri;
    } catch (e) {
      return fail(isSocketInspectorError(e) ? e : new Error(vscode.l10n.t('Could not save the session: {0}', messageOf(e))));
    }
  }

  async function saveAs(arg: unknown): Promise<vscode.Uri | undefined> {
    const args: SaveAsArgs = typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as SaveAsArgs) : {};
    const entry = await entryFor(args.id ?? (typeof arg === 'string' ? arg : undefined), vscode.l10n.t('Save which connection as a session?'));
    if (!entry) return undefined;
    if (!vscode.workspace.isTrusted) return fail(new Error(vscode.l10n.t('Sessions cannot be saved in an untrusted workspace.')));
    const connection = entry.panel.controller.connection;
    let uri: vscode.Uri | undefined;
    if (args.uri !== undefined) {
      uri = typeof args.uri === 'string' ? (args.uri.includes('://') ? vscode.Uri.parse(args.uri) : vscode.Uri.file(args.uri)) : args.uri;
    } else {
      const folder = entry.source.file ? vscode.Uri.joinPath(entry.source.file.uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = entry.source.file ? entry.source.file.uri.path.split('/').pop()! : defaultSessionFileName(connection.target);
      uri = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Save Session As'),
        saveLabel: vscode.l10n.t('Save Session'),
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
        filters: { [vscode.l10n.t('Socket Inspector sessions')]: ['socket-session.json'], JSON: ['json'] },
      });
    }
    if (!uri) return undefined;
    if (uri.scheme !== 'file') return fail(new Error(vscode.l10n.t('Sessions can only be saved to files on disk.')));
    if (!uri.path.endsWith(SESSION_FILE_SUFFIX)) {
      // Only *.socket-session.json files open in the inspector and get the schema.
      uri = uri.with({ path: uri.path.replace(/(\.socket-session)?(\.json)?$/, SESSION_FILE_SUFFIX) });
    }

    // Header values the user marks secret go to SecretStorage; the file keeps a reference.
    const plain = secretHeaderCandidates(entry.source.settings);
    let secretNames: readonly string[] = args.secretHeaders ?? [];
    if (plain.length > 0 && args.uri === undefined) {
      const picked = await vscode.window.showQuickPick(
        plain.map((h) => ({ label: h.name, picked: looksSecret(h.name) })),
        { title: vscode.l10n.t('Keep which header values in the secret store (not in the file)?'), canPickMany: true, ignoreFocusOut: true },
      );
      if (!picked) return undefined;
      secretNames = picked.map((p) => p.label);
    }
    let session: Session;
    try {
      const saved = await sessionToSaveAs(saveStateOf(entry), contentOf(entry, connection, storeLogFromSettings()), {
        secretHeaders: secretNames,
        store: context.secrets,
        env: process.env,
      });
      // The layer's secret settings (a password) go to the secret store at every save, never into the file.
      session = await extractLayerSecrets(saved.session, context.secrets, { env: process.env, ...(entry.source.file ? { previous: entry.source.file.session } : {}) });
      // Kept for every later save: the settings now hold only a reference and no longer know the value.
      entry.source.settings = session.connection;
      entry.source.sensitive = saved.sensitive;
    } catch (e) {
      return fail(e);
    }
    const sameFile = entry.source.file && entry.source.file.uri.toString() === uri.toString();
    return write(entry, uri, session, sameFile ? entry.source.file!.text : undefined);
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('socketInspector.saveSession', async (arg?: unknown) => {
      const entry = await entryFor(arg, vscode.l10n.t('Save which session?'));
      if (!entry) return undefined;
      const file = entry.source.file;
      if (!file) return saveAs({ id: entry.id });
      // Trust is checked now, not when the file was opened: the user may have granted it since.
      if (!vscode.workspace.isTrusted) {
        return fail(new Error(vscode.l10n.t('"{0}" is read-only in an untrusted workspace.', vscode.workspace.asRelativePath(file.uri))));
      }
      let session: Session;
      try {
        session = sessionToSave(saveStateOf(entry), contentOf(entry, entry.panel.controller.connection, storeLogFromSettings()));
        session = await extractLayerSecrets(session, context.secrets, { env: process.env, previous: file.session });
        entry.source.settings = session.connection;
      } catch (e) {
        return fail(e);
      }
      return write(entry, file.uri, session, file.text);
    }),

    vscode.commands.registerCommand('socketInspector.saveSessionAs', (arg?: unknown) => saveAs(arg)),

    vscode.commands.registerCommand('socketInspector.openSession', async (arg?: unknown) => {
      let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({
          title: vscode.l10n.t('Open Session'),
          openLabel: vscode.l10n.t('Open Session'),
          canSelectMany: false,
          filters: { [vscode.l10n.t('Socket Inspector sessions')]: ['socket-session.json'], JSON: ['json'] },
          ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
        });
        uri = picked?.[0];
      }
      if (!uri) return undefined;
      await vscode.commands.executeCommand('vscode.openWith', uri, SESSION_EDITOR_VIEW_TYPE);
      return uri;
    }),

    vscode.commands.registerCommand('socketInspector.replaySession', async (arg?: unknown) => {
      const args = typeof arg === 'object' && arg !== null ? (arg as { id?: string; originalTiming?: boolean }) : {};
      const entry = await entryFor(args.id ?? arg, vscode.l10n.t('Replay the sent messages of which session?'));
      if (!entry) return undefined;
      const log = entry.source.file?.session.log;
      if (!log) return fail(new Error(vscode.l10n.t('This inspector has no recorded log to replay; open a session file saved with its log.')));
      let originalTiming = args.originalTiming;
      if (originalTiming === undefined) {
        const choice = await vscode.window.showQuickPick(
          [
            { label: vscode.l10n.t('One after another'), description: vscode.l10n.t('as fast as possible'), timing: false },
            { label: vscode.l10n.t('With the original timing'), description: vscode.l10n.t('waits as long as the recording did (at most a minute)'), timing: true },
          ],
          { title: vscode.l10n.t('Replay sent messages') },
        );
        if (!choice) return undefined;
        originalTiming = choice.timing;
      }
      const steps = replaySteps(log, { originalTiming, maxDelayMs: 60_000 });
      if (steps.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Socket Inspector: the recorded log has no sent messages to replay.'));
        return 0;
      }
      let connection = entry.panel.controller.connection;
      if (connection.state !== 'open') {
        const next = connection.state === 'connecting' ? connection : await panels.reconnect(entry.id);
        if (!next) return undefined;
        connection = next;
        await new Promise<void>((resolve) => {
          if (connection.state !== 'connecting' && connection.state !== 'idle') return resolve();
          const s = connection.onDidChangeState((state) => {
            if (state !== 'connecting') {
              s.dispose();
              resolve();
            }
          });
        });
        if (connection.state !== 'open') return fail(new Error(vscode.l10n.t('Could not replay: {0}', connection.lastError?.message ?? vscode.l10n.t('the connection did not open'))));
      }
      replays.get(entry.id)?.cancel();
      const run = new ReplayRun(connection, steps);
      replays.set(entry.id, run);
      const stop = connection.onDidChangeState((state) => {
        if (state !== 'open') run.cancel();
      });
      try {
        const sent = await run.done;
        output.info(`[${entry.id}] replayed ${sent} of ${steps.length} messages`);
        return sent;
      } catch (e) {
        return fail(e);
      } finally {
        stop.dispose();
        if (replays.get(entry.id) === run) replays.delete(entry.id);
      }
    }),
  );
}
