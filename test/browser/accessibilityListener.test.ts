// A listener's panel (Chromium): axe-core finds no WCAG 2.0/2.1 A or AA violation on the server's log or
// a peer's, with the auto-reply rules open, in each theme; the filter strip's sender choice comes after
// the kinds by Tab and is set by keyboard.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import { createWsListener } from '../../src/core/listen/wsListener';
import { eventually } from '../support/eventually';
import { AXE_THEMES as THEMES, assertNoViolations } from './harness/axeCheck';
import { chromiumSkipReason } from './harness/chromium';
import { focusedControl, markOperableControls, tabCycle } from './harness/keyboardProbe';
import { choose, rowWithText, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

describe('filter strip of a listener (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  for (const theme of THEMES) {
    it(`listener panel in ${theme.name}: no violations on the server's log and on a peer's, with the rules open`, async () => {
      const server = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
      await server.connect();
      const panel = await openPanel(suite.browser, suite.server, server, { theme, callbacks: { disconnect: () => server.close(), connect: () => undefined } });
      const peer = new WebSocket(`ws://127.0.0.1:${server.server.address!.port}/a11y`);
      try {
        const { page } = panel;
        await new Promise((resolve, reject) => peer.once('open', resolve).once('error', reject));
        peer.send('hello');
        // The server's own log: Broadcast is shown ticked and cannot be changed there.
        await eventually(() => page.locator('[data-testid=peer-select] vscode-option').count(), (n) => n === 2, 'the peer in the selector');
        await page.locator('[data-testid=composer-broadcast]').waitFor();
        await assertNoViolations(page, `the server's log of a listener in ${theme.name}`);
        const peerLabel = (await page.locator('[data-testid=peer-select] vscode-option').nth(1).textContent())!.trim();
        await choose(page, 'peer-select', peerLabel);
        await rowWithText(page, 'hello').waitFor();
        await page.locator('[data-testid=auto-replies-toggle]').click();
        await page.locator('[data-testid=auto-reply-add]').click();
        await assertNoViolations(page, `a peer's log with the auto-reply rules open in ${theme.name}`);
        assert.deepEqual(panel.problems, []);
      } finally {
        peer.terminate();
        await panel.close();
        server.dispose();
      }
    });
  }

  it('the sender choice comes after the kinds by Tab, is set by keyboard, and axe finds nothing with it set', async () => {
    const server = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
    await server.connect();
    const panel = await openPanel(suite.browser, suite.server, server, {
      theme: THEMES[0]!,
      callbacks: { disconnect: () => server.close(), connect: () => undefined },
    });
    try {
      const { page } = panel;
      const choice = page.locator('[data-testid=filter-auto-replies]');
      await choice.waitFor();
      await markOperableControls(page);
      const { controls } = await tabCycle(page, 'Tab');
      const kinds = controls.indexOf('filter-kinds');
      assert.ok(kinds >= 0 && controls[kinds + 1] === 'filter-auto-replies', `Tab order ${controls.join(', ')}`);

      await page.locator('[data-testid=filter-kinds]').focus();
      await page.keyboard.press('Tab');
      assert.equal(await focusedControl(page), 'filter-auto-replies');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await eventually(() => choice.evaluate((el) => (el as unknown as { value: string }).value), (v) => v === 'only', 'Only auto-replies chosen by keyboard');
      await eventually(() => textOf(page, 'filter-count'), (t) => /^0 of [1-9]\d*$/.test(t), 'the filter applied (the server log: events, no auto-replies)');
      await assertNoViolations(page, 'the sender choice set on a server panel');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      server.dispose();
    }
  });
});
