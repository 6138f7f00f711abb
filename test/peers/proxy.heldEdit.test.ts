// A proxy panel edits a held message as its decoded JSON and forwards it re-encoded: a PanelController on
// a real Proxy WebSocket…, driven through the real protocol by the webview's MessageHandler, with the
// codec or layer chosen through setDecodeSettings as the panel's decode bar does. Protobuf: the far
// peer's bytes are read back by protoc --decode. Socket.IO: python-socketio handles the edited event.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import { RequestError } from '../../shared/messageHandler';
import { loadProtoSchemas } from '../../src/core/decode';
import type { ServerConnection } from '../../src/core/connection/serverConnection';
import { eventually } from '../support/eventually';
import { latestHold, wireConnected, type WiredPanel } from '../support/panelWiring';
import { PROTO_DIR, protocDecode, protocEncode, protocMissing } from '../support/protoc';
import { pythonSocketIoMissing, runPythonSocketIoClient, startPythonSocketIoServer, type PythonSocketIoServer } from '../support/pythonSocketIo';
import { requirePeer } from '../support/requirePeer';
import { opened, proxyClient, startWsUpstream, wsProxyServer } from '../support/wsProxyEnds';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The fixture workspace's .proto files loaded as the extension binds the loader (relative paths, imports beside each file). */
async function loadWorkspaceProtos(files: readonly string[]): Promise<unknown> {
  const absolute = files.map((f) => join(PROTO_DIR, f));
  const includeDirs = [...new Set([...absolute.map((f) => dirname(f)), PROTO_DIR])];
  return (await loadProtoSchemas(absolute, { readFile: (f) => readFile(f, 'utf8'), includeDirs })).schemas;
}

/** The panel on a started proxy, with the workspace's .proto files. */
const started = (server: ServerConnection): Promise<WiredPanel> => wireConnected(server, cleanups, { loadProtoSchemas: loadWorkspaceProtos });

/** Asserts that releasing with `edited` is refused with words matching `words`, and the message stays held. */
async function refused(panel: WiredPanel, id: number, edited: string, words: RegExp): Promise<void> {
  await assert.rejects(panel.webview.sendRequest('releaseHeld', { id, edited }), (e: unknown) => {
    assert.ok(e instanceof RequestError, String(e));
    assert.match(e.message, new RegExp(`^Message #${id} is still held: `));
    assert.match(e.message, words);
    return true;
  });
  const { payload } = await panel.webview.sendRequest('getHeld', { id });
  assert.ok(payload.byteLength > 0, 'still held after a refused edit');
}

describe('proxy panel: a held message edited as decoded JSON', () => {
  it('Protobuf: edits a held chat.v1.Message as proto3 JSON; the server gets bytes protoc decodes as the edit', async (t) => {
    if (!requirePeer(t, 'protoc', protocMissing())) return;
    const received: Buffer[] = [];
    const upstream = await startWsUpstream((ws) => ws.on('message', (data, isBinary) => received.push(isBinary ? Buffer.from(data as Buffer) : Buffer.from(`text ${String(data)}`))));
    cleanups.push(() => upstream.close());
    const server = wsProxyServer(upstream.url);
    const panel = await started(server);

    const client = proxyClient(server);
    cleanups.push(() => client.terminate());
    await opened(client);
    await eventually(() => upstream.wss.clients.size, (n) => n === 1, 'the pair reaching upstream');
    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    await eventually(() => latestHold(panel), (h) => h !== undefined, 'the pair shown');

    // The codec choice as the decode bar sends it: Protobuf of chat.v1.Message for client → server.
    const { settings } = await panel.webview.sendRequest('setDecodeSettings', {
      codecs: [{ codec: 'protobuf', messageType: 'chat.v1.Message', direction: 'out' }],
      protoFiles: ['chat/v1/message.proto'],
    });
    assert.deepEqual(settings.codecs, [{ codec: 'protobuf', messageType: 'chat.v1.Message', direction: 'out' }]);
    await panel.webview.sendRequest('setHold', { toServer: true, toClient: false });
    await eventually(() => latestHold(panel), (h) => !!h?.toServer, 'client → server held');

    const original = protocEncode('chat.v1.Message', 'chat/v1/message.proto', 'id: 7 text: "hello" tags: "a" author { name: "ann" user_id: 42 }');
    client.send(original);
    const held = await eventually(() => latestHold(panel), (h) => h?.held.length === 1, 'the message held');
    const id = held!.held[0]!.id;

    const got = await panel.webview.sendRequest('getHeld', { id });
    assert.deepEqual(Buffer.from(got.payload), Buffer.from(original));
    assert.equal(got.editable?.format, 'protobuf');
    assert.equal(got.editable?.messageType, 'chat.v1.Message');
    assert.equal(got.notEditable, undefined);
    const json = JSON.parse(got.editable!.text) as Record<string, unknown>;
    // proto3 JSON: 64-bit integers as strings, lowerCamelCase names.
    assert.deepEqual(json, { id: '7', text: 'hello', tags: ['a'], author: { name: 'ann', userId: '42' } });

    // Mistakes are named and nothing is lost: bad JSON, a field the schema lacks.
    await refused(panel, id, '{"id": "8",\n  "text": }', /line 2/);
    await refused(panel, id, '{"id": "8", "colour": "red"}', /colour/);
    assert.equal(latestHold(panel)?.held.length, 1);
    assert.equal(received.length, 0, 'nothing reached the server');

    const edited = { ...json, id: '8', text: 'edited', tags: ['a', 'b'], author: { name: 'bob', userId: '43' } };
    const { bytes } = await panel.webview.sendRequest('releaseHeld', { id, edited: JSON.stringify(edited, null, 2) });
    await eventually(() => received.length, (n) => n === 1, 'the edit reaching the server');
    assert.equal(bytes, received[0]!.length);
    assert.equal(
      protocDecode('chat.v1.Message', 'chat/v1/message.proto', received[0]!),
      'id: 8\ntext: "edited"\nauthor {\n  name: "bob"\n  user_id: 43\n}\ntags: "a"\ntags: "b"\n',
    );
    await eventually(() => latestHold(panel), (h) => h?.held.length === 0, 'the held list emptied');
  });

  describe('Socket.IO against python-socketio', () => {
    let sio: PythonSocketIoServer | undefined;
    before(async () => {
      if (!pythonSocketIoMissing(true)) sio = await startPythonSocketIoServer();
    });
    after(() => sio?.close());

    it('edits a held EVENT as namespace, event and args JSON; the server handles the edited args and acks them', async (t) => {
      if (!requirePeer(t, 'python3-socketio with python3-websocket', pythonSocketIoMissing(true))) return;
      const from = sio!.reports.length;
      // python-socketio accepts only its own origin: the proxy sends the server's instead of the client's.
      const upstream = `127.0.0.1:${sio!.port}`;
      const server = wsProxyServer(`ws://${upstream}`, { headers: { Origin: `http://${upstream}` }, startPaused: { toServer: true } });
      const panel = await started(server);
      await panel.webview.sendRequest('setDecodeSettings', { layer: 'socketio' });

      const client = runPythonSocketIoClient(`http://127.0.0.1:${server.server.address!.port}`);
      await eventually(() => server.server.peers.length, (n) => n === 1, 'the client reaching the proxy');
      await panel.webview.sendRequest('selectPeer', { peer: 1 });

      // Everything the client sends is held; the chat EVENT is edited as JSON, the rest forwarded as is.
      const seen = new Set<number>();
      const editables: string[] = [];
      let done = false;
      const work = (async () => {
        while (!done) {
          for (const m of latestHold(panel)?.held ?? []) {
            if (seen.has(m.id)) continue;
            seen.add(m.id);
            const got = await panel.webview.sendRequest('getHeld', { id: m.id });
            const text = got.editable?.text;
            const packet = text === undefined ? undefined : (JSON.parse(text) as { event?: string; args: unknown[] });
            if (packet?.event !== 'chat') {
              await panel.webview.sendRequest('releaseHeld', { id: m.id });
              continue;
            }
            assert.equal(got.editable!.format, 'socketio');
            editables.push(text!);
            await refused(panel, m.id, text!.replace('"args"', '"argz"'), /argz/);
            packet.args = ['edited ✓', 2];
            await panel.webview.sendRequest('releaseHeld', { id: m.id, edited: JSON.stringify(packet, null, 2) });
          }
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      let result: Awaited<typeof client>;
      try {
        result = await client;
      } finally {
        done = true;
        await work;
      }
      assert.deepEqual(result, { ack: ['ok', 'edited ✓', 2] });
      assert.deepEqual(editables, ['{\n  "namespace": "/chat",\n  "event": "chat",\n  "args": ["hello from python",1],\n  "ackId": 1\n}']);
      const report = await sio!.waitForReport('chat event', (r) => r.got !== undefined, from);
      assert.deepEqual(report.got, { namespace: '/chat', event: 'chat', args: ['edited ✓', 2] });
    });
  });
});
