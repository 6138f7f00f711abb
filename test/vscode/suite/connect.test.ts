// The connect commands as a keybinding or task calls them, inside a real extension host, against real
// peers the suite starts on loopback: the engine must behave there exactly as in plain Node (VS Code
// patches http/https in the extension host, which once hid the handshake from us).
import * as assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import * as vscode from 'vscode';
import { WebSocketServer } from 'ws';
import type { ConnectResult } from '../../../src/vscode/commands/connectCommands';
import { Direction, Kind } from '../../../shared/logModel';
import { api, until } from '../extensionHost';

function decode(bytes: Uint8Array | undefined): string {
  return new TextDecoder().decode(bytes);
}

suite('Connect commands in the extension host', () => {
  let wss: WebSocketServer;
  let wsPort = 0;
  let tcp: Server;
  let tcpPort = 0;
  const sockets = new Set<Socket>();
  const seenHeaders: Record<string, string | string[] | undefined>[] = [];

  suiteSetup(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket, req) => {
      seenHeaders.push(req.headers);
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wsPort = (wss.address() as AddressInfo).port;
    tcp = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', () => resolve()));
    tcpPort = (tcp.address() as AddressInfo).port;
  });

  suiteTeardown(async () => {
    for (const c of wss.clients) c.terminate();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
  });

  test('connects a WebSocket from an options object, captures the handshake as sent, and echoes', async () => {
    const { getConnection } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', {
      url: `ws://127.0.0.1:${wsPort}/chat?room=1`,
      headers: { 'X-Test-Header': 'from-vscode' },
      protocols: ['chat.v1'],
    });
    assert.equal(result.state, 'open', JSON.stringify(result));
    assert.equal(seenHeaders.at(-1)?.['x-test-header'], 'from-vscode');
    const connection = getConnection(result.id);
    assert.ok(connection);
    const handshake = connection.handshake;
    assert.equal(handshake?.requestLine, 'GET /chat?room=1 HTTP/1.1');
    assert.ok(handshake?.requestHeaders.some(([k, v]) => k === 'X-Test-Header' && v === 'from-vscode'));
    assert.equal(handshake?.status, 101);

    const log = connection.log;
    const metas: string[] = [];
    for (let s = log.firstSeq; s < log.nextSeq; s++) if (log.direction(s) === Direction.Meta) metas.push(decode(log.payload(s)));
    assert.ok(metas.some((m) => m.startsWith('GET /chat?room=1 HTTP/1.1\r\n')), `request head not logged: ${metas.join(' | ')}`);
    assert.ok(metas.some((m) => /^Connected 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+/.test(m)), `open entry lacks addresses: ${metas.join(' | ')}`);

    connection.sendText('héllo');
    await until('the echo', () => log.totals(Direction.In).entries >= 1);
    const last = log.nextSeq - 1;
    assert.equal(log.kind(last), Kind.Text);
    assert.equal(decode(log.payload(last)), 'héllo');

    assert.equal(await vscode.commands.executeCommand('socketInspector.disconnect', { id: result.id }), true);
    await until('the close', () => connection.state === 'closed');
  });

  test('connects TCP from a target string and disconnects by id', async () => {
    const { getConnection } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectTcp', `tcp://127.0.0.1:${tcpPort}`);
    assert.equal(result.state, 'open', JSON.stringify(result));
    const connection = getConnection(result.id)!;
    connection.sendBytes(new Uint8Array([0, 1, 2, 255]));
    await until('the echo', () => connection.log.totals(Direction.In).bytes >= 4);
    assert.equal(await vscode.commands.executeCommand('socketInspector.disconnect', result.id), true);
    await until('the close', () => connection.state === 'closed');
  });

  test('reports a refused port as a result with a clear error, without throwing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectTcp', { host: '127.0.0.1', port });
    assert.equal(result.state, 'error');
    assert.equal(result.error?.code, 'REFUSED');
    assert.match(result.error?.message ?? '', /refused/i);
  });

  test('refuses a bad options object without opening anything', async () => {
    const { listConnections } = await api();
    const before = listConnections().length;
    const result = await vscode.commands.executeCommand('socketInspector.connectWebSocket', { url: 'http://127.0.0.1:1/' });
    assert.equal(result, undefined);
    assert.equal(listConnections().length, before);
  });
});
