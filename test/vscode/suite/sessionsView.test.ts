// The Socket Sessions view in a real extension host: its commands open, connect, rename and delete session
// files on disk, and the view is registered in the Socket Inspector container. Real loopback echo server.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { WebSocketServer } from 'ws';
import { EXTENSION_ID, api, until, workspaceFile } from '../extensionHost';

function session(url: string): string {
  return JSON.stringify({ version: 1, connection: { type: 'websocket', url }, messages: [] }, null, 2);
}

suite('Socket Sessions view in the extension host', () => {
  let wss: WebSocketServer;
  let url = '';

  suiteSetup(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  test('the view is contributed to the Socket Inspector container and can be focused', async () => {
    await api();
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const views = (extension.packageJSON as { contributes: { views: Record<string, Array<{ id: string }>> } }).contributes.views;
    assert.ok(views.socketInspector?.some((v) => v.id === 'socketInspector.sessions'));
    // VS Code generates "<view id>.focus" for every registered view; it throws for an unknown one.
    await vscode.commands.executeCommand('socketInspector.sessions.focus');
  });

  test('Connect opens the file in its inspector and connects with its settings', async () => {
    const { getConnection, sessionFileOf } = await api();
    const path = workspaceFile('view-connect.socket-session.json');
    writeFileSync(path, session(url));
    const id = await vscode.commands.executeCommand<string | undefined>('socketInspector.sessions.connect', vscode.Uri.file(path));
    assert.ok(id, 'connect returned no connection id');
    assert.equal(sessionFileOf(id), path);
    const connection = getConnection(id)!;
    await until('the connection to open', () => connection.state === 'open' || getConnection(id)?.state === 'open');
    assert.equal(getConnection(id)!.target, url);
  });

  test('Rename keeps the suffix and the bytes, refuses to replace another session, and reopens the inspector under the new name', async () => {
    const { activeConnectionId, sessionFileOf } = await api();
    const from = workspaceFile('view-rename.socket-session.json');
    const taken = workspaceFile('view-taken.socket-session.json');
    writeFileSync(from, session(url));
    writeFileSync(taken, session('ws://127.0.0.1:1/'));
    await vscode.commands.executeCommand('socketInspector.sessions.open', vscode.Uri.file(from));
    await until('the session to open', () => activeConnectionId() !== undefined);

    const refused = await vscode.commands.executeCommand('socketInspector.sessions.rename', vscode.Uri.file(from), 'view-taken');
    assert.equal(refused, undefined);
    assert.ok(existsSync(from));
    assert.equal(readFileSync(taken, 'utf8'), session('ws://127.0.0.1:1/'));

    const renamed = await vscode.commands.executeCommand<vscode.Uri>('socketInspector.sessions.rename', vscode.Uri.file(from), 'view-renamed');
    const to = workspaceFile('view-renamed.socket-session.json');
    assert.equal(renamed?.fsPath, to);
    assert.ok(!existsSync(from));
    assert.equal(readFileSync(to, 'utf8'), session(url));
    const shown = activeConnectionId();
    assert.ok(shown, 'no inspector is active after the rename');
    assert.equal(sessionFileOf(shown), to);
  });

  test('Delete removes the file once confirmed', async () => {
    const path = workspaceFile('view-delete.socket-session.json');
    writeFileSync(path, session(url));
    const deleted = await vscode.commands.executeCommand('socketInspector.sessions.delete', vscode.Uri.file(path), { confirmed: true });
    assert.equal(deleted, true);
    assert.ok(!existsSync(path));
  });
});
