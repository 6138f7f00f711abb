// Session files as a person uses them in a real VS Code: connect from the palette, send, save the session
// through the save dialog, close the tab, reopen the file from Quick Open and find the log there. And a
// corrupt session file: a clear error in the editor, the way back to the text editor, the bytes untouched.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { startEchoServers } from '../../scripts/echoServer.mjs';
import { resultsDir } from '../../scripts/vscode/codeServer.mjs';
import { parseSession } from '../../src/core/session';
import { eventually } from '../support/eventually';
import { answerInputBox, answerSaveDialog, findWebviewFrame, openFile, openWorkbench, runCommand, workbenchSkipReason, type Workbench } from '../support/workbench';

const CORRUPT = '{ "version": 1, "connection": { "type": "websocket", "url": ';

/** An inspector webview whose log has a row containing `text`. */
function frameWithRow(page: Page, text: string): Promise<Frame> {
  return findWebviewFrame(page, async (f) => (await f.locator('[data-testid=log-row]', { hasText: text }).count()) > 0);
}

describe('Session files in VS Code', { skip: workbenchSkipReason() }, () => {
  let workbench: Workbench | undefined;
  let echo: Awaited<ReturnType<typeof startEchoServers>> | undefined;

  before(async () => {
    echo = await startEchoServers({ wsPort: 0, tcpPort: 0 });
    workbench = await openWorkbench({ label: 'e2e-sessions', files: { 'broken.socket-session.json': CORRUPT } });
  });

  after(async () => {
    await workbench?.close();
    await echo?.stop();
  });

  test('save the session, close the tab, reopen the file: the log is there', async () => {
    const { page, workspace } = workbench!;
    await runCommand(page, 'Socket Inspector: Connect WebSocket');
    await answerInputBox(page, echo!.wsUrl);
    const live = await findWebviewFrame(page, async (f) => (await f.locator('[data-testid=connection-status][data-state=open]').count()) > 0);
    await live.locator('[data-testid=composer-input]').click();
    await page.keyboard.type('remember me');
    await page.keyboard.press('Control+Enter');
    await live.locator('[data-testid=log-row][data-direction=in]', { hasText: 'remember me' }).first().waitFor({ timeout: 20_000 });

    const path = join(workspace, 'echo.socket-session.json');
    await runCommand(page, 'Socket Inspector: Save Session As');
    // code-server's save dialog is a quick input holding a path; type ours.
    await answerSaveDialog(page, path);
    const session = parseSession(readFileSync(path, 'utf8'));
    assert.ok(session.log?.entries.some((e) => e.direction === 'in' && e.text === 'remember me'), 'the saved log lacks the echo');

    await runCommand(page, 'View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 10_000 });

    await openFile(page, 'echo.socket-session.json');
    const reopened = await frameWithRow(page, 'remember me');
    const rows = reopened.locator('[data-testid=log-row]', { hasText: 'remember me' });
    // The frame was found by one row; the log draws its rows in animation frames.
    await eventually(() => rows.count(), (n) => n >= 2, 'the sent message and its echo both in the reopened log');
    await reopened.locator('[data-testid=log-row][data-direction=out]', { hasText: 'remember me' }).first().waitFor();
    await page.screenshot({ path: join(resultsDir, 'vscode-session-reopened.png') });

    // Replay from the toolbar: it connects with the file's settings and sends the recorded message again.
    await reopened.locator('[data-testid=session-replay]').click();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'One after another' }).first().click({ timeout: 10_000 });
    await reopened.locator('[data-testid=connection-status][data-state=open]').waitFor({ timeout: 20_000 });
    await reopened.locator('[data-testid=log-row][data-direction=in]', { hasText: 'remember me' }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(resultsDir, 'vscode-session-replayed.png') });
  });

  test('a corrupt session file shows the error, reopens as text, and is not changed', async () => {
    const { page, workspace } = workbench!;
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'broken.socket-session.json');
    const frame = await findWebviewFrame(page, async (f) => (await f.locator('[data-testid=session-error]').count()) > 0);
    const message = (await frame.locator('[data-testid=session-error]').textContent()) ?? '';
    assert.match(message, /broken\.socket-session\.json/);
    await frame.locator('[data-testid=reopen-as-text]').click();
    await page.locator('.monaco-editor .view-lines', { hasText: '"connection"' }).first().waitFor({ timeout: 20_000 });
    assert.equal(readFileSync(join(workspace, 'broken.socket-session.json'), 'utf8'), CORRUPT);
  });
});
