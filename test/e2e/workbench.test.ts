// Drives the real VS Code workbench (code-server + headless Chromium) as a person would.
// `npm run test:e2e` builds first; outside CI the suite skips with a reason when Chromium or code-server's
// build prerequisites are missing, in CI it fails.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findPaletteEntry, findWebviewFrame, openFile, openWorkbench, runCommand, workbenchSkipReason, type Workbench } from '../support/workbench';

describe('VS Code workbench with Socket Inspector', { skip: workbenchSkipReason() }, () => {
  let workbench: Workbench | undefined;
  const opened = () => {
    assert.ok(workbench, 'the workbench did not open (see the before hook error)');
    return workbench;
  };

  before(async () => {
    workbench = await openWorkbench({
      label: 'e2e-workbench',
      files: {
        'notes.md': '# Loopback notes\n\nPreviewed by the harness check.\n',
        'api/chat-staging.socket-session.json': JSON.stringify({ version: 1, connection: { type: 'websocket', url: 'ws://127.0.0.1:9/' } }),
      },
    });
  });

  after(async () => {
    await workbench?.close();
  });

  test('the command palette lists "Socket Inspector: Connect WebSocket"', async () => {
    const entry = await findPaletteEntry(opened().page, 'Socket Inspector: Connect WebSocket');
    assert.equal(entry.id, 'socketInspector.connectWebSocket');
    assert.match(entry.label, /^Socket Inspector: Connect WebSocket/);
    await opened().page.keyboard.press('Escape');
  });

  // Checks the helpers later tests rely on (runCommand, openFile, findWebviewFrame) against a built-in webview,
  // so a broken helper shows up here rather than as a confusing failure in a Socket Inspector flow.
  test('helpers reach a webview opened through the command palette', async () => {
    const { page } = opened();
    await openFile(page, 'notes.md');
    await runCommand(page, 'Markdown: Open Preview to the Side');
    const frame = await findWebviewFrame(page, async (f) => (await f.locator('h1', { hasText: 'Loopback notes' }).count()) > 0);
    assert.equal((await frame.locator('h1').first().textContent())?.trim(), 'Loopback notes');
  });

  test('the Socket Inspector container\'s Socket Sessions view lists the workspace\'s session files, beside Connections', async () => {
    const { page } = opened();
    await runCommand(page, 'Socket Inspector: Focus on Socket Sessions View');
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Socket Sessions/i }) });
    const row = view.locator('.monaco-list-row', { hasText: 'chat-staging' });
    await row.waitFor({ timeout: 20_000 });
    assert.match((await row.textContent()) ?? '', /chat-staging\s*api/);
    // The window's connections have their own view in the same container, not a group in this one.
    assert.equal(await view.locator('.monaco-list-row', { hasText: 'Live Connections' }).count(), 0);
    await page.locator('.pane-header', { hasText: /^\s*Connections/i }).first().waitFor({ timeout: 20_000 });
  });
});
