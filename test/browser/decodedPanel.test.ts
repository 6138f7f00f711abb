// The panel's side of decoding in Chromium: the Decoded tab (tree, error offsets, bytes in Hex, keys),
// decoded summaries in the rows, the layer's status in the toolbar and the layer composer forms. The
// real webview and the real PanelController on a real WebSocket connection; the host's decode handlers
// are wired in another branch, so a stand-in (harness/decodeStandIn.ts) answers the decode slice of the
// protocol from the real log with DecodedMessage values this file makes by hand from each payload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { DecodedMessage, DecodedNode } from '../../shared/decode/decoded';
import type { EntryLog } from '../../src/core/log/entryLog';
import { eventually } from '../support/eventually';
import { axeViolations, describeViolations } from './harness/axeCheck';
import { chromiumSkipReason } from './harness/chromium';
import { DecodeStandIn, type StandInDecoder } from './harness/decodeStandIn';
import { openLivePanel, type LivePanel } from './harness/livePanel';
import { FREEZE_MS, panelLongTasks, recordedLongTasks, recordLongTasks } from './harness/longTasks';
import { choose, cspViolations, textOf } from './harness/panelActions';
import { loadTheme } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();
const utf8 = new TextDecoder();

const EVENT = '42["chat","hi",{"room":7}]';
const TRUNCATED = '42["chat","oops';
const PACKED = '42["packed","gqFhAaFiAg=="]';
const PLAIN = 'plain text, not Socket.IO';

function leaf(key: string, type: string, value: string, offset?: number, length?: number): DecodedNode {
  return { key, type, value, ...(offset !== undefined ? { offset } : {}), ...(length !== undefined ? { length } : {}) };
}

/** A JSON value as a tree, with its bytes found in `text` (ASCII only, as this file's messages are). */
function jsonNode(key: string, value: unknown, text: string, from: number): DecodedNode {
  const json = JSON.stringify(value);
  const at = text.indexOf(json, from);
  const place = at < 0 ? {} : { offset: at, length: json.length };
  if (Array.isArray(value)) return { key, type: 'array', ...place, children: value.map((v, i) => jsonNode(String(i), v, text, Math.max(from, at))) };
  if (typeof value === 'object' && value !== null) {
    return { key, type: 'object', ...place, children: Object.entries(value).map(([k, v]) => jsonNode(k, v, text, Math.max(from, at))) };
  }
  return { key, type: typeof value === 'string' ? 'str' : 'number', value: json, ...place };
}

/**
 * A hand-made Socket.IO reading of `42[…]` text: the packet type, the event name and its arguments with
 * their byte offsets; a truncated packet stops at its last quote; a base64 argument of `packed` is a
 * MessagePack payload inside. `summaryPrefix` changes the summaries (as a new reading would).
 */
function socketIoDecoder(summaryPrefix = 'EVENT'): StandInDecoder {
  return (payload) => {
    const text = utf8.decode(payload);
    if (!text.startsWith('42')) return undefined;
    const type = leaf('type', 'packet type', '2 (EVENT)', 1, 1);
    let args: unknown[];
    try {
      args = JSON.parse(text.slice(2)) as unknown[];
    } catch {
      const stop = text.lastIndexOf('"');
      return { format: 'socketio', summary: `${summaryPrefix} (cut short)`, tree: { key: '', type: 'EVENT', children: [type] }, fields: {}, error: { offset: stop, message: 'the string never ends' } };
    }
    const [name, ...rest] = args;
    const event = jsonNode('event', name, text, 2);
    const tree: DecodedNode = { key: '', type: 'EVENT', offset: 0, length: payload.length, children: [type, event, { ...jsonNode('args', rest, text, 2), key: 'args' }] };
    const decoded: DecodedMessage = { format: 'socketio', summary: `${summaryPrefix} ${String(name)} ${JSON.stringify(rest)}`, tree, fields: { event: String(name) } };
    if (name !== 'packed') return decoded;
    // 82 a1 61 01 a1 62 02: {a: 1, b: 2} in MessagePack.
    const inner: DecodedMessage = {
      format: 'msgpack',
      summary: 'map {a: 1, b: 2}',
      tree: { key: '', type: 'map', offset: 0, length: 7, children: [leaf('a', 'uint', '1', 3, 1), leaf('b', 'uint', '2', 6, 1)] },
      fields: {},
    };
    return { ...decoded, inner };
  };
}

/** The seq of the entry whose payload is `text`. */
function seqOf(log: EntryLog, text: string): number {
  for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
    const p = log.payload(seq);
    if (p && utf8.decode(p) === text) return seq;
  }
  throw new Error(`no entry holds ${text}`);
}

/** Opens a panel on a server that sends `messages`, with the stand-in decode slice. */
async function openDecodedPanel(suite: ReturnType<typeof usePanelSuite>, messages: readonly string[], decoder = socketIoDecoder()): Promise<{ live: LivePanel; standIn: DecodeStandIn; page: Page }> {
  let log: EntryLog | undefined;
  const standIn = new DecodeStandIn(() => log!, decoder);
  const live = await openLivePanel(suite.browser, suite.server, (ws) => {
    for (const m of messages) ws.send(m);
  }, standIn.option);
  log = live.connection.log;
  standIn.attach(live.panel.postToPage);
  const { page } = live.panel;
  await eventually(() => page.locator('[data-testid=log-row][data-kind=text]').count(), (n) => n === messages.length, 'every message in a row');
  return { live, standIn, page };
}

function row(page: Page, seq: number) {
  return page.locator(`[data-testid=log-row][data-id="${seq}"]`);
}

/** The tree's lines as "path | key type value" for compact assertions. */
async function treeLines(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid=decoded-node]', (els) =>
    els
      .map((el) => ({ line: Number(el.getAttribute('data-line')), text: (el.textContent ?? '').trim() }))
      .sort((a, b) => a.line - b.line)
      .map((l) => l.text),
  );
}

const SOCKET_IO_ON = { settings: { layer: 'socketio' as const }, layerStatus: 'connected to /', codecs: ['msgpack', 'cbor', 'protobuf'] };

describe('decoded messages in the panel (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('opens a decoded entry on the Decoded tab with its tree, the payload inside as a section, and Text and Hex one click away', async () => {
    const { live, standIn, page } = await openDecodedPanel(suite, [EVENT, PLAIN, PACKED]);
    try {
      const log = live.connection.log;
      // Before any layer is on, nothing is asked for and there is no Decoded tab.
      await row(page, seqOf(log, EVENT)).click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === EVENT, 'the text of the event');
      assert.equal(await page.locator('[data-testid=detail-tab-decoded]').isVisible(), false);
      assert.deepEqual(standIn.decodedRequests, []);

      standIn.sendState(SOCKET_IO_ON);
      await page.locator('[data-testid=detail-panel-decoded] [data-testid=decoded-tree]').waitFor();
      assert.equal(await page.locator('[data-testid=detail-tab-decoded]').getAttribute('aria-selected'), 'true', 'the Decoded tab is in front');
      assert.equal(await textOf(page, 'decoded-summary'), 'Socket.IO' + 'EVENT chat ["hi",{"room":7}]');
      const expected = [
        'Socket.IOEVENT3 items',
        'typepacket type2 (EVENT)',
        'eventstr"chat"',
        'argsarray2 items',
        '0str"hi"',
        '1object1 item',
        'roomnumber7',
      ];
      await eventually(() => treeLines(page), (l) => JSON.stringify(l) === JSON.stringify(expected), 'the tree, open two levels down');
      const tree = page.locator('[data-testid=detail-panel-decoded] [data-testid=decoded-tree]');
      assert.equal(await tree.getAttribute('role'), 'tree');
      const args = page.locator('[data-testid=decoded-node][data-path=args]');
      assert.equal(await args.getAttribute('aria-level'), '2');
      assert.equal(await args.getAttribute('aria-expanded'), 'true');
      assert.equal(await args.getAttribute('aria-setsize'), '3');
      assert.equal(await args.getAttribute('aria-posinset'), '3');

      // The raw views are one click away.
      // Decoded went first, so Text is made at this click and draws its rows in the next frame.
      await page.locator('[data-testid=detail-tab-text]').click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === EVENT, 'the text of the event on the Text tab');
      await page.locator('[data-testid=detail-tab-hex]').click();
      assert.match(await textOf(page, 'detail-hex'), /3432 5b22/);

      // An entry nothing decodes has no Decoded tab.
      await row(page, seqOf(log, PLAIN)).click();
      await eventually(() => textOf(page, 'detail-text'), (t) => t === PLAIN, 'the plain entry');
      assert.equal(await page.locator('[data-testid=detail-tab-decoded]').isVisible(), false);

      // Back on Decoded, the next decoded entry opens there, with the MessagePack payload as its own section.
      await row(page, seqOf(log, EVENT)).click();
      await page.locator('[data-testid=detail-tab-decoded]').click();
      await row(page, seqOf(log, PACKED)).click();
      await eventually(() => treeLines(page), (l) => l.includes('payload · MessagePackmap2 items'), 'the payload section');
      const lines = await treeLines(page);
      assert.deepEqual(lines.slice(-3), ['payload · MessagePackmap2 items', 'auint1', 'buint2']);
      assert.equal(await page.locator('[data-testid=decoded-node][data-line]', { hasText: 'payload · MessagePack' }).getAttribute('aria-level'), '1');
      assert.match(await textOf(page, 'decoded-summary'), /MessagePack/);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('says where decoding stopped, and its link opens Hex at that byte', async () => {
    const { live, standIn, page } = await openDecodedPanel(suite, [TRUNCATED]);
    try {
      standIn.sendState(SOCKET_IO_ON);
      await row(page, seqOf(live.connection.log, TRUNCATED)).click();
      await page.locator('[data-testid=decoded-error]').waitFor();
      // 42["chat","oops: the last quote is byte 10.
      assert.equal(await textOf(page, 'decoded-error'), ' Socket.IO decoding stopped at byte 10 (0xa): the string never ends Show byte 10 in Hex');
      await page.locator('[data-testid=decoded-error-offset]').click();
      // Clicked as soon as it is shown: Hex comes to the front once the raw tabs are filled, a frame or two after Decoded.
      await eventually(() => page.locator('[data-testid=detail-tab-hex]').getAttribute('aria-selected'), (s) => s === 'true', 'the Hex tab in front');
      assert.equal(await textOf(page, 'hex-mark'), '22', 'the byte at offset 10 is marked in the hex column');
      assert.equal(await textOf(page, 'hex-mark-ascii'), '"');
      assert.equal(await textOf(page, 'hex-marked'), 'Marked: offset 10 (0xa)');
      assert.ok(await page.locator('[data-testid=hex-mark]').isVisible(), 'the mark is on screen');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('marks a byte far into a big payload in Hex (the Hex tab pages, so any offset shows)', async () => {
    // Decoding stops at the last quote, past the first MiB.
    const big = `42["chat","${'x'.repeat(1_200_000)}","oops`;
    const stop = big.lastIndexOf('"');
    const { live, standIn, page } = await openDecodedPanel(suite, [big]);
    try {
      standIn.sendState(SOCKET_IO_ON);
      await page.locator(`[data-testid=log-row][data-id="${seqOf(live.connection.log, big)}"]`).click();
      await page.locator('[data-testid=decoded-error-offset]').click();
      await eventually(() => page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid=hex-mark]')?.textContent), (t) => t === '22', 'the quote marked');
      assert.equal(await textOf(page, 'hex-mark-ascii'), '"');
      assert.equal(await textOf(page, 'hex-marked'), `Marked: offset ${stop} (0x${stop.toString(16)})`);
      assert.ok(await page.locator('[data-testid=hex-mark]').isVisible(), 'the mark is on screen');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('marks the bytes of the selected node in Hex, and moves through the tree by keyboard', async () => {
    const { live, standIn, page } = await openDecodedPanel(suite, [EVENT]);
    try {
      standIn.sendState(SOCKET_IO_ON);
      await row(page, seqOf(live.connection.log, EVENT)).click();
      const tree = page.locator('[data-testid=detail-panel-decoded] [data-testid=decoded-tree]');
      await tree.waitFor();
      const line = (path: string) => page.locator(`[data-testid=decoded-node][data-path="${path}"]`);

      // A click selects the event name: its six bytes "chat" (with quotes) at offset 3.
      await line('event').click();
      await eventually(() => line('event').getAttribute('aria-selected'), (v) => v === 'true', 'the clicked line selected');
      assert.equal(await textOf(page, 'decoded-node-info'), 'event · str · 6 B at byte 3 (0x3) Show in Hex');
      await page.locator('[data-testid=detail-tab-hex]').click();
      assert.equal(await textOf(page, 'hex-mark'), '22 6368 6174 22');
      assert.equal(await textOf(page, 'hex-mark-ascii'), '"chat"');
      await page.locator('[data-testid=detail-tab-decoded]').click();

      // Keys, as the ARIA tree pattern has them; the active line is the tree's aria-activedescendant.
      await tree.focus();
      const activeIs = (path: string) => eventually(active, (p) => p === path, `the active line ${path}`);
      const expandedIs = (path: string, expanded: string, what: string) => eventually(() => line(path).getAttribute('aria-expanded'), (v) => v === expanded, what);
      const active = async (): Promise<string | undefined> =>
        page.evaluate(() => {
          interface El {
            getAttribute(name: string): string | null;
            dataset: Record<string, string | undefined>;
          }
          const d = (globalThis as unknown as { document: { querySelector(s: string): El | null; getElementById(id: string): El | null } }).document;
          const id = d.querySelector('[data-testid=detail-panel-decoded] [role=tree]')?.getAttribute('aria-activedescendant');
          const el = id ? d.getElementById(id) : null;
          return el?.getAttribute('aria-selected') === 'true' ? el.dataset.path : undefined;
        });
      await activeIs('event');
      await page.keyboard.press('ArrowDown');
      await activeIs('args');
      await page.keyboard.press('ArrowLeft');
      await expandedIs('args', 'false', 'Left closes an open node');
      await eventually(() => line('args[0]').count(), (n) => n === 0, 'the children of a closed node gone from the tree');
      await page.keyboard.press('ArrowRight');
      await expandedIs('args', 'true', 'Right opens it');
      await page.keyboard.press('ArrowRight');
      await activeIs('args[0]');
      await page.keyboard.press('ArrowLeft');
      await activeIs('args');
      await page.keyboard.press('Enter');
      await expandedIs('args', 'false', 'Enter toggles');
      await page.keyboard.press('End');
      await activeIs('args');
      await page.keyboard.press('Home');
      await activeIs('');
      assert.equal(await textOf(page, 'decoded-node-info'), 'EVENT · 26 B at byte 0 (0x0) Show in Hex');
      // Selecting with keys marks too; the link goes to Hex.
      await page.keyboard.press('ArrowDown');
      await activeIs('type');
      await page.locator('[data-testid=decoded-show-hex]').click();
      assert.equal(await page.locator('[data-testid=detail-tab-hex]').getAttribute('aria-selected'), 'true');
      assert.equal(await textOf(page, 'hex-mark'), '32');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('shows summaries instead of previews for rows in view, with a badge, asks again after a new decodeState, and shows raw on request', async () => {
    const { live, standIn, page } = await openDecodedPanel(suite, [EVENT, PLAIN, PACKED, TRUNCATED]);
    try {
      const log = live.connection.log;
      const preview = (text: string) => row(page, seqOf(log, text)).locator('.c-preview').textContent();
      assert.equal(await preview(EVENT), EVENT, 'raw before any layer is on');
      const heightBefore = (await row(page, seqOf(log, EVENT)).boundingBox())?.height;

      standIn.sendState({ ...SOCKET_IO_ON, layerStatus: 'connected to /chat' });
      await eventually(() => preview(EVENT), (t) => t === 'SIO: EVENT chat ["hi",{"room":7}]', 'the summary in the row');
      assert.equal(await row(page, seqOf(log, EVENT)).locator('.summary-badge').textContent(), 'SIO: ');
      assert.equal(await row(page, seqOf(log, EVENT)).locator('.summary-badge').getAttribute('title'), 'Socket.IO summary');
      assert.equal(await preview(PACKED), 'SIO: EVENT packed ["gqFhAaFiAg=="]');
      assert.equal(await preview(PLAIN), PLAIN, 'an entry nothing decodes stays raw, without a badge');
      assert.equal((await row(page, seqOf(log, EVENT)).boundingBox())?.height, heightBefore, 'the row keeps its height');
      // Asked for in batches, each message once, and never the connection's own events.
      const asked = standIn.summaryRequests.flat();
      assert.deepEqual([...new Set(asked)].sort((a, b) => a - b), [EVENT, PLAIN, PACKED, TRUNCATED].map((t) => seqOf(log, t)).sort((a, b) => a - b));
      assert.equal(asked.length, new Set(asked).size, 'no seq asked twice');
      assert.ok(standIn.summaryRequests.length <= 2, `${standIn.summaryRequests.length} requests for 4 rows`);

      // The toolbar says the layer and its state; the filter mentions field filters.
      assert.equal(await textOf(page, 'decode-status'), 'Socket.IO · connected to /chat');
      assert.match((await page.locator('[data-testid=filter]').getAttribute('placeholder')) ?? '', /event:chat/);

      // A new reading: the rows are asked again and show what it says now.
      const before = standIn.summaryRequests.length;
      standIn.decoder = socketIoDecoder('EMIT');
      standIn.sendState({ ...SOCKET_IO_ON, layerStatus: 'connected to /admin' });
      await eventually(() => preview(EVENT), (t) => t === 'SIO: EMIT chat ["hi",{"room":7}]', 'the new summary');
      assert.ok(standIn.summaryRequests.length > before);
      assert.equal(await textOf(page, 'decode-status'), 'Socket.IO · connected to /admin');
      await eventually(() => textOf(page, 'live-region'), (t) => t.startsWith('Socket.IO · connected to /admin'), 'the new state said');

      // Raw previews at a click, and back.
      await page.locator('[data-testid=decode-raw]').click();
      await eventually(() => preview(EVENT), (t) => t === EVENT, 'the raw preview');
      await page.locator('[data-testid=decode-raw]').click();
      await eventually(() => preview(EVENT), (t) => t?.startsWith('SIO: EMIT') === true, 'the summary again');

      // The log starting over forgets every summary; the layer off shows raw rows and no status.
      standIn.sendState({ settings: {}, codecs: [] });
      await eventually(() => preview(EVENT), (t) => t === EVENT, 'raw rows without a layer');
      assert.equal(await page.locator('[data-testid=decode-status]').isVisible(), false);
      assert.doesNotMatch((await page.locator('[data-testid=filter]').getAttribute('placeholder')) ?? '', /event:chat/);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('opens a tree of 100,000 nodes without freezing the panel, and scrolls to its end by keyboard', async () => {
    const BIG = '42["big"]';
    // 1,000 maps of 99 fields under one array: 100,001 nodes, all open (each map is small enough).
    const big: DecodedMessage = {
      format: 'msgpack',
      summary: 'array of 1000 maps',
      fields: {},
      tree: {
        key: '',
        type: 'array',
        children: Array.from({ length: 1000 }, (_, i) => ({
          key: String(i),
          type: 'map',
          children: Array.from({ length: 99 }, (_, j) => leaf(`field${j}`, 'uint', String(i * 100 + j))),
        })),
      },
    };
    const decode = socketIoDecoder();
    const { live, standIn, page } = await openDecodedPanel(suite, [EVENT, BIG], (payload, seq) => (utf8.decode(payload) === BIG ? big : decode(payload, seq)));
    try {
      standIn.sendState({ settings: { codecs: [{ codec: 'msgpack' }] }, codecs: ['msgpack'] });
      await eventually(() => row(page, seqOf(live.connection.log, BIG)).locator('.c-preview').textContent(), (t) => t === 'MP: array of 1000 maps', 'the summary');
      // Long tasks as the page sees them. The harness carries host messages as JSON through Playwright
      // (VS Code uses structured clone), so the task that delivers the 100,000-node answer is long on
      // the harness's account (seconds of argument parsing and collecting): it is told apart, and the
      // panel must not build the tree in it. The task that does build it (seen by a MutationObserver,
      // whose callback ends that task, marks it) must be short, as must every other.
      await recordLongTasks(page, { markAdded: '[data-testid=decoded-tree]' });
      await row(page, seqOf(live.connection.log, BIG)).click();
      await eventually(() => page.locator('[data-testid=detail-panel-decoded] [data-testid=decoded-node]').count(), (n) => n > 10, 'the tree drawn');
      const tree = page.locator('[data-testid=detail-panel-decoded] [data-testid=decoded-tree]');
      assert.equal(await page.locator('[data-testid=decoded-node][data-path="[0]"]').getAttribute('aria-setsize'), '1000');
      const drawn = await page.locator('[data-testid=decoded-node]').count();
      assert.ok(drawn < 200, `${drawn} lines in the DOM: only those in view`);
      await eventually(() => tree.getAttribute('aria-busy'), (b) => b === null, 'the whole tree walked');
      await tree.focus();
      await page.keyboard.press('End');
      await eventually(() => page.locator('[data-testid=decoded-node][data-path="[999].field98"]').count(), (n) => n === 1, 'the last node in view');
      assert.equal(await page.locator('[data-testid=decoded-node][data-path="[999].field98"]').textContent(), 'field98uint99998');
      await page.waitForTimeout(300);
      const record = await recordedLongTasks(page);
      assert.equal(record.marks.length, 1, `the tree was put in the page once: ${record.what}`);
      assert.deepEqual(panelLongTasks(record), [], `the panel froze (tasks over ${FREEZE_MS} ms): ${record.what}`);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  it('sends each layer form through layerSend, checks it while typing, and shows the host refusing it inline', async () => {
    const { live, standIn, page } = await openDecodedPanel(suite, [EVENT]);
    try {
      const field = (id: string) => page.locator(`[data-testid=${id}] input`);
      const area = (id: string) => page.locator(`[data-testid=${id}] textarea`);
      const send = () => page.locator('[data-testid=composer-send]').click();
      const error = () => textOf(page, 'composer-error');
      const sentCount = async (n: number) => eventually(() => standIn.sent.length, (c) => c === n, `${n} forms sent`);

      // Socket.IO: event, JSON arguments (an array, checked as typed), ack, namespace.
      standIn.sendState({ ...SOCKET_IO_ON, layerStatus: 'connected to /chat' });
      await page.locator('[data-testid=layer-form][data-layer=socketio]').waitFor();
      assert.equal(await page.locator('[data-testid=composer-input]').isVisible(), false, 'the raw input gives way to the form');
      await field('sio-event').fill('chat');
      await area('sio-args').fill('["hi",');
      await eventually(error, (t) => t.startsWith('Arguments: '), 'the JSON problem while typing');
      await area('sio-args').fill('{"to": 3}');
      await eventually(error, (t) => t === 'Arguments must be a JSON array: [ … ].', 'an object is not an argument list');
      await area('sio-args').fill('["hi", {"to": 3}]');
      await eventually(error, (t) => t === '', 'no problem');
      await field('sio-namespace').fill('/chat');
      await page.locator('[data-testid=sio-ack]').click();
      await send();
      await sentCount(1);
      assert.deepEqual(standIn.sent[0], { layer: 'socketio', event: 'chat', args: '["hi", {"to": 3}]', namespace: '/chat', ack: true });
      await eventually(() => textOf(page, 'composer-info'), (t) => t === 'Sent 42 B', 'what was sent');
      standIn.layerSendError = "namespace '/chat' refused the connection: not authorized";
      await area('sio-args').press('Control+Enter');
      await eventually(error, (t) => t === "namespace '/chat' refused the connection: not authorized", 'the host refusal inline');
      assert.deepEqual(standIn.sent[1], standIn.sent[0], 'Ctrl+Enter sent the same form');
      standIn.layerSendError = undefined;

      // MQTT: publish with format, QoS, retain and properties; subscribe.
      standIn.sendState({ settings: { layer: 'mqtt' }, layerStatus: 'connected, MQTT 5', codecs: [] });
      await page.locator('[data-testid=layer-form][data-layer=mqtt]').waitFor();
      await field('mqtt-topic').fill('sensors/1');
      await choose(page, 'mqtt-format', 'Hex');
      await area('mqtt-payload').fill('01 02 zz');
      await eventually(error, (t) => t.startsWith('Payload: Invalid hex'), 'the hex problem while typing');
      await area('mqtt-payload').fill('01 02 ff');
      await field('mqtt-topic').fill('sensors/#');
      await eventually(error, (t) => t.startsWith('A publish names one topic'), 'no wildcards in a publish');
      await field('mqtt-topic').fill('sensors/1');
      await choose(page, 'mqtt-qos', 'QoS 2');
      await page.locator('[data-testid=mqtt-retain]').click();
      await area('mqtt-properties').fill('{"contentType": "application/octet-stream"}');
      await eventually(error, (t) => t === '', 'no problem');
      await send();
      await sentCount(3);
      assert.deepEqual(standIn.sent[2], {
        layer: 'mqtt',
        action: 'publish',
        topic: 'sensors/1',
        payload: '01 02 ff',
        format: 'hex',
        qos: 2,
        retain: true,
        properties: '{"contentType": "application/octet-stream"}',
      });
      await choose(page, 'mqtt-action', 'Subscribe');
      assert.equal(await page.locator('[data-testid=mqtt-payload]').isVisible(), false, 'a subscription has no payload');
      await field('mqtt-topic').fill('sensors/#');
      await choose(page, 'mqtt-qos', 'QoS 1');
      await send();
      await sentCount(4);
      assert.deepEqual(standIn.sent[3], { layer: 'mqtt', action: 'subscribe', topic: 'sensors/#', qos: 1 });
      standIn.layerSendError = 'SUBACK: 0x87 Not authorized';
      await send();
      await eventually(error, (t) => t === 'SUBACK: 0x87 Not authorized', 'the refusal inline');
      standIn.layerSendError = undefined;

      // STOMP: command, destination, header rows, body.
      standIn.sendState({ settings: { layer: 'stomp' }, layerStatus: 'connected, STOMP 1.2', codecs: [] });
      await page.locator('[data-testid=layer-form][data-layer=stomp]').waitFor();
      await send();
      await eventually(error, (t) => t === 'SEND needs a destination.', 'the missing destination');
      await field('stomp-destination').fill('/queue/orders');
      await page.locator('[data-testid=stomp-header-add]').click();
      await page.locator('[data-testid=stomp-header-add]').click();
      await page.locator('[data-testid=stomp-header-name] input').nth(0).fill('receipt');
      await page.locator('[data-testid=stomp-header-value] input').nth(0).fill('r-1');
      await page.locator('[data-testid=stomp-header-name] input').nth(1).fill('bad:name');
      await eventually(error, (t) => t.startsWith("Header 2's name cannot hold ':'"), 'the header name problem');
      await page.locator('[data-testid=stomp-header-remove]').nth(1).click();
      await area('stomp-body').fill('{"qty": 2}');
      await eventually(error, (t) => t === '', 'no problem');
      await send();
      await sentCount(6);
      assert.deepEqual(standIn.sent[5], { layer: 'stomp', command: 'SEND', destination: '/queue/orders', headers: [['receipt', 'r-1']], body: '{"qty": 2}' });

      // "Raw" brings the raw composer back, which sends bytes through the controller as before.
      await page.locator('[data-testid=composer-raw]').click();
      await page.locator('[data-testid=composer-input]').waitFor();
      assert.equal(await page.locator('[data-testid=layer-form]').isVisible(), false);
      await page.locator('[data-testid=composer-input] textarea').fill('raw bytes');
      await send();
      await eventually(() => live.peer.received.map((r) => r.data.toString()), (r) => r.includes('raw bytes'), 'the raw message at the server');
      assert.equal(standIn.sent.length, 6, 'nothing more through the layer');
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  for (const theme of ['dark-modern', 'light-modern', 'dark-high-contrast'] as const) {
    it(`passes axe with summaries, the Decoded tree, a marked Hex and a layer form (${theme})`, async () => {
      let log: EntryLog | undefined;
      const standIn = new DecodeStandIn(() => log!, socketIoDecoder());
      const live = await openLivePanel(suite.browser, suite.server, (ws) => {
        for (const m of [EVENT, TRUNCATED, PACKED, PLAIN]) ws.send(m);
      }, { ...standIn.option, theme: loadTheme(theme) });
      log = live.connection.log;
      standIn.attach(live.panel.postToPage);
      const { page } = live.panel;
      try {
        await eventually(() => page.locator('[data-testid=log-row][data-kind=text]').count(), (n) => n === 4, 'the messages');
        standIn.sendState({ ...SOCKET_IO_ON, layerStatus: 'connected to /chat' });
        await eventually(() => row(page, seqOf(log, EVENT)).locator('.c-preview').textContent(), (t) => t?.startsWith('SIO: ') === true, 'summaries');
        await row(page, seqOf(log, PACKED)).click();
        await page.locator('[data-testid=decoded-node][data-path=event]').click();
        const check = async (state: string) => {
          const violations = await axeViolations(page);
          assert.equal(violations.length, 0, `accessibility violations with ${state}:\n${describeViolations(violations)}`);
        };
        await check('the Decoded tab and a layer form');
        await row(page, seqOf(log, TRUNCATED)).click();
        await page.locator('[data-testid=decoded-error-offset]').click();
        await page.locator('[data-testid=hex-mark]').waitFor();
        await check('an error and the Hex mark');
        assert.deepEqual(live.panel.problems, []);
      } finally {
        await live.close();
      }
    });
  }
});
