// Export Log as pcapng/HAR/NDJSON, Import HAR and Save Message to File: between a connection's log (a
// live inspector or an opened session) and files on disk. The work is in src/core/export; this module
// asks where, shows progress and reports the outcome.
//
// Every command also takes its answers as arguments, so keybindings, tasks and tests skip the dialogs:
//   exportPcapng / exportHar / exportNdjson: { id?, uri?, includeCredentials? } or an id; credentials are
//     redacted unless includeCredentials is true (asked, when the log holds any and no uri is given)
//     exportNdjson also takes decoded: true to add each message's decoded form (asked when the panel decodes)
//   importHar: a HAR Uri or path, or { uri, entry? (index in log.entries), target? (session file) }
//   saveMessage: (id, seq) or { id, seq, uri? } — what the panel's "save payload" request calls
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import {
  EXPORT_FORMATS,
  countingSource,
  hasCredentials,
  exportChunks,
  exportFileName,
  exportRefusal,
  exportSourceOf,
  importedSessionNames,
  loadHarFile,
  messageEntry,
  saveMessageToFile,
  sessionFromHar,
  suggestedMessageFileName,
  writeExportFile,
  type ExportFormat,
} from '../../core/export';
import { formatSize, saveSession } from '../../core/session';
import { reportError } from '../errorReport';
import type { Connection } from '../../core/connection/connectionTypes';
import type { LogEntry } from '../../../shared/logModel';
import { proxyControlsOf } from '../../panel/proxyController';
import type { PanelManager } from '../panels/panelManager';
import { SESSION_EDITOR_VIEW_TYPE } from '../sessionEditor/sessionEditor';

type Picker = (arg: unknown, title: string, options?: { liveOnly?: boolean }) => Promise<string | undefined>;

/** Export command id of each format (package.json contributes them). */
export const EXPORT_COMMANDS: Readonly<Record<ExportFormat, string>> = {
  pcapng: 'socketInspector.exportPcapng',
  har: 'socketInspector.exportHar',
  ndjson: 'socketInspector.exportNdjson',
};

function toUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value !== '') return value.includes('://') ? vscode.Uri.parse(value) : vscode.Uri.file(value);
  return undefined;
}

function record(arg: unknown): Record<string, unknown> {
  return typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as Record<string, unknown>) : {};
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export function registerExportCommands(
  context: vscode.ExtensionContext,
  registry: ConnectionRegistry,
  panels: PanelManager,
  pick: Picker,
  output: vscode.LogOutputChannel,
): void {
  const fail = (e: unknown): undefined => reportError(output, e);
  const version = (context.extension.packageJSON as { version?: string }).version;

  /**
   * The connection whose log an export or a save reads: what the inspector tab shows (on a listener or
   * proxy tab, the peer on screen), and for a proxy pair which of its entries were never forwarded.
   */
  function shownConnection(id: string): { connection: Connection; delivery?: (seq: number) => number | 'never' | undefined } | undefined {
    const root = registry.get(id);
    if (!root) return undefined;
    const shown = panels.entry(id)?.panel.controller.connection ?? root;
    const controls = proxyControlsOf(root, shown);
    return { connection: shown, ...(controls ? { delivery: (seq: number) => controls.delivery(seq) } : {}) };
  }

  /** Where dialogs start: the folder of the inspector's session file, else the first workspace folder. */
  function startFolder(id: string): vscode.Uri | undefined {
    const file = panels.entry(id)?.source.file;
    return file ? vscode.Uri.joinPath(file.uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  async function exportLog(format: ExportFormat, arg: unknown): Promise<vscode.Uri | undefined> {
    const args = record(arg);
    const info = EXPORT_FORMATS[format];
    const id = await pick(typeof arg === 'string' ? arg : args.id, vscode.l10n.t('Export the log of which connection as {0}?', info.label), { liveOnly: false });
    if (!id) return undefined;
    const shown = shownConnection(id);
    if (!shown) return undefined;
    const { connection } = shown;
    const refusal = exportRefusal(format, connection.kind, connection.target);
    if (refusal) return fail(new Error(refusal));
    // Made afresh after the dialogs: its bounds are taken when it is made.
    const sourceNow = () =>
      exportSourceOf(connection, {
        redact: panels.entry(id)?.source.sensitive ?? [],
        ...(shown.delivery ? { delivery: shown.delivery } : {}),
        ...(withDecoded && controller ? { decoded: (e: LogEntry) => controller.decodePayload(e.direction, e.kind, e.payload) } : {}),
      });
    let uri = toUri(args.uri);
    let includeCredentials = args.includeCredentials === true;
    // NDJSON may add what the panel's layer and codecs make of each message; the raw bytes stay.
    const controller = panels.entry(id)?.panel.controller;
    let withDecoded = format === 'ndjson' && args.decoded === true && controller !== undefined;
    if (format === 'ndjson' && !uri && args.decoded === undefined && controller?.decodes) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Raw messages only'), decoded: false },
          { label: vscode.l10n.t('Raw messages and their decoded form'), description: vscode.l10n.t('adds "decoded" to each line the protocol layer or codec reads'), decoded: true },
        ],
        { title: vscode.l10n.t('Add the decoded form of each message?') },
      );
      if (!choice) return undefined;
      withDecoded = choice.decoded;
    }
    if (!uri && args.includeCredentials === undefined && hasCredentials(sourceNow())) {
      const redact = { label: vscode.l10n.t('Redact credentials'), description: vscode.l10n.t('replaced with <redacted>; message payloads stay as logged'), include: false };
      const include = { label: vscode.l10n.t('Include credentials'), description: vscode.l10n.t('as logged: anyone with the file can use them'), include: true };
      const choice = await vscode.window.showQuickPick([redact, include], {
        title: vscode.l10n.t('The log holds credentials (Authorization, Cookie, secret or environment values). Export them?'),
      });
      if (!choice) return undefined;
      includeCredentials = choice.include;
    }
    if (!uri) {
      const folder = startFolder(id);
      const name = exportFileName(connection.target, format);
      uri = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export Log as {0}', info.label),
        saveLabel: vscode.l10n.t('Export'),
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
        filters: { [info.filter]: [info.extension] },
      });
    }
    if (!uri) return undefined;
    if (uri.scheme !== 'file') return fail(new Error(vscode.l10n.t('Exports can only be written to files on disk.')));
    const target = uri.fsPath;
    const base = sourceNow();
    const abort = new AbortController();
    try {
      const bytes = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting {0} entries as {1}', base.count, info.label), cancellable: true },
        async (progress, token) => {
          const cancel = token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          const source = countingSource(base, (done) => {
            // A percent at a time: progress.report is a message to the UI, not free at a million entries.
            const percent = base.count > 0 ? Math.floor((done / base.count) * 100) : 100;
            if (percent > reported) {
              progress.report({ increment: percent - reported });
              reported = percent;
            }
          });
          try {
            return await writeExportFile(target, exportChunks(format, source, { ...(version ? { version } : {}), includeCredentials }), { signal: abort.signal });
          } finally {
            cancel.dispose();
          }
        },
      );
      output.info(`[${id}] exported ${base.count} entries as ${info.label} to ${target} (${formatSize(bytes)}, credentials ${includeCredentials ? 'included' : 'redacted'})`);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Socket Inspector: exported {0}', vscode.workspace.asRelativePath(uri)), 4000);
      return uri;
    } catch (e) {
      if (abort.signal.aborted) {
        output.info(`[${id}] export to ${target} cancelled`);
        return undefined;
      }
      return fail(e);
    }
  }

  async function importHar(arg: unknown): Promise<vscode.Uri | undefined> {
    const args = record(arg);
    let harUri = toUri(arg instanceof vscode.Uri || typeof arg === 'string' ? arg : args.uri);
    if (!harUri) {
      const picked = await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Import HAR'),
        openLabel: vscode.l10n.t('Import'),
        canSelectMany: false,
        filters: { [vscode.l10n.t('HTTP Archive (HAR)')]: ['har'], JSON: ['json'] },
        ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
      });
      harUri = picked?.[0];
    }
    if (!harUri) return undefined;
    if (harUri.scheme !== 'file') return fail(new Error(vscode.l10n.t('Only HAR files on disk can be imported.')));
    // The import writes a session file, which an untrusted workspace may not (as Save Session).
    if (!vscode.workspace.isTrusted) return fail(new Error(vscode.l10n.t('A HAR cannot be imported in an untrusted workspace: importing writes a session file.')));
    try {
      const har = await loadHarFile(harUri.fsPath);
      const fileName = basename(harUri.fsPath);
      if (har.webSockets.length === 0) {
        return fail(new Error(vscode.l10n.t('"{0}" holds no WebSocket entry (none has _webSocketMessages or a ws:// or wss:// URL).', fileName)));
      }
      let index: number | undefined;
      if (typeof args.entry === 'number') {
        index = har.webSockets.find((w) => w.index === args.entry)?.index;
        if (index === undefined) return fail(new Error(vscode.l10n.t('Entry {0} of "{1}" is not a WebSocket entry.', String(args.entry), fileName)));
      } else if (har.webSockets.length === 1) index = har.webSockets[0]!.index;
      else {
        const chosen = await vscode.window.showQuickPick(
          har.webSockets.map((w) => ({
            label: w.url || vscode.l10n.t('(entry {0} has no URL)', w.index + 1),
            description: `${w.messages === 1 ? vscode.l10n.t('1 message') : vscode.l10n.t('{0} messages', w.messages)}${w.startedDateTime ? ` · ${w.startedDateTime}` : ''}`,
            index: w.index,
          })),
          { title: vscode.l10n.t('Import which WebSocket of {0}?', fileName) },
        );
        index = chosen?.index;
      }
      if (index === undefined) return undefined;
      const { session, warnings } = await sessionFromHar(har, index, { fileName });
      let target = toUri(args.target)?.fsPath;
      if (!target) {
        const folder = dirname(harUri.fsPath);
        for (const name of importedSessionNames(fileName)) {
          const candidate = join(folder, name);
          if (!(await exists(candidate))) {
            target = candidate;
            break;
          }
        }
      }
      await saveSession(target!, session);
      for (const w of warnings) output.warn(`${fileName}: ${w}`);
      if (warnings.length > 0) void vscode.window.showWarningMessage(vscode.l10n.t('Socket Inspector: {0}', warnings.join(' ')));
      output.info(`imported entry ${index + 1} of ${harUri.fsPath} as ${target}`);
      const sessionUri = vscode.Uri.file(target!);
      await vscode.commands.executeCommand('vscode.openWith', sessionUri, SESSION_EDITOR_VIEW_TYPE);
      return sessionUri;
    } catch (e) {
      return fail(e);
    }
  }

  async function saveMessage(arg: unknown, seqArg: unknown): Promise<vscode.Uri | undefined> {
    const args = record(arg);
    const id = await pick(typeof arg === 'string' ? arg : args.id, vscode.l10n.t('Save a message of which connection?'), { liveOnly: false });
    if (!id) return undefined;
    const connection = shownConnection(id)?.connection;
    if (!connection) return undefined;
    let seq = typeof seqArg === 'number' ? seqArg : typeof args.seq === 'number' ? args.seq : undefined;
    if (seq === undefined) {
      const log = connection.log;
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('Save Message to File'),
        prompt: vscode.l10n.t('Entry number (#{0}–#{1})', log.firstSeq, log.nextSeq - 1),
        validateInput: (v) => {
          try {
            messageEntry(log, Number(v.trim().replace(/^#/, '')));
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
      });
      if (typed === undefined) return undefined;
      seq = Number(typed.trim().replace(/^#/, ''));
    }
    try {
      const entry = messageEntry(connection.log, seq);
      let uri = toUri(args.uri);
      if (!uri) {
        const folder = startFolder(id);
        const name = suggestedMessageFileName(entry);
        uri = await vscode.window.showSaveDialog({
          title: vscode.l10n.t('Save entry #{0} to a file', seq),
          saveLabel: vscode.l10n.t('Save'),
          ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
        });
      }
      if (!uri) return undefined;
      if (uri.scheme !== 'file') return fail(new Error(vscode.l10n.t('Messages can only be saved to files on disk.')));
      const bytes = await saveMessageToFile(connection.log, seq, uri.fsPath);
      output.info(`[${id}] saved entry #${seq} (${formatSize(bytes)}) to ${uri.fsPath}`);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Socket Inspector: saved {0}', vscode.workspace.asRelativePath(uri)), 4000);
      return uri;
    } catch (e) {
      return fail(e);
    }
  }

  context.subscriptions.push(
    ...(Object.keys(EXPORT_COMMANDS) as ExportFormat[]).map((format) =>
      vscode.commands.registerCommand(EXPORT_COMMANDS[format], (arg?: unknown) => exportLog(format, arg)),
    ),
    vscode.commands.registerCommand('socketInspector.importHar', (arg?: unknown) => importHar(arg)),
    vscode.commands.registerCommand('socketInspector.saveMessage', (arg?: unknown, seq?: unknown) => saveMessage(arg, seq)),
  );
}
