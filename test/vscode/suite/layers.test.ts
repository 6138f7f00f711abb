// The protocol layers through an inspector tab, as its composer sends them: a Socket.IO emit with an ack to
// python-socketio and an MQTT QoS 1 publish to mosquitto, each connection opened by a connect command with the
// layer's URL scheme, and the rows' summaries as the webview gets them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectResult } from '../../../src/vscode/commands/connectCommands';
import type { Connection } from '../../../src/core/connection/connectionTypes';
import { Kind } from '../../../shared/logModel';
import { MQTT_USER, mosquittoMissing, startMosquitto, type Mosquitto } from '../../support/mosquitto';
import { pythonSocketIoMissing, startPythonSocketIoServer, type PythonSocketIoServer } from '../../support/pythonSocketIo';
import { inCI } from '../../support/requirePeer';
import { api, until } from '../extensionHost';

/** Skips the suite when a peer is missing, except in CI, where that fails. */
function requirePeer(context: Mocha.Context, missing: string | undefined): void {
  if (!missing) return;
  if (inCI) throw new Error(`Prerequisite missing in CI: ${missing}`);
  context.skip();
}

/** The text of every note of the log. */
function notes(connection: Connection): string[] {
  const log = connection.log;
  const texts: string[] = [];
  for (let s = log.firstSeq; s < log.nextSeq; s++) if (log.kind(s) === Kind.Note) texts.push(new TextDecoder().decode(log.payload(s)));
  return texts;
}

/** Every row's summary, in log order, from the inspector of `id`. */
async function rowSummaries(id: string, connection: Connection): Promise<string[]> {
  const inspector = (await api()).inspector(id);
  assert.ok(inspector, 'the connect command opened no inspector tab');
  const seqs: number[] = [];
  for (let s = connection.log.firstSeq; s < connection.log.nextSeq; s++) seqs.push(s);
  return (await inspector.summaries(seqs)).filter((s): s is string => s !== null);
}

suite('Protocol layers through the inspector', () => {
  suite('Socket.IO against python-socketio', () => {
    let server: PythonSocketIoServer | undefined;

    suiteSetup(async function () {
      requirePeer(this, pythonSocketIoMissing());
      server = await startPythonSocketIoServer();
    });

    suiteTeardown(async () => {
      await server?.close();
    });

    test('a socketio:// URL speaks Socket.IO; an emit with ack from the composer is paired with its ACK', async () => {
      const { getConnection, inspector } = await api();
      const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', `socketio://127.0.0.1:${server!.port}/`);
      assert.equal(result.state, 'open', JSON.stringify(result));
      const connection = getConnection(result.id)!;
      await server!.waitForReport('the connect of /', (r) => r.connect === '/');

      const sent = await inspector(result.id)!.layerSend({ layer: 'socketio', event: 'chat', args: '["hi from the host",{"n":1}]', ack: true });
      assert.ok(sent.bytes > 0);
      const got = await server!.waitForReport('the chat event', (r) => typeof r.got === 'object');
      assert.deepEqual(got.got, { namespace: '/', event: 'chat', args: ['hi from the host', { n: 1 }] });

      await until('the ack note', () => notes(connection).some((n) => /ack 0 for #\d+/.test(n)));
      assert.match(notes(connection).find((n) => n.includes('ack 0'))!, /^↑ ack 0 for #\d+ after \d+(\.\d+)? m?s$/);
      const summaries = await rowSummaries(result.id, connection);
      assert.ok(summaries.includes('EVENT chat ["hi from the host",{"n":1}] · ack 0'), summaries.join('\n'));
      assert.ok(summaries.some((s) => s === 'ACK 0 ["ok","hi from the host",{"n":1}]'), summaries.join('\n'));

      await vscode.commands.executeCommand('socketInspector.disconnect', result.id);
      await until('the close', () => connection.state === 'closed');
    });
  });

  suite('MQTT against mosquitto', () => {
    let broker: Mosquitto | undefined;

    suiteSetup(async function () {
      requirePeer(this, mosquittoMissing());
      broker = await startMosquitto();
    });

    suiteTeardown(async () => {
      await broker?.close();
    });

    test('an mqtt:// target with credentials in layerSettings logs in; a QoS 1 publish gets its PUBACK', async () => {
      const { getConnection, inspector } = await api();
      const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectTcp', {
        target: `mqtt://127.0.0.1:${broker!.tcpPort}`,
        layerSettings: { version: '5', clientId: 'si-host-test', username: MQTT_USER.username, password: MQTT_USER.password },
      });
      assert.equal(result.state, 'open', JSON.stringify(result));
      const connection = getConnection(result.id)!;
      let summaries: string[] = [];
      for (let tries = 0; !summaries.includes('CONNACK 0x00 Success'); tries++) {
        assert.ok(tries < 500, `no CONNACK: ${summaries.join(' | ')}`);
        await new Promise((r) => setTimeout(r, 20));
        summaries = await rowSummaries(result.id, connection);
      }

      const sent = await inspector(result.id)!.layerSend({ layer: 'mqtt', action: 'publish', topic: 'si/host/temp', payload: '21.5', format: 'text', qos: 1 });
      assert.ok(sent.bytes > 0);
      await until('the PUBACK note', () => notes(connection).some((n) => n.includes('PUBACK complete')));
      summaries = await rowSummaries(result.id, connection);
      assert.ok(summaries.includes('CONNECT si-host-test · MQTT 5 · keep-alive 60 s · clean · user inspector'), summaries.join('\n'));
      assert.ok(summaries.includes('CONNACK 0x00 Success'), summaries.join('\n'));
      assert.ok(summaries.includes('PUBLISH si/host/temp q1 · 4 B'), summaries.join('\n'));
      // mosquitto answers a publish nobody subscribed to with reason 0x10 (MQTT 5).
      assert.ok(summaries.includes('PUBACK #1 0x10 No matching subscribers'), summaries.join('\n'));

      await vscode.commands.executeCommand('socketInspector.disconnect', result.id);
      await until('the close', () => connection.state === 'closed');
    });
  });
});
