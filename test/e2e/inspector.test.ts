// A person's first minutes with Socket Inspector, in a real VS Code: connect from the command palette,
// type in the composer, send, see the echo, read its bytes in the Hex tab. Against a WebSocket echo server
// and against Debian's redis-server over raw TCP.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEchoServers } from '../../scripts/echoServer.mjs';
import { resultsDir } from '../../scripts/vscode/codeServer.mjs';
import { startRedis } from '../support/processPeers';
import { inCI, redisMissing } from '../support/requirePeer';
import { hexOfLastIncoming, inspectorFrame, sendFromComposer, waitForState } from '../support/inspectorFrame';
import { answerInputBox, runCommand, openWorkbench, workbenchSkipReason, type Workbench } from '../support/workbench';

const redisSkip = redisMissing();
if (redisSkip && inCI) throw new Error(`Prerequisite missing in CI: ${redisSkip}`);

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

    // Redis wants CRLF: Escapes is ticked by default on TCP (socketInspector.composer.tcpEscapes), so the
    // text format sends "\r\n" as the two bytes.
    assert.equal(await frame.locator('[data-testid=composer-escapes]').evaluate((el) => (el as unknown as { checked: boolean }).checked), true);
    await sendFromComposer(frame, 'PING\\r\\n');
    const hex = await hexOfLastIncoming(frame);
    assert.match(hex, /2b50 4f4e 470d 0a/, hex); // +PONG\r\n
    await page.screenshot({ path: join(resultsDir, 'vscode-inspector-tcp.png') });
  });
});
