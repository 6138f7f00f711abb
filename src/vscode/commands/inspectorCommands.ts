// Open Panel, Reconnect, Clear Log and Focus Connection: commands about inspector tabs that exist.
import * as vscode from 'vscode';
import type { ConnectionRegistry } from '../../core/connection/connectionRegistry';
import type { PanelManager } from '../panels/panelManager';

type Picker = (arg: unknown, title: string, options?: { liveOnly?: boolean }) => Promise<string | undefined>;

export function registerInspectorCommands(
  context: vscode.ExtensionContext,
  registry: ConnectionRegistry,
  panels: PanelManager,
  pick: Picker,
): void {
  /** Quick pick of the shown connections, plus follow-up actions; reveals or runs the choice. */
  async function chooseAndReveal(title: string, withActions: boolean): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { id?: string; command?: string };
    const items: Item[] = panels.list().map(({ id }) => {
      const c = registry.get(id);
      return { label: `$(plug) ${c?.target ?? id}`, description: `${id} · ${c?.state ?? 'gone'}`, id };
    });
    if (withActions) {
      if (items.length > 0) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
      items.push(
        { label: `$(add) ${vscode.l10n.t('Connect WebSocket…')}`, command: 'socketInspector.connectWebSocket' },
        { label: `$(add) ${vscode.l10n.t('Connect TCP…')}`, command: 'socketInspector.connectTcp' },
        { label: `$(radio-tower) ${vscode.l10n.t('Listen WebSocket…')}`, command: 'socketInspector.listenWebSocket' },
        { label: `$(radio-tower) ${vscode.l10n.t('Listen TCP…')}`, command: 'socketInspector.listenTcp' },
        { label: `$(folder-opened) ${vscode.l10n.t('Open Session…')}`, command: 'socketInspector.openSession' },
      );
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Socket Inspector: no connection is shown.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, { title });
    if (picked?.id) {
      panels.reveal(picked.id);
      return picked.id;
    }
    if (picked?.command) await vscode.commands.executeCommand(picked.command);
    return undefined;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('socketInspector.openPanel', async () => {
      const active = panels.activeConnectionId();
      const all = panels.list();
      if (active) return panels.reveal(active) ? active : undefined;
      if (all.length === 1) return panels.reveal(all[0]!.id) ? all[0]!.id : undefined;
      return chooseAndReveal(vscode.l10n.t('Socket Inspector'), true);
    }),

    vscode.commands.registerCommand('socketInspector.focusConnection', async (arg?: unknown) => {
      if (typeof arg === 'string') return panels.reveal(arg) ? arg : undefined;
      const all = panels.list();
      if (all.length === 1) return panels.reveal(all[0]!.id) ? all[0]!.id : undefined;
      return chooseAndReveal(vscode.l10n.t('Show which connection?'), false);
    }),

    vscode.commands.registerCommand('socketInspector.reconnect', async (arg?: unknown) => {
      const id = await pick(arg, vscode.l10n.t('Reconnect which connection?'), { liveOnly: false });
      if (!id) return false;
      const current = registry.get(id);
      if (current && (current.state === 'open' || current.state === 'connecting')) {
        // Reconnect means "start over": close first, then connect with the same settings.
        current.close();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 5000);
          const s = current.onDidChangeState((state) => {
            if (state === 'closed' || state === 'error') done();
          });
          function done(): void {
            clearTimeout(timer);
            s.dispose();
            resolve();
          }
        });
        const after: string = current.state;
        if (after === 'open' || after === 'closing') current.dispose();
      }
      return (await panels.reconnect(id)) !== undefined;
    }),

    vscode.commands.registerCommand('socketInspector.clearLog', async (arg?: unknown) => {
      const id = await pick(arg, vscode.l10n.t('Clear the log of which connection?'), { liveOnly: false });
      const connection = id ? registry.get(id) : undefined;
      if (!connection) return false;
      connection.log.clear();
      return true;
    }),
  );
}
