// The MQTT layer against Debian's mosquitto over TCP and over WebSocket (subprotocol mqtt), with
// paho-mqtt (python3-paho-mqtt) as the other client: wildcard subscriptions, QoS 0/1/2 both ways with
// their full acknowledgement flows, retained messages, MQTT 5 properties, keep-alive, and the CONNACK
// reason of a bad password. What we sent and received is read back decoded from the connection's log.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { layerFactory, type LayerSession } from '../../src/core/layers';
import type { MqttSettings } from '../../src/core/layers/mqtt/mqttSettings';
import type { MqttForm } from '../../shared/decode/layerForms';
import { Kind } from '../../shared/logModel';
import { describeLog, entries, waitForEntry } from '../support/logReading';
import { loggedPackets, nodeValue, waitForPacket, type LoggedPacket } from '../support/mqttReading';
import { MQTT_USER, mosquittoMissing, pahoMissing, startMosquitto, startPaho, type Mosquitto, type PahoClient, type PahoOptions } from '../support/mosquitto';
import { requirePeer } from '../support/requirePeer';

let broker: Mosquitto | undefined;
before(async () => {
  if (!mosquittoMissing()) broker = await startMosquitto();
});
after(() => broker?.close());

interface Opened {
  readonly connection: Connection;
  readonly session: LayerSession;
  readonly framed: boolean;
  readonly settings: MqttSettings;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function needs(t: TestContext): boolean {
  return requirePeer(t, 'mosquitto', mosquittoMissing()) && requirePeer(t, 'python3-paho-mqtt', pahoMissing());
}

const TRANSPORTS = ['tcp', 'ws'] as const;
type Transport = (typeof TRANSPORTS)[number];

/** Opens a connection to the broker with the MQTT layer started on it; waits for the CONNACK. */
async function openMqtt(transport: Transport, settings: Record<string, unknown> = {}, waitConnected = true): Promise<Opened> {
  const factory = layerFactory('mqtt')!;
  const parsed = factory.parseSettings({ ...MQTT_USER, ...settings }, 'layer') as MqttSettings;
  const connection =
    transport === 'tcp'
      ? createTcpConnection({ host: '127.0.0.1', port: broker!.tcpPort })
      : createWebSocketConnection({ url: `ws://127.0.0.1:${broker!.wsPort}/`, protocols: ['mqtt'] });
  const session = factory.start(connection, parsed);
  cleanups.push(() => {
    session.dispose();
    connection.dispose();
  });
  await connection.connect();
  if (waitConnected) await statusMatching(session, /^connected/);
  return { connection, session, framed: transport === 'tcp', settings: parsed };
}

function statusMatching(session: LayerSession, pattern: RegExp): Promise<string> {
  if (pattern.test(session.status)) return Promise.resolve(session.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`The MQTT status never matched ${pattern}; it is "${session.status}"`));
    }, 10_000);
    const sub = session.onDidChangeStatus((s) => {
      if (!pattern.test(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

async function paho(transport: Transport, version: '3.1.1' | '5', extra: Partial<PahoOptions> = {}): Promise<PahoClient> {
  const client = await startPaho({
    port: transport === 'tcp' ? broker!.tcpPort : broker!.wsPort,
    transport: transport === 'tcp' ? 'tcp' : 'websockets',
    version,
    clientId: `paho-${randomBytes(4).toString('hex')}`,
    ...MQTT_USER,
    ...extra,
  });
  cleanups.push(() => client.close());
  return client;
}

function packetWaiter(o: Opened) {
  return (what: string, match: (p: LoggedPacket) => boolean) => waitForPacket(o.connection.log, { framed: o.framed, settings: o.settings }, what, match);
}

function publishForm(topic: string, payload: string, qos: 0 | 1 | 2, extra: Partial<Extract<MqttForm, { action: 'publish' }>> = {}): MqttForm {
  return { layer: 'mqtt', action: 'publish', topic, payload, format: 'text', qos, ...extra };
}

async function subscribe(o: Opened, topic: string, qos: 0 | 1 | 2): Promise<void> {
  await o.session.send({ layer: 'mqtt', action: 'subscribe', topic, qos });
  await waitForEntry(o.connection.log, `the SUBACK note for ${topic}`, (e) => e.kind === 'note' && e.text.startsWith('↑ Subscribed:') && e.text.includes(topic));
}

function notes(o: Opened): string[] {
  return entries(o.connection.log)
    .filter((e) => e.kind === 'note')
    .map((e) => e.text);
}

const base = () => `si/${randomBytes(4).toString('hex')}`;

for (const transport of TRANSPORTS) {
  describe(`MQTT layer against mosquitto over ${transport === 'tcp' ? 'TCP' : 'WebSocket'}`, () => {
    for (const version of ['3.1.1', '5'] as const) {
      it(`MQTT ${version}: subscribes with + and # and receives paho's QoS 0, 1 and 2 publishes, completing each flow`, async (t) => {
        if (!needs(t)) return;
        const topic = base();
        const us = await openMqtt(transport, { version });
        await subscribe(us, `${topic}/+/temp`, 2);
        await subscribe(us, `${topic}/alerts/#`, 2);
        const waitFor = packetWaiter(us);
        const sender = await paho(transport, version);
        for (const qos of [0, 1, 2] as const) {
          sender.send({ op: 'publish', topic: `${topic}/room${qos}/temp`, payload: `t${qos}`, qos });
        }
        sender.send({ op: 'publish', topic: `${topic}/alerts/fire/floor2`, payload: 'alarm', qos: 2 });
        for (const qos of [0, 1, 2] as const) {
          const got = await waitFor(`PUBLISH room${qos} in`, (p) => p.direction === 'in' && p.decoded.fields.topic === `${topic}/room${qos}/temp`);
          assert.equal(got.decoded.fields.qos, String(qos), got.decoded.summary);
          assert.equal(got.decoded.summary, `PUBLISH ${topic}/room${qos}/temp q${qos} · 2 B`);
          assert.equal(Buffer.from(got.decoded.innerPayload!).toString(), `t${qos}`);
        }
        const alarm = await waitFor('the # match', (p) => p.direction === 'in' && p.decoded.fields.topic === `${topic}/alerts/fire/floor2`);
        const q1 = loggedPackets(us.connection.log, { framed: us.framed, settings: us.settings }).find((p) => p.decoded.fields.topic === `${topic}/room1/temp`)!;
        await waitFor('our PUBACK', (p) => p.direction === 'out' && p.decoded.fields.type === 'PUBACK' && p.decoded.fields.packetId === q1.decoded.fields.packetId);
        // QoS 2 to us: we answer PUBREC, the broker releases, we complete with PUBCOMP.
        const q2id = alarm.decoded.fields.packetId!;
        await waitFor('our PUBREC', (p) => p.direction === 'out' && p.decoded.fields.type === 'PUBREC' && p.decoded.fields.packetId === q2id);
        await waitFor('the PUBREL', (p) => p.direction === 'in' && p.decoded.fields.type === 'PUBREL' && p.decoded.fields.packetId === q2id);
        await waitFor('our PUBCOMP', (p) => p.direction === 'out' && p.decoded.fields.type === 'PUBCOMP' && p.decoded.fields.packetId === q2id);
        await waitForEntry(us.connection.log, 'the QoS 2 note', (e) => e.kind === 'note' && e.text.startsWith(`↑ QoS 2 delivery #${q2id} received`));
        // paho's own QoS 2 flow with the broker completed too.
        await sender.waitFor('on_publish of every message', () => sender.events.filter((e) => e.event === 'published').length >= 4);
      });

      it(`MQTT ${version}: publishes QoS 0, 1 and 2; paho receives each with its QoS and our flows complete`, async (t) => {
        if (!needs(t)) return;
        const topic = base();
        const receiver = await paho(transport, version);
        receiver.send({ op: 'subscribe', topic: `${topic}/#`, qos: 2 });
        await receiver.waitFor('SUBACK', (e) => e.event === 'subscribed');
        const us = await openMqtt(transport, { version });
        for (const qos of [0, 1, 2] as const) {
          const sent = await us.session.send(publishForm(`${topic}/q${qos}`, `payload ${qos}`, qos));
          assert.ok(sent.bytes > 0);
        }
        for (const qos of [0, 1, 2] as const) {
          const m = await receiver.waitFor(`the QoS ${qos} message`, (e) => e.event === 'message' && e.topic === `${topic}/q${qos}`);
          assert.equal(m.qos, qos);
          assert.equal(m.payload, `payload ${qos}`);
          assert.equal(m.retain, false);
        }
        await waitForEntry(us.connection.log, 'the QoS 1 note', (e) => e.kind === 'note' && /^↑ QoS 1 delivery #\d+ to .*: PUBLISH → PUBACK complete/.test(e.text));
        await waitForEntry(us.connection.log, 'the QoS 2 note', (e) => e.kind === 'note' && /^↑ QoS 2 delivery #\d+ to .*: PUBLISH → PUBREC → PUBREL → PUBCOMP complete/.test(e.text));
        const waitFor = packetWaiter(us);
        const pubrel = await waitFor('our PUBREL', (p) => p.direction === 'out' && p.decoded.fields.type === 'PUBREL');
        const q2 = loggedPackets(us.connection.log, { framed: us.framed, settings: us.settings }).find((p) => p.direction === 'out' && p.decoded.fields.qos === '2')!;
        assert.equal(pubrel.decoded.fields.packetId, q2.decoded.fields.packetId);
      });
    }

    it('retained messages: a later subscription gets them with the retain flag, both ways', async (t) => {
      if (!needs(t)) return;
      const topic = base();
      const us = await openMqtt(transport);
      await us.session.send(publishForm(`${topic}/ours`, 'kept', 1, { retain: true }));
      await waitForEntry(us.connection.log, 'the PUBACK note', (e) => e.kind === 'note' && e.text.includes('PUBACK complete'));
      const other = await paho(transport, '5');
      other.send({ op: 'publish', topic: `${topic}/theirs`, payload: 'kept too', qos: 1, retain: true });
      await other.waitFor('on_publish', (e) => e.event === 'published');
      const late = await paho(transport, '3.1.1');
      late.send({ op: 'subscribe', topic: `${topic}/ours`, qos: 1 });
      const m = await late.waitFor('the retained message', (e) => e.event === 'message');
      assert.equal(m.retain, true);
      assert.equal(m.payload, 'kept');
      await subscribe(us, `${topic}/theirs`, 1);
      const got = await packetWaiter(us)('the retained PUBLISH', (p) => p.direction === 'in' && p.decoded.fields.topic === `${topic}/theirs`);
      assert.equal(got.decoded.summary, `PUBLISH ${topic}/theirs q1 retain · 8 B`);
      assert.equal(nodeValue(got.decoded.tree, 'retain'), 'true');
      // Clear the retained messages so nothing leaks into other tests.
      await us.session.send(publishForm(`${topic}/ours`, '', 0, { retain: true }));
      await us.session.send(publishForm(`${topic}/theirs`, '', 0, { retain: true }));
    });

    it('MQTT 5 properties: ours reach paho, and paho\'s are decoded', async (t) => {
      if (!needs(t)) return;
      const topic = base();
      const receiver = await paho(transport, '5');
      receiver.send({ op: 'subscribe', topic: `${topic}/#`, qos: 1 });
      await receiver.waitFor('SUBACK', (e) => e.event === 'subscribed');
      const us = await openMqtt(transport, { version: '5' });
      await subscribe(us, `${topic}/from-paho`, 1);
      const properties = JSON.stringify({ contentType: 'application/json', messageExpiryInterval: 300, userProperties: { unit: 'C', source: 'inspector' } });
      await us.session.send(publishForm(`${topic}/from-us`, '{"t": 21.5}', 1, { properties }));
      const m = await receiver.waitFor('our message', (e) => e.event === 'message' && e.topic === `${topic}/from-us`);
      const props = m.properties as { contentType?: string; messageExpiryInterval?: number; userProperties?: string[][] };
      assert.equal(props.contentType, 'application/json');
      assert.ok(props.messageExpiryInterval! > 0 && props.messageExpiryInterval! <= 300, `expiry ${props.messageExpiryInterval}`);
      assert.deepEqual(props.userProperties, [['unit', 'C'], ['source', 'inspector']]);

      receiver.send({
        op: 'publish',
        topic: `${topic}/from-paho`,
        payload: 'hello',
        qos: 1,
        properties: { contentType: 'text/plain', messageExpiryInterval: 120, userProperties: [['k', 'v'], ['k', 'w']] },
      });
      const got = await packetWaiter(us)('paho\'s PUBLISH', (p) => p.direction === 'in' && p.decoded.fields.topic === `${topic}/from-paho`);
      assert.equal(nodeValue(got.decoded.tree, 'properties', 'Content Type'), '"text/plain"');
      const expiry = Number(nodeValue(got.decoded.tree, 'properties', 'Message Expiry Interval'));
      assert.ok(expiry > 0 && expiry <= 120, `expiry ${expiry}`);
      const input = { payload: got.payload, direction: 1 as const, kind: Kind.Binary, settings: us.settings };
      const edited = JSON.parse(layerFactory('mqtt')!.decoder.toEditableText!(input)!);
      assert.deepEqual(edited.properties.userProperties, { k: ['v', 'w'] });
      assert.equal(edited.payload, 'hello');
    });

    it('keep-alive: PINGREQ every interval answered by PINGRESP; with it off the broker drops us after 1.5× keep-alive', async (t) => {
      if (!needs(t)) return;
      const us = await openMqtt(transport, { keepAliveSeconds: 1 });
      const waitFor = packetWaiter(us);
      await waitFor('a PINGREQ', (p) => p.direction === 'out' && p.decoded.summary === 'PINGREQ');
      await waitFor('a PINGRESP', (p) => p.direction === 'in' && p.decoded.summary === 'PINGRESP');
      assert.equal(us.connection.state, 'open');

      const silent = await openMqtt(transport, { keepAliveSeconds: 1, autoKeepAlive: false });
      // Over TCP the broker's FIN is logged as Closed while our side stays writable.
      await waitForEntry(silent.connection.log, 'the broker closing', (e) => e.kind === 'closed');
      const sent = loggedPackets(silent.connection.log, { framed: silent.framed }).filter((p) => p.direction === 'out');
      assert.deepEqual(
        sent.map((p) => p.decoded.fields.type),
        ['CONNECT'],
        describeLog(silent.connection.log),
      );
      assert.match(silent.session.status, /^disconnected/);
    });

    for (const version of ['3.1.1', '5'] as const) {
      it(`MQTT ${version}: a bad password shows the CONNACK reason`, async (t) => {
        if (!needs(t)) return;
        const us = await openMqtt(transport, { version, password: 'wrong' }, false);
        const status = await statusMatching(us.session, /^CONNACK/);
        assert.match(status, version === '5' ? /^CONNACK 0x8[67] (Bad user name or password|Not authorized)$/ : /^CONNACK 0x0[45] Connection Refused, (bad user name or password|not authorized)$/);
        const ack = await packetWaiter(us)('the CONNACK', (p) => p.direction === 'in' && p.decoded.fields.type === 'CONNACK');
        assert.equal(ack.decoded.summary, status);
        const connect = loggedPackets(us.connection.log, { framed: us.framed }).find((p) => p.decoded.fields.type === 'CONNECT')!;
        assert.match(connect.decoded.summary, new RegExp(`MQTT ${version.replace(/\./g, '\\.')} · keep-alive 60 s · clean · user inspector$`));
        assert.ok(!notes(us).some((n) => n.includes('wrong')), 'the password never appears in a note');
      });
    }
  });
}
