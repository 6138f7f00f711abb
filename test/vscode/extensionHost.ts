// What the extension-host suite's files share: the extension under test and its API, the workspace folder the
// suite runs in, and until() for state that settles after a command returns. Test files import these from here.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SocketInspectorApi } from '../../src/vscode/extensionApi';

/** Our extension's id (`publisher.name` in package.json). */
export const EXTENSION_ID = 'socket-inspector.socket-inspector';

/** Activates the extension if it is not active yet and returns its API. */
export async function api(): Promise<SocketInspectorApi> {
  const extension = vscode.extensions.getExtension<SocketInspectorApi>(EXTENSION_ID);
  assert.ok(extension, 'extension not installed');
  return extension.activate();
}

/** The absolute path of name in the workspace folder the suite runs in. */
export function workspaceFile(name: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return join(folder.uri.fsPath, name);
}

/**
 * Waits until check() holds, looking every 20 ms; throws "timed out waiting for <what>" after timeoutMs. The
 * timeout is an upper bound for a slow machine, never an assertion on speed.
 */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
