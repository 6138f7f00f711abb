// Session files in a real extension host: they open in the inspector's custom editor, a corrupt or
// future-version file shows an error and stays byte-for-byte untouched, and a live connection saved as a
// session reads back (with its log) and reconnects and replays from the file. Real loopback echo server.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { WebSocketServer } from 'ws';
import type { ConnectResult } from '../../../src/vscode/commands/connectCommands';
import { parseSession } from '../../../src/core/session';
import { Direction } from '../../../shared/logModel';
import { api, until, workspaceFile } from '../extensionHost';

/** The active tab's custom editor view type, if the active tab is a custom editor. */
function activeCustomViewType(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input.viewType : undefined;
}

async function openFile(path: string): Promise<void> {
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path));
  await until(`${path} to open`, () => {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
    return input?.uri?.fsPath === path;
  });
}

function validSession(url: string): string {
  return JSON.stringify(
    {
      version: 1,
      connection: { type: 'websocket', url },
      messages: [{ name: 'greet', format: 'text', body: 'hi' }],
      log: {
        savedAt: '2024-05-01T12:00:01.000Z',
        entries: [
          { seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'out', kind: 'text', text: 'first' },
          { seq: 1, time: '2024-05-01T12:00:00.010Z', mono: 10, direction: 'in', kind: 'text', text: 'first' },
          { seq: 2, time: '2024-05-01T12:00:00.020Z', mono: 20, direction: 'out', kind: 'binary', base64: 'AAEC/w==' },
        ],
      },
    },
    null,
    2,
  );
}

suite('Session files in the extension host', () => {
  let wss: WebSocketServer;
  let url = '';
  const received: string[] = [];
  const seenHeaders: Record<string, string | string[] | undefined>[] = [];

  suiteSetup(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket, req) => {
      seenHeaders.push(req.headers);
      socket.on('message', (data, isBinary) => {
        received.push(isBinary ? `bin:${Buffer.from(data as Buffer).toString('hex')}` : String(data));
        socket.send(data, { binary: isBinary });
      });
    });
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

  test('a session file opens in the inspector custom editor with its recorded log', async () => {
    const { activeConnectionId, getConnection, sessionFileOf } = await api();
    const path = workspaceFile('recorded.socket-session.json');
    writeFileSync(path, validSession(url));
    await openFile(path);
    assert.equal(activeCustomViewType(), 'socketInspector.session');
    await until('the session to be registered', () => activeConnectionId() !== undefined);
    const id = activeConnectionId()!;
    assert.equal(sessionFileOf(id), path);
    const connection = getConnection(id)!;
    assert.equal(connection.state, 'closed');
    assert.equal(connection.log.size, 3);
    assert.equal(new TextDecoder().decode(connection.log.payload(connection.log.firstSeq)), 'first');
    assert.deepEqual([...connection.log.payload(connection.log.firstSeq + 2)!], [0, 1, 2, 255]);
  });

  for (const [label, text] of [
    ['corrupt JSON', '{ "version": 1, "connection": { "type": "websocket", '],
    ['a future version', JSON.stringify({ version: 99, connection: { type: 'websocket', url: 'ws://127.0.0.1:1/' } })],
  ] as const) {
    test(`a file with ${label} opens with an error, registers nothing, and is never written`, async () => {
      const { listConnections, getConnection } = await api();
      const path = workspaceFile(`bad-${label.replace(/\W+/g, '-')}.socket-session.json`);
      writeFileSync(path, text);
      const before = listConnections().length;
      await openFile(path);
      assert.equal(activeCustomViewType(), 'socketInspector.session');
      // Give the editor time to resolve; it must not register a connection for an unreadable file.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(listConnections().length, before);

      // Saving another session over it is refused, and the bytes stay as they were.
      const live = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', url);
      assert.equal(live.state, 'open');
      const saved = await vscode.commands.executeCommand('socketInspector.saveSessionAs', { id: live.id, uri: path });
      assert.equal(saved, undefined);
      assert.equal(readFileSync(path, 'utf8'), text);
      getConnection(live.id)?.close();
    });
  }

  test('Save Session As writes the settings and the log atomically; reopening shows it; reconnect and replay use it', async () => {
    const { getConnection, activeConnectionId } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', {
      url,
      headers: { Authorization: 'Bearer s3cret-token', 'X-Plain': 'visible' },
    });
    assert.equal(result.state, 'open', JSON.stringify(result));
    const connection = getConnection(result.id)!;
    connection.sendText('saved hello');
    await until('the echo', () => connection.log.totals(Direction.In).entries >= 1);

    const path = workspaceFile('saved.socket-session.json');
    const written = await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSessionAs', {
      id: result.id,
      uri: path,
      secretHeaders: ['authorization'],
    });
    assert.equal(written?.fsPath, path);
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes('s3cret-token'), 'the secret header value must not be in the file (nor in the logged handshake)');
    const session = parseSession(text);
    assert.equal(session.connection.type, 'websocket');
    assert.equal(session.connection.type === 'websocket' && session.connection.url, url);
    const headers = session.connection.type === 'websocket' ? session.connection.headers ?? [] : [];
    assert.ok(headers.some((h) => h.name === 'Authorization' && 'secret' in h), JSON.stringify(headers));
    assert.ok(headers.some((h) => h.name === 'X-Plain' && 'value' in h && h.value === 'visible'));
    const entries = session.log?.entries ?? [];
    assert.ok(entries.some((e) => e.direction === 'out' && e.kind === 'text' && e.text === 'saved hello'));
    assert.ok(entries.some((e) => e.direction === 'in' && e.kind === 'text' && e.text === 'saved hello'));
    connection.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // Reopen: the custom editor shows the recording.
    await openFile(path);
    assert.equal(activeCustomViewType(), 'socketInspector.session');
    await until('the session to be registered', () => activeConnectionId() !== undefined);
    const id = activeConnectionId()!;
    const recorded = getConnection(id)!;
    assert.equal(recorded.state, 'closed');
    assert.equal(recorded.log.size, entries.length);

    // Reconnect from the file: the secret header comes back from SecretStorage.
    const headersBefore = seenHeaders.length;
    assert.equal(await vscode.commands.executeCommand('socketInspector.reconnect', id), true);
    await until('the reconnect', () => getConnection(id)?.state === 'open');
    assert.equal(seenHeaders.length, headersBefore + 1);
    assert.equal(seenHeaders.at(-1)?.['authorization'], 'Bearer s3cret-token');

    // Replay the recorded sent messages in order.
    const receivedBefore = received.length;
    const sent = await vscode.commands.executeCommand<number>('socketInspector.replaySession', { id, originalTiming: false });
    assert.equal(sent, 1);
    await until('the replayed message', () => received.length > receivedBefore);
    assert.deepEqual(received.slice(receivedBefore), ['saved hello']);

    // Save (to the same file) after a change on disk is refused; the edit survives.
    const edited = text.replace('"version": 1', '"version": 1, "name": "edited by hand"');
    writeFileSync(path, edited);
    assert.equal(await vscode.commands.executeCommand('socketInspector.saveSession', id), undefined);
    assert.equal(readFileSync(path, 'utf8'), edited);
    getConnection(id)?.close();
  });

  test('Save Session As links the live tab to the file: its title, a mark while unsaved, and Save writes there', async () => {
    const { getConnection } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', url);
    assert.equal(result.state, 'open', JSON.stringify(result));
    const connection = getConnection(result.id)!;
    const tabLabels = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview).map((t) => t.label);
    const path = workspaceFile('linked.socket-session.json');
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSessionAs', { id: result.id, uri: path }))?.fsPath, path);
    await until('the tab to be titled after the file', () => tabLabels().includes('linked.socket-session.json'));

    connection.sendText('after Save As');
    await until('the echo', () => connection.log.totals(Direction.In).entries >= 1);
    await until('the tab to show unsaved changes', () => tabLabels().includes('● linked.socket-session.json'));

    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSession', result.id))?.fsPath, path);
    assert.ok(parseSession(readFileSync(path, 'utf8')).log?.entries.some((e) => e.direction === 'in' && e.text === 'after Save As'), 'Save wrote the new entries to the linked file');
    await until('the mark to go after Save', () => tabLabels().includes('linked.socket-session.json'));
    connection.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a header marked secret at Save As stays out of the file: Save As → Save → Save As → reopen → Save', async () => {
    const { getConnection, activeConnectionId } = await api();
    const secret = 'hdr-s3cret-save-4e1';
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', {
      url,
      headers: { Authorization: `Bearer ${secret}` },
    });
    assert.equal(result.state, 'open', JSON.stringify(result));
    const connection = getConnection(result.id)!;
    connection.sendText('before saving');
    await until('the echo', () => connection.log.totals(Direction.In).entries >= 1);
    const first = workspaceFile('resave-secret.socket-session.json');
    const second = workspaceFile('resave-secret-copy.socket-session.json');
    const clean = (step: string, path: string): void => {
      const text = readFileSync(path, 'utf8');
      assert.ok(!text.includes(secret), `${step} wrote the secret header value`);
      assert.match(text, /Authorization: <redacted>/, `${step} still logs the handshake`);
    };

    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSessionAs', { id: result.id, uri: first, secretHeaders: ['authorization'] }))?.fsPath, first);
    clean('Save As', first);
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSession', result.id))?.fsPath, first);
    clean('Save', first);
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSessionAs', { id: result.id, uri: second }))?.fsPath, second);
    clean('the second Save As', second);
    connection.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    await openFile(second);
    await until('the session to be registered', () => activeConnectionId() !== undefined);
    const id = activeConnectionId()!;
    assert.equal(await vscode.commands.executeCommand('socketInspector.reconnect', id), true);
    await until('the reconnect', () => getConnection(id)?.state === 'open');
    assert.equal(seenHeaders.at(-1)?.['authorization'], `Bearer ${secret}`);
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSession', id))?.fsPath, second);
    clean('Save after reopening and reconnecting', second);
    getConnection(id)?.close();
  });

  test('Save Session on a session opened from a file writes back to it, keeping settings and messages', async () => {
    const { activeConnectionId } = await api();
    const path = workspaceFile('resave.socket-session.json');
    writeFileSync(path, validSession(url));
    await openFile(path);
    await until('the session to be registered', () => activeConnectionId() !== undefined);
    const id = activeConnectionId()!;
    const uri = await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSession', id);
    assert.equal(uri?.fsPath, path);
    const session = parseSession(readFileSync(path, 'utf8'));
    assert.equal(session.connection.type === 'websocket' && session.connection.url, url);
    assert.deepEqual(session.messages, [{ name: 'greet', format: 'text', body: 'hi' }]);
    assert.deepEqual(
      session.log?.entries.map((e) => [e.direction, e.kind, e.text ?? e.base64]),
      [
        ['out', 'text', 'first'],
        ['in', 'text', 'first'],
        ['out', 'binary', 'AAEC/w=='],
      ],
    );
  });

  test('Open Panel and Show Connection reveal an inspector tab', async () => {
    const { activeConnectionId } = await api();
    const path = workspaceFile('focus.socket-session.json');
    writeFileSync(path, validSession(url));
    await openFile(path);
    await until('the session to be registered', () => activeConnectionId() !== undefined);
    const id = activeConnectionId()!;
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await until('the inspector to lose focus', () => activeConnectionId() === undefined);
    assert.equal(await vscode.commands.executeCommand('socketInspector.openPanel'), id);
    await until('the inspector to be active again', () => activeConnectionId() === id);
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await until('the inspector to lose focus', () => activeConnectionId() === undefined);
    assert.equal(await vscode.commands.executeCommand('socketInspector.focusConnection', id), id);
    await until('the inspector to be active again', () => activeConnectionId() === id);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Clear Log empties the active inspector log', async () => {
    const { activeConnectionId, getConnection } = await api();
    const path = workspaceFile('clear.socket-session.json');
    writeFileSync(path, validSession(url));
    await openFile(path);
    await until('the session to be registered', () => activeConnectionId() !== undefined);
    const id = activeConnectionId()!;
    assert.equal(await vscode.commands.executeCommand('socketInspector.clearLog'), true);
    assert.equal(getConnection(id)!.log.size, 0);
  });
});
