// A server panel in Chromium: the real webview bundle and the real PanelController on a real WebSocket
// listener, with real `ws` clients as peers. Only what a user sees and does, through the data-testid
// hooks of docs/testing.md: the peer list, switching between peers, broadcasting, auto-reply rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import WebSocket from 'ws';
import { createWsListener } from '../../src/core/listen/wsListener';
import { createServerConnection, type ServerConnection } from '../../src/core/connection/serverConnection';
import { peerNumber, recordingClient, type RecordingClient } from '../support/listenClients';
import { waitForEntry } from '../support/logReading';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { choose, composerTextarea, cspViolations, rowWithText, setFilter, textOf, visibleRows } from './harness/panelActions';
import { openPanel, type OpenPanel } from './harness/panelPage';
import type { PanelCallbacks } from '../../src/panel/panelController';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

interface ListenPanel {
  readonly server: ServerConnection;
  readonly url: string;
  readonly panel: OpenPanel;
  readonly clients: RecordingClient[];
  client(path: string): Promise<RecordingClient>;
  close(): Promise<void>;
}

async function openListenPanel(suite: ReturnType<typeof usePanelSuite>, callbacks: Partial<PanelCallbacks> = {}): Promise<ListenPanel> {
  const server = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
  await server.connect();
  const url = `ws://127.0.0.1:${server.server.address!.port}`;
  const panel = await openPanel(suite.browser, suite.server, server, { callbacks: { disconnect: () => server.close(), connect: () => undefined, ...callbacks } });
  const clients: RecordingClient[] = [];
  return {
    server,
    url,
    panel,
    clients,
    async client(path) {
      const c = recordingClient(`${url}${path}`);
      clients.push(c);
      await c.opened;
      return c;
    },
    async close() {
      for (const c of clients) c.ws.terminate();
      await panel.close();
      server.dispose();
    },
  };
}

/** Whether a vscode-checkbox is ticked. */
function isTicked(page: Page, testId: string): Promise<boolean> {
  return page.locator(`[data-testid=${testId}]`).evaluate((el) => (el as unknown as { checked: boolean }).checked);
}

/** The labels of the peer selector's options, in order. */
function peerOptions(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid=peer-select] vscode-option', (els) => els.map((el) => el.textContent ?? ''));
}

/** Opens the Auto-replies panel, adds a rule and types its match and reply text; the rule's locator. */
async function addRule(page: Page, match: string, reply: string): Promise<Locator> {
  await page.locator('[data-testid=auto-replies-toggle]').click();
  await page.locator('[data-testid=auto-reply-add]').click();
  const rule = page.locator('[data-testid=auto-reply-rule]').first();
  await rule.locator('[data-testid=auto-reply-match] input').fill(match);
  await rule.locator('[data-testid=auto-reply-input] input').fill(reply);
  return rule;
}

describe('server panel (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('lists peers as they come, switches between their logs, and broadcasts', async () => {
    const live = await openListenPanel(suite);
    try {
      const { page } = live.panel;
      const port = live.server.server.address!.port;
      await page.locator('[data-testid=peer-bar]').waitFor();
      assert.equal(await textOf(page, 'connection-target'), `Listen ws://127.0.0.1:${port}`);
      await eventually(() => textOf(page, 'connection-status'), (t) => t.includes('Listening'), 'the server state');
      assert.equal((await textOf(page, 'connect-toggle')).trim(), 'Stop');
      assert.deepEqual(await peerOptions(page), ['Server log (listening)']);
      assert.equal(await textOf(page, 'peer-count'), '0 peers · 0 open');
      await rowWithText(page, `Listening on 127.0.0.1:${port}`).waitFor();

      const one = await live.client('/one');
      const two = await live.client('/two');
      const p1 = await peerNumber(live.server.server, 1);
      const p2 = await peerNumber(live.server.server, 2);
      await eventually(() => peerOptions(page), (o) => o.length === 3, 'both peers listed');
      assert.deepEqual(await peerOptions(page), ['Server log (listening)', `#1 ${p1.remote} (open)`, `#2 ${p2.remote} (open)`]);
      assert.equal(await textOf(page, 'peer-count'), '2 peers · 2 open');
      await rowWithText(page, `#2 accepted from ${p2.remote}`).waitFor();

      // Peer #2: its own log, handshake and composer.
      await choose(page, 'peer-select', `#2 ${p2.remote} (open)`);
      await eventually(() => textOf(page, 'connection-target'), (t) => t === `Peer #2 ${p2.remote} /two`, "peer #2's log shown");
      two.ws.send('hello from two');
      one.ws.send('hello from one');
      await rowWithText(page, 'hello from two').waitFor();
      assert.match(await textOf(page, 'handshake-request'), /GET \/two HTTP\/1\.1/);
      assert.match(await textOf(page, 'handshake-response'), /101 Switching Protocols/);
      assert.equal((await textOf(page, 'connect-toggle')).trim(), 'Disconnect');
      assert.equal(await isTicked(page, 'composer-broadcast'), false);
      await composerTextarea(page).fill('only for two');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => two.texts, (t) => t.includes('only for two'), 'peer #2 got it');
      await rowWithText(page, 'only for two').waitFor();
      assert.ok(!(await visibleRows(page)).some((r) => r.preview === 'hello from one'), "peer #1's message is not in peer #2's log");
      assert.deepEqual(one.texts, []);

      // Peer #1, then a broadcast from there.
      await choose(page, 'peer-select', `#1 ${p1.remote} (open)`);
      await rowWithText(page, 'hello from one').waitFor();
      assert.ok(!(await visibleRows(page)).some((r) => r.preview === 'hello from two'));
      await page.locator('[data-testid=composer-broadcast]').click();
      await composerTextarea(page).fill('to all peers');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => textOf(page, 'composer-info'), (t) => t === 'Sent 12 B to 2 peers', 'the broadcast result');
      for (const c of [one, two]) await eventually(() => c.texts, (t) => t.includes('to all peers'), 'a peer got the broadcast');

      // A peer that leaves is shown closed; its log stays.
      one.ws.close(4001, 'leaving');
      await eventually(() => peerOptions(page), (o) => o[1] === `#1 ${p1.remote} (closed)`, 'peer #1 shown closed');
      await rowWithText(page, 'leaving').waitFor();
      assert.equal(await textOf(page, 'peer-count'), '2 peers · 1 open');
      assert.equal(await page.locator('[data-testid=connect-toggle]').isVisible(), false, 'a closed peer cannot be reconnected from here');

      // Back on the server's log: every send is a broadcast.
      await choose(page, 'peer-select', 'Server log (listening)');
      await rowWithText(page, `#1 ${p1.remote} closed`).waitFor();
      assert.equal(await isTicked(page, 'composer-broadcast'), true);
      assert.equal(await page.locator('[data-testid=composer-ping]').isVisible(), false);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('Save Server in the toolbar asks the extension to save the server, from its log and from a peer', async () => {
    let asked = 0;
    const live = await openListenPanel(suite, { saveServer: () => void asked++ });
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=peer-bar]').waitFor();
      assert.equal(await page.locator('[data-testid=session-save]').isVisible(), false, 'not Save Session');
      await page.locator('[data-testid=server-save]').click();
      await eventually(() => asked, (n) => n === 1, 'the request to reach the extension');
      const p1 = (await live.client('/one'), await peerNumber(live.server.server, 1));
      await eventually(() => peerOptions(page), (o) => o.length === 2, 'the peer listed');
      await choose(page, 'peer-select', `#1 ${p1.remote} (open)`);
      await eventually(() => textOf(page, 'connection-target'), (t) => t.startsWith('Peer #1'), "peer #1's log shown");
      await page.locator('[data-testid=server-save]').click();
      await eventually(() => asked, (n) => n === 2, 'the second request');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('follows the newest peer when asked', async () => {
    const live = await openListenPanel(suite);
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=peer-bar]').waitFor();
      await page.locator('[data-testid=peer-follow]').click();
      const c = await live.client('/newest');
      const p = await peerNumber(live.server.server, 1);
      await eventually(() => textOf(page, 'connection-target'), (t) => t === `Peer #1 ${p.remote} /newest`, 'the new peer shown by itself');
      c.ws.send('I am new');
      await rowWithText(page, 'I am new').waitFor();
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('edits auto-reply rules: a bad one says why, a good one answers', async () => {
    const live = await openListenPanel(suite);
    try {
      const { page } = live.panel;
      await page.locator('[data-testid=auto-replies-toggle]').click();
      await page.locator('[data-testid=auto-replies]').waitFor();
      await page.locator('[data-testid=auto-reply-add]').click();
      const rule = page.locator('[data-testid=auto-reply-rule]').first();
      await rule.locator('[data-testid=auto-reply-match] input').fill('/(unclosed/');
      await rule.locator('[data-testid=auto-reply-input] input').fill('pong');
      await eventually(() => rule.locator('[data-testid=auto-reply-problem]').textContent(), (t) => /Invalid regular expression/.test(t ?? ''), 'the problem shown');
      assert.equal(await textOf(page, 'auto-reply-status'), '0 of 1 rule on');

      await rule.locator('[data-testid=auto-reply-match] input').fill('/^ping$/');
      await eventually(() => textOf(page, 'auto-reply-status'), (t) => t === '1 of 1 rule on', 'the rule on');
      assert.equal(await rule.locator('[data-testid=auto-reply-problem]').isVisible(), false);
      assert.equal((await textOf(page, 'auto-replies-toggle')).trim(), 'Auto-replies (1)');

      const c = await live.client('/');
      c.ws.send('ping');
      await eventually(() => c.texts, (t) => t.includes('pong'), 'the auto-reply');

      // The rules belong to the panel: a reloaded page shows them again.
      await live.panel.reload();
      await page.locator('[data-testid=auto-replies-toggle]').click();
      await eventually(() => page.locator('[data-testid=auto-reply-match] input').first().inputValue(), (v) => v === '/^ping$/', 'the rule after a reload');

      await page.locator('[data-testid=auto-reply-remove]').first().click();
      await eventually(() => textOf(page, 'auto-reply-status'), (t) => t === 'No rules', 'no rules');
      c.ws.send('ping');
      const peer = live.server.server.peers[0]!.connection;
      await waitForEntry(peer.log, 'the second ping', (e) => e.direction === 'in' && e.text === 'ping' && e.seq > peer.log.nextSeq - 3);
      // A reply would be sent right after the message is logged; a marker sent now arrives after it.
      await new Promise((r) => setImmediate(r));
      peer.sendText('marker');
      await eventually(() => c.texts, (t) => t.includes('marker'), 'the marker');
      assert.deepEqual(c.texts, ['pong', 'marker'], 'no reply once the rule is gone');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });
  it('marks an auto-reply in its row, and its detail names the rule that sent it; a typed message is not marked', async () => {
    const live = await openListenPanel(suite);
    try {
      const { page } = live.panel;
      const rule = await addRule(page, '/^ping$/', 'pong');
      await eventually(() => textOf(page, 'auto-reply-status'), (t) => t === '1 of 1 rule on', 'the rule on');
      // The editor sends each edit: the host has the whole rule once both fields arrived.
      await eventually(() => live.server.autoReplyRules[0], (r) => r?.match === '/^ping$/' && r.reply.input === 'pong', 'the rule on the host');
      const c = await live.client('/');
      const p1 = await peerNumber(live.server.server, 1);
      await eventually(() => peerOptions(page), (o) => o.length === 2, 'the peer listed');
      await choose(page, 'peer-select', `#1 ${p1.remote} (open)`);
      c.ws.send('ping');
      await eventually(() => c.texts, (t) => t.includes('pong'), 'the auto-reply');
      await composerTextarea(page).fill('typed');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => c.texts, (t) => t.includes('typed'), 'the typed message');

      const reply = rowWithText(page, 'pong');
      const typed = rowWithText(page, 'typed');
      await typed.waitFor();
      const mark = reply.locator('[data-testid=auto-reply-mark]');
      assert.equal(await mark.isVisible(), true, 'the auto-reply row shows the mark');
      assert.equal(await mark.getAttribute('title'), 'Sent automatically, by an auto-reply rule or a mock');
      assert.equal(await typed.locator('[data-testid=auto-reply-mark]').count(), 0, 'the typed row has none');
      assert.equal(await rowWithText(page, 'ping').locator('[data-testid=auto-reply-mark]').count(), 0, 'the received row has none');

      await reply.click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('auto-reply by rule 1: /^ping$/'), 'the rule named in the detail');
      assert.match(await textOf(page, 'detail-summary'), /^#\d+ · out · text · 4 B · /);
      await typed.click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('5 B'), 'the typed message in the detail');
      assert.ok(!(await textOf(page, 'detail-summary')).includes('auto-reply'));
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it("filters a peer's log to only the auto-replies, or to everything else", async () => {
    const live = await openListenPanel(suite);
    try {
      const { page } = live.panel;
      await addRule(page, '/^ping \\d$/', 'pong');
      await eventually(() => live.server.autoReplyRules[0], (r) => r?.match === '/^ping \\d$/' && r.reply.input === 'pong', 'the rule on the host');
      const c = await live.client('/');
      const p1 = await peerNumber(live.server.server, 1);
      await eventually(() => peerOptions(page), (o) => o.length === 2, 'the peer listed');
      await choose(page, 'peer-select', `#1 ${p1.remote} (open)`);
      for (const text of ['ping 1', 'hello', 'ping 2']) c.ws.send(text);
      await eventually(() => c.texts, (t) => t.length === 2, 'the two auto-replies');
      await composerTextarea(page).fill('typed pong');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => c.texts, (t) => t.includes('typed pong'), 'the typed message');
      const peerLog = p1.connection.log;
      const total = peerLog.nextSeq - peerLog.firstSeq;
      await eventually(() => visibleRows(page), (r) => r.length === total, 'every entry of the peer shown');
      const marked = async () => (await page.locator('[data-testid=log-row]:has([data-testid=auto-reply-mark])').count());
      assert.equal(await marked(), 2);

      const control = page.locator('[data-testid=filter-auto-replies]');
      assert.equal(await control.isVisible(), true, 'a listener offers the choice');
      assert.equal(await control.getAttribute('aria-label'), 'Filter by sender: any, only auto-replies, or no auto-replies');
      await choose(page, 'filter-auto-replies', 'Only auto-replies');
      await eventually(() => textOf(page, 'filter-count'), (t) => t === `2 of ${total}`, 'the count of auto-replies');
      const only = await eventually(() => visibleRows(page), (r) => r.length === 2, 'only the two replies shown');
      // The preview starts with the mark's words for screen readers ("Auto-reply: pong").
      assert.deepEqual(only.map((r) => [r.direction, r.preview.endsWith(': pong')]), [['out', true], ['out', true]]);
      assert.equal(await marked(), 2);

      await choose(page, 'filter-auto-replies', 'No auto-replies');
      await eventually(() => textOf(page, 'filter-count'), (t) => t === `${total - 2} of ${total}`, 'the count without auto-replies');
      const rest = await eventually(() => visibleRows(page), (r) => r.length === total - 2, 'everything but the replies shown');
      assert.equal(await marked(), 0);
      for (const text of ['ping 1', 'hello', 'ping 2', 'typed pong']) assert.ok(rest.some((r) => r.preview === text), `${text} is shown`);

      // With text: the user's own "typed pong" is the one pong that is not an auto-reply.
      await setFilter(page, 'pong');
      await eventually(() => visibleRows(page), (r) => r.length === 1 && r[0]!.preview === 'typed pong', 'the typed pong alone');
      await setFilter(page, '');
      await choose(page, 'filter-auto-replies', 'Any sender');
      await eventually(() => textOf(page, 'filter-count'), (t) => t === '', 'no filter: no count');
      await eventually(() => visibleRows(page), (r) => r.length === total, 'every entry again');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('says in words when a pattern took too long: the rule and the filter are switched off', async () => {
    const live = await openListenPanel(suite);
    try {
      const { page } = live.panel;
      const rule = await addRule(page, '/^(\\w+\\s?)*$/', 'matched');
      const c = await live.client('/');
      const peer = await peerNumber(live.server.server, 1);
      // "Add rule" applies a blank rule (any message) at once: wait until the host answers by this one.
      let lastSent = 0;
      const probe = () => {
        if (Date.now() - lastSent > 200) {
          lastSent = Date.now();
          c.ws.send('hello world');
        }
        return c.texts.includes('matched');
      };
      await eventually(probe, Boolean, 'the rule applied on the host');
      assert.equal(await textOf(page, 'auto-reply-status'), '1 of 1 rule on');
      const answered = c.texts.length;
      c.ws.send('a'.repeat(39) + '!');
      const culprit = await waitForEntry(peer.connection.log, 'the message', (e) => e.direction === 'in' && e.text.endsWith('!'));
      await eventually(
        () => rule.locator('[data-testid=auto-reply-problem]').textContent(),
        (t) => t === `This pattern took too long on message #${culprit.seq} of peer #1; it is off.`,
        'the rule says why it is off',
      );
      assert.equal(await textOf(page, 'auto-reply-status'), '0 of 1 rule on');
      assert.equal(await isTicked(page, 'auto-reply-enabled'), false);

      await choose(page, 'peer-select', `#1 ${peer.remote} (open)`);
      await rowWithText(page, 'a'.repeat(39) + '!').waitFor();
      await setFilter(page, '/(a+)+$/');
      await eventually(() => textOf(page, 'filter-error'), (t) => t === `This pattern took too long on message #${culprit.seq}; it is off.`, 'the filter bar says why it is off');
      await eventually(() => textOf(page, 'filter-count'), (t) => t === '', 'the filter off: no count, every entry shows');
      await rowWithText(page, 'a'.repeat(39) + '!').waitFor();
      assert.equal(c.texts.length, answered, 'no reply to the message it took too long on');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it("shows each peer's Origin, what the limits did, and a listener bound beyond loopback", async () => {
    const session = createWsListener({ address: { host: '127.0.0.1', port: 0 }, maxPeers: 1 });
    await session.start();
    const port = session.address!.port;
    // The same listener as if bound to every interface (tests stay on loopback): only its address differs.
    const exposed = new Proxy(session, {
      get: (target, key) => {
        if (key === 'address') return { host: '0.0.0.0', port };
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const server = createServerConnection(exposed);
    const panel = await openPanel(suite.browser, suite.server, server, { callbacks: { disconnect: () => server.close(), connect: () => undefined } });
    const clients: WebSocket[] = [];
    try {
      const { page } = panel;
      await page.locator('[data-testid=peer-bar]').waitFor();
      assert.equal(await page.locator('[data-testid=peer-exposed]').isVisible(), true, 'no warning for a listener bound beyond loopback');
      assert.match((await page.locator('[data-testid=peer-exposed]').getAttribute('title')) ?? '', /other machines can reach/);

      // A page's Origin, with a control character in it: shown, and spelled out.
      const browser = new WebSocket(`ws://127.0.0.1:${port}/`, { origin: 'https://page.example\u0085' });
      clients.push(browser);
      await new Promise<void>((resolve, reject) => {
        browser.once('open', () => resolve());
        browser.once('error', reject);
      });
      const p1 = await peerNumber(session, 1);
      await eventually(() => peerOptions(page), (o) => o.length === 2, 'the peer listed');
      assert.deepEqual(await peerOptions(page), ['Server log (listening)', `#1 ${p1.remote} (open) · Origin https://page.example\\u0085`]);

      // A second client is one more than the listener accepts: refused, and counted.
      const refused = new WebSocket(`ws://127.0.0.1:${port}/`);
      clients.push(refused);
      refused.on('error', () => {});
      const status = await new Promise<number>((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      assert.equal(status, 503);
      await eventually(() => textOf(page, 'peer-count'), (t) => t === '1 peer · 1 open · 1 refused', 'the refusal counted');
      assert.match((await page.locator('[data-testid=peer-count]').getAttribute('title')) ?? '', /^Memory budget of this listener and its peers' logs: 1024 MiB\n1 clients refused/);
      await rowWithText(page, 'Refused the WebSocket upgrade of').waitFor();
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      for (const c of clients) c.terminate();
      await panel.close();
      server.dispose();
    }
  });
});
