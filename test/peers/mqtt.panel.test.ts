// An MQTT-over-TCP connection in a panel: the layer speaks, and the panel shows the stream packet by
// packet (the layer's own framer), since a TCP read may hold part of a packet or several.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { eventually } from '../support/eventually';
import { MQTT_USER, mosquittoMissing, startMosquitto, type Mosquitto } from '../support/mosquitto';
import { wirePanel } from '../support/panelWiring';
import { requirePeer } from '../support/requirePeer';

let broker: Mosquitto | undefined;
before(async () => {
  if (!mosquittoMissing()) broker = await startMosquitto();
});
after(async () => {
  await broker?.close();
});

describe('MQTT over TCP in a panel', () => {
  it('is shown cut into MQTT packets, and the rows summarize them', async (t: TestContext) => {
    if (!requirePeer(t, 'mosquitto', mosquittoMissing())) return;
    const connection = createTcpConnection({ host: '127.0.0.1', port: broker!.tcpPort });
    const panel = wirePanel(connection, {}, {
      decode: { layer: 'mqtt' },
      layerSettings: { id: 'mqtt', settings: { version: '5', clientId: 'si-panel', username: MQTT_USER.username, password: MQTT_USER.password } },
    });
    t.after(() => {
      panel.dispose();
      connection.dispose();
    });
    assert.equal(panel.controller.framing?.type, 'mqtt', 'the layer’s framer is applied');
    await connection.connect();
    await panel.webview.sendRequest('ready', {});
    await panel.controller.layerSend({ layer: 'mqtt', action: 'publish', topic: 'si/panel', payload: 'hi', format: 'text', qos: 1 });
    // The framed log's first entries (seqs the log does not hold summarize as null).
    const seqs = Array.from({ length: 64 }, (_, i) => i);
    const summaries = await eventually(
      async () => panel.controller.summaries(seqs),
      (s) => s.some((x) => x?.startsWith('PUBACK')),
      'a PUBACK row',
    );
    const rows = summaries.filter((s): s is string => s !== null);
    assert.ok(rows.some((s) => s.startsWith('CONNACK 0x00')), rows.join('\n'));
    assert.ok(rows.some((s) => s.startsWith('PUBLISH si/panel q1')), rows.join('\n'));
  });
});
