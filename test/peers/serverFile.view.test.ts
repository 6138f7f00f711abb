// A server file's layer and framing, started the way Start Server from File starts one (the file read,
// its server made a Connection, shown in a panel, the file's view applied): a proxy file with the mqtt
// layer in front of mosquitto decodes both legs of a pair, a listener file with line framing cuts its
// peers' logs into lines, and saving either writes back the layer and framing the panel reads with.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import type { ServerConnection } from '../../src/core/connection/serverConnection';
import { parseServerFile } from '../../src/core/serverFile/serverFileParse';
import { serverConnectionFromFile, serverFileOf } from '../../src/core/serverFile/serverFileStart';
import { applyServerFileView, serverFileViewOf } from '../../src/panel/serverFileView';
import { eventually } from '../support/eventually';
import { MQTT_USER, mosquittoMissing, pahoMissing, startMosquitto, startPaho, type Mosquitto, type PahoClient } from '../support/mosquitto';
import { wirePanel, type WiredPanel } from '../support/panelWiring';
import { requirePeer } from '../support/requirePeer';

let broker: Mosquitto | undefined;
before(async () => {
  if (!mosquittoMissing()) broker = await startMosquitto();
});
after(() => broker?.close());

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The file started and shown as the command does it; problems applying its view are collected. */
async function startShown(text: string): Promise<{ connection: ServerConnection; panel: WiredPanel; warnings: string[] }> {
  const { file } = parseServerFile(text);
  const connection = await serverConnectionFromFile(file, undefined);
  cleanup.push(() => connection.dispose());
  await connection.connect();
  const panel = wirePanel(connection);
  cleanup.push(() => panel.dispose());
  const warnings: string[] = [];
  applyServerFileView(panel.controller, file, (p) => warnings.push(p));
  await panel.webview.sendRequest('ready', {});
  return { connection, panel, warnings };
}

const firstSeqs = Array.from({ length: 64 }, (_, i) => i);

describe('server files: layer and framing applied when started', () => {
  it('a proxy file with the mqtt layer decodes both legs of a pair in front of mosquitto', async (t: TestContext) => {
    if (!requirePeer(t, 'mosquitto', mosquittoMissing()) || !requirePeer(t, 'python3-paho-mqtt', pahoMissing())) return;
    const layer = { type: 'mqtt' };
    const text = JSON.stringify({ version: 1, mode: 'proxy', type: 'tcp', listen: '127.0.0.1:0', upstream: `127.0.0.1:${broker!.tcpPort}`, layer });
    const { connection, panel, warnings } = await startShown(text);
    const topic = `si/${randomBytes(4).toString('hex')}`;
    const client: PahoClient = await startPaho({ port: connection.server.address!.port, transport: 'tcp', version: '3.1.1', clientId: 'from-file', ...MQTT_USER });
    cleanup.push(() => client.close());
    client.send({ op: 'subscribe', topic, qos: 1 });
    await client.waitFor('SUBACK', (e) => e.event === 'subscribed');
    client.send({ op: 'publish', topic, payload: 'filed', qos: 1 });
    await client.waitFor('its own message back', (e) => e.event === 'message');
    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    const summaries = await eventually(
      () => panel.controller.summaries(firstSeqs),
      (s) => s.filter((x) => x?.startsWith('PUBLISH ')).length === 2,
      'PUBLISH rows of both legs',
    );
    const rows = summaries.filter((s): s is string => s !== null);
    assert.deepEqual(rows.filter((s) => s.startsWith('PUBLISH ')), [`PUBLISH ${topic} q1 · 5 B`, `PUBLISH ${topic} q1 · 5 B`]);
    assert.ok(rows.some((s) => s.startsWith('CONNECT from-file')), rows.join('\n'));
    assert.ok(rows.some((s) => s.startsWith('CONNACK')), rows.join('\n'));
    assert.equal(panel.controller.framing?.type, 'mqtt', 'packet by packet');
    assert.deepEqual(warnings, []);
    const saved = serverFileOf(connection.server, serverFileViewOf(panel.controller, parseServerFile(text).file));
    assert.deepEqual(saved.layer, layer);
    assert.deepEqual(saved.framing, { type: 'mqtt' });
  });

  it('a listener file with line framing cuts what a client sends into lines', async () => {
    const framing = { type: 'delimiter', delimiter: '0a' };
    const text = JSON.stringify({ version: 1, mode: 'listen', type: 'tcp', listen: '127.0.0.1:0', framing });
    const { connection, panel, warnings } = await startShown(text);
    assert.deepEqual(warnings, []);
    const socket = net.connect(connection.server.address!.port, '127.0.0.1', () => socket.write('one\ntwo\nthree\n'));
    socket.on('error', () => {});
    cleanup.push(() => socket.destroy());
    await eventually(() => connection.server.peers.length, (n) => n === 1, 'the peer');
    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    const rows = await eventually(
      () => panel.rows(0, 8),
      (r) => r.filter((x) => x.row.startsWith('in ')).length === 3,
      'three lines in',
    );
    assert.deepEqual(rows.filter((x) => x.row.startsWith('in ')).map((x) => x.preview), ['one', 'two', 'three']);
    assert.deepEqual(serverFileOf(connection.server, serverFileViewOf(panel.controller)).framing, framing);
  });
});
