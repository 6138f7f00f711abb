// Timing and TLS in the panel, in Chromium against the real controller: request/response pairs with
// their RTT in the detail pane (and jumping between them), the time since the previous entry of the log
// whatever the filter hides, the round-trip summary in the stats line, and the certificate chain.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { makeChain } from '../support/certificates';
import { startTlsServer } from '../support/nodePeers';
import { opensslMissing, requirePeer } from '../support/requirePeer';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { openLivePanel } from './harness/livePanel';
import { cspViolations, rowWithText, setFilter, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

/** A JSON-RPC-ish server that answers each pair of requests in reverse order. */
function answerPairsReversed(ws: WebSocket): void {
  const held: Array<{ id: unknown; method: unknown }> = [];
  ws.on('message', (data: Buffer) => {
    held.push(JSON.parse(data.toString('utf8')) as { id: unknown; method: unknown });
    if (held.length < 2) return;
    for (const r of held.splice(0).reverse()) ws.send(JSON.stringify({ jsonrpc: '2.0', id: r.id, result: `done ${String(r.method)}` }));
  });
}

describe('timing in the panel (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('pairs responses with requests by the chosen field, with RTT, links and the summary', async () => {
    const live = await openLivePanel(suite.browser, suite.server, answerPairsReversed);
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      const field = page.locator('[data-testid=pair-field] input');
      await field.fill('id');
      await field.press('Enter');

      const log = live.connection.log;
      const first = log.nextSeq;
      live.connection.sendText('{"jsonrpc":"2.0","id":"a-1","method":"alpha"}');
      live.connection.sendText('{"jsonrpc":"2.0","id":"b-2","method":"beta"}');
      await rowWithText(page, 'done alpha').waitFor();
      // Requests #first (alpha) and #first+1 (beta); answers: beta, then alpha.
      const alphaAnswer = first + 3;

      await rowWithText(page, 'done alpha').click();
      const response = page.locator('[data-testid=timing-pair][data-role=response]');
      await eventually(() => response.textContent(), (t) => t !== null && /^Response to #\d+ after [\d.]+ (ms|s) · id = "a-1"$/.test(t), 'the response line');
      assert.equal(await response.locator('[data-testid=timing-jump]').textContent(), `#${first}`);
      assert.match(await textOf(page, 'timing-delta'), new RegExp(`^Δ \\+[\\d.]+ (ms|s) since #${alphaAnswer - 1}$`));

      // Jump to the request: it says who answered it.
      await response.locator('[data-testid=timing-jump]').click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t.includes('"method":"alpha"'), 'the request selected');
      const request = page.locator('[data-testid=timing-pair][data-role=request]');
      const answered = new RegExp(`^Answered by #${alphaAnswer} after [\\d.]+ (ms|s) · id = "a-1"$`);
      await eventually(() => request.textContent(), (t) => t !== null && answered.test(t), 'the request line');

      // Ping round trip, and the summary in the stats line.
      live.connection.ping(new TextEncoder().encode('p1'));
      await eventually(() => textOf(page, 'stat-rtt'), (t) => /^RTT \(id\) 2 · min .* · med .* · p95 .* · max .*\|\s+Ping 1 · min/.test(t), 'the RTT summary');

      // A request nobody answers is waiting, and counted.
      live.connection.sendText('{"id":"c-3","method":"gamma"}');
      await rowWithText(page, 'gamma').click();
      await eventually(() => textOf(page, 'timing-awaiting'), (t) => t === 'Waiting for an answer · id = "c-3"', 'waiting');
      await eventually(() => textOf(page, 'stat-rtt'), (t) => t.includes('1 unanswered'), 'unanswered in the summary');
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('pairs a Socket.IO EVENT with its ACK: the detail pane names the ack, the stats line sums them up', async () => {
    // A minimal Socket.IO server: the open packet, CONNECT answered, every EVENT with an ack id acknowledged.
    const live = await openLivePanel(
      suite.browser,
      suite.server,
      (ws) => {
        ws.send('0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
        ws.on('message', (data: Buffer) => {
          const text = data.toString('utf8');
          if (text.startsWith('40')) ws.send('40{"sid":"s1"}');
          const m = /^42((?:\/[^,]*,)?)(\d+)\[/.exec(text);
          if (m) ws.send(`43${m[1]}${m[2]}["ok"]`);
        });
      },
      { connectFirst: false, controller: { decode: { layer: 'socketio' } } },
    );
    try {
      const { page } = live.panel;
      await eventually(() => textOf(page, 'decode-status'), (t) => t.startsWith('Socket.IO'), 'the layer chosen');
      await live.connection.connect();
      await eventually(() => textOf(page, 'decode-status'), (t) => t === 'Socket.IO · connected to /', 'the namespace connected');
      const log = live.connection.log;
      const event = log.nextSeq;
      live.connection.sendText('427["chat","hi"]');
      await rowWithText(page, '"ok"').click();
      const response = page.locator('[data-testid=timing-pair][data-role=response]');
      await eventually(() => response.textContent(), (t) => t !== null && /^Ack to #\d+ after [\d.]+ (ms|s) · ack 7$/.test(t), 'the ACK paired');
      assert.equal(await response.getAttribute('data-via'), 'ack');
      assert.equal(await response.locator('[data-testid=timing-jump]').textContent(), `#${event}`);
      await response.locator('[data-testid=timing-jump]').click();
      const request = page.locator('[data-testid=timing-pair][data-role=request]');
      await eventually(() => request.textContent(), (t) => t !== null && /^Acknowledged by #\d+ after [\d.]+ (ms|s) · ack 7$/.test(t), 'the EVENT paired');
      await eventually(() => textOf(page, 'stat-rtt'), (t) => /(^|\|\s+)Ack 1 · min .* · med .* · p95 .* · max /.test(t), 'the Ack summary');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('measures Δ against the previous entry of the log, not of the filtered view; refuses a bad field', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => {
      ws.send('tick one');
      ws.send('tock two');
      ws.send('tick three');
    });
    try {
      const { page } = live.panel;
      await rowWithText(page, 'tick three').waitFor();
      await setFilter(page, 'tick');
      await eventually(() => page.locator('[data-testid=log-row]').count(), (n) => n === 2, 'two rows match');
      await rowWithText(page, 'tick three').click();
      const seq = live.connection.log.nextSeq - 1;
      // The row above it in the view is "tick one", but the previous entry of the log is "tock two".
      await eventually(() => textOf(page, 'timing-delta'), (t) => new RegExp(`^Δ \\+[\\d.]+ (ms|s) since #${seq - 1}$`).test(t), 'Δ since the hidden entry');

      const field = page.locator('[data-testid=pair-field] input');
      await field.fill('params..id');
      await field.press('Enter');
      await eventually(() => textOf(page, 'pair-field-error'), (t) => t === '"params..id": a field name is missing before the dot at character 8', 'the path error');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('shows the TLS certificate chain leaf → root as text', async (t) => {
    if (!requirePeer(t, 'openssl', opensslMissing())) return;
    const markup = '<img src=x onerror=window.__pwned=1>';
    const chain = makeChain(markup);
    const peer = await startTlsServer({ cert: chain.serverCert, key: chain.serverKey }, (s) => s.end());
    const connection = createTcpConnection({ host: '127.0.0.1', port: peer.port, tls: { ca: chain.root, servername: 'localhost' } });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection);
    try {
      const { page } = panel;
      await page.locator('[data-testid=detail-tab-connection]').click();
      await page.locator('[data-testid=tls-chain]').waitFor();
      assert.equal(await textOf(page, 'tls-verification'), ' Certificate verified');
      const cards = page.locator('[data-testid=tls-chain-cert]');
      assert.equal(await cards.count(), 3);
      assert.deepEqual(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-role'))), ['leaf', 'intermediate', 'root']);
      const root = (await cards.nth(2).textContent()) ?? '';
      assert.ok(root.includes(`O=${markup}, CN=Test Root CA`), root);
      assert.ok(root.includes(chain.fingerprints[2]), root);
      assert.match(root, /KeyRSA 2048 bits/);
      assert.match((await cards.nth(0).textContent()) ?? '', /KeyEC P-256.*CAno/);
      assert.equal(await page.locator('[data-testid=tls-chain] img').count(), 0, 'markup stays text');
      assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned ?? null), null);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      await peer.close();
    }
  });
});
