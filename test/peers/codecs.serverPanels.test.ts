// A chosen payload codec in listen and proxy mode: a listener panel decodes its peers' messages with the
// panel's Protobuf rule (the fixture .proto workspace, loaded as the extension loads it) and "Encode as"
// sends the composer's JSON to a peer as Protobuf; a proxy panel decodes both legs of a pair and injects
// encoded messages either way. protoc (Debian's protobuf-compiler) makes what the clients send and reads
// what they get; the clients are `ws` clients, the proxy's upstream a `ws` echo server, all on loopback.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { RequestError } from '../../shared/messageHandler';
import type { DecodedMessage } from '../../shared/decode/decoded';
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import { Direction, Kind } from '../../shared/logModel';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import type { EntryLog } from '../../src/core/log/entryLog';
import { createWsListener } from '../../src/core/listen/wsListener';
import { createWsProxy } from '../../src/core/proxy';
import { eventually } from '../support/eventually';
import { peerNumber, recordingClient } from '../support/listenClients';
import { startWsServer, type WsPeer } from '../support/nodePeers';
import { wirePanel, type WiredPanel } from '../support/panelWiring';
import { loadFixtureSchemas, protocDecode, protocEncode, protocMissing } from '../support/protoc';
import { requirePeer } from '../support/requirePeer';

const FILE = 'chat/v1/message.proto';
const TYPE = 'chat.v1.Message';
const SETTINGS: DecodeSettings = { codecs: [{ codec: 'protobuf', messageType: TYPE }], protoFiles: [FILE] };
// As the extension binds it (src/vscode/extension.ts): the loaded schema set.
const options = { decode: SETTINGS, loadProtoSchemas: async () => (await loadFixtureSchemas([FILE])).schemas };

let upstream: WsPeer;
before(async () => {
  upstream = await startWsServer({ echo: true });
});
after(() => upstream.close());
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function needsProtoc(t: TestContext): boolean {
  return requirePeer(t, 'protoc (protobuf-compiler)', protocMissing());
}

/** Seqs of binary messages of `direction` in `log`. */
function binaries(log: EntryLog, direction: Direction): number[] {
  const out: number[] = [];
  for (let s = log.firstSeq; s < log.nextSeq; s++) if (log.kind(s) === Kind.Binary && log.direction(s) === direction) out.push(s);
  return out;
}

async function decoded(panel: WiredPanel, seq: number): Promise<DecodedMessage> {
  const { decoded } = await panel.webview.sendRequest('getDecoded', { seq });
  assert.ok(decoded, `entry ${seq} decodes`);
  return decoded;
}

/** Top-level field names of a decoded tree. */
const fieldNames = (d: DecodedMessage): string[] => (d.tree.children ?? []).map((c) => c.key);

async function serverPanel(server: ReturnType<typeof createServerConnection>): Promise<WiredPanel> {
  cleanups.push(() => server.dispose());
  await server.connect();
  const panel = wirePanel(server, {}, options);
  cleanups.push(() => panel.dispose());
  await panel.webview.sendRequest('ready', {});
  // The .proto files load asynchronously; the rule applies once they did.
  await eventually(() => panel.controller.protoSchemas.messageTypes, (t) => t?.includes(TYPE) === true, 'the .proto files loaded');
  return panel;
}

describe('a chosen codec on a listener', () => {
  it('decodes a peer’s Protobuf with field names and sends the composer’s JSON to it encoded', async (t) => {
    if (!needsProtoc(t)) return;
    const listener = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
    const panel = await serverPanel(listener);
    const client = recordingClient(`ws://127.0.0.1:${listener.server.address!.port}/`);
    cleanups.push(() => client.ws.terminate());
    await client.opened;
    const peer = await peerNumber(listener.server, 1);
    client.ws.send(protocEncode(TYPE, FILE, 'id: 7 text: "from the client" author { name: "ann" user_id: 9 }'));
    const log = peer.connection.log;
    const [seq] = await eventually(() => binaries(log, Direction.In), (s) => s.length === 1, 'the client’s message logged');
    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    const got = await decoded(panel, seq!);
    assert.equal(got.error, undefined);
    assert.deepEqual(fieldNames(got), ['id', 'text', 'author']);
    assert.match(got.summary, /^chat\.v1\.Message \{id: 7, text: "from the client", author: \{…\}\}$/);

    const { bytes } = await panel.webview.sendRequest('send', { format: 'json', input: '{"id": "8", "text": "to the peer", "author": {"userId": "12"}}', escapes: false, encode: true });
    await eventually(() => client.messages.length, (n) => n === 1, 'the encoded message at the client');
    const message = client.messages[0]!;
    assert.equal(message.binary, true);
    assert.equal(message.data.length, bytes);
    assert.equal(protocDecode(TYPE, FILE, message.data), 'id: 8\ntext: "to the peer"\nauthor {\n  user_id: 12\n}\n');
    // The panel reads what it sent with the same rule.
    const [sent] = await eventually(() => binaries(log, Direction.Out), (s) => s.length === 1, 'the sent message logged');
    assert.match((await decoded(panel, sent!)).summary, /text: "to the peer"/);
  });

  it('refuses to encode in words: a JSON mistake with its place, no rule for sent messages, a format that is not JSON', async () => {
    const listener = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
    const panel = await serverPanel(listener);
    const client = recordingClient(`ws://127.0.0.1:${listener.server.address!.port}/`);
    cleanups.push(() => client.ws.terminate());
    await client.opened;
    await peerNumber(listener.server, 1);
    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    const refused = (params: { format: 'json' | 'text'; input: string }, message: RegExp) =>
      assert.rejects(panel.webview.sendRequest('send', { ...params, escapes: false, encode: true }), (e: RequestError) => message.test(e.message));
    await refused({ format: 'json', input: '{\n  "nope": 1\n}' }, /^Invalid Protobuf JSON at line 2, column 3: nope: chat\.v1\.Message has no field "nope"/);
    await refused({ format: 'text', input: '{}' }, /reads JSON: choose the JSON format/);
    await panel.controller.setDecodeSettings({ ...SETTINGS, codecs: [{ codec: 'protobuf', direction: 'in', messageType: TYPE }] });
    await refused({ format: 'json', input: '{}' }, /No payload codec reads sent messages/);
    assert.deepEqual(client.messages, [], 'nothing was sent');
  });
});

describe('a chosen codec on a proxy pair', () => {
  it('decodes both legs and injects encoded messages toward the server and toward the client', async (t) => {
    if (!needsProtoc(t)) return;
    const proxy = createServerConnection(createWsProxy({ listen: '127.0.0.1:0', upstream: upstream.url('/') }));
    const panel = await serverPanel(proxy);
    const client = recordingClient(`ws://127.0.0.1:${proxy.server.address!.port}/`);
    cleanups.push(() => client.ws.terminate());
    await client.opened;
    const pair = await peerNumber(proxy.server, 1);
    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    client.ws.send(protocEncode(TYPE, FILE, 'id: 1 tags: "a" tags: "b"'));
    // Echoed by the upstream: the pair logs it client → server (out) and server → client (in).
    const log = pair.connection.log;
    await eventually(() => [binaries(log, Direction.Out).length, binaries(log, Direction.In).length], ([o, i]) => o === 1 && i === 1, 'both legs logged');
    for (const seq of [binaries(log, Direction.Out)[0]!, binaries(log, Direction.In)[0]!]) {
      const got = await decoded(panel, seq);
      assert.deepEqual(fieldNames(got), ['id', 'tags']);
      assert.match(got.summary, /^chat\.v1\.Message \{id: 1, tags: \[2\]\}$/);
    }

    // Toward the client: as if the server had sent it.
    await panel.webview.sendRequest('send', { format: 'json', input: '{"text": "injected down"}', escapes: false, encode: true, inject: 'toClient' });
    await eventually(() => client.messages.length, (n) => n === 2, 'the injected message at the client');
    assert.equal(protocDecode(TYPE, FILE, client.messages[1]!.data), 'text: "injected down"\n');
    // Toward the server, which echoes it to the client.
    await panel.webview.sendRequest('send', { format: 'json', input: '{"priority": "HIGH"}', escapes: false, encode: true, inject: 'toServer' });
    await eventually(() => client.messages.length, (n) => n === 3, 'the injected message echoed to the client');
    assert.equal(protocDecode(TYPE, FILE, client.messages[2]!.data), 'priority: HIGH\n');
  });
});
