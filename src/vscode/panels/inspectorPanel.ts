// The VS Code side of an inspector panel: creates the webview panel, serves its HTML under a strict
// CSP, and wires its messages to a PanelController. Everything else lives in the controller.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { SeqRange, SessionCommand } from '../../../shared/protocol';
import type { Connection } from '../../core/connection/connectionTypes';
import { PanelController, type PanelControllerOptions } from '../../panel/panelController';
import { renderPanelHtml } from '../../panel/panelHtml';

/** The webview type of inspector panels (also used to restore them). */
export const INSPECTOR_VIEW_TYPE = 'socketInspector.inspector';

/** What the extension does on the panel's behalf. */
export interface InspectorPanelCallbacks {
  /** Connects again; may return a new Connection for the panel to show. */
  connect(): Connection | void | Promise<Connection | void>;
  /** Drops the connection. */
  disconnect(): void | Promise<void>;
  /** Runs Save Session, Replay Sent Messages or Record as Test for this panel. */
  sessionCommand?(command: SessionCommand, range?: SeqRange): void | Promise<void>;
  /** Save Server for a listener or proxy tab. */
  saveServer?(): void | Promise<void>;
  /** Called once when the user closed the panel (the owner decides what happens to the connection). */
  onDidDispose?(): void;
}

/** An open inspector panel. */
export interface InspectorPanel extends vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  readonly controller: PanelController;
  /** Shows another connection in this panel (after a reconnect). */
  attach(connection: Connection): void;
}

function toVscodeDisposable(d: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => d.dispose());
}

/** Asks where to save a payload (offering the workspace folder) and writes every byte; false when cancelled. */
async function savePayloadToFile(payload: Uint8Array, suggestedName: string): Promise<boolean> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save Payload'),
    saveLabel: vscode.l10n.t('Save Payload'),
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, suggestedName) } : {}),
  });
  if (!uri) return false;
  await vscode.workspace.fs.writeFile(uri, payload);
  return true;
}

/** The tab title for a connection. */
export function inspectorTitle(connection: Connection): string {
  return vscode.l10n.t('Socket Inspector — {0}', connection.target);
}

/** Options for a panel's webview: scripts from dist/ and media/ only. */
export function inspectorWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // The controller re-serves everything on `ready`, so a hidden panel need not keep its page alive.
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Opens a panel showing `connection`, one editor tab per connection. */
export function openInspectorPanel(
  extensionUri: vscode.Uri,
  connection: Connection,
  callbacks: InspectorPanelCallbacks,
  options: { viewColumn?: vscode.ViewColumn; controller?: PanelControllerOptions } = {},
): InspectorPanel {
  const panel = vscode.window.createWebviewPanel(
    INSPECTOR_VIEW_TYPE,
    inspectorTitle(connection),
    options.viewColumn ?? vscode.ViewColumn.Active,
    inspectorWebviewOptions(extensionUri),
  );
  return bindInspectorPanel(panel, extensionUri, connection, callbacks, { ...options, trackTitle: true });
}

/**
 * Shows `connection` in an existing webview panel (an inspector tab, or a session file's custom editor).
 * `trackTitle` renames the tab after the connection; a custom editor keeps the file name.
 */
export function bindInspectorPanel(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  connection: Connection,
  callbacks: InspectorPanelCallbacks,
  options: { controller?: PanelControllerOptions; trackTitle?: boolean } = {},
): InspectorPanel {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  panel.webview.options = inspectorWebviewOptions(extensionUri);
  const webview = panel.webview;
  webview.html = renderPanelHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'codicon.css')).toString(),
    l10nBundle: vscode.l10n.bundle,
    language: vscode.env.language,
  });

  const controller = new PanelController(
    connection,
    (message) => {
      // postMessage rejects only when the webview is gone; the controller stops posting then anyway.
      webview.postMessage(message).then(undefined, () => {});
    },
    {
      connect: () => callbacks.connect(),
      disconnect: () => callbacks.disconnect(),
      writeClipboard: async (text) => {
        await vscode.env.clipboard.writeText(text);
      },
      savePayload: (payload, suggestedName) => savePayloadToFile(payload, suggestedName),
      ...(callbacks.sessionCommand ? { sessionCommand: callbacks.sessionCommand } : {}),
      ...(callbacks.saveServer ? { saveServer: callbacks.saveServer } : {}),
    },
    options.controller,
  );

  const subscriptions: vscode.Disposable[] = [
    webview.onDidReceiveMessage((message: unknown) => controller.handleMessage(message)),
    panel.onDidChangeViewState((e) => controller.setVisible(e.webviewPanel.visible)),
  ];
  if (options.trackTitle) {
    subscriptions.push(toVscodeDisposable(controller.onDidChangeConnection((next) => (panel.title = inspectorTitle(next)))));
  }
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    for (const s of subscriptions) s.dispose();
    controller.dispose();
    callbacks.onDidDispose?.();
  };
  subscriptions.push(panel.onDidDispose(dispose));

  return {
    panel,
    controller,
    attach(next) {
      controller.attach(next);
    },
    dispose() {
      // Disposing the panel fires onDidDispose, which releases the rest.
      panel.dispose();
    },
  };
}
