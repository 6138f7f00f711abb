// A session file's panel in Chromium: the real webview bundle and controller showing a recorded session.
// The recorded log is there, user settings set the composer's format and autoscroll, and the toolbar's
// Save and Replay buttons reach the extension.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { kindName } from '../../shared/logModel';
import { parseSession } from '../../src/core/session';
import { RecordedConnection } from '../../src/core/session/recordedConnection';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { rowWithText, visibleRows } from './harness/panelActions';
import { openPanel, type OpenPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';
import { startWsPeer } from './harness/wsPeer';

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

  /** A recording of `n` messages, `message 0` … `message n-1`, sent and received in turn. */
  const longSession = (n: number) =>
    parseSession(
      JSON.stringify({
        version: 1,
        connection: { type: 'websocket', url: 'ws://127.0.0.1:1/recorded' },
        log: {
          savedAt: '2024-05-01T12:00:01.000Z',
          entries: Array.from({ length: n }, (_, i) => ({ seq: i, time: '2024-05-01T12:00:00.000Z', mono: i, direction: i % 2 ? 'in' : 'out', kind: 'text', text: `message ${i}` })),
        },
      }),
    );
  const selectedRows = (page: OpenPanel['page']) =>
    page.$$eval('[data-testid=log-row][aria-selected=true]', (els) => els.map((el) => Number(el.getAttribute('data-id'))).sort((a, b) => a - b));

  it('selects and scrolls to the entry the host reveals (a failed test\'s message), live and from a snapshot', async () => {
    const recorded = new RecordedConnection(longSession(400));
    const panel = await openPanel(suite.browser, suite.server, recorded, { controller: { session: () => ({ canReplay: true, readOnly: false }) } });
    try {
      const { page } = panel;
      await rowWithText(page, 'message 399').waitFor();
      panel.controller.reveal(37);
      await eventually(() => selectedRows(page), (rows) => rows.join() === '37', 'row 37 to be selected');
      // The scroll lands in the frame after the selection's; under load the check can fall between them.
      await eventually(() => rowWithText(page, 'message 37').isVisible(), (v) => v, 'the revealed row in view');
      assert.equal(await rowWithText(page, 'message 399').isVisible(), false, 'the view left the end');
      // Told while the panel is hidden (as when the session editor opens it), the entry comes with the snapshot.
      panel.controller.setVisible(false);
      panel.controller.reveal(250);
      panel.controller.setVisible(true);
      await eventually(() => selectedRows(page), (rows) => rows.join() === '250', 'row 250 to be selected from the snapshot');
      await eventually(() => rowWithText(page, 'message 250').isVisible(), (v) => v, 'row 250 in view');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      recorded.dispose();
    }
  });

  it('Record as test sends the rows selected with Shift+click, or none for the whole log', async () => {
    const recorded = new RecordedConnection(longSession(20));
    const asked: unknown[] = [];
    const panel = await openPanel(suite.browser, suite.server, recorded, {
      callbacks: { sessionCommand: (command, range) => void asked.push([command, range]) },
      controller: { session: () => ({ fileName: 'x.socket-session.json', canReplay: true, readOnly: false }) },
    });
    try {
      const { page } = panel;
      await rowWithText(page, 'message 5').click();
      await page.locator('[data-testid=session-record-test]').click();
      await rowWithText(page, 'message 9').click({ modifiers: ['Shift'] });
      await eventually(() => selectedRows(page), (r) => r.join() === '5,6,7,8,9', 'rows 5,6,7,8,9 selected');
      await page.locator('[data-testid=session-record-test]').click();
      // Shift+arrow goes on extending; a plain click starts over.
      await page.locator('[data-testid=log-grid]').press('Shift+ArrowDown');
      await eventually(() => selectedRows(page), (r) => r.join() === '5,6,7,8,9,10', 'rows 5,6,7,8,9,10 selected');
      await rowWithText(page, 'message 2').click();
      await eventually(() => selectedRows(page), (r) => r.join() === '2', 'rows 2 selected');
      await eventually(() => asked.length, (n) => n === 2, 'both commands to reach the extension');
      assert.deepEqual(asked, [
        ['recordTest', undefined],
        ['recordTest', { from: 5, to: 9 }],
      ]);
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
  it('shows the new connection\'s rows after each of 25 Reconnects, however the messages are batched', async () => {
    // A recording whose first rows are the same kinds a new connection starts with (connecting, open).
    const recordedStart = parseSession(
      JSON.stringify({
        version: 1,
        connection: { type: 'websocket', url: 'ws://127.0.0.1:1/recorded' },
        log: {
          savedAt: '2024-05-01T12:00:01.000Z',
          entries: [
            { seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'meta', kind: 'connecting', text: 'recorded connecting' },
            { seq: 1, time: '2024-05-01T12:00:00.010Z', mono: 10, direction: 'meta', kind: 'open', text: 'recorded open' },
          ],
        },
      }),
    );
    // The server closes every connection at once, so Reconnect is offered again each time.
    const peer = await startWsPeer((ws) => ws.close(1000, 'bye'));
    const recorded = new RecordedConnection(recordedStart);
    const made: Connection[] = [];
    let current: Connection | undefined;
    const panel = await openPanel(suite.browser, suite.server, recorded, {
      callbacks: {
        // As the extension reconnects (PanelManager.reconnect): show the new connection, then connect it.
        connect: () => {
          const next = createWebSocketConnection({ url: peer.url });
          made.push(next);
          current = next;
          panel.controller.attach(next);
          next.connect().catch(() => {});
          return next;
        },
      },
    });
    const shownPreviews = async (): Promise<string[]> => (await visibleRows(panel.page)).map((r) => `${r.id} ${r.kind} ${r.preview}`);
    try {
      const { page } = panel;
      await rowWithText(page, 'recorded open').waitFor();
      for (let round = 1; round <= 25; round++) {
        // The snapshot of the new log and its first entries reach the page in one task, before a frame.
        panel.holdDelivery();
        await page.locator('[data-testid=connect-toggle]').click();
        await eventually(() => current?.state, (s) => s === 'closed', `connection ${round} to close`);
        const next = current!;
        await eventually(() => panel.heldTypes(), (t) => t.includes('snapshot') && t.includes('entries'), `round ${round}: the snapshot and entries to be posted`);
        panel.releaseDelivery();
        const expected: string[] = [];
        for (let seq = next.log.firstSeq; seq < next.log.nextSeq; seq++) {
          const kind = kindName(next.log.get(seq)!.kind);
          if (kind === 'connecting' || kind === 'open') expected.push(`${seq} ${kind} ${new TextDecoder().decode(next.log.payload(seq))}`);
        }
        await eventually(
          async () => (await shownPreviews()).filter((r) => / (connecting|open) /.test(r)),
          (rows) => JSON.stringify(rows) === JSON.stringify(expected),
          `round ${round}: the rows of the new connection (${JSON.stringify(expected)})`,
        );
        await page.locator('[data-testid=connect-toggle]', { hasText: 'Reconnect' }).waitFor();
      }
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      recorded.dispose();
      for (const c of made) c.dispose();
      await peer.close();
    }
  });
});
