// Listen WebSocket… and Listen TCP… in a real extension host: the command binds, opens the server's tab,
// and real loopback clients become peers whose messages the server's log and the peers' logs hold.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import WebSocket from 'ws';
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
