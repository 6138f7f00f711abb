// Activation: one output channel, one registry of connections, the inspector panels, and the commands.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ConnectionRegistry } from './connectionRegistry';
import { createApi, type SocketInspectorApi } from './extensionApi';
import { PanelManager } from './panelManager';

export function activate(context: vscode.ExtensionContext): SocketInspectorApi {
  const output = vscode.window.createOutputChannel('Socket Inspector', { log: true });
  const registry = new ConnectionRegistry();
  const panels = new PanelManager(context.extensionUri, registry, output);
  context.subscriptions.push(output, registry, panels);
  registerCommands(context, registry, panels, output);
  return createApi(registry);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
