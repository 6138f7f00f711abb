// Listen WebSocket… and Listen TCP… in a real extension host: the command binds, opens the server's tab,
// and real loopback clients become peers whose messages the server's log and the peers' logs hold.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import WebSocket, { WebSocketServer } from 'ws';
import { serverOf } from '../../../src/core/connection/serverConnection';
import type { ListenResult } from '../../../src/vscode/commands/serverCommands';
import { Direction } from '../../../shared/logModel';
import { api, until } from '../extensionHost';

suite('Listen commands in the extension host', () => {
  const opened: string[] = [];

  teardown(async () => {
    for (const id of opened.splice(0)) await vscode.commands.executeCommand('socketInspector.disconnect', id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Listen WebSocket binds a free port, and a client becomes a peer that the server answers', async () => {
    const { getConnection } = await api();
    const result = await vscode.commands.executeCommand<ListenResult>('socketInspector.listenWebSocket', '127.0.0.1:0');
    assert.ok(result.id, `no server: ${JSON.stringify(result)}`);
    opened.push(result.id);
    assert.equal(result.address?.host, '127.0.0.1');
    assert.ok(result.address && result.address.port > 0);
    const server = serverOf(getConnection(result.id)!);
    assert.ok(server, 'the registered connection is not a server session');

    const client = new WebSocket(`ws://127.0.0.1:${result.address.port}/chat`);
    const replies: string[] = [];
    client.on('message', (data) => replies.push(String(data)));
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    await until('the peer', () => server.peers.length === 1 && server.peers[0]!.connection.state === 'open');
    const peer = server.peers[0]!.connection;
    client.send('hello server');
    await until('the message in the peer log', () => peer.log.totals(Direction.In).entries === 1);
    assert.equal(new TextDecoder().decode(peer.log.payload(peer.log.nextSeq - 1)), 'hello server');
    peer.sendText('hello client');
    await until('the reply', () => replies.length === 1);
    assert.equal(replies[0], 'hello client');
    client.close();
  });

  test('Listen TCP on a port in use opens no tab and says why', async () => {
    const { listConnections } = await api();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const before = listConnections().length;
      const result = await vscode.commands.executeCommand<ListenResult>('socketInspector.listenTcp', `127.0.0.1:${port}`);
      assert.equal(result.id, undefined);
      assert.equal(result.state, 'error');
      assert.match(result.error?.message ?? '', /in use/i);
      assert.equal(listConnections().length, before);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

suite('The settings Listen and Proxy commands apply', () => {
  const opened: string[] = [];

  teardown(async () => {
    for (const id of opened.splice(0)) await vscode.commands.executeCommand('socketInspector.disconnect', id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('socketInspector').update('maxMessageMegabytes', undefined, vscode.ConfigurationTarget.Global);
  });

  /** Opens a `ws` client, sends 2 KiB and resolves with the code it was closed with. */
  async function closeCodeAfterSending2KiB(url: string): Promise<number> {
    const client = new WebSocket(url);
    client.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => client.once('close', (code: number) => resolve(code)));
    client.send(Buffer.alloc(2048, 0x61));
    return closed;
  }

  test('Listen WebSocket and Proxy WebSocket apply socketInspector.maxMessageMegabytes (they always took 100 MiB)', async () => {
    await vscode.workspace.getConfiguration('socketInspector').update('maxMessageMegabytes', 0.001, vscode.ConfigurationTarget.Global);
    const listen = await vscode.commands.executeCommand<ListenResult>('socketInspector.listenWebSocket', '127.0.0.1:0');
    assert.ok(listen.id && listen.address, `no server: ${JSON.stringify(listen)}`);
    opened.push(listen.id);
    assert.equal(await closeCodeAfterSending2KiB(`ws://127.0.0.1:${listen.address.port}/`), 1009);

    // The proxy's client leg refuses it too; the upstream never sees it.
    const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    const upstreamGot: number[] = [];
    upstream.on('connection', (socket) => socket.on('message', (data: Buffer) => upstreamGot.push(data.length)));
    await new Promise<void>((resolve) => upstream.once('listening', () => resolve()));
    try {
      const port = (upstream.address() as net.AddressInfo).port;
      const proxy = await vscode.commands.executeCommand<ListenResult>('socketInspector.proxyWebSocket', { listen: '127.0.0.1:0', upstream: `ws://127.0.0.1:${port}/` });
      assert.ok(proxy.id && proxy.address, `no proxy: ${JSON.stringify(proxy)}`);
      opened.push(proxy.id);
      assert.equal(await closeCodeAfterSending2KiB(`ws://127.0.0.1:${proxy.address.port}/`), 1009);
      assert.deepEqual(upstreamGot, []);
    } finally {
      for (const c of upstream.clients) c.terminate();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
