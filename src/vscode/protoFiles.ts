// .proto files in the workspace for the panels' Protobuf codec rules: found for the picker, read for the
// engine's schema loader (which the extension binds here to the workspace: relative paths from the
// first workspace folder, imports looked up beside each file and in every folder), and watched, so a
// panel decodes with a .proto as soon as it is saved.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProtoSchemaLoader } from '../core/decode/entryDecoding';
import type { PanelController } from '../panel/panelController';

/**
 * The engine's loader as src/core/decode/protobuf/ provides it: the files, how to read one, and where
 * imports are looked up.
 */
export type LoadProtoSchemas = (
  files: readonly string[],
  options: { readonly readFile: (file: string) => Promise<string>; readonly includeDirs: readonly string[] },
) => Promise<unknown>;

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

/** A path as a session file holds it (relative to the first workspace folder) made absolute. */
export function protoFilePath(file: string): string {
  const root = workspaceRoot();
  return path.isAbsolute(file) || !root ? file : path.join(root, file);
}

/** `file` relative to the first workspace folder when it lies inside it, as session files keep it. */
export function workspaceRelative(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

/** The engine's loader bound to the workspace's files. */
export function bindProtoLoader(load: LoadProtoSchemas): ProtoSchemaLoader {
  return (files) => {
    const absolute = files.map(protoFilePath);
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const includeDirs = [...new Set([...absolute.map((f) => path.dirname(f)), ...folders])];
    return load(absolute, {
      readFile: async (file) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file))),
      includeDirs,
    });
  };
}

/** The .proto files of the workspace, for a picker (at most 1000; node_modules left out). */
export async function findProtoFiles(): Promise<vscode.Uri[]> {
  return vscode.workspace.findFiles('**/*.proto', '**/node_modules/**', 1000);
}

/**
 * Reloads a panel's schemas when one of its .proto files changes, is created or deleted; follows the
 * panel's choice of files. Dispose with the panel.
 */
export function watchProtoFiles(controller: PanelController): vscode.Disposable {
  let watchers: vscode.Disposable[] = [];
  let watched = '';
  let pending: ReturnType<typeof setTimeout> | undefined;
  const reload = (): void => {
    // Editors save in bursts (write, rename, touch): one reload after them.
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      void controller.reloadProtoSchemas();
    }, 200);
  };
  const follow = (): void => {
    const files = controller.decodeSettings.protoFiles ?? [];
    const key = files.join('\n');
    if (key === watched) return;
    watched = key;
    for (const w of watchers) w.dispose();
    watchers = files.map((file) => {
      const absolute = protoFilePath(file);
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(absolute)), path.basename(absolute)));
      watcher.onDidChange(reload);
      watcher.onDidCreate(reload);
      watcher.onDidDelete(reload);
      return watcher;
    });
  };
  follow();
  const subscription = controller.onDidChangeDecoding(follow);
  return new vscode.Disposable(() => {
    subscription.dispose();
    if (pending) clearTimeout(pending);
    for (const w of watchers) w.dispose();
  });
}
