// A proxy panel's host side: a PanelController on a real Proxy WebSocket… (a node `ws` server upstream, a
// `ws` client downstream) and a real Proxy TCP… in front of redis-server, driven through the real protocol
// by the webview's MessageHandler. Hold, edit and forward, drop, inject both ways, and the log shows it.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import type WebSocket from 'ws';
import { RequestError } from '../../shared/messageHandler';
import type { PanelSnapshot } from '../../shared/protocol';
import { createTcpProxy } from '../../src/core/proxy';
import { createServerConnection, type ServerConnection } from '../../src/core/connection/serverConnection';
import { eventually } from '../support/eventually';
import { latestHold, wireConnected, type WiredPanel } from '../support/panelWiring';
import { startRedis } from '../support/processPeers';
import { redisMissing, requirePeer } from '../support/requirePeer';
import { opened, proxyClient, startWsUpstream, wsProxyServer } from '../support/wsProxyEnds';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A `ws` server that records what it receives and keeps its one client, to answer from. */
async function upstreamServer(): Promise<{ url: string; received: string[]; socket: () => WebSocket | undefined }> {
  const received: string[] = [];
  let socket: WebSocket | undefined;
  const upstream = await startWsUpstream((ws) => {
    socket = ws;
    ws.on('message', (data, isBinary) => received.push(isBinary ? `binary ${Buffer.from(data as Buffer).toString('hex')}` : String(data)));
  });
  cleanups.push(() => upstream.close());
  return { url: upstream.url, received, socket: () => socket };
}

const started = (server: ServerConnection): Promise<WiredPanel> => wireConnected(server, cleanups);

function latestSnapshot(panel: WiredPanel): PanelSnapshot | undefined {
  for (let i = panel.events.length - 1; i >= 0; i--) {
    const e = panel.events[i]!;
    if (e.type === 'snapshot') return e.snapshot;
  }
  return undefined;
}

const text = (input: string) => ({ format: 'text' as const, input, escapes: false });

describe('proxy panel (PanelController on a proxy session)', () => {
  it('names the port it is bound to, not the 0 it was asked for, in the target and the snapshot', async () => {
    const upstream = await upstreamServer();
    const ws = wsProxyServer(upstream.url);
    const wsPanel = await started(ws);
    const wsPort = ws.server.address!.port;
    assert.notEqual(wsPort, 0);
    assert.equal(ws.target, `Proxy ws://127.0.0.1:${wsPort} → ${upstream.url}`);
    // What the toolbar shows: a (recreated) webview's snapshot.
    assert.equal((await wsPanel.webview.sendRequest('ready', {})).target, ws.target);

    const tcp = createServerConnection(createTcpProxy({ listen: '127.0.0.1:0', upstream: 'tcp://127.0.0.1:1' }));
    await started(tcp);
    const tcpPort = tcp.server.address!.port;
    assert.equal(tcp.target, `Proxy tcp://127.0.0.1:${tcpPort} → tcp://127.0.0.1:1`);
  });

  it('holds, edits and forwards, drops, and injects both ways on a WebSocket pair; the log shows each', async () => {
    const upstream = await upstreamServer();
    const server = wsProxyServer(upstream.url);
    const panel = await started(server);
    assert.equal(server.target, `Proxy ${server.server.target}`);

    // The server's own log has no pair to hold.
    await assert.rejects(panel.webview.sendRequest('setHold', { toServer: true, toClient: true }), (e: unknown) => {
      assert.ok(e instanceof RequestError);
      assert.equal(e.code, 'NOT_A_PEER');
      return true;
    });

    const client = proxyClient(server);
    const got: string[] = [];
    client.on('message', (data) => got.push(String(data)));
    cleanups.push(() => client.terminate());
    await opened(client);
    await eventually(() => upstream.socket(), (s) => s !== undefined, 'the pair reaching upstream');

    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    const snapshot = await eventually(() => latestSnapshot(panel), (s) => s?.proxy !== undefined, 'a snapshot of the pair');
    assert.deepEqual(snapshot!.proxy, { toServer: false, toClient: false, held: [], omitted: 0 });
    assert.equal(snapshot!.peers?.mode, 'proxy');
    assert.equal(snapshot!.peers?.autoReplies, false);

    await panel.webview.sendRequest('setHold', { toServer: true, toClient: true });
    await eventually(() => latestHold(panel), (h) => !!h?.toServer && !!h.toClient, 'both directions held');

    // client → server: held, edited, forwarded.
    client.send('SET key original');
    const heldUp = await eventually(() => latestHold(panel), (h) => h?.held.length === 1, 'the client message held');
    const first = heldUp!.held[0]!;
    assert.equal(first.direction, 'toServer');
    assert.equal(first.size, 'SET key original'.length);
    assert.equal(Buffer.from(first.preview).toString(), 'SET key original');
    assert.deepEqual(upstream.received, [], 'nothing reaches the server while held');
    const { payload } = await panel.webview.sendRequest('getHeld', { id: first.id });
    assert.equal(Buffer.from(payload).toString(), 'SET key original');
    const { bytes } = await panel.webview.sendRequest('releaseHeld', { id: first.id, replacement: text('SET key edited') });
    assert.equal(bytes, 'SET key edited'.length);
    await eventually(() => upstream.received.slice(), (r) => r.length === 1, 'the edit reaching the server');
    assert.deepEqual(upstream.received, ['SET key edited']);
    await eventually(() => latestHold(panel), (h) => h?.held.length === 0, 'the held list emptied');

    // server → client: one dropped, the next forwarded as received.
    upstream.socket()!.send('dropped reply');
    const heldDown = await eventually(() => latestHold(panel), (h) => h?.held.length === 1, 'the server message held');
    assert.equal(heldDown!.held[0]!.direction, 'toClient');
    await panel.webview.sendRequest('dropHeld', { id: heldDown!.held[0]!.id });
    upstream.socket()!.send('kept reply');
    const heldKept = await eventually(() => latestHold(panel), (h) => h?.held.length === 1 && h.held[0]!.id !== heldDown!.held[0]!.id, 'the next one held');
    await panel.webview.sendRequest('releaseHeld', { id: heldKept!.held[0]!.id });
    await eventually(() => got.slice(), (g) => g.length === 1, 'the kept reply reaching the client');
    assert.deepEqual(got, ['kept reply'], 'the dropped message never reaches the client');

    // Dropping a message that is gone says so.
    await assert.rejects(panel.webview.sendRequest('dropHeld', { id: 999 }), /999|held/i);

    // Inject both ways, while still held: injected messages go at once.
    assert.deepEqual(await panel.webview.sendRequest('send', { ...text('injected up'), inject: 'toServer' }), { bytes: 11 });
    await panel.webview.sendRequest('send', { ...text('injected down'), inject: 'toClient' });
    await eventually(() => upstream.received.slice(), (r) => r.length === 2, 'the injection reaching the server');
    await eventually(() => got.slice(), (g) => g.length === 2, 'the injection reaching the client');
    assert.deepEqual(upstream.received, ['SET key edited', 'injected up']);
    assert.deepEqual(got, ['kept reply', 'injected down']);

    // Forward all / Drop all.
    client.send('a');
    client.send('b');
    await eventually(() => latestHold(panel), (h) => h?.held.length === 2, 'two held');
    await panel.webview.sendRequest('heldAll', { action: 'drop' });
    await eventually(() => latestHold(panel), (h) => h?.held.length === 0, 'all dropped');
    client.send('c');
    await eventually(() => latestHold(panel), (h) => h?.held.length === 1, 'one held');
    await panel.webview.sendRequest('heldAll', { action: 'release' });
    await eventually(() => upstream.received.slice(), (r) => r.length === 3, 'c forwarded');
    assert.deepEqual(upstream.received, ['SET key edited', 'injected up', 'c']);

    // Resume forwarding: messages pass straight through.
    await panel.webview.sendRequest('setHold', { toServer: false, toClient: false });
    await eventually(() => latestHold(panel), (h) => h?.toServer === false && h.toClient === false, 'forwarding again');
    client.send('live');
    await eventually(() => upstream.received.slice(), (r) => r.length === 4, 'live forwarded');

    // The log shows both legs in one timeline, with the notes.
    const rows = await eventually(
      async () => panel.rows(0, 1000),
      (r) => r.some((x) => x.preview === 'live'),
      'the log up to the live message',
    );
    const data = rows.filter((r) => r.row === 'out text' || r.row === 'in text').map((r) => `${r.row} ${r.preview}`);
    assert.deepEqual(data, [
      'out text SET key original',
      'out text SET key edited',
      'in text dropped reply',
      'in text kept reply',
      'out text injected up',
      'in text injected down',
      'out text a',
      'out text b',
      'out text c',
      'out text live',
    ]);
    const notes = rows.filter((r) => r.row === 'meta note').map((r) => r.preview);
    assert.ok(notes.some((n) => /held #1/i.test(n)), `a note says #1 was held: ${JSON.stringify(notes)}`);
    assert.ok(notes.some((n) => /drop/i.test(n)), `a note says something was dropped: ${JSON.stringify(notes)}`);
    assert.deepEqual(panel.problems, []);
  });

  it('holds a redis SET on a TCP pair and forwards it edited; GET answers the edited value', async (t) => {
    if (!requirePeer(t, 'redis-server', redisMissing())) return;
    const redis = await startRedis();
    cleanups.push(() => redis.close());
    const server = createServerConnection(createTcpProxy({ listen: '127.0.0.1:0', upstream: `tcp://127.0.0.1:${redis.port}` }));
    const panel = await started(server);

    const socket = net.connect({ host: '127.0.0.1', port: server.server.address!.port });
    cleanups.push(() => socket.destroy());
    let answers = '';
    socket.on('data', (d) => (answers += d.toString('latin1')));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await eventually(() => server.server.peers[0]?.connection.state, (s) => s === 'open', 'the pair open');

    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    await panel.webview.sendRequest('setHold', { toServer: true, toClient: false });
    socket.write('SET greeting hello\r\n');
    const held = await eventually(() => latestHold(panel), (h) => h?.held.length === 1, 'the SET held');
    assert.equal(held!.held[0]!.direction, 'toServer');
    assert.equal(answers, '', 'redis has not seen it');
    // What the Edit button would put in the composer: text with the CR LF as escapes.
    await panel.webview.sendRequest('releaseHeld', { id: held!.held[0]!.id, replacement: { format: 'text', input: 'SET greeting edited\\r\\n', escapes: true } });
    await eventually(() => answers, (a) => a === '+OK\r\n', 'redis answering the edited SET');

    await panel.webview.sendRequest('setHold', { toServer: false, toClient: false });
    socket.write('GET greeting\r\n');
    await eventually(() => answers, (a) => a.endsWith('$6\r\nedited\r\n'), 'GET answering the edited value');

    // Inject toward the client: it arrives as if redis had sent it.
    await panel.webview.sendRequest('send', { ...text('+INJECTED\\r\\n'), escapes: true, inject: 'toClient' });
    await eventually(() => answers, (a) => a.endsWith('+INJECTED\r\n'), 'the injection reaching the client');
    assert.deepEqual(panel.problems, []);
  });
});
