// Export and import commands in a real extension host: a live connection exported as pcapng, HAR and
// NDJSON to given files, HAR refused for TCP, one message saved, and a HAR imported as a session file
// that opens in the inspector. Real loopback servers; dialogs skipped through the commands' arguments.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { WebSocketServer } from 'ws';
import type { ConnectResult } from '../../../src/vscode/commands/connectCommands';
import { parseSession } from '../../../src/core/session';
import { Direction } from '../../../shared/logModel';
import { EXTENSION_ID, api, until, workspaceFile } from '../extensionHost';

const COMMANDS = [
  'socketInspector.exportPcapng',
  'socketInspector.exportHar',
  'socketInspector.exportNdjson',
  'socketInspector.importHar',
  'socketInspector.saveMessage',
];

suite('Export and import commands', () => {
  let wss: WebSocketServer;
  let tcp: net.Server;
  let url = '';
  let tcpPort = 0;

  suiteSetup(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/exports`;
    tcp = net.createServer((s) => s.on('data', (d) => s.write(d)));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', () => resolve()));
    tcpPort = (tcp.address() as AddressInfo).port;
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
  });

  test('registers and contributes its commands', async () => {
    await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(COMMANDS.filter((c) => !registered.has(c)), []);
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string; category?: string }[] } };
    for (const command of COMMANDS) {
      assert.equal(manifest.contributes.commands.find((c) => c.command === command)?.category, 'Socket Inspector', command);
    }
  });

  test('exports a live WebSocket as pcapng, HAR and NDJSON, and saves one message', async () => {
    const { getConnection } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', url);
    assert.equal(result.state, 'open', JSON.stringify(result));
    const connection = getConnection(result.id)!;
    connection.sendText('export me');
    await until('the echo', () => connection.log.totals(Direction.In).entries >= 1);

    const pcapng = workspaceFile('export-test.pcapng');
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.exportPcapng', { id: result.id, uri: pcapng }))?.fsPath, pcapng);
    const capture = readFileSync(pcapng);
    assert.equal(capture.readUInt32LE(0), 0x0a0d0d0a, 'a pcapng Section Header Block');
    assert.ok(capture.includes(Buffer.from('GET /exports HTTP/1.1\r\n')), 'the upgrade request is in the capture');

    const har = workspaceFile('export-test.har');
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.exportHar', { id: result.id, uri: har }))?.fsPath, har);
    const doc = JSON.parse(readFileSync(har, 'utf8')) as { log: { version: string; entries: { _webSocketMessages: { type: string; data: string }[] }[] } };
    assert.equal(doc.log.version, '1.2');
    assert.deepEqual(
      doc.log.entries[0]!._webSocketMessages.map((m) => `${m.type} ${m.data}`),
      ['send export me', 'receive export me'],
    );

    const ndjson = workspaceFile('export-test.ndjson');
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.exportNdjson', { id: result.id, uri: ndjson }))?.fsPath, ndjson);
    const lines = readFileSync(ndjson, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; direction: string; text?: string });
    assert.equal(lines.length, connection.log.size);
    const sent = lines.find((l) => l.direction === 'out' && l.text === 'export me');
    assert.ok(sent, 'the sent message is a line');

    const message = workspaceFile('export-test-message.txt');
    const saved = await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveMessage', { id: result.id, seq: sent.seq, uri: message });
    assert.equal(saved?.fsPath, message);
    assert.equal(readFileSync(message, 'utf8'), 'export me');
    connection.close();
  });

  test('exports redact credentials unless includeCredentials is given', async () => {
    const { getConnection } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', {
      url: `${url}?access_token=url-t0k3n`,
      headers: { Authorization: 'Bearer hdr-s3cret', Cookie: 'sid=c00kie-v4l' },
    });
    assert.equal(result.state, 'open', JSON.stringify(result));
    const connection = getConnection(result.id)!;
    connection.sendText('export me');
    await until('the echo', () => connection.log.totals(Direction.In).entries >= 1);
    const secrets = ['hdr-s3cret', 'c00kie-v4l', 'url-t0k3n'];
    for (const [command, name] of [
      ['socketInspector.exportPcapng', 'credentials.pcapng'],
      ['socketInspector.exportHar', 'credentials.har'],
      ['socketInspector.exportNdjson', 'credentials.ndjson'],
    ] as const) {
      const path = workspaceFile(name);
      assert.equal((await vscode.commands.executeCommand<vscode.Uri>(command, { id: result.id, uri: path }))?.fsPath, path);
      const text = readFileSync(path).toString('latin1');
      for (const secret of secrets) assert.ok(!text.includes(secret), `${command} wrote ${secret}`);
      assert.ok(text.includes('<redacted>'), `${command} says what it redacted`);
      assert.equal((await vscode.commands.executeCommand<vscode.Uri>(command, { id: result.id, uri: path, includeCredentials: true }))?.fsPath, path);
      const included = readFileSync(path).toString('latin1');
      for (const secret of secrets) assert.ok(included.includes(secret), `${command} with includeCredentials left out ${secret}`);
    }
    connection.close();
  });

  test('refuses HAR for a TCP connection and writes nothing', async () => {
    const { getConnection } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectTcp', { host: '127.0.0.1', port: tcpPort });
    assert.equal(result.state, 'open', JSON.stringify(result));
    const path = workspaceFile('refused.har');
    assert.equal(await vscode.commands.executeCommand('socketInspector.exportHar', { id: result.id, uri: path }), undefined);
    assert.equal(existsSync(path), false);
    const pcapng = workspaceFile('tcp.pcapng');
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.exportPcapng', { id: result.id, uri: pcapng }))?.fsPath, pcapng);
    getConnection(result.id)?.close();
  });

  test('imports a HAR’s WebSocket as a new session file next to it and opens it', async () => {
    const { activeConnectionId, getConnection } = await api();
    const harPath = workspaceFile('imported.har');
    writeFileSync(
      harPath,
      JSON.stringify({
        log: {
          version: '1.2',
          creator: { name: 'WebInspector', version: '537.36' },
          pages: [],
          entries: [
            {
              _resourceType: 'websocket',
              startedDateTime: '2024-05-01T12:00:00.000Z',
              time: 5,
              request: { method: 'GET', url, httpVersion: 'HTTP/1.1', headers: [{ name: 'Origin', value: 'http://localhost' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
              response: { status: 101, statusText: 'Switching Protocols', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: 0 },
              cache: {},
              timings: { send: 0, wait: 5, receive: 0 },
              _webSocketMessages: [
                { type: 'send', time: 1714564800.1, opcode: 1, data: 'from the har' },
                { type: 'receive', time: 1714564800.2, opcode: 2, data: 'AAEC' },
              ],
            },
          ],
        },
      }),
    );
    const sessionUri = await vscode.commands.executeCommand<vscode.Uri>('socketInspector.importHar', { uri: harPath });
    assert.equal(sessionUri?.fsPath, workspaceFile('imported.socket-session.json'));
    const session = parseSession(readFileSync(sessionUri.fsPath, 'utf8'));
    assert.equal(session.connection.type === 'websocket' && session.connection.url, url);
    assert.ok(session.log?.entries.some((e) => e.direction === 'out' && e.text === 'from the har'));
    await until('the imported session to open', () => activeConnectionId() !== undefined);
    assert.equal(getConnection(activeConnectionId()!)?.log.size, session.log?.entries.length);

    // A second import never replaces the first file.
    const again = await vscode.commands.executeCommand<vscode.Uri>('socketInspector.importHar', { uri: harPath });
    assert.equal(again?.fsPath, workspaceFile('imported-2.socket-session.json'));
  });
});
