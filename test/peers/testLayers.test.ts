// Session tests that speak a protocol layer (connection.layer): a `send: { layer: … }` step is the
// composer's layer form sent by the layer's session, and `expect` reads the layer's fields (a Socket.IO
// event, an MQTT topic). Against Debian's python-socketio and mosquitto.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { parseTestSession, runTest, type TestResult } from '../../src/core/testing';
import { MQTT_USER, mosquittoMissing, startMosquitto, type Mosquitto } from '../support/mosquitto';
import { pythonSocketIoMissing, startPythonSocketIoServer, type PythonSocketIoServer } from '../support/pythonSocketIo';
import { requirePeer } from '../support/requirePeer';

async function run(text: string): Promise<TestResult> {
  const loaded = parseTestSession(text);
  return runTest(loaded.session, loaded.tests[0]!, { locate: loaded.locate });
}

const failure = (r: TestResult) => `${r.failure?.message}\nexpected: ${r.failure?.expected}\nactual: ${r.failure?.actual}`;

describe('layer sends and layer fields against python-socketio', () => {
  let server: PythonSocketIoServer | undefined;
  before(async () => {
    if (!pythonSocketIoMissing()) server = await startPythonSocketIoServer();
  });
  after(async () => {
    await server?.close();
  });
  const session = (steps: object[]) =>
    JSON.stringify(
      {
        version: 1,
        connection: { type: 'websocket', url: `ws://127.0.0.1:${server!.port}/socket.io/?EIO=4&transport=websocket`, layer: { type: 'socketio' } },
        tests: [{ name: 'socket.io', timeoutMs: 5000, steps }],
      },
      null,
      2,
    );

  it('an emit with ack is answered; an event the server emits is expected by its name', async (t: TestContext) => {
    if (!requirePeer(t, 'python3-socketio', pythonSocketIoMissing())) return;
    const result = await run(
      session([
        { send: { layer: { layer: 'socketio', event: 'chat', args: '["hi from a test", {"n": 2}]', ack: true } } },
        { expect: { field: { name: 'type', equals: 'ACK' }, contains: '"ok","hi from a test"' } },
        { send: { layer: { layer: 'socketio', event: 'send-binary', args: '[]' } } },
        { expect: { field: { name: 'event', equals: 'file' } } },
        { expectNone: { field: { name: 'event', equals: 'chat' }, within: 200 } },
      ]),
    );
    assert.equal(result.status, 'passed', failure(result));
    const got = await server!.waitForReport('the chat event', (r) => typeof r.got === 'object');
    assert.deepEqual(got.got, { namespace: '/', event: 'chat', args: ['hi from a test', { n: 2 }] });
  });

  it('a wrong event name fails the expect with the field that differs', async (t: TestContext) => {
    if (!requirePeer(t, 'python3-socketio', pythonSocketIoMissing())) return;
    const result = await run(
      session([
        { send: { layer: { layer: 'socketio', event: 'send-binary', args: '[]' } } },
        { expect: { kind: 'text', field: { name: 'event', equals: 'folder' }, within: 1500 } },
      ]),
    );
    assert.equal(result.status, 'failed');
    assert.equal(result.failure?.expected, 'folder');
    assert.equal(result.failure?.actual, 'file');
  });

  it('a form the layer refuses fails its step with the layer\'s sentence', async (t: TestContext) => {
    if (!requirePeer(t, 'python3-socketio', pythonSocketIoMissing())) return;
    const result = await run(session([{ send: { layer: { layer: 'socketio', event: 'chat', args: 'not json' } } }]));
    assert.equal(result.status, 'failed');
    assert.match(result.failure?.message ?? '', /^The socketio layer did not send it: /);
  });
});

describe('layer sends and layer fields against mosquitto', () => {
  let broker: Mosquitto | undefined;
  before(async () => {
    if (!mosquittoMissing()) broker = await startMosquitto();
  });
  after(async () => {
    await broker?.close();
  });

  it('subscribe, publish at QoS 1 and expect the delivery by its topic, over TCP cut into packets', async (t: TestContext) => {
    if (!requirePeer(t, 'mosquitto', mosquittoMissing())) return;
    const text = JSON.stringify(
      {
        version: 1,
        connection: { type: 'tcp', host: '127.0.0.1', port: broker!.tcpPort, layer: { type: 'mqtt', version: '5', clientId: 'si-session-test', username: MQTT_USER.username, password: MQTT_USER.password } },
        tests: [
          {
            name: 'mqtt',
            timeoutMs: 5000,
            steps: [
              { expect: { field: { name: 'type', equals: 'CONNACK' } } },
              { send: { layer: { layer: 'mqtt', action: 'subscribe', topic: 'si/test/#', qos: 1 } } },
              { expect: { field: { name: 'type', equals: 'SUBACK' } } },
              { send: { layer: { layer: 'mqtt', action: 'publish', topic: 'si/test/temp', payload: '{"c": 21.5}', format: 'json', qos: 1 } } },
              // The broker may deliver before it acknowledges: an expect passes over what comes first.
              { expect: { field: { name: 'topic', equals: 'si/test/temp' }, contains: '21.5' } },
            ],
          },
        ],
      },
      null,
      2,
    );
    const result = await run(text);
    assert.equal(result.status, 'passed', failure(result));
  });
});

describe('the loader and layer sends', () => {
  const text = (connection: object, send: object) => JSON.stringify({ version: 1, connection, tests: [{ name: 't', steps: [{ send }] }] }, null, 2);

  it('refuses a layer form on a connection without a layer, and one of another layer', () => {
    assert.throws(
      () => parseTestSession(text({ type: 'websocket', url: 'ws://127.0.0.1:1/' }, { layer: { layer: 'socketio', event: 'a', args: '[]' } })),
      /tests\[0\]\.steps\[0\]\.send\.layer sends through a protocol layer, which needs one on the connection/,
    );
    assert.throws(
      () => parseTestSession(text({ type: 'websocket', url: 'ws://127.0.0.1:1/', layer: { type: 'stomp' } }, { layer: { layer: 'socketio', event: 'a', args: '[]' } })),
      /send\.layer\.layer is "socketio", but the connection speaks stomp/,
    );
  });
});
