// A session file's panel in Chromium: the real webview bundle and controller showing a recorded session.
// The recorded log is there, user settings set the composer's format and autoscroll, and the toolbar's
// Save and Replay buttons reach the extension.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSession } from '../../src/core/session';
import { RecordedConnection } from '../../src/core/session/recordedConnection';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { rowWithText, visibleRows } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const session = parseSession(
  JSON.stringify({
    version: 1,
    connection: { type: 'websocket', url: 'ws://127.0.0.1:1/recorded' },
    log: {
      savedAt: '2024-05-01T12:00:01.000Z',
      entries: [
        { seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'out', kind: 'text', text: 'recorded question' },
        { seq: 1, time: '2024-05-01T12:00:00.010Z', mono: 10, direction: 'in', kind: 'binary', base64: 'AAEC/w==' },
      ],
    },
  }),
);

describe('session panel (Chromium)', { skip: chromiumSkipReason() }, () => {
  const suite = usePanelSuite();

  it('shows the recording, applies the settings, and forwards Save and Replay', async () => {
    const recorded = new RecordedConnection(session);
    const asked: string[] = [];
    const panel = await openPanel(suite.browser, suite.server, recorded, {
      callbacks: { sessionCommand: (command) => void asked.push(command) },
      controller: {
        settings: { defaultFormat: 'hex', autoscroll: false },
        session: () => ({ fileName: 'recorded.socket-session.json', canReplay: true, readOnly: false }),
      },
    });
    try {
      const { page } = panel;
      await rowWithText(page, 'recorded question').waitFor();
      const rows = await visibleRows(page);
      assert.deepEqual(
        rows.map((r) => [r.direction, r.kind, r.preview]),
        [
          ['out', 'text', 'recorded question'],
          ['in', 'binary', '00 01 02 ff'],
        ],
      );
      await page.locator('[data-testid=connection-status][data-state=closed]').waitFor();
      await eventually(
        () => page.locator('[data-testid=composer-format]').evaluate((el) => (el as unknown as { value: string }).value),
        (v) => v === 'hex',
        'the composer to start in hex',
      );
      assert.equal(await page.locator('[data-testid=follow]').evaluate((el) => (el as unknown as { checked: boolean }).checked), false);

      await page.locator('[data-testid=session-save]').click();
      await page.locator('[data-testid=session-replay]').click();
      await eventually(() => asked.join(), (a) => a === 'save,replay', 'both commands to reach the extension');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      recorded.dispose();
    }
  });

  it('hides Save when read-only and Replay when there is nothing to replay', async () => {
    const recorded = new RecordedConnection(session);
    const panel = await openPanel(suite.browser, suite.server, recorded, {
      controller: { session: () => ({ canReplay: false, readOnly: true }) },
    });
    try {
      const { page } = panel;
      await rowWithText(page, 'recorded question').waitFor();
      assert.equal(await page.locator('[data-testid=session-save]').isVisible(), false);
      assert.equal(await page.locator('[data-testid=session-replay]').isVisible(), false);
    } finally {
      await panel.close();
      recorded.dispose();
    }
  });
});
