// The decode feature of a panel against a real WebSocket server (ws, on loopback): a PanelController
// driven through the real MessageHandler as the webview drives it. The layer and codecs are the toy ones
// of test/support/toyDecoders.ts, registered in this process, so what is tested is the plumbing the real
// Socket.IO/MQTT/STOMP layers and MessagePack/CBOR/Protobuf codecs plug into.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { RequestError } from '../../shared/messageHandler';
import { decodeMatchBits, matchSeqs } from '../../shared/matchBits';
import type { HostEvents } from '../../shared/protocol';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { eventually } from '../support/eventually';
import { startWsServer, type WsPeer } from '../support/nodePeers';
import { wirePanel, type WiredPanel } from '../support/panelWiring';
import { registerToyDecoders, resetToyCalls, toyCalls } from '../support/toyDecoders';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import { createWsListener } from '../../src/core/listen/wsListener';
import { peerNumber, recordingClient } from '../support/listenClients';
import { codecFactories } from '../../src/core/decode/codecRegistry';

registerToyDecoders();

let server: WsPeer;
const cleanups: Array<() => unknown> = [];

before(async () => {
  server = await startWsServer({ echo: false });
});
after(async () => {
  await server.close();
});
beforeEach(resetToyCalls);
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openPanel(path: string, options: Parameters<typeof wirePanel>[2] = {}): Promise<{ panel: WiredPanel; connection: Connection; peer: WebSocket }> {
  const connection = createWebSocketConnection({ url: server.url(path) });
  cleanups.push(() => connection.dispose());
  const n = server.clients.length;
  // The panel comes first, as the connect commands make it: a chosen layer starts before the connection opens.
  const panel = wirePanel(connection, {}, options);
  cleanups.push(() => panel.dispose());
  await connection.connect();
  const peer = await server.client(n);
  await panel.webview.sendRequest('ready', {});
  return { panel, connection, peer };
}

function decodeStates(panel: WiredPanel): Array<HostEvents['decodeState']> {
  return panel.events.filter((e): e is { type: 'decodeState' } & HostEvents['decodeState'] => e.type === 'decodeState');
}

async function received(connection: Connection, count: number): Promise<void> {
  await eventually(() => connection.log.nextSeq, (n) => n >= count, `${count} entries`);
}

describe('decode requests', () => {
  it('posts decodeState after ready, with the settings, the codecs built in and the layer\u2019s status', async () => {
    const { panel } = await openPanel('/plain', { decode: { layer: 'mqtt', codecs: [{ codec: 'msgpack', topic: 'chat/#' }] } });
    const state = await eventually(() => decodeStates(panel).at(-1), (s) => s?.layerStatus === 'connected', 'decodeState with the layer connected');
    assert.deepEqual(state!.settings, { layer: 'mqtt', codecs: [{ codec: 'msgpack', topic: 'chat/#' }] });
    // Every codec registered: the built-in ones (where a toy of this test took an id, the toy).
    assert.deepEqual([...state!.codecs].sort(), codecFactories().map((f) => f.id).sort());
    assert.ok(state!.codecs.includes('msgpack') && state!.codecs.includes('protobuf'), state!.codecs.join());
    // The snapshot (the answer to ready) came first.
    const snapshotAt = panel.events.findIndex((e) => e.type === 'decodeState');
    assert.ok(snapshotAt >= 0);
    assert.deepEqual(panel.problems, []);
  });

  it('gives summaries for the rows on screen and a decoded entry for the Decoded tab', async () => {
    const { panel, connection, peer } = await openPanel('/plain', { decode: { layer: 'mqtt', codecs: [{ codec: 'msgpack', topic: 'chat/#' }] } });
    const first = connection.log.nextSeq;
    peer.send('PUB chat/room hello');
    peer.send('PUB sensors/1 21.5');
    peer.send('not a packet');
    await received(connection, first + 3);
    const { summaries } = await panel.webview.sendRequest('getSummaries', { seqs: [first, first + 1, first + 2, 0] });
    assert.deepEqual(summaries, ['PUBLISH chat/room · 5 B · "HELLO"', 'PUBLISH sensors/1 · 4 B', 'not a toy packet', null]);
    const { decoded } = await panel.webview.sendRequest('getDecoded', { seq: first });
    assert.equal(decoded?.format, 'mqtt');
    assert.deepEqual(decoded?.fields, { type: 'PUBLISH', topic: 'chat/room' });
    assert.equal(decoded?.inner?.tree.value, '"HELLO"');
    const handshake = await panel.webview.sendRequest('getDecoded', { seq: 0 });
    assert.deepEqual(handshake, { seq: 0 });
    await assert.rejects(panel.webview.sendRequest('getDecoded', { seq: 1_000_000 }), (e: RequestError) => e.code === 'GONE');
  });

  it('refuses more summaries than one request may ask for', async () => {
    const { panel } = await openPanel('/plain');
    await assert.rejects(
      panel.webview.sendRequest('getSummaries', { seqs: Array.from({ length: 1025 }, (_, i) => i) }),
      (e: RequestError) => /at most 1024/.test(e.message),
    );
  });

  it('applies new settings: rows decode anew and decodeState says so; bad settings are refused by name', async () => {
    const { panel, connection, peer } = await openPanel('/plain');
    const seq = connection.log.nextSeq;
    peer.send('abc');
    await received(connection, seq + 1);
    assert.deepEqual((await panel.webview.sendRequest('getSummaries', { seqs: [seq] })).summaries, [null]);
    const { settings } = await panel.webview.sendRequest('setDecodeSettings', { codecs: [{ codec: 'msgpack', direction: 'in' }], protoFiles: [] });
    assert.deepEqual(settings, { codecs: [{ codec: 'msgpack', direction: 'in' }] });
    assert.deepEqual(decodeStates(panel).at(-1)?.settings, settings);
    assert.deepEqual((await panel.webview.sendRequest('getSummaries', { seqs: [seq] })).summaries, ['"ABC"']);
    await assert.rejects(
      panel.webview.sendRequest('setDecodeSettings', { codecs: [{ codec: 'msgpack', topic: 'a/#/b' }] }),
      (e: RequestError) => /codecs \[0\] rule\.topic has "#" before the last level/.test(e.message),
    );
    assert.equal(panel.controller.decodeSettings.codecs?.[0]?.codec, 'msgpack');
  });

  it('sends a layer form through the layer session, and refuses one where no layer speaks', async () => {
    const { panel, peer } = await openPanel('/plain', { decode: { layer: 'mqtt' } });
    const got = new Promise<string>((resolve) => peer.once('message', (d) => resolve(String(d))));
    const result = await panel.webview.sendRequest('layerSend', { layer: 'mqtt', action: 'publish', topic: 'a/b', payload: 'hi', format: 'text', qos: 0 });
    assert.equal(await got, 'PUB a/b hi');
    assert.equal(result.bytes, 10);
    await assert.rejects(panel.webview.sendRequest('layerSend', { layer: 'stomp', command: 'SEND', destination: '/q' }), (e: RequestError) => /speaks mqtt, not stomp/.test(e.message));

    const { panel: bare } = await openPanel('/plain', { decode: { detectLayer: false } });
    await assert.rejects(bare.webview.sendRequest('layerSend', { layer: 'mqtt', action: 'publish', topic: 'a', payload: '', format: 'text', qos: 0 }), (e: RequestError) => e.code === 'NO_LAYER');
  });
});

describe('where the layer starts', () => {
  it('starts a chosen layer with its settings before the connection opens', async () => {
    const { panel } = await openPanel('/plain', { layerSettings: { id: 'mqtt', settings: { clientId: 'c1' } } });
    assert.deepEqual(toyCalls.started, [{ clientId: 'c1' }]);
    assert.deepEqual(panel.controller.layerChoice, { id: 'mqtt', settings: { clientId: 'c1' } });
    assert.equal(panel.controller.decodeSettings.layer, 'mqtt');
  });

  it('detects the layer from the handshake\u2019s path, and from the first message', async () => {
    const byPath = await openPanel('/toy/ws');
    await eventually(() => decodeStates(byPath.panel).at(-1)?.layerStatus, (s) => s === 'connected', 'the detected layer, connected');
    assert.equal(toyCalls.started.length, 1);

    const byMessage = await openPanel('/plain');
    const seq = byMessage.connection.log.nextSeq;
    byMessage.peer.send('PUB hello/world 1');
    await received(byMessage.connection, seq + 1);
    await eventually(() => toyCalls.started.length, (n) => n === 2, 'the layer started on the first message');
    assert.deepEqual((await byMessage.panel.webview.sendRequest('getSummaries', { seqs: [seq] })).summaries, ['PUBLISH hello/world · 1 B']);
  });

  it('detects nothing when detection is off', async () => {
    const { panel, connection, peer } = await openPanel('/toy/ws', { decode: { detectLayer: false } });
    const seq = connection.log.nextSeq;
    peer.send('PUB a 1');
    await received(connection, seq + 1);
    assert.deepEqual((await panel.webview.sendRequest('getSummaries', { seqs: [seq] })).summaries, [null]);
    assert.equal(toyCalls.started.length, 0);
  });

  it('ends the layer session with the connection and starts it again on reconnect', async () => {
    let next: Connection | undefined;
    const first = createWebSocketConnection({ url: server.url('/plain') });
    cleanups.push(() => first.dispose());
    const panel = wirePanel(
      first,
      {
        connect: async () => {
          next = createWebSocketConnection({ url: server.url('/plain') });
          cleanups.push(() => next!.dispose());
          await next.connect();
          return next;
        },
      },
      { decode: { layer: 'mqtt' } },
    );
    cleanups.push(() => panel.dispose());
    await first.connect();
    await panel.webview.sendRequest('ready', {});
    assert.equal(toyCalls.started.length, 1);
    first.close();
    await eventually(() => first.state, (s) => s === 'closed', 'closed');
    await panel.webview.sendRequest('connect', {});
    assert.equal(toyCalls.started.length, 2);
    assert.equal(panel.controller.connection, next);
    await eventually(() => decodeStates(panel).at(-1)?.layerStatus, (s) => s === 'connected', 'the new session, connected');
  });

  it('decodes nothing on ingest: a flood with the panel closed costs no decoder call', async () => {
    const { panel, connection, peer } = await openPanel('/plain', { decode: { layer: 'mqtt', codecs: [{ codec: 'msgpack' }] } });
    panel.controller.setVisible(false);
    const seq = connection.log.nextSeq;
    for (let i = 0; i < 5000; i++) peer.send(`PUB flood/${i} payload`);
    await received(connection, seq + 5000);
    assert.equal(toyCalls.layerDecode, 0);
    assert.equal(toyCalls.codecDecode, 0);
    // Shown again, only the rows asked for are decoded.
    panel.controller.setVisible(true);
    await panel.webview.sendRequest('getSummaries', { seqs: [seq, seq + 1] });
    assert.equal(toyCalls.layerDecode, 2);
  });
});

describe('listeners', () => {
  it('decode their peers with the panel’s settings and a detected layer, and never speak for them', async () => {
    const listener = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
    cleanups.push(() => listener.dispose());
    await listener.connect();
    const panel = wirePanel(listener, {}, { decode: { codecs: [{ codec: 'msgpack', topic: 'chat/#' }] } });
    cleanups.push(() => panel.dispose());
    await panel.webview.sendRequest('ready', {});
    const client = recordingClient(`ws://127.0.0.1:${listener.server.address!.port}/toy/peer`);
    cleanups.push(() => client.ws.terminate());
    await client.opened;
    const peer = await peerNumber(listener.server, 1);
    client.ws.send('PUB chat/x hey');
    const log = peer.connection.log;
    await eventually(() => log.nextSeq, () => [...Array(log.nextSeq).keys()].some((s) => log.kind(s) === 0 && log.direction(s) === 0), 'the message, logged by the peer');
    const seq = [...Array(log.nextSeq).keys()].find((s) => log.kind(s) === 0 && log.direction(s) === 0)!;
    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    assert.deepEqual((await panel.webview.sendRequest('getSummaries', { seqs: [seq] })).summaries, ['PUBLISH chat/x · 3 B · "HEY"']);
    assert.equal(toyCalls.started.length, 0);
    await assert.rejects(panel.webview.sendRequest('layerSend', { layer: 'mqtt', action: 'publish', topic: 'a', payload: '', format: 'text', qos: 0 }), (e: RequestError) => e.code === 'NO_LAYER');
  });
});

describe('the filter with decoded fields', () => {
  it('matches topic filters and field values, and keeps plain text filters as they were', async () => {
    const { panel, connection, peer } = await openPanel('/plain', { decode: { layer: 'mqtt', codecs: [{ codec: 'msgpack', topic: 'chat/#' }] } });
    const seq = connection.log.nextSeq;
    for (const line of ['PUB sensors/1 20', 'PUB sensors/2/x 21', 'EVT chat hi', 'PUB chat/a yes', 'plain event:chat text']) peer.send(line);
    await received(connection, seq + 5);
    let generation = 0;
    const matches = async (text: string): Promise<number[]> => {
      const g = ++generation;
      await panel.webview.sendRequest('setFilter', { generation: g, filter: { text, directions: [], kinds: [] } });
      const done = await eventually(
        () => panel.events.filter((e): e is { type: 'filterMatches' } & HostEvents['filterMatches'] => e.type === 'filterMatches' && e.generation === g),
        (list) => list.some((e) => e.done),
        `filter ${text}`,
      );
      return done.flatMap((e) => [...matchSeqs(decodeMatchBits(e.bits))]).filter((s) => s >= seq).map((s) => s - seq);
    };
    assert.deepEqual(await matches('topic:sensors/+'), [0]);
    assert.deepEqual(await matches('topic:sensors/#'), [0, 1]);
    assert.deepEqual(await matches('event:chat'), [2, 4]); // the last one says "event:chat" in its text
    assert.deepEqual(await matches('type:publish topic:chat/a'), [3]);
    assert.deepEqual(await matches('word:YES'), [3]); // a field of the inner payload's codec
    assert.deepEqual(await matches('sensors'), [0, 1]);
  });
});
