// The status bar item: how many connections are open; a click picks one and reveals its tab.
import * as vscode from 'vscode';
import type { ConnectionRegistry } from '../core/connection/connectionRegistry';
import { statusBarContent } from './statusBarContent';

/** Creates the item and keeps it in step with the registry. */
export function createStatusBar(registry: ConnectionRegistry): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('socketInspector.connections', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('Socket Inspector connections');
  item.command = 'socketInspector.focusConnection';
  const update = (): void => {
    const content = statusBarContent(registry.list().map(({ connection }) => ({ target: connection.target, state: connection.state })));
    if (!content) {
      item.hide();
      return;
    }
    item.text = `$(plug) ${content.open}`;
    const count =
      content.open === 1 ? vscode.l10n.t('Socket Inspector: 1 open connection') : vscode.l10n.t('Socket Inspector: {0} open connections', content.open);
    item.tooltip = `${count}\n${content.lines.join('\n')}\n${vscode.l10n.t('Click to show one.')}`;
    item.show();
  };
  const subscription = registry.onDidChange(update);
  update();
  return new vscode.Disposable(() => {
    subscription.dispose();
    item.dispose();
  });
}
