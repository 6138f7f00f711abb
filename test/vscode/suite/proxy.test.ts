// Proxy WebSocket… as a keybinding or task calls it, inside a real extension host: a `ws` upstream and a
// `ws` client on loopback, both legs logged in the pair's one timeline, and a held message the pair's
// controls edit before it reaches the server.
import * as assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import WebSocket, { WebSocketServer } from 'ws';
import type { ListenResult } from '../../../src/vscode/commands/serverCommands';
import { Direction, Kind } from '../../../shared/logModel';
import { serverOf } from '../../../src/core/connection/serverConnection';
import { isProxySession } from '../../../src/core/proxy';
import { makeSelfSigned } from '../../support/certificates';
import { api, until } from '../extensionHost';

suite('Proxy commands in the extension host', () => {
  let wss: WebSocketServer;
  let upstreamPort = 0;
  const upstreamGot: string[] = [];

  suiteSetup(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) => {
      socket.on('message', (data) => {
        upstreamGot.push(String(data));
        socket.send(`echo ${String(data)}`);
      });
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    upstreamPort = (wss.address() as AddressInfo).port;
  });

  suiteTeardown(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  test('Proxy WebSocket… with { listen, upstream } forwards both ways, logs both legs, and holds for editing', async () => {
    const { getConnection } = await api();
    const result = await vscode.commands.executeCommand<ListenResult>('socketInspector.proxyWebSocket', {
      listen: '127.0.0.1:0',
      upstream: `ws://127.0.0.1:${upstreamPort}/`,
    });
    assert.equal(result.state, 'open', JSON.stringify(result));
    assert.ok(result.id);
    assert.ok(result.address && result.address.port > 0);
    assert.match(result.target, /^Proxy /);
    const root = getConnection(result.id);
    assert.ok(root);
    const session = serverOf(root);
    assert.ok(session && isProxySession(session));

    const client = new WebSocket(`ws://127.0.0.1:${result.address.port}/`);
    const clientGot: string[] = [];
    client.on('message', (d) => clientGot.push(String(d)));
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('open', () => resolve());
        client.once('error', reject);
      });
      client.send('one');
      await until('the echo through the proxy', () => clientGot.includes('echo one'));
      const pair = session.peers[0]!;
      const log = pair.connection.log;
      const texts: string[] = [];
      for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
        if (log.kind(seq) !== Kind.Text) continue;
        texts.push(`${log.direction(seq) === Direction.Out ? 'client→server' : 'server→client'} ${new TextDecoder().decode(log.payload(seq))}`);
      }
      assert.deepEqual(texts, ['client→server one', 'server→client echo one']);

      pair.controls.setPaused(true, 'toServer');
      client.send('two');
      await until('the message held', () => pair.controls.held.length === 1);
      assert.deepEqual(upstreamGot, ['one']);
      pair.controls.release(pair.controls.held[0]!.id, { text: 'two edited' });
      await until('the edit echoed', () => clientGot.includes('echo two edited'));
      assert.deepEqual(upstreamGot, ['one', 'two edited']);
    } finally {
      client.terminate();
      assert.equal(await vscode.commands.executeCommand('socketInspector.disconnect', { id: result.id }), true);
    }
  });

  test('Proxy TCP… refuses a WebSocket upstream with a clear message and opens nothing', async () => {
    const before = (await api()).listConnections().length;
    const result = await vscode.commands.executeCommand<ListenResult | undefined>('socketInspector.proxyTcp', {
      listen: '127.0.0.1:0',
      upstream: 'ws://127.0.0.1:1/',
    });
    assert.equal(result?.id, undefined);
    assert.equal((await api()).listConnections().length, before);
  });

  test('Proxy WebSocket… reaches a self-signed wss:// upstream with { tls: { allowSelfSigned } } and adds { headers }, refusing it without', async () => {
    const { cert, key } = makeSelfSigned();
    const https = createHttpsServer({ cert, key });
    const secure = new WebSocketServer({ server: https });
    const seen: Array<{ auth: string | undefined; text: string }> = [];
    secure.on('connection', (socket, request) => {
      socket.on('message', (data) => {
        seen.push({ auth: request.headers['x-test-token'] as string | undefined, text: String(data) });
        socket.send(`secure echo ${String(data)}`);
      });
    });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', () => resolve()));
    const upstream = `wss://127.0.0.1:${(https.address() as AddressInfo).port}/`;
    const opened: string[] = [];
    const client = (port: number): Promise<{ ws: WebSocket; got: string[] }> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
        const got: string[] = [];
        ws.on('message', (d) => got.push(String(d)));
        ws.once('open', () => resolve({ ws, got }));
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`the proxy answered ${res.statusCode}`)));
      });
    try {
      // Without allowSelfSigned the proxy refuses the upstream's certificate and tells the client so.
      const strict = await vscode.commands.executeCommand<ListenResult>('socketInspector.proxyWebSocket', { listen: '127.0.0.1:0', upstream });
      assert.equal(strict.state, 'open');
      opened.push(strict.id!);
      await assert.rejects(client(strict.address!.port), /the proxy answered 5\d\d/);

      const trusting = await vscode.commands.executeCommand<ListenResult>('socketInspector.proxyWebSocket', {
        listen: '127.0.0.1:0',
        upstream,
        tls: { allowSelfSigned: true },
        headers: { 'X-Test-Token': 'from the command' },
      });
      assert.equal(trusting.state, 'open');
      opened.push(trusting.id!);
      const { ws, got } = await client(trusting.address!.port);
      try {
        ws.send('over tls');
        await until('the echo through the proxy over TLS', () => got.includes('secure echo over tls'));
        assert.deepEqual(seen, [{ auth: 'from the command', text: 'over tls' }]);
      } finally {
        ws.terminate();
      }

      // A wrong option is named, and nothing opens.
      const before = (await api()).listConnections().length;
      const refused = await vscode.commands.executeCommand<ListenResult | undefined>('socketInspector.proxyTcp', {
        listen: '127.0.0.1:0',
        upstream: 'tcp://127.0.0.1:1',
        headers: { a: 'b' },
      });
      assert.equal(refused?.id, undefined);
      assert.equal((await api()).listConnections().length, before);
    } finally {
      for (const id of opened) await vscode.commands.executeCommand('socketInspector.disconnect', { id });
      for (const c of secure.clients) c.terminate();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    }
  });
});
