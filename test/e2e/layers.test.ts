// The protocol layers as a person meets them in a real VS Code: a socketio:// URL typed into the command
// palette speaks Socket.IO, its composer form emits an event with an ack to python-socketio, the ACK row
// and the Decoded tab show what came back; an mqtt:// target speaks MQTT to mosquitto, the form publishes
// at QoS 1 and the broker's PUBACK is shown; a web-STOMP URL with Speak: STOMP sends a frame with a receipt
// to RabbitMQ. The screenshots are the README's.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { resultsDir } from '../../scripts/vscode/codeServer.mjs';
import { inspectorFrame, waitForState } from '../support/inspectorFrame';
import { mosquittoMissing, startMosquitto, type Mosquitto } from '../support/mosquitto';
import { rabbitmqMissing, startRabbitMq, type RabbitMq } from '../support/rabbitmq';
import { pythonSocketIoMissing, startPythonSocketIoServer, type PythonSocketIoServer } from '../support/pythonSocketIo';
import { inCI } from '../support/requirePeer';
import { answerInputBox, openWorkbench, runCommand, workbenchSkipReason, type Workbench } from '../support/workbench';

const socketIoSkip = pythonSocketIoMissing();
const mosquittoSkip = mosquittoMissing();
const rabbitSkip = rabbitmqMissing();
for (const missing of [socketIoSkip, mosquittoSkip, rabbitSkip]) if (missing && inCI) throw new Error(`Prerequisite missing in CI: ${missing}`);

/** Clicks a field of the composer's layer form and types into it as a person would. */
async function typeInto(frame: Frame, testId: string, text: string): Promise<void> {
  await frame.locator(`[data-testid=${testId}]`).click();
  await frame.page().keyboard.type(text);
}

/** Selects a row, opens its Decoded tab and returns the decoded summary shown there. */
async function decodedSummaryOf(frame: Frame, row: ReturnType<Frame['locator']>): Promise<string> {
  await row.click();
  await frame.locator('[data-testid=detail-tab-decoded]').click();
  const summary = frame.locator('[data-testid=detail-decoded] [data-testid=decoded-summary]');
  await summary.waitFor({ state: 'visible', timeout: 10_000 });
  return (await summary.innerText()).replace(/\s+/g, ' ');
}

describe('Protocol layers in VS Code', { skip: workbenchSkipReason() }, () => {
  let workbench: Workbench | undefined;
  let socketIo: PythonSocketIoServer | undefined;
  let mosquitto: Mosquitto | undefined;
  let rabbit: RabbitMq | undefined;

  before(async () => {
    if (!socketIoSkip) socketIo = await startPythonSocketIoServer();
    // Anonymous: a target typed into the palette carries no credentials.
    if (!mosquittoSkip) mosquitto = await startMosquitto({ anonymous: true });
    if (!rabbitSkip) rabbit = await startRabbitMq();
    // A ws:// URL names no layer: this window speaks STOMP unless the URL's scheme says otherwise.
    workbench = await openWorkbench({ label: 'e2e-layers', settings: { 'socketInspector.connect.speak': 'stomp' } });
    mkdirSync(resultsDir, { recursive: true });
  });

  after(async () => {
    await workbench?.close();
    await socketIo?.close();
    await mosquitto?.close();
    await rabbit?.close();
  });

  test('Socket.IO: emit with ack from the form, the ACK row and the Decoded tab', { skip: socketIoSkip }, async () => {
    const { page } = workbench!;
    const port = socketIo!.port;
    await runCommand(page, 'Socket Inspector: Connect WebSocket');
    await answerInputBox(page, `socketio://127.0.0.1:${port}/`);
    const frame = await inspectorFrame(page, `127.0.0.1:${port}`);
    await waitForState(frame, 'open');
    await frame.locator('[data-testid=layer-form][data-layer=socketio]').waitFor({ state: 'visible', timeout: 20_000 });

    await typeInto(frame, 'sio-event', 'chat');
    await typeInto(frame, 'sio-args', '["hi from VS Code", {"room": 7}]');
    await frame.locator('[data-testid=sio-ack]').click();
    await frame.locator('[data-testid=composer-send]').click();

    const got = await socketIo!.waitForReport('the chat event', (r) => typeof r.got === 'object');
    assert.deepEqual(got.got, { namespace: '/', event: 'chat', args: ['hi from VS Code', { room: 7 }] });
    const sent = frame.locator('[data-testid=log-row][data-direction=out]', { hasText: 'EVENT chat' });
    await sent.first().waitFor({ timeout: 20_000 });
    assert.match((await sent.first().textContent()) ?? '', /EVENT chat \["hi from VS Code",\{"room":7\}\] · ack 0/);
    const ack = frame.locator('[data-testid=log-row][data-direction=in]', { hasText: 'ACK 0' });
    await ack.first().waitFor({ timeout: 20_000 });
    assert.match((await ack.first().textContent()) ?? '', /\["ok","hi from VS Code",\{"room":7\}\]/);
    const note = frame.locator('[data-testid=log-row][data-kind=note]', { hasText: 'ack 0 for #' });
    await note.first().waitFor({ timeout: 20_000 });

    const decoded = await decodedSummaryOf(frame, ack.first());
    assert.match(decoded, /ACK 0/, decoded);
    await page.screenshot({ path: join(resultsDir, 'vscode-layer-socketio.png') });
  });

  test('MQTT: publish at QoS 1 from the form, PUBLISH and PUBACK decoded', { skip: mosquittoSkip }, async () => {
    const { page } = workbench!;
    const target = `127.0.0.1:${mosquitto!.tcpPort}`;
    await runCommand(page, 'Socket Inspector: Connect TCP');
    await answerInputBox(page, `mqtt://${target}`);
    const frame = await inspectorFrame(page, target);
    await waitForState(frame, 'open');
    await frame.locator('[data-testid=log-row][data-direction=in]', { hasText: 'CONNACK' }).first().waitFor({ timeout: 20_000 });
    await frame.locator('[data-testid=layer-form][data-layer=mqtt]').waitFor({ state: 'visible', timeout: 20_000 });

    await typeInto(frame, 'mqtt-topic', 'sensors/kitchen/temp');
    await frame.locator('[data-testid=mqtt-qos]').click();
    await frame.getByRole('option', { name: 'QoS 1' }).click();
    await typeInto(frame, 'mqtt-payload', '{"celsius": 21.5}');
    await frame.locator('[data-testid=composer-send]').click();

    const publish = frame.locator('[data-testid=log-row][data-direction=out]', { hasText: 'PUBLISH sensors/kitchen/temp' });
    await publish.first().waitFor({ timeout: 20_000 });
    assert.match((await publish.first().textContent()) ?? '', /PUBLISH sensors\/kitchen\/temp q1 · 17 B/);
    const puback = frame.locator('[data-testid=log-row][data-direction=in]', { hasText: 'PUBACK' });
    await puback.first().waitFor({ timeout: 20_000 });
    const note = frame.locator('[data-testid=log-row][data-kind=note]', { hasText: 'QoS 1 delivery #' });
    await note.first().waitFor({ timeout: 20_000 });
    assert.match((await note.first().textContent()) ?? '', /PUBLISH → PUBACK complete/);

    const decoded = await decodedSummaryOf(frame, publish.first());
    assert.match(decoded, /PUBLISH sensors\/kitchen\/temp q1/, decoded);
    await page.screenshot({ path: join(resultsDir, 'vscode-layer-mqtt.png') });
  });

  test('STOMP: SEND with a receipt from the form to RabbitMQ, its RECEIPT and the Decoded tab', { skip: rabbitSkip }, async () => {
    const { page } = workbench!;
    const url = rabbit!.webStompUrl;
    await runCommand(page, 'Socket Inspector: Connect WebSocket');
    await answerInputBox(page, url);
    const frame = await inspectorFrame(page, url.replace(/^ws:\/\//, ''));
    await waitForState(frame, 'open');
    await frame.locator('[data-testid=log-row][data-direction=in]', { hasText: 'CONNECTED 1.2' }).first().waitFor({ timeout: 20_000 });
    await frame.locator('[data-testid=layer-form][data-layer=stomp]').waitFor({ state: 'visible', timeout: 20_000 });

    await typeInto(frame, 'stomp-destination', '/queue/si-e2e');
    await frame.locator('[data-testid=stomp-header-add]').click();
    await typeInto(frame, 'stomp-header-name', 'receipt');
    await typeInto(frame, 'stomp-header-value', 'r-1');
    await typeInto(frame, 'stomp-body', 'hello from VS Code');
    await frame.locator('[data-testid=composer-send]').click();

    const send = frame.locator('[data-testid=log-row][data-direction=out]', { hasText: 'SEND /queue/si-e2e' });
    await send.first().waitFor({ timeout: 20_000 });
    assert.match((await send.first().textContent()) ?? '', /SEND \/queue\/si-e2e · 18 B/);
    await frame.locator('[data-testid=log-row][data-direction=in]', { hasText: 'RECEIPT r-1' }).first().waitFor({ timeout: 20_000 });
    await frame.locator('[data-testid=log-row][data-kind=note]', { hasText: 'receipt r-1 for #' }).first().waitFor({ timeout: 20_000 });

    const decoded = await decodedSummaryOf(frame, send.first());
    assert.match(decoded, /SEND \/queue\/si-e2e/, decoded);
    await page.screenshot({ path: join(resultsDir, 'vscode-layer-stomp.png') });
  });
});
