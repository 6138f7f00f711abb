// Session tests in a real VS Code's Test Explorer: the sample JSON API session (samples/tests/) with one more
// test that cannot pass, an environment file pointing at an echo server, Run All Tests, the environment
// picked from the quick pick, and the tree showing the sample's tests passed and the extra one failed,
// with the gutter of the file showing the same. The screenshot is the README's.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEchoServers } from '../../scripts/echoServer.mjs';
import { repoRoot, resultsDir } from '../../scripts/vscode/codeServer.mjs';
import { insertTest } from '../../src/core/testing/testInsert';
import { eventually } from '../support/eventually';
import { answerInputBox, openFile, openWorkbench, runCommand, workbenchSkipReason, type Workbench } from '../support/workbench';

const FILE = 'echo-json-api.socket-session.json';
const FAILING = 'the server answers pong';

describe('Session tests in the Test Explorer', { skip: workbenchSkipReason() }, () => {
  let workbench: Workbench | undefined;
  let echo: Awaited<ReturnType<typeof startEchoServers>> | undefined;
  let session = '';

  before(async () => {
    echo = await startEchoServers({ wsPort: 0, tcpPort: 0 });
    const sample = readFileSync(join(repoRoot, 'samples', 'tests', FILE), 'utf8');
    // An echo server never says pong: this test fails, at its expect, with the ping it got back.
    const insertedSession = insertTest(sample, {
      name: FAILING,
      steps: [
        { kind: 'send', send: { json: { type: 'ping' } } },
        { kind: 'expect', expect: { json: { type: 'pong' }, within: 1000 } },
      ],
    });
    const env = JSON.stringify({ environments: { local: { echoWs: echo.wsUrl, channel: 'ticker', requestId: '42' } } }, null, 2);
    session = insertedSession;
    workbench = await openWorkbench({
      label: 'e2e-test-explorer',
      files: { [`tests/${FILE}`]: insertedSession, 'local.socket-env.json': env },
      // A failure in the open file would open the results peek there and scroll the editor to it: the
      // gutter checks below go to each test's line themselves.
      settings: { 'testing.automaticallyOpenPeekView': 'never' },
    });
  });

  after(async () => {
    await workbench?.close();
    await echo?.stop();
  });

  test('run all: the sample passes, the test an echo cannot pass fails', async () => {
    const { page } = workbench!;
    await openFile(page, `tests/${FILE}`);
    // The file opens in the inspector; the gutter's marks are in the text editor.
    await runCommand(page, 'View: Reopen Editor with Text Editor');
    const text = page.locator('.monaco-editor .view-lines', { hasText: '"tests"' }).first();
    await text.waitFor({ timeout: 20_000 });
    // The workbench, not the closing inspector's frame, takes the keyboard (F1 opens the palette).
    await text.click();
    await runCommand(page, 'Testing: Focus on Test Explorer View');
    const tree = page.locator('.test-explorer');
    const row = (name: string) => tree.locator('.monaco-list-row', { hasText: name }).first();
    // The file's item, then its tests once expanded.
    await row(FILE).waitFor({ timeout: 30_000 });
    await runCommand(page, 'Test: Run All Tests');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'local' }).first().click({ timeout: 20_000 });

    try {
      await row(FILE).locator('.codicon-testing-failed-icon').waitFor({ timeout: 60_000 });
    } catch (e) {
      // What the tree shows, to see why.
      writeFileSync(join(resultsDir, 'vscode-test-explorer-tree.html'), await tree.innerHTML().catch(() => ''));
      throw e;
    }
    // A new row of the Test Explorer starts open, but its tests can be drawn after the file's failed mark.
    // A click toggles: the file is clicked only while its twistie says closed, never because its tests are
    // not drawn yet (that click closed an open file, and its tests never showed).
    await eventually(
      async () => {
        if ((await row(FILE).locator('.monaco-tl-twistie.collapsible.collapsed').count()) > 0) await row(FILE).click();
        return row('subscribe is acknowledged').count();
      },
      (n) => n > 0,
      "the file's tests in the tree",
      30_000,
    );
    for (const name of ['subscribe is acknowledged', 'binary frames come back byte for byte', 'heartbeat while waiting']) {
      await row(name).locator('.codicon-testing-passed-icon').waitFor({ timeout: 30_000 });
    }
    await row(FAILING).locator('.codicon-testing-failed-icon').waitFor({ timeout: 30_000 });
    // The gutter marks each test's line (the editor draws only the lines in view, so go to each first).
    const gutter = page.locator('.monaco-editor .margin');
    const goToTest = async (name: string) => {
      const line = session.split('\n').findIndex((l) => l.includes(`"${name}"`)) + 1;
      assert.ok(line > 1, `the file names the test "${name}"`);
      await runCommand(page, 'Go to Line/Column...');
      await answerInputBox(page, `:${line}`);
    };
    await goToTest('subscribe is acknowledged');
    await gutter.locator('.codicon-testing-passed-icon').first().waitFor({ timeout: 20_000 });
    await goToTest(FAILING);
    await gutter.locator('.codicon-testing-failed-icon').first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(resultsDir, 'vscode-test-explorer.png') });
  });
});
