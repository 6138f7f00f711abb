// TCP framing in Chromium: the real webview bundle and PanelController on a real TCP connection to a
// Node server on 127.0.0.1. The user picks a framer under View as and sees the stream as messages,
// and sends with the same framing.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { Direction } from '../../shared/logModel';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { openLivePanel } from './harness/livePanel';
import { choose, composerTextarea, cspViolations, textOf, visibleRows } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

/** A server that greets with lines cut mid-line into separate writes and records what it receives. */
async function startLineServer(): Promise<{ server: Server; port: number; received: Buffer[]; sockets: Socket[] }> {
  const received: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (d) => received.push(d));
    socket.write('alpha\nbe');
    // The rest after the first write was read, so the raw view has (at least) two chunks.
    setTimeout(() => socket.write('ta\ngamma|delta|\n'), 50);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, received, sockets };
}

describe('TCP framing in the panel (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('shows the stream split by the chosen framer, and frames what the composer sends', async () => {
    const peer = await startLineServer();
    const connection = createTcpConnection({ host: '127.0.0.1', port: peer.port });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection);
    const inRows = async (): Promise<string[]> => (await visibleRows(panel.page)).filter((r) => r.direction === 'in').map((r) => r.preview);
    try {
      const { page } = panel;
      const greeting = 'alpha\nbeta\ngamma|delta|\n';
      await eventually(() => connection.log.totals(Direction.In).bytes, (n) => n === greeting.length, 'every byte received');
      assert.ok((await page.locator('[data-testid=framing]').isVisible()), 'View as is offered on TCP');
      assert.equal(await page.locator('[data-testid=composer-framed]').isVisible(), false, 'no framing on send while raw');
      await eventually(inRows, (rows) => rows.join('') === 'alpha\\nbeta\\ngamma|delta|\\n', 'the raw chunks');

      await choose(page, 'framing-select', 'Lines (\\n)');
      await eventually(inRows, (rows) => rows.join(',') === 'alpha,beta,gamma|delta|', 'one row per line');
      const rows = await visibleRows(page);
      assert.ok(rows.filter((r) => r.direction === 'in').every((r) => r.kind === 'data'));
      assert.equal(panel.controller.framing?.type, 'delimiter');

      // Selecting a message shows exactly its bytes, without the delimiter.
      await page.locator('[data-testid=log-row]', { hasText: 'beta' }).first().click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === 'beta', 'the message in the text view');

      // A custom delimiter: '|' typed as hex.
      await choose(page, 'framing-select', 'Custom delimiter…');
      const delimiter = page.locator('[data-testid=framing-delimiter] input');
      await delimiter.fill('0d0');
      await delimiter.press('Enter');
      await eventually(() => textOf(page, 'framing-error'), (t) => /Invalid hex: .*odd number of hex digits in '0d0'/.test(t), 'the delimiter problem');
      await delimiter.fill('7c');
      await delimiter.press('Enter');
      await eventually(inRows, (rows) => rows.join(',') === 'alpha\\nbeta\\ngamma,delta', 'rows split at |');
      // Another view has other entries under the same seqs: the selection is dropped, not carried over.
      assert.equal(await textOf(page, 'detail-summary'), 'No entry selected');
      assert.equal(await page.locator('[data-testid=framing-error]').isVisible(), false);

      // Lines again, then send with framing: the server gets the text plus \n; the view shows the message.
      await choose(page, 'framing-select', 'Lines (\\n)');
      await eventually(inRows, (rows) => rows.join(',') === 'alpha,beta,gamma|delta|', 'lines again');
      const framed = page.locator('[data-testid=composer-framed]');
      await framed.waitFor();
      assert.match((await framed.getAttribute('label')) ?? '', /Add framing on send: Lines \(\\n\)/);
      await framed.click();
      await composerTextarea(page).fill('PING');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => Buffer.concat(peer.received).toString('latin1'), (t) => t === 'PING\n', 'the framed bytes at the server');
      await eventually(async () => (await visibleRows(page)).filter((r) => r.direction === 'out').map((r) => r.preview), (out) => out.join() === 'PING', 'the sent message row');

      // Length prefix settings apply as they change; raw chunks come back on request.
      await choose(page, 'framing-select', 'Length prefix…');
      await page.locator('[data-testid=framing-length-width]').waitFor();
      await eventually(() => panel.controller.framing, (f) => f?.type === 'lengthPrefix' && f.width === 2, 'the length prefix framer');
      await choose(page, 'framing-select', 'Raw chunks');
      await eventually(() => panel.controller.framing, (f) => f === undefined, 'raw chunks again');
      await eventually(inRows, (rows) => rows.join('') === 'alpha\\nbeta\\ngamma|delta|\\n', 'the raw chunks again');
      assert.equal(await framed.isVisible(), false);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      for (const s of peer.sockets) s.destroy();
      await new Promise<void>((resolve) => peer.server.close(() => resolve()));
    }
  });

  it('hides View as on a WebSocket connection', async () => {
    const live = await openLivePanel(suite.browser, suite.server);
    try {
      await live.panel.page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      assert.equal(await live.panel.page.locator('[data-testid=framing]').isVisible(), false);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });
});
