// Payload codecs as a person meets them in a real VS Code: a connection to Debian's python3-websockets echo
// peer, "Socket Inspector: Choose Payload Codec…" run from the palette, Protobuf, the workspace's .proto and
// a message type picked in its quick picks, JSON typed into the composer and sent with "Encode as Protobuf",
// and the echo (the peer's copy of the bytes it got) decoded on the Decoded tab with the fields by name. The
// screenshot (test-results/vscode-codec-protobuf.png) is the README's docs/images/vscode-codec-protobuf.png.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { resultsDir } from '../../scripts/vscode/codeServer.mjs';
import { inspectorFrame, waitForState } from '../support/inspectorFrame';
import { startPythonWsServer } from '../support/processPeers';
import { PROTO_DIR } from '../support/protoc';
import { eventually } from '../support/eventually';
import { inCI, pythonWebsocketsMissing } from '../support/requirePeer';
import { answerInputBox, openWorkbench, runCommand, workbenchSkipReason, type Workbench } from '../support/workbench';

const peerSkip = pythonWebsocketsMissing();
if (peerSkip && inCI) throw new Error(`Prerequisite missing in CI: ${peerSkip}`);

const FILES = ['chat/v1/message.proto', 'chat/v1/attachment.proto', 'common/types.proto'];
const QUICK_INPUT = '.quick-input-widget';

/**
 * Answers the command's quick pick titled `title`: narrows the list by typing `label` and picks that row; in
 * a multi-select list (`many`) ticks it and accepts with Enter, as a person would.
 */
async function pick(page: Page, title: string, label: string, { many = false } = {}): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 20_000 });
  const input = widget.locator('.quick-input-box input').first();
  await input.fill(label);
  const row = widget.locator('.monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await row.click();
  if (many) {
    await widget.locator('.monaco-list-row[aria-checked=true]', { hasText: label }).first().waitFor({ timeout: 10_000 });
    await input.press('Enter');
  }
}

describe('Payload codecs in VS Code', { skip: workbenchSkipReason() ?? peerSkip }, () => {
  let workbench: Workbench | undefined;
  let peer: Awaited<ReturnType<typeof startPythonWsServer>> | undefined;

  before(async () => {
    peer = await startPythonWsServer();
    const files = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(PROTO_DIR, f), 'utf8')]));
    workbench = await openWorkbench({ label: 'e2e-codecs', files, settings: { 'socketInspector.connect.speak': 'none' } });
    mkdirSync(resultsDir, { recursive: true });
  });

  after(async () => {
    await workbench?.close();
    await peer?.close();
  });

  test('Protobuf from the palette with a .proto and a type; the composer encodes JSON; the Decoded tab names the fields', async () => {
    const { page } = workbench!;
    const url = peer!.url('/echo');
    await runCommand(page, 'Socket Inspector: Connect WebSocket');
    await answerInputBox(page, url);
    const frame = await inspectorFrame(page, url.replace(/^ws:\/\//, ''));
    await waitForState(frame, 'open');

    await runCommand(page, 'Socket Inspector: Choose Payload Codec');
    await pick(page, 'Decode payloads with which codec?', 'Protobuf');
    await pick(page, 'Decode which payloads?', 'All messages');
    await pick(page, 'Message types come from which .proto files?', 'chat/v1/message.proto', { many: true });
    await pick(page, 'Decode as which message type?', 'chat.v1.Message');
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 10_000 });

    const encode = frame.locator('[data-testid=composer-encode]');
    await encode.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await encode.getAttribute('label'), 'Encode as Protobuf (chat.v1.Message)');
    await frame.locator('[data-testid=composer-format]').click();
    await frame.locator('[data-testid=composer-format]').getByRole('option', { name: 'JSON', exact: true }).click();
    await encode.click();
    await frame.locator('[data-testid=composer-input]').click();
    await page.keyboard.type('{"id": "42", "text": "hello from VS Code", "priority": "HIGH", "author": {"name": "ann", "kind": "KIND_USER"}, "tags": ["demo"]}');
    await page.keyboard.press('Control+Enter');

    const echo = frame.locator('[data-testid=log-row][data-direction=in][data-kind=binary]').first();
    await echo.waitFor({ timeout: 20_000 });
    // The row shows its bytes until the decoded summary, asked for when the row is drawn, arrives.
    const summary = /chat\.v1\.Message \{id: 42, text: "hello from VS Code", priority: HIGH, author: \{…\}, tags: \[1\]\}/;
    await eventually(async () => (await echo.textContent()) ?? '', (t) => summary.test(t), 'the decoded summary in the row');
    await echo.click();
    await frame.locator('[data-testid=detail-tab-decoded]').click();
    const tree = frame.locator('[data-testid=detail-decoded] [data-testid=decoded-tree]');
    await tree.waitFor({ state: 'visible', timeout: 10_000 });
    // Each node reads key, type and value; compared without the spaces the layout puts between them.
    const lines = (await tree.locator('[data-testid=decoded-node]').allTextContents()).map((t) => t.replace(/\s+/g, ''));
    for (const expected of ['iduint6442', 'textstring"hellofromVSCode"', 'priorityenumcommon.PriorityHIGH(2)', 'name string"ann"', 'kindenumchat.v1.Message.KindKIND_USER(1)']) {
      assert.ok(lines.includes(expected.replace(/\s+/g, '')), `${expected} in ${JSON.stringify(lines)}`);
    }
    assert.ok(lines.some((l) => l.startsWith('authorchat.v1.Message.Author')), JSON.stringify(lines));
    assert.ok(lines.some((l) => l.startsWith('tagsrepeatedstring')), JSON.stringify(lines));
    await page.screenshot({ path: join(resultsDir, 'vscode-codec-protobuf.png') });
  });
});
