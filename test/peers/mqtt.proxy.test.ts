// The TCP proxy in front of mosquitto with paho-mqtt through it: both legs of the pair's log, framed with
// the mqtt framer, decode packet by packet with the MQTT layer's decoder, for MQTT 3.1.1 and 5 (the
// decoder is not told the version: it reads it from the wire).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { createTcpProxy, type ProxySession } from '../../src/core/proxy';
import { MQTT_USER, mosquittoMissing, pahoMissing, startMosquitto, startPaho, type Mosquitto, type PahoClient } from '../support/mosquitto';
import { loggedPackets, nodeValue } from '../support/mqttReading';
import { closeSession, peerAt, until } from '../support/proxyReading';
import { requirePeer } from '../support/requirePeer';

let broker: Mosquitto | undefined;
before(async () => {
  if (!mosquittoMissing()) broker = await startMosquitto();
});
after(() => broker?.close());

let proxy: ProxySession | undefined;
let client: PahoClient | undefined;
afterEach(async () => {
  await client?.close();
  await closeSession(proxy);
  client = undefined;
  proxy = undefined;
});

function needs(t: TestContext): boolean {
  return requirePeer(t, 'mosquitto', mosquittoMissing()) && requirePeer(t, 'python3-paho-mqtt', pahoMissing());
}

describe('TCP proxy in front of mosquitto, paho through it', () => {
  for (const version of ['3.1.1', '5'] as const) {
    it(`MQTT ${version}: both legs decode packet by packet`, async (t) => {
      if (!needs(t)) return;
      proxy = createTcpProxy({ listen: '127.0.0.1:0', upstream: `tcp://127.0.0.1:${broker!.tcpPort}` });
      await proxy.start();
      const topic = `si/${randomBytes(4).toString('hex')}`;
      client = await startPaho({ port: proxy.address!.port, transport: 'tcp', version, clientId: 'through-proxy', ...MQTT_USER });
      assert.equal(client.events[0]!.rc, 0);
      client.send({ op: 'subscribe', topic: `${topic}/#`, qos: 2 });
      await client.waitFor('SUBACK', (e) => e.event === 'subscribed');
      client.send({ op: 'publish', topic: `${topic}/x`, payload: 'through', qos: 2 });
      await client.waitFor('its own message back', (e) => e.event === 'message');
      await client.waitFor('on_publish', (e) => e.event === 'published');
      const peer = await peerAt(proxy, 0);
      const log = peer.connection.log;
      const types = (direction: 'in' | 'out') =>
        loggedPackets(log, { framed: true })
          .filter((p) => p.direction === direction)
          .map((p) => p.decoded.fields.type);
      // The broker's PUBCOMP to paho's PUBREL, and paho's to the broker's, may still be on their way.
      await until('both QoS 2 flows in the log', () => types('in').includes('PUBCOMP') && types('out').includes('PUBCOMP'));
      const packets = loggedPackets(log, { framed: true });
      assert.deepEqual(packets.filter((p) => p.decoded.error), [], 'no packet fails to decode');
      const toServer = types('out');
      const toClient = types('in');
      for (const type of ['CONNECT', 'SUBSCRIBE', 'PUBLISH', 'PUBREL', 'PUBREC', 'PUBCOMP']) assert.ok(toServer.includes(type), `client→server has ${type}: ${toServer}`);
      for (const type of ['CONNACK', 'SUBACK', 'PUBREC', 'PUBCOMP', 'PUBLISH', 'PUBREL']) assert.ok(toClient.includes(type), `server→client has ${type}: ${toClient}`);
      const connect = packets.find((p) => p.decoded.fields.type === 'CONNECT')!;
      assert.match(connect.decoded.summary, new RegExp(`^CONNECT through-proxy · MQTT ${version.replace('.', '\\.')}`));
      assert.equal(nodeValue(connect.decoded.tree, 'username'), '"inspector"');
      assert.equal(nodeValue(connect.decoded.tree, 'password'), `(${MQTT_USER.password.length} bytes, hidden)`);
      const suback = packets.find((p) => p.decoded.fields.type === 'SUBACK')!;
      assert.match(suback.decoded.summary, /^SUBACK #\d+ \[2\]$/);
      const published = packets.filter((p) => p.decoded.fields.type === 'PUBLISH');
      assert.deepEqual(
        published.map((p) => `${p.direction} ${p.decoded.summary}`),
        [`out PUBLISH ${topic}/x q2 · 7 B`, `in PUBLISH ${topic}/x q2 · 7 B`],
      );
    });
  }
});
