// One inspector tab per connection: opens, reveals and closes them, and keeps the registry in step
// (closing a tab disconnects its connection; reconnecting from a tab puts a fresh connection under the
// same id). Session files' custom editors are inspector tabs too (adopt), so every command treats both alike.
import * as vscode from 'vscode';
import type { InspectorHost, InspectorSource } from './inspectorHost';
import { panelSettingsFromConfiguration } from '../settings';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import type { Connection } from '../../core/connection/connectionTypes';
import { serverOf } from '../../core/connection/serverConnection';
import { reportError } from '../errorReport';
import { redactCredentialsInText } from '../../core/export/credentialRedaction';
import type { PanelSessionInfo } from '../../../shared/protocol';
import { bindInspectorPanel, openInspectorPanel, type InspectorPanel, type InspectorPanelCallbacks } from './inspectorPanel';
import type { ProtoSchemaLoader } from '../../core/decode/entryDecoding';
import type { PanelControllerOptions } from '../../panel/panelController';
import { watchProtoFiles } from '../protoFiles';
import { SessionFileLink } from './sessionFileLink';

/** An inspector tab and where its connection came from. */
export interface InspectorEntry {
  readonly id: string;
  readonly panel: InspectorPanel;
  readonly source: InspectorSource;
}

/** When-clause context key: the active inspector tab shows a listener or proxy (Ctrl+S saves the server file then). */
export const SERVER_TAB_CONTEXT = 'socketInspector.serverTabActive';

export class PanelManager implements InspectorHost, vscode.Disposable {
  private readonly entries = new Map<string, InspectorEntry>();
  /** Each tab's watch on its .proto files. */
  private readonly protoWatches = new Map<string, vscode.Disposable>();
  /** Live tabs saved to a session file, titled after it (session files' own editors are not in here). */
  private readonly fileLinks = new Map<string, SessionFileLink>();
  /** Tabs that are a session file's custom editor: VS Code titles them. */
  private readonly adopted = new Set<string>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Each tab's watch on whether it is the active tab (for the server-tab context key). */
  private readonly viewStates = new Map<string, vscode.Disposable>();
  /** The last value of SERVER_TAB_CONTEXT set. */
  private serverTabActive = false;
  /** Fires when a tab opens or closes. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: ConnectionRegistry,
    private readonly output: vscode.LogOutputChannel,
    /** Loads .proto files for the panels' Protobuf codec rules (bound to the workspace by the extension). */
    private readonly loadProtoSchemas?: ProtoSchemaLoader,
  ) {}

  /** What every inspector's controller is made with: the settings, the session details, how to decode. */
  private controllerOptions(id: string, source: InspectorSource): PanelControllerOptions {
    return {
      settings: panelSettingsFromConfiguration(),
      session: () => this.sessionInfo(id),
      ...(source.decode?.settings ? { decode: source.decode.settings } : {}),
      ...(source.decode?.layer ? { layerSettings: source.decode.layer } : {}),
      ...(this.loadProtoSchemas ? { loadProtoSchemas: this.loadProtoSchemas } : {}),
    };
  }

  /** Opens the tab of connection `id`, or reveals it. */
  show(id: string, source: InspectorSource = {}): void {
    const existing = this.entries.get(id);
    if (existing) {
      existing.panel.panel.reveal();
      return;
    }
    const connection = this.registry.get(id);
    if (!connection) return;
    const panel = openInspectorPanel(this.extensionUri, connection, this.callbacks(id), { controller: this.controllerOptions(id, source) });
    this.track(id, panel, source);
  }

  /** Shows registered connection `id` in a webview panel VS Code created (a custom editor). */
  adopt(id: string, webviewPanel: vscode.WebviewPanel, source: InspectorSource): InspectorEntry | undefined {
    const connection = this.registry.get(id);
    if (!connection) return undefined;
    const panel = bindInspectorPanel(webviewPanel, this.extensionUri, connection, this.callbacks(id), { controller: this.controllerOptions(id, source) });
    this.adopted.add(id);
    return this.track(id, panel, source);
  }

  /** Reveals the tab of `id`; false when it has none. */
  reveal(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    entry.panel.panel.reveal();
    return true;
  }

  entry(id: string): InspectorEntry | undefined {
    return this.entries.get(id);
  }

  list(): InspectorEntry[] {
    return [...this.entries.values()];
  }

  activeConnectionId(): string | undefined {
    for (const [id, entry] of this.entries) if (entry.panel.panel.active) return id;
    return undefined;
  }

  /** The log of inspector `id` was written to its file (source.file): a live tab is linked to it from now on. */
  fileSaved(id: string): void {
    const entry = this.entries.get(id);
    const uri = entry?.source.file?.uri;
    if (!entry || !uri) return;
    if (this.adopted.has(id)) {
      entry.panel.controller.sessionChanged();
      return;
    }
    let link = this.fileLinks.get(id);
    if (!link) this.fileLinks.set(id, (link = new SessionFileLink(entry.panel)));
    link.saved(uri);
  }

  /** Connects the inspector `id` again with the settings it came from; an open connection is left as it is. */
  async reconnect(id: string): Promise<Connection | undefined> {
    const current = this.registry.get(id);
    if (current && (current.state === 'open' || current.state === 'connecting')) return undefined;
    const recreate = this.entries.get(id)?.source.recreate;
    if (!recreate) return undefined;
    let next: Connection | undefined;
    try {
      next = await recreate();
    } catch (e) {
      return reportError(this.output, e, `[${id}]`);
    }
    if (!next || !this.registry.get(id)) {
      next?.dispose();
      return undefined;
    }
    this.registry.replace(id, next);
    this.entries.get(id)?.panel.attach(next);
    // The target may hold values read from the environment (a token in the query): not for the output channel.
    const target = redactCredentialsInText(next.target, this.entries.get(id)?.source.sensitive);
    this.output.info(`[${id}] connecting to ${target}`);
    next.connect().then(
      () => this.output.info(`[${id}] open: ${target}`),
      (e: unknown) => reportError(this.output, e, `[${id}] ${target}`),
    );
    return next;
  }

  private sessionInfo(id: string): PanelSessionInfo {
    const file = this.entries.get(id)?.source.file;
    const canReplay = !!file?.session.log?.entries.some((e) => e.direction === 'out');
    return {
      ...(file ? { fileName: file.uri.path.split('/').pop() ?? file.uri.path } : {}),
      canReplay,
      readOnly: !vscode.workspace.isTrusted,
      ...(this.fileLinks.get(id)?.unsaved ? { unsaved: true } : {}),
    };
  }

  private callbacks(id: string): InspectorPanelCallbacks {
    return {
      connect: () => this.reconnect(id),
      sessionCommand: async (command, range) => {
        const name = { save: 'socketInspector.saveSession', replay: 'socketInspector.replaySession', recordTest: 'socketInspector.recordAsTest' }[command];
        await vscode.commands.executeCommand(name, { id, ...(range ? { from: range.from, to: range.to } : {}) });
      },
      saveServer: async () => {
        await vscode.commands.executeCommand('socketInspector.saveServer', { id });
      },
      disconnect: () => this.registry.get(id)?.close(),
      onDidDispose: () => {
        this.protoWatches.get(id)?.dispose();
        this.protoWatches.delete(id);
        this.fileLinks.get(id)?.dispose();
        this.fileLinks.delete(id);
        this.adopted.delete(id);
        this.viewStates.get(id)?.dispose();
        this.viewStates.delete(id);
        this.entries.delete(id);
        this.registry.remove(id);
        this.changeEmitter.fire();
        this.updateServerTabContext();
      },
    };
  }

  private track(id: string, panel: InspectorPanel, source: InspectorSource): InspectorEntry {
    const entry = { id, panel, source };
    this.entries.set(id, entry);
    this.protoWatches.set(id, watchProtoFiles(panel.controller));
    this.viewStates.set(id, panel.panel.onDidChangeViewState(() => this.updateServerTabContext()));
    this.changeEmitter.fire();
    this.updateServerTabContext();
    return entry;
  }

  /** Whether the active inspector tab shows a listener or proxy, as SERVER_TAB_CONTEXT was last set. */
  get isServerTabActive(): boolean {
    return this.serverTabActive;
  }

  /** Sets SERVER_TAB_CONTEXT to whether the active inspector tab shows a server (its keybindings read it). */
  private updateServerTabContext(): void {
    const id = this.activeConnectionId();
    const connection = id ? this.registry.get(id) : undefined;
    const server = connection !== undefined && serverOf(connection) !== undefined;
    if (server === this.serverTabActive) return;
    this.serverTabActive = server;
    void vscode.commands.executeCommand('setContext', SERVER_TAB_CONTEXT, server);
  }

  dispose(): void {
    for (const entry of [...this.entries.values()]) entry.panel.dispose();
    this.entries.clear();
    for (const w of this.protoWatches.values()) w.dispose();
    this.protoWatches.clear();
    for (const l of this.fileLinks.values()) l.dispose();
    this.fileLinks.clear();
    for (const w of this.viewStates.values()) w.dispose();
    this.viewStates.clear();
    this.changeEmitter.dispose();
  }
}
