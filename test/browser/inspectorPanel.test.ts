// The inspector panel in Chromium: the real webview bundle, the real PanelController, a real WebSocket
// connection to a real server on 127.0.0.1. Only what a user sees and does, through the data-testid
// hooks of docs/testing.md.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { openLivePanel } from './harness/livePanel';
import {
  choose,
  composerTextarea,
  copiedPreview,
  cspViolations,
  logCount,
  previewPieces,
  rowWithText,
  setFilter,
  textOf,
  visibleRows,
} from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { startRedis } from '../support/processPeers';
import { redisMissing, requirePeer } from '../support/requirePeer';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

describe('inspector panel (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('shows live traffic as rows, with state, counts and the handshake', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      ws.send('Hello, inspector');
      ws.send(Buffer.from([0x00, 0x01, 0xfe, 0xff]));
    });
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      await rowWithText(page, 'Hello, inspector').waitFor();
      // The binary message can come in a later batch than the text, drawn a frame later.
      const first = await eventually(() => visibleRows(page), (rows) => rows.some((r) => r.kind === 'binary'), 'the binary message in a row');
      const hello = first.find((r) => r.preview === 'Hello, inspector');
      assert.deepEqual({ direction: hello?.direction, kind: hello?.kind }, { direction: 'in', kind: 'text' });
      const binary = first.find((r) => r.kind === 'binary');
      assert.equal(binary?.preview, '00 01 fe ff');
      assert.ok(first.some((r) => r.direction === 'meta' && r.kind === 'open'), 'the open event is logged');

      // Messages arriving while the panel is open are appended, and the view follows the newest.
      const ws = live.peer.client();
      for (let i = 1; i <= 300; i++) ws.send(`live message ${i}`);
      await rowWithText(page, 'live message 300').waitFor();
      const log = live.connection.log;
      await eventually(() => logCount(page), (n) => n === log.size, 'log-count to match the log');
      const rows = await visibleRows(page);
      assert.equal(rows.at(-1)?.id, log.nextSeq - 1, 'the newest entry is the last row in view');

      const request = await textOf(page, 'handshake-request');
      assert.match(request, /GET \/chat HTTP\/1\.1/);
      assert.match(request, /Sec-WebSocket-Key/);
      assert.match(await textOf(page, 'handshake-response'), /101 Switching Protocols/);
      assert.match(await textOf(page, 'stat-in'), /^↓ 302 · /);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('shows the selected entry as text, hex, JSON, and copies it', async () => {
    const json = '{"id":12345678901234567890,"items":[1.0,"two",null],"ok":true}';
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      ws.send('Hello, inspector');
      ws.send(Buffer.from([0x48, 0x69, 0xff, 0xfe, 0x21]));
      ws.send(json);
    });
    try {
      const { page } = live.panel;
      await rowWithText(page, 'Hello, inspector').click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === 'Hello, inspector', 'the text view');
      await page.locator('[data-testid=detail-tab-hex]').click();
      const hex = await textOf(page, 'detail-hex');
      assert.match(hex, /00000000/);
      assert.match(hex, /4865 6c6c 6f2c 2069 6e73 7065 6374 6f72/);
      assert.match(hex, /Hello, inspector/);
      assert.equal(await page.locator('[data-testid=detail-tab-json]').isVisible(), false, 'no JSON tab for plain text');

      await page.locator('[data-testid=copy-hex]').click();
      await eventually(() => live.panel.clipboard.at(-1), (t) => t === '48 65 6c 6c 6f 2c 20 69 6e 73 70 65 63 74 6f 72', 'the hex on the clipboard');

      // Invalid UTF-8 is shown as marked bytes, not swallowed.
      await page.locator('[data-testid=log-row][data-kind=binary]').click();
      await page.locator('[data-testid=detail-tab-text]').click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === 'Hi\\xFF\\xFE!', 'invalid bytes marked');
      assert.equal(await page.locator('[data-testid=detail-text] .invalid-bytes').textContent(), '\\xFF\\xFE');

      // JSON: offered because it parses; numbers stay exactly as sent.
      await rowWithText(page, '"items"').click();
      await page.locator('[data-testid=detail-tab-json]').waitFor({ state: 'visible' });
      await page.locator('[data-testid=detail-tab-json]').click();
      const tree = await textOf(page, 'detail-json');
      assert.match(tree, /12345678901234567890/);
      assert.match(tree, /1\.0/);
      assert.match(tree, /"two"/);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('filters by text, /regex/, direction and kind, showing N of M', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      for (const word of ['apple 1', 'banana 2', 'apple 3', 'cherry 4', 'bananaa 5']) ws.send(word);
    });
    try {
      const { page } = live.panel;
      await rowWithText(page, 'bananaa 5').waitFor();
      const total = live.connection.log.size;

      await setFilter(page, 'APPLE');
      await eventually(() => textOf(page, 'filter-count'), (t) => t === `2 of ${total}`, 'N of M for a substring');
      assert.deepEqual((await visibleRows(page)).map((r) => r.preview), ['apple 1', 'apple 3']);

      await setFilter(page, '/^bana+na* \\d$/');
      await eventually(async () => (await visibleRows(page)).map((r) => r.preview), (p) => p.join() === 'banana 2,bananaa 5', 'regex matches');

      await setFilter(page, '/(unclosed/');
      await eventually(() => textOf(page, 'filter-error'), (t) => /Invalid regular expression/.test(t), 'regex error shown');

      // Direction: only what we sent.
      await setFilter(page, '');
      await composerTextarea(page).fill('from the composer');
      await page.locator('[data-testid=composer-send]').click();
      await rowWithText(page, 'from the composer').waitFor();
      await page.locator('[data-testid=filter-direction-out]').click();
      await eventually(async () => (await visibleRows(page)).map((r) => `${r.direction}:${r.preview}`), (p) => p.join() === 'out:from the composer', 'direction filter');
      await page.locator('[data-testid=filter-direction-out]').click();

      // Kind: connection events only.
      await choose(page, 'filter-kinds', 'Connection events');
      await eventually(async () => await visibleRows(page), (rows) => rows.length > 0 && rows.every((r) => r.direction === 'meta'), 'kind filter');
      await choose(page, 'filter-kinds', 'All kinds');
      await eventually(() => textOf(page, 'filter-count'), (t) => t === '', 'no count without a filter');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('refuses invalid hex with a message saying where, then sends, recalls and closes', async () => {
    const live = await openLivePanel(suite.browser, suite.server);
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      await choose(page, 'composer-format', 'Hex');
      await composerTextarea(page).fill('48 65 6c\n6c 6g');
      await eventually(
        () => textOf(page, 'composer-error'),
        (t) => t === "Invalid hex: 'g' at line 2, column 5 (not a hex digit)",
        'the inline hex error',
      );
      await page.locator('[data-testid=composer-send]').click();
      await composerTextarea(page).press('Control+Enter');

      await composerTextarea(page).fill('48 65 6c 6c 6f');
      await eventually(() => page.locator('[data-testid=composer-error]').isVisible(), (v) => !v, 'the error to clear');
      await composerTextarea(page).press('Control+Enter');
      await eventually(() => live.peer.received.length, (n) => n >= 1, 'the server to receive the message');
      // The refused attempts sent nothing: the first thing the server got is the valid message.
      assert.equal(live.peer.received.length, 1);
      assert.deepEqual(live.peer.received[0], { data: Buffer.from('Hello'), binary: true });
      await page.locator('[data-testid=log-row][data-direction=out][data-kind=binary]').waitFor();

      // History: Up in the emptied input brings the sent message back, format included.
      await choose(page, 'composer-format', 'Text');
      await composerTextarea(page).fill('');
      await composerTextarea(page).press('ArrowUp');
      assert.equal(await composerTextarea(page).inputValue(), '48 65 6c 6c 6f');
      assert.equal(await page.locator('[data-testid=composer-format]').evaluate((el) => (el as unknown as { value: string }).value), 'hex');

      await page.locator('[data-testid=composer-ping]').click();
      await eventually(() => live.peer.pings.length, (n) => n === 1, 'a ping at the server');
      await page.locator('[data-testid=log-row][data-kind=ping]').waitFor();

      await page.locator('[data-testid=composer-close-code] input').fill('4000');
      await page.locator('[data-testid=composer-close-reason] input').fill('bye');
      await page.locator('[data-testid=composer-close]').click();
      await eventually(() => live.peer.closes, (c) => c.length === 1, 'the close at the server');
      assert.deepEqual(live.peer.closes[0], { code: 4000, reason: 'bye' });
      await page.locator('[data-testid=connection-status][data-state=closed]').waitFor();
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('keeps hostile payloads inert: markup is shown as text and nothing runs', async () => {
    const hostile = [
      '<img src=x onerror="window.__pwned=1">',
      '</script><script>window.__pwned=2</script>',
      '<svg onload="window.__pwned=3"></svg>',
      '{"html":"<iframe srcdoc=\\"<script>parent.__pwned=4</script>\\"></iframe>"}',
      '"><b>bold</b><a href="javascript:window.__pwned=5">x</a>',
    ];
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      for (const h of hostile) ws.send(h);
      ws.close(4001, '<img src=y onerror="window.__pwned=6">');
    });
    try {
      const { page } = live.panel;
      const closeRow = page.locator('[data-testid=log-row][data-direction=in][data-kind=close]');
      await closeRow.waitFor();
      for (const h of hostile) {
        const row = rowWithText(page, h.slice(0, 30));
        await row.click();
        assert.equal(await row.locator('.c-preview').textContent(), h, 'the row shows the characters');
        await eventually(() => textOf(page, 'detail-text'), (t) => t === h, 'the text view shows the characters');
      }
      await closeRow.click();
      await eventually(() => textOf(page, 'detail-close'), (t) => t.includes('<img src=y onerror="window.__pwned=6">'), 'the close reason as text');
      await rowWithText(page, '{"html"').click();
      await page.locator('[data-testid=detail-tab-json]').click();
      assert.match(await textOf(page, 'detail-json'), /<iframe srcdoc=/);

      const dom = await page.evaluate(() => {
        const g = globalThis as unknown as {
          __pwned?: number;
          document: { querySelectorAll(s: string): { length: number }; scripts: { length: number } };
        };
        return {
          pwned: g.__pwned ?? null,
          injected: g.document.querySelectorAll('img, svg, iframe, object, embed, b, a[href]').length,
          scripts: g.document.scripts.length,
        };
      });
      assert.deepEqual(dom, { pwned: null, injected: 0, scripts: 1 });
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('keeps capturing while hidden and shows everything when the page is recreated', async () => {
    const live = await openLivePanel(suite.browser, suite.server);
    try {
      const { page, controller } = live.panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      const log = live.connection.log;
      controller.setVisible(false);
      const ws = live.peer.client();
      for (let i = 0; i < 2500; i++) ws.send(`while hidden ${i}`);
      await eventually(() => log.size, (n) => n >= 2500 + 4, 'the log to capture the burst');

      // VS Code recreates a hidden webview's page when it is shown (retainContextWhenHidden: false).
      await live.panel.reload();
      controller.setVisible(true);
      await eventually(() => logCount(page), (n) => n === log.size, 'log-count after showing again');
      await rowWithText(page, 'while hidden 2499').waitFor();
      // Read as people read counts, like "↓ 2,500" beside it.
      assert.equal(await textOf(page, 'log-count'), log.size.toLocaleString('en-US'));
      assert.ok(log.size > 999);
      await page.locator('[data-testid=log]').press('Home');
      await rowWithText(page, 'Connecting to').waitFor();
      assert.equal((await visibleRows(page))[0]?.id, log.firstSeq);
      await page.locator('[data-testid=log]').press('End');
      await eventually(async () => (await visibleRows(page)).at(-1)?.preview, (p) => p === 'while hidden 2499', 'the last entry after End');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });
  it('shows a raw TCP connection: data rows, no WebSocket controls, bytes sent as typed', async () => {
    const received: Buffer[] = [];
    const sockets: Socket[] = [];
    const tcp = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (d) => received.push(d));
      socket.write('+OK ready\r\n');
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const connection = createTcpConnection({ host: '127.0.0.1', port: (tcp.address() as AddressInfo).port });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection);
    try {
      const { page } = panel;
      const row = page.locator('[data-testid=log-row][data-direction=in][data-kind=data]');
      await row.waitFor();
      // Control characters are muted escapes, as on the Text tab, not control pictures (U+240D U+240A).
      assert.deepEqual(await previewPieces(row), ['+OK ready', '[\\r\\n]']);
      assert.equal(await page.locator('[data-testid=composer-ping]').isVisible(), false, 'no ping on TCP');
      assert.match(await textOf(page, 'connection-target'), /^tcp:\/\/127\.0\.0\.1:\d+$/);
      await choose(page, 'composer-format', 'Hex');
      await composerTextarea(page).fill('50 49 4e 47 0d 0a');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => Buffer.concat(received).toString('latin1'), (t) => t === 'PING\r\n', 'the bytes at the server');
      const sent = page.locator('[data-testid=log-row][data-direction=out][data-kind=data]');
      await sent.waitFor();
      assert.deepEqual(await previewPieces(sent), ['PING', '[\\r\\n]']);
      assert.doesNotMatch((await sent.locator('.c-preview').textContent()) ?? '', /[\u2400-\u2421]/, 'no control pictures');
      // Copying the preview gives the characters back, not their escapes.
      assert.equal(await copiedPreview(sent), 'PING\r\n');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });
  it('sends PING\\r\\n to redis as a command with the default composer (escapes on for TCP), and warns when escapes are off', async (t) => {
    if (!requirePeer(t, 'redis-server', redisMissing())) return;
    const redis = await startRedis();
    const connection = createTcpConnection({ host: '127.0.0.1', port: redis.port });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection, { controller: { settings: { defaultFormat: 'text', autoscroll: true } } });
    try {
      const { page } = panel;
      const warning = page.locator('[data-testid=composer-escapes-warning]');
      await composerTextarea(page).fill('PING\\r\\n');
      await page.locator('[data-testid=composer-send]').click();
      await rowWithText(page, '+PONG').waitFor();
      assert.equal(await warning.isVisible(), false, 'no warning while escapes are on');

      // Escapes off: the same text would go out as 8 literal bytes, and the composer says so.
      await page.locator('[data-testid=composer-escapes]').click();
      await composerTextarea(page).fill('PING\\r\\n');
      await warning.waitFor();
      assert.match(await warning.textContent() ?? '', /\\r.*\\n/);
      await composerTextarea(page).fill('PING');
      await warning.waitFor({ state: 'hidden' });
      await composerTextarea(page).fill('a\\x00 b\\t c\\0');
      await warning.waitFor();
      assert.match(await warning.textContent() ?? '', /\\x00.*\\t.*\\0/);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      await redis.close();
    }
  });
  it('shows a TCP peer\'s FIN in the badge as half-closed, and sending still reaches the peer', async () => {
    const received: Buffer[] = [];
    const sockets: Socket[] = [];
    // The server sends its FIN at once and keeps reading (half-open).
    const tcp = createServer({ allowHalfOpen: true }, (socket) => {
      sockets.push(socket);
      socket.on('data', (d) => received.push(d));
      socket.end('bye\n');
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const connection = createTcpConnection({ host: '127.0.0.1', port: (tcp.address() as AddressInfo).port });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection);
    try {
      const { page } = panel;
      const badge = page.locator('[data-testid=connection-status][data-half-closed=peer]');
      await badge.waitFor();
      assert.equal(await badge.getAttribute('data-state'), 'open');
      assert.match((await badge.textContent()) ?? '', /half-closed/i);
      assert.match((await badge.getAttribute('title')) ?? '', /FIN.*send/i);
      await composerTextarea(page).fill('still here');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => Buffer.concat(received).toString(), (t) => t === 'still here', 'the bytes sent after the FIN at the server');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });
  it('shows a refused upgrade: status, headers and body as text, state error', async () => {
    const http = createHttpServer((req, res) => {
      res.writeHead(403, { 'Content-Type': 'text/html', 'X-Reason': '<b>no</b>' });
      res.end('<html><body><script>window.__pwned=7</script>Forbidden</body></html>');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const connection = createWebSocketConnection({ url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/socket` });
    await assert.rejects(connection.connect(), /403/);
    const panel = await openPanel(suite.browser, suite.server, connection);
    try {
      const { page } = panel;
      await page.locator('[data-testid=connection-status][data-state=error]').waitFor();
      await page.locator('[data-testid=detail-tab-connection]').click();
      const response = await textOf(page, 'handshake-response');
      assert.match(response, /HTTP\/1\.1 403 Forbidden/);
      assert.match(response, /X-Reason<b>no<\/b>/);
      assert.match(response, /<script>window.__pwned=7<\/script>Forbidden/);
      assert.match(await textOf(page, 'handshake-request'), /GET \/socket HTTP\/1\.1/);
      assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned ?? null), null);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
