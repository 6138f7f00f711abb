// A server panel's host side: a PanelController on a real WebSocket listener with real `ws` clients as
// peers, driven through the real protocol by the MessageHandler the webview uses. The peer selector,
// broadcast, auto-reply rules, follow-newest, Disconnect, and a restart that keeps the rules.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MessageHandler, RequestError } from '../../shared/messageHandler';
import { webviewIncoming } from '../../shared/messageSchema';
import type { AutoReplyRule, HostEvents, HostRequests, PanelSnapshot, PeerListInfo, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import { createWsListener } from '../../src/core/listen/wsListener';
import { createServerConnection, type ServerConnection } from '../../src/core/connection/serverConnection';
import { PanelController } from '../../src/panel/panelController';
import { eventually } from '../support/eventually';
import { peerNumber, recordingClient, waitForSession, type RecordingClient } from '../support/listenClients';
import { entries, waitForEntry } from '../support/logReading';
import { hostEventHandlers, ignoreEvent } from '../support/panelWiring';

type Webview = MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>;

interface Harness {
  server: ServerConnection;
  controller: PanelController;
  webview: Webview;
  snapshots: PanelSnapshot[];
  peerEvents: PeerListInfo[];
  problems: string[];
  disconnects: number;
  clients: RecordingClient[];
  url: string;
}

const open: Harness[] = [];

async function setup(): Promise<Harness> {
  const server = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
  await server.connect();
  const h = { server, snapshots: [], peerEvents: [], problems: [], disconnects: 0, clients: [] } as unknown as Harness;
  h.url = `ws://127.0.0.1:${server.server.address!.port}`;
  h.controller = new PanelController(
    server,
    (message) => queueMicrotask(() => h.webview.handleMessage(message)),
    {
      connect: () => undefined,
      disconnect: () => {
        h.disconnects++;
        server.close();
      },
      writeClipboard: () => undefined,
      sessionCommand: () => undefined,
    },
    { log: (line) => h.problems.push(line), session: () => ({ canReplay: false, readOnly: false }) },
  );
  h.webview = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
    post: (m) => queueMicrotask(() => h.controller.handleMessage(m)),
    schemas: webviewIncoming,
    requests: {},
    events: hostEventHandlers(ignoreEvent, {
      entries: ({ batchId }) => h.webview.sendEvent('ack', { batchId }),
      snapshot: ({ snapshot }) => void h.snapshots.push(snapshot),
      peers: ({ peers }) => void h.peerEvents.push(peers),
    }),
    onProblem: (p) => h.problems.push(`webview: ${p}`),
  });
  open.push(h);
  return h;
}

async function client(h: Harness, path = '/'): Promise<RecordingClient> {
  const c = recordingClient(`${h.url}${path}`);
  h.clients.push(c);
  await c.opened;
  return c;
}

/** The newest peer list the webview has (from a snapshot or a peers event, whichever came last). */
function latestPeers(h: Harness): PeerListInfo | undefined {
  return h.peerEvents.at(-1);
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    for (const c of h.clients) c.ws.terminate();
    h.controller.dispose();
    h.webview.dispose();
    h.server.dispose();
  }
});

describe('server panel (PanelController on a WebSocket listener)', () => {
  it("starts on the server's own log and lists each peer as it is accepted and closed", async () => {
    const h = await setup();
    const snapshot = await h.webview.sendRequest('ready', {});
    const port = h.server.server.address!.port;
    assert.equal(snapshot.target, `Listen ws://127.0.0.1:${port}`);
    assert.equal(snapshot.state, 'open');
    assert.equal(snapshot.session, undefined, 'servers are not saved as session files');
    assert.deepEqual(
      { ...snapshot.peers, peers: [...snapshot.peers!.peers] },
      {
        mode: 'listen',
        serverState: 'open',
        serverLabel: `Listen ws://127.0.0.1:${port}`,
        selected: 0,
        followNewest: false,
        peers: [],
        omitted: 0,
        openCount: 0,
        autoReplies: true,
        limits: { budgetBytes: 1024 * 1024 * 1024, evictedPeers: 0, evictedBytes: 0, clearedPeers: 0, refused: 0 },
      },
    );
    assert.deepEqual(snapshot.autoReplies, { rules: [], problems: [] });

    const a = await client(h, '/a');
    await client(h, '/b');
    await eventually(() => latestPeers(h)?.peers.length, (n) => n === 2, 'two peers listed');
    const listed = latestPeers(h)!;
    assert.deepEqual(listed.peers.map((p) => [p.id, p.state]), [[1, 'open'], [2, 'open']]);
    assert.match(listed.peers[0]!.remote, /^127\.0\.0\.1:\d+$/);
    assert.equal(listed.openCount, 2);

    a.ws.close(1000, 'done');
    await eventually(() => latestPeers(h)?.peers[0]?.state, (s) => s === 'closed', 'peer #1 shown closed');
    assert.equal(latestPeers(h)!.openCount, 1);
    assert.deepEqual(h.problems, []);
  });

  it("switches to a peer's log, handshake and composer, and back to the server", async () => {
    const h = await setup();
    await h.webview.sendRequest('ready', {});
    const first = await client(h, '/first');
    const second = await client(h, '/second?room=2');
    const peer2 = await peerNumber(h.server.server, 2);

    await h.webview.sendRequest('selectPeer', { peer: 2 });
    await eventually(() => h.snapshots.length, (n) => n === 1, 'a snapshot of peer #2');
    const shown = h.snapshots[0]!;
    assert.equal(shown.target, `Peer #2 ${peer2.remote} /second?room=2`);
    assert.equal(shown.state, 'open');
    assert.equal(shown.handshake?.requestLine, 'GET /second?room=2 HTTP/1.1');
    assert.equal(shown.handshake?.status, 101);
    assert.equal(shown.peers?.selected, 2);
    assert.equal(h.controller.connection, peer2.connection);

    // The composer now talks to peer #2 only.
    const sent = await h.webview.sendRequest('send', { format: 'text', input: 'just you', escapes: false });
    assert.deepEqual(sent, { bytes: 8 });
    await eventually(() => second.texts, (t) => t.includes('just you'), 'peer #2 got it');
    await waitForEntry(peer2.connection.log, 'out text', (e) => e.direction === 'out' && e.text === 'just you');
    assert.deepEqual(first.texts, []);

    // Ping goes to the peer shown.
    await h.webview.sendRequest('ping', { payload: 'p' });
    await waitForEntry(peer2.connection.log, 'pong', (e) => e.direction === 'in' && e.kind === 'pong' && e.text === 'p');

    await h.webview.sendRequest('selectPeer', { peer: 0 });
    await eventually(() => h.snapshots.length, (n) => n === 2, "a snapshot of the server's log");
    assert.equal(h.snapshots[1]!.peers?.selected, 0);
    assert.match(h.snapshots[1]!.target, /^Listen ws:/);
    // On the server's own log there is no single peer to ping or close.
    await assert.rejects(h.webview.sendRequest('ping', { payload: '' }), (e: unknown) => e instanceof RequestError && e.code === 'NOT_A_PEER');
    await assert.rejects(h.webview.sendRequest('selectPeer', { peer: 9 }), (e: unknown) => e instanceof RequestError && e.code === 'GONE');
    assert.deepEqual(h.problems, []);
  });

  it('broadcasts to every open peer, from a peer log with the option, and from the server log always', async () => {
    const h = await setup();
    await h.webview.sendRequest('ready', {});
    const clients = [await client(h), await client(h), await client(h)];
    await waitForSession(h.server.server, 'three peers', (s) => s.peers.length === 3);
    clients[2]!.ws.close();
    await eventually(() => h.server.server.peers[2]!.connection.state, (s) => s === 'closed', 'peer #3 closed');

    await h.webview.sendRequest('selectPeer', { peer: 1 });
    const result = await h.webview.sendRequest('send', { format: 'json', input: '{"all":true}', escapes: false, broadcast: true });
    assert.deepEqual(result, { bytes: 12, peers: 2 });
    for (const c of clients.slice(0, 2)) await eventually(() => c.texts, (t) => t.includes('{"all":true}'), 'an open peer got the broadcast');
    assert.deepEqual(clients[2]!.texts, [], 'a closed peer gets nothing');
    // Each peer logs what it sent; the server logs the broadcast once.
    for (const p of h.server.server.peers.slice(0, 2)) {
      assert.ok(entries(p.connection.log).some((e) => e.direction === 'out' && e.kind === 'text' && e.text === '{"all":true}'));
    }
    assert.equal(entries(h.server.log).filter((e) => e.direction === 'out').length, 1);

    // From the server's log a plain send is a broadcast too; binary formats go as binary messages.
    await h.webview.sendRequest('selectPeer', { peer: 0 });
    assert.deepEqual(await h.webview.sendRequest('send', { format: 'hex', input: '00 ff', escapes: false }), { bytes: 2 });
    for (const c of clients.slice(0, 2)) {
      await eventually(() => c.messages.some((m) => m.binary && m.data.equals(Buffer.from([0, 255]))), Boolean, 'the binary broadcast');
    }
    assert.deepEqual(h.problems, []);
  });

  it('applies auto-reply rules to every peer, reports bad ones, and keeps them across a restart', async () => {
    const h = await setup();
    await h.webview.sendRequest('ready', {});
    const rules: AutoReplyRule[] = [
      { enabled: true, match: '/^ping (\\d+)$/', reply: { format: 'text', input: 'pong', escapes: false }, delayMs: 0 },
      { enabled: true, match: '/(/', reply: { format: 'text', input: 'never', escapes: false }, delayMs: 0 },
      { enabled: true, match: 'hello', reply: { format: 'json', input: '{"hi":1}', escapes: false }, delayMs: 20 },
    ];
    const applied = await h.webview.sendRequest('setAutoReplies', { rules });
    assert.deepEqual(applied.rules, rules);
    assert.equal(applied.problems[0], null);
    assert.match(applied.problems[1]!, /Invalid regular expression/);
    assert.equal(applied.problems[2], null);

    const a = await client(h);
    const b = await client(h);
    a.ws.send('ping 1');
    b.ws.send('well hello there');
    b.ws.send('no rule for this');
    await eventually(() => a.texts, (t) => t.includes('pong'), 'the auto-reply to a');
    await eventually(() => b.texts, (t) => t.includes('{"hi":1}'), 'the delayed auto-reply to b');
    const peerA = h.server.server.peers[0]!;
    const log = entries(peerA.connection.log).filter((e) => e.kind === 'text');
    assert.deepEqual(log.map((e) => `${e.direction} ${e.text}`), ['in ping 1', 'out pong'], 'the reply is logged as Out after the message');

    // Disabled: no more replies.
    await h.webview.sendRequest('setAutoReplies', { rules: rules.map((r) => ({ ...r, enabled: false })) });
    a.ws.send('ping 2');
    await waitForEntry(peerA.connection.log, 'ping 2', (e) => e.text === 'ping 2');
    a.ws.send('ping 3');
    await waitForEntry(peerA.connection.log, 'ping 3', (e) => e.text === 'ping 3');
    assert.deepEqual(a.texts, ['pong']);

    // A restart (Reconnect: "Listen again") shows a new server with the same rules.
    await h.webview.sendRequest('setAutoReplies', { rules: [rules[0]!] });
    const next = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
    await next.connect();
    h.controller.attach(next);
    await eventually(() => h.snapshots.at(-1)?.peers?.serverLabel, (l) => l === next.target, 'a snapshot of the new server');
    assert.deepEqual(h.snapshots.at(-1)!.autoReplies?.rules, [rules[0]]);
    const c = recordingClient(`ws://127.0.0.1:${next.server.address!.port}/`);
    h.clients.push(c);
    await c.opened;
    c.ws.send('ping 9');
    await eventually(() => c.texts, (t) => t.includes('pong'), 'the new server answers by the same rules');
    next.dispose();
    assert.deepEqual(h.problems, []);
  });

  it('follows the newest peer when asked', async () => {
    const h = await setup();
    await h.webview.sendRequest('ready', {});
    await client(h);
    await h.webview.sendRequest('selectPeer', { peer: 1, followNewest: true });
    await eventually(() => h.snapshots.at(-1)?.peers?.selected, (s) => s === 1, 'peer #1 shown');
    await client(h);
    await eventually(() => h.snapshots.at(-1)?.peers?.selected, (s) => s === 2, 'the newest peer shown by itself');
    assert.equal(h.snapshots.at(-1)!.peers!.followNewest, true);
    assert.equal(h.controller.connection, h.server.server.peers[1]!.connection);
  });

  it('Disconnect drops the peer shown, and on the server log stops the server', async () => {
    const h = await setup();
    await h.webview.sendRequest('ready', {});
    const a = await client(h);
    await h.webview.sendRequest('selectPeer', { peer: 1 });
    await h.webview.sendRequest('disconnect', {});
    assert.deepEqual(await a.closed, { code: 1000, reason: '' });
    assert.equal(h.disconnects, 0, 'the server keeps listening');
    assert.equal(h.server.state, 'open');
    await assert.rejects(h.webview.sendRequest('connect', {}), (e: unknown) => e instanceof RequestError && e.code === 'NOT_A_CONNECTION');

    await h.webview.sendRequest('selectPeer', { peer: 0 });
    await h.webview.sendRequest('disconnect', {});
    assert.equal(h.disconnects, 1);
    await eventually(() => h.server.state, (s) => s === 'closed', 'the server stopped');
    await eventually(() => latestPeers(h)?.serverState, (s) => s === 'closed', 'the peer list says stopped');
  });
});
