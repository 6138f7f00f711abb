// Serve as Mock…, Start Server from File and Save Server As… in a real extension host: a recorded session
// served to a `ws` client, a listener file whose auto-reply (run by the tab's own responder) answers a raw
// socket, and that listener saved back as a file that holds its address and rule; a file's framing applied to
// its tab and saved back, the server-tab context key Ctrl+S reads, and server files in the Sessions view.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import WebSocket from 'ws';
import { serverOf, type ServerConnection } from '../../../src/core/connection/serverConnection';
import { parseServerFile } from '../../../src/core/serverFile/serverFileParse';
import { EXTENSION_ID, api, until, workspaceFile } from '../extensionHost';

const entry = (seq: number, direction: string, kind: string, text: string) => ({ seq, time: '2026-12-01T09:30:00.000Z', mono: seq, direction, kind, text });

suite('Server files and mocks in the extension host', () => {
  const opened: string[] = [];
  let dir: string;

  suiteSetup(() => {
    dir = mkdtempSync(join(tmpdir(), 'si-vscode-server-'));
  });
  suiteTeardown(() => rmSync(dir, { recursive: true, force: true }));
  teardown(async () => {
    for (const id of opened.splice(0)) await vscode.commands.executeCommand('socketInspector.disconnect', id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Serve as Mock answers a client with the recorded replies, matched by a JSON field', async () => {
    const { getConnection } = await api();
    const recording = join(dir, 'chat.socket-session.json');
    writeFileSync(
      recording,
      JSON.stringify({
        version: 1,
        connection: { type: 'websocket', url: 'ws://example.com/' },
        log: {
          savedAt: '2026-12-01T09:30:00.000Z',
          entries: [entry(0, 'out', 'text', '{"id":1,"q":"a"}'), entry(1, 'in', 'text', '{"id":1,"r":"first"}'), entry(2, 'out', 'text', '{"id":2,"q":"b"}'), entry(3, 'in', 'text', '{"id":2,"r":"second"}')],
        },
      }),
    );
    const id = await vscode.commands.executeCommand<string>('socketInspector.serveAsMock', { uri: vscode.Uri.file(recording), strategy: { jsonField: 'id' } });
    assert.ok(id, 'no mock was started');
    opened.push(id);
    const server = serverOf(getConnection(id)!)!;
    const client = new WebSocket(`ws://127.0.0.1:${server.address!.port}/`);
    const replies: string[] = [];
    client.on('message', (d) => replies.push(String(d)));
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    client.send('{"id":2,"q":"something else"}');
    await until('the recorded reply', () => replies.length === 1);
    assert.equal(replies[0], '{"id":2,"r":"second"}');
    client.close();
  });

  test('Start Server from File starts a listener whose tab answers by the file\'s rule; Save and Save Server As write it back', async () => {
    const { getConnection } = await api();
    const file = join(dir, 'pong.socket-server.json');
    writeFileSync(file, JSON.stringify({ version: 1, mode: 'listen', type: 'tcp', listen: '127.0.0.1:0', autoReplies: [{ match: 'PING', reply: { format: 'text', body: '+PONG\\r\\n', escapes: true } }] }));
    const id = await vscode.commands.executeCommand<string>('socketInspector.startServerFile', vscode.Uri.file(file));
    assert.ok(id, 'no server was started');
    opened.push(id);
    const connection = getConnection(id) as ServerConnection;
    const port = serverOf(connection)!.address!.port;
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    await until('the auto-reply', () => text === '+PONG\r\n');
    socket.destroy();

    // Save writes back to the file the server started from, with the port it got.
    assert.equal(await vscode.commands.executeCommand<string>('socketInspector.saveServer', { id }), file);
    assert.equal(parseServerFile(readFileSync(file, 'utf8')).file.listen, `127.0.0.1:${port}`);
    const saved = join(dir, 'saved.socket-server.json');
    assert.equal(await vscode.commands.executeCommand<string>('socketInspector.saveServerAs', { id, uri: vscode.Uri.file(saved) }), saved);
    const back = parseServerFile(readFileSync(saved, 'utf8')).file;
    assert.equal(back.listen, `127.0.0.1:${port}`);
    assert.deepEqual(back.autoReplies, [{ match: 'PING', reply: { format: 'text', body: '+PONG\\r\\n', escapes: true } }]);
  });

  test("a file's framing is the tab's; Save writes the framing the tab has, and Ctrl+S's context says the tab is a server", async () => {
    const file = join(dir, 'lines.socket-server.json');
    const framing = { type: 'delimiter', delimiter: '0a' };
    writeFileSync(file, JSON.stringify({ version: 1, mode: 'listen', type: 'tcp', listen: '127.0.0.1:0', framing }));
    const id = await vscode.commands.executeCommand<string>('socketInspector.startServerFile', vscode.Uri.file(file));
    assert.ok(id, 'no server was started');
    opened.push(id);
    // Ctrl+S runs Save Server where the server-tab key is set, Save Session where it is not (package.json).
    const keys = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { keybindings: Array<{ command: string; key: string; when: string }> } }).contributes.keybindings;
    assert.match(keys.find((k) => k.command === 'socketInspector.saveServer' && k.key === 'ctrl+s')!.when, /&& socketInspector\.serverTabActive$/);
    assert.match(keys.find((k) => k.command === 'socketInspector.saveSession' && k.key === 'ctrl+s')!.when, /&& !socketInspector\.serverTabActive$/);
    const { serverTabActive } = await api();
    await until('the server tab to be the active one', () => serverTabActive());
    const saved = join(dir, 'lines-saved.socket-server.json');
    assert.equal(await vscode.commands.executeCommand<string>('socketInspector.saveServerAs', { id, uri: vscode.Uri.file(saved) }), saved);
    assert.deepEqual(parseServerFile(readFileSync(saved, 'utf8')).file.framing, framing);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no server tab active once it closed', () => !serverTabActive());
  });

  test('the Sessions view lists a server file beside session files, opened on click', async () => {
    const { sessionsViewItems } = await api();
    const path = workspaceFile('view-listed.socket-server.json');
    writeFileSync(path, JSON.stringify({ version: 1, mode: 'listen', type: 'tcp', listen: '127.0.0.1:0' }));
    try {
      let item: vscode.TreeItem | undefined;
      const deadline = Date.now() + 10_000;
      while (!item && Date.now() < deadline) {
        item = (await sessionsViewItems()).find((i) => i.label === 'view-listed');
        if (!item) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(item, 'the server file is not listed');
      assert.equal(item.contextValue, 'serverFile');
      assert.equal(item.resourceUri?.fsPath, path);
      assert.equal(item.command?.command, 'vscode.open');
    } finally {
      rmSync(path, { force: true });
    }
  });
});
