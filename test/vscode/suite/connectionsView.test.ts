// The Socket Inspector activity-bar container in a real extension host: its Sessions and Connections
// views, and the Connections view's rows for a WebSocket connection, a listener and a proxy against a
// real loopback echo server. A row's click reveals the inspector tab; its context actions (the view
// passes the row's node) disconnect and reconnect.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { WebSocket, WebSocketServer } from 'ws';
import { EXTENSION_ID, api, until } from '../extensionHost';

interface Contributes {
  readonly viewsContainers: { activitybar?: Array<{ id: string; title: string; icon: string }> };
  readonly views: Record<string, Array<{ id: string }>>;
  readonly menus: { 'view/item/context': Array<{ command: string; when: string }> };
}

/** The Connections view's row for connection `id`. */
async function rowOf(id: string): Promise<vscode.TreeItem | undefined> {
  return (await api()).connectionsViewItems().find((item) => item.id === `connection:${id}`);
}

suite('Socket Inspector activity-bar container and its Connections view', () => {
  let wss: WebSocketServer;
  let url = '';
  const opened: string[] = [];

  suiteSetup(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  });

  teardown(async () => {
    for (const id of opened.splice(0)) await vscode.commands.executeCommand('socketInspector.disconnect', id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  test('the container holds the Sessions and Connections views, with an icon, and not the Explorer', async () => {
    await api();
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributes = (extension.packageJSON as { contributes: Contributes }).contributes;
    const container = contributes.viewsContainers.activitybar?.find((c) => c.id === 'socketInspector');
    assert.ok(container, 'an activity-bar container socketInspector');
    assert.ok(existsSync(join(extension.extensionPath, container.icon)), `its icon ${container.icon} is in the package`);
    assert.deepEqual(
      contributes.views.socketInspector?.map((v) => v.id),
      ['socketInspector.sessions', 'socketInspector.connections'],
    );
    assert.equal(contributes.views.explorer, undefined);
    // Connection actions are offered on the Connections view's rows.
    const onConnections = contributes.menus['view/item/context'].filter((m) => m.when.includes('view == socketInspector.connections')).map((m) => m.command);
    for (const command of ['socketInspector.disconnect', 'socketInspector.reconnect']) assert.ok(onConnections.includes(command), `${command} in the row menu`);
    // VS Code generates "<view id>.focus" for every registered view; it throws for an unknown one.
    await vscode.commands.executeCommand('socketInspector.sessions.focus');
    await vscode.commands.executeCommand('socketInspector.connections.focus');
  });

  test('a connection is listed with its state; a click reveals its tab; Disconnect and Reconnect act on the row', async () => {
    const { getConnection, activeConnectionId } = await api();
    const result = await vscode.commands.executeCommand<{ id: string; state: string }>('socketInspector.connectWebSocket', { url });
    assert.equal(result.state, 'open');
    opened.push(result.id);
    const row = await rowOf(result.id);
    assert.ok(row, 'the connection has a row');
    assert.equal(row.label, url);
    assert.equal(row.description, 'WebSocket · open');
    assert.equal(row.contextValue, 'connection.live');

    // Another editor in front, then the row's click brings the inspector back.
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await until('the inspector to lose focus', () => activeConnectionId() !== result.id);
    assert.ok(row.command);
    await vscode.commands.executeCommand(row.command.command, ...(row.command.arguments ?? []));
    await until('the inspector to be revealed', () => activeConnectionId() === result.id);

    // The menus pass the row's node, as VS Code does for view/item/context commands.
    const node = { type: 'connection', id: result.id };
    assert.equal(await vscode.commands.executeCommand('socketInspector.disconnect', node), true);
    await until('the connection to close', () => getConnection(result.id)?.state === 'closed');
    const ended = await rowOf(result.id);
    assert.equal(ended?.description, 'WebSocket · closed');
    assert.equal(ended?.contextValue, 'connection.ended');
    assert.equal(await vscode.commands.executeCommand('socketInspector.reconnect', node), true);
    await until('the connection to open again', () => getConnection(result.id)?.state === 'open');
    assert.equal((await rowOf(result.id))?.contextValue, 'connection.live');
  });

  test('listeners and proxies are listed with their role and open peers', async () => {
    const listen = await vscode.commands.executeCommand<{ id: string; address: { port: number } }>('socketInspector.listenWebSocket', '127.0.0.1:0');
    opened.push(listen.id);
    assert.equal((await rowOf(listen.id))?.description, 'WebSocket listener · 0 peers · open');
    const client = new WebSocket(`ws://127.0.0.1:${listen.address.port}/`);
    try {
      await new Promise<void>((resolve, reject) => client.once('open', () => resolve()).once('error', reject));
      const { connectionsViewItems } = await api();
      await until('the row to count the peer', () => connectionsViewItems().find((r) => r.id === `connection:${listen.id}`)?.description === 'WebSocket listener · 1 peer · open');
    } finally {
      client.terminate();
    }

    const proxy = await vscode.commands.executeCommand<{ id: string }>('socketInspector.proxyWebSocket', { listen: '127.0.0.1:0', upstream: url });
    opened.push(proxy.id);
    const row = await rowOf(proxy.id);
    assert.equal(row?.description, 'WebSocket proxy · 0 peers · open');
    assert.equal(row?.contextValue, 'connection.live');
  });
});
