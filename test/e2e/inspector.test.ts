// A person's first minutes with Socket Inspector, in a real VS Code: connect from the command palette,
// type in the composer, send, see the echo, read its bytes in the Hex tab. Against a WebSocket echo server
// and against Debian's redis-server over raw TCP.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { startEchoServers } from '../../scripts/echoServer.mjs';
import { resultsDir } from '../../scripts/vscode/codeServer.mjs';
import { startRedis } from '../peers/support/processPeers';
import { inCI, redisMissing } from '../peers/support/requirePeer';
import { answerInputBox, findWebviewFrame, runCommand, openWorkbench, workbenchSkipReason, type Workbench } from './support/workbench';

const redisSkip = redisMissing();
if (redisSkip && inCI) throw new Error(`Prerequisite missing in CI: ${redisSkip}`);

/** The inspector webview showing `target` (its toolbar names the target). */
function inspectorFrame(page: Page, target: string): Promise<Frame> {
  return findWebviewFrame(page, async (f) => {
    if ((await f.locator('[data-testid=composer-input]').count()) === 0) return false;
    const text = (await f.locator('body').textContent()) ?? '';
    return text.includes(target);
  });
}

async function waitForState(frame: Frame, state: string): Promise<void> {
  await frame.locator(`[data-testid=connection-status][data-state=${state}]`).waitFor({ timeout: 20_000 });
}

/** Types into the composer as a person would and sends with Ctrl+Enter. */
async function sendFromComposer(frame: Frame, text: string): Promise<void> {
  await frame.locator('[data-testid=composer-input]').click();
  await frame.page().keyboard.type(text);
  await frame.page().keyboard.press('Control+Enter');
}

/** Opens the newest incoming row's Hex tab and returns the dump's text. */
async function hexOfLastIncoming(frame: Frame): Promise<string> {
  const row = frame.locator('[data-testid=log-row][data-direction=in]').last();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await frame.locator('[data-testid=detail-tab-hex]').click();
  const hex = frame.locator('[data-testid=detail-hex]');
  await hex.waitFor({ state: 'visible', timeout: 10_000 });
  return (await hex.innerText()).replace(/\s+/g, ' ');
}

describe('Inspector in VS Code', { skip: workbenchSkipReason() }, () => {
  let workbench: Workbench | undefined;
  let echo: Awaited<ReturnType<typeof startEchoServers>> | undefined;
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;

  before(async () => {
    echo = await startEchoServers({ wsPort: 0, tcpPort: 0 });
    if (!redisSkip) redis = await startRedis();
    workbench = await openWorkbench({ label: 'e2e-inspector' });
  });

  after(async () => {
    await workbench?.close();
    await echo?.stop();
    await redis?.close();
  });

  test('WebSocket: connect from the palette, send from the composer, read the echo in hex', async () => {
    const { page } = workbench!;
    await runCommand(page, 'Socket Inspector: Connect WebSocket');
    await answerInputBox(page, echo!.wsUrl);
    const frame = await inspectorFrame(page, echo!.wsUrl);
    await waitForState(frame, 'open');

    await sendFromComposer(frame, 'hello from VS Code');
    await frame.locator('[data-testid=log-row][data-direction=out][data-kind=text]').first().waitFor({ timeout: 20_000 });
    const echoed = frame.locator('[data-testid=log-row][data-direction=in][data-kind=text]');
    await echoed.first().waitFor({ timeout: 20_000 });
    assert.match((await echoed.last().textContent()) ?? '', /hello from VS Code/);

    const hex = await hexOfLastIncoming(frame);
    // "hello from VS Code" as xxd groups it.
    assert.match(hex, /6865 6c6c 6f20 6672 6f6d 2056 5320 436f 6465/, hex);
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'vscode-inspector-websocket.png') });
  });

  test('TCP: PING to redis-server answers +PONG, bytes exact in the Hex tab', { skip: redisSkip }, async () => {
    const { page } = workbench!;
    const target = `127.0.0.1:${redis!.port}`;
    await runCommand(page, 'Socket Inspector: Connect TCP');
    await answerInputBox(page, target);
    const frame = await inspectorFrame(page, target);
    await waitForState(frame, 'open');

    // Redis wants CRLF: with Escapes ticked, the text format sends "\r\n" as the two bytes.
    await frame.locator('[data-testid=composer-escapes]').click();
    await sendFromComposer(frame, 'PING\\r\\n');
    const hex = await hexOfLastIncoming(frame);
    assert.match(hex, /2b50 4f4e 470d 0a/, hex); // +PONG\r\n
    await page.screenshot({ path: join(resultsDir, 'vscode-inspector-tcp.png') });
  });
});
