// Activation: one output channel, one registry of connections, the inspector panels (and session files'
// custom editors), the status bar item, the Socket Inspector container's Sessions and Connections views,
// the Test Explorer's session tests, and the commands.
import * as vscode from 'vscode';
import { connectionPicker, registerCommands } from './commands/connectCommands';
import { ConnectionRegistry } from '../core/connection/connectionRegistry';
import { reportError } from './errorReport';
import { registerFastReceive } from './fastReceiveSwitch';
import { createApi, type SocketInspectorApi } from './extensionApi';
import { registerExportCommands } from './commands/exportCommands';
import { registerCodecCommands } from './commands/codecCommands';
import { registerInspectorCommands } from './commands/inspectorCommands';
import { PanelManager } from './panels/panelManager';
import { registerServerCommands } from './commands/serverCommands';
import { registerServerFileCommands } from './commands/serverFileCommands';
import { registerSessionCommands } from './commands/sessionCommands';
import { registerRecordTestCommand } from './commands/recordTestCommand';
import { registerSessionEditor } from './sessionEditor/sessionEditor';
import { loadProtoSchemas } from '../core/decode';
import { bindProtoLoader } from './protoFiles';
import { createStatusBar } from './statusBar';
import { registerSessionsView } from './views/sessionsView';
import { registerConnectionsView } from './views/connectionsView';
import { registerSessionTests } from './testing/sessionTests';

export function activate(context: vscode.ExtensionContext): SocketInspectorApi {
  const output = vscode.window.createOutputChannel('Socket Inspector', { log: true });
  const registry = new ConnectionRegistry();
  // The loader's schema set is what the Protobuf codec takes (its messageTypes feed the type picker).
  const loadProto = bindProtoLoader(async (files, options) => (await loadProtoSchemas(files, options)).schemas);
  const panels = new PanelManager(context.extensionUri, registry, output, loadProto);
  context.subscriptions.push(output, registry, panels, createStatusBar(registry));
  registerFastReceive(context, output);
  registerCommands(context, registry, panels, output);
  registerServerCommands(context, registry, panels, output);
  registerServerFileCommands(context, registry, panels, output);
  const pick = connectionPicker(registry, panels, (e) => reportError(output, e));
  registerInspectorCommands(context, registry, panels, pick);
  registerSessionCommands(context, panels, pick, output);
  registerRecordTestCommand(context, panels, pick, output);
  registerSessionEditor(context, registry, panels, output);
  const sessionsView = registerSessionsView(context, registry, panels, output);
  const connectionsView = registerConnectionsView(context, registry, panels);
  registerExportCommands(context, registry, panels, pick, output);
  registerCodecCommands(context, panels, pick);
  const sessionTests = registerSessionTests(context, output);
  return createApi(registry, panels, sessionTests, { connections: connectionsView, sessions: sessionsView });
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
