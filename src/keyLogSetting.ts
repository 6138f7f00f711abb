// The TLS key log of ad-hoc connections (Connect WebSocket / Connect TCP): socketInspector.tls.keyLogFile,
// or tls.keyLogFile in a command's options. Session files carry their own (connection.tls.keyLogFile).
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { TcpOptions, WebSocketOptions } from './core/connectionTypes';
import { resolveKeyLogPath, resolveOptionsKeyLog, withDefaultKeyLog } from './core/keyLogPath';

/** The folder a relative key log path is taken from: the first workspace folder, else the home folder. */
function baseFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder ? folder.uri.fsPath : homedir();
}

/**
 * socketInspector.tls.keyLogFile made absolute, or undefined when unset. VS Code ignores a workspace's
 * value of this setting until the workspace is trusted (package.json restrictedConfigurations).
 */
export function keyLogFileFromSettings(): string | undefined {
  const value = vscode.workspace.getConfiguration('socketInspector').get<string>('tls.keyLogFile')?.trim();
  if (!value) return undefined;
  try {
    return resolveKeyLogPath(value, baseFolder(), 'socketInspector.tls.keyLogFile');
  } catch {
    // Unusable (a NUL in it): passed on as written, so opening it fails and the panel says why.
    return value;
  }
}

/** Makes a key log path given in a command's options absolute (throws BAD_URL on a blank one). */
export function resolveCommandKeyLog<T extends WebSocketOptions | TcpOptions>(options: T): T {
  return resolveOptionsKeyLog(options, baseFolder());
}

/** The options with the setting's key log added, unless they name one or do not use TLS. */
export function withKeyLogSetting<T extends WebSocketOptions | TcpOptions>(options: T): T {
  return withDefaultKeyLog(options, keyLogFileFromSettings());
}
