// The Decoded tab of a big message comes in pages (issue 20; shared/decode/treePaging.ts): the real
// webview and the real PanelController with the MessagePack codec, on a recorded log. The first answer
// holds only the tree's first screens; scrolling to the end (End) and opening a closed container ask the
// host for the rest, until the tab has every line the whole tree (the extension API's, unpaged) has.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { DecodedNode } from '../../shared/decode/decoded';
import { Direction, Kind } from '../../shared/logModel';
import { FIRST_PAGE_NODES } from '../../shared/decode/treePaging';
import { EntryLog } from '../../src/core/log/entryLog';
import { DecodedLines } from '../../webview/decodedLines';
import { eventually } from '../support/eventually';
import { chromiumSkipReason } from './harness/chromium';
import { logOnlyConnection } from './harness/logOnlyConnection';
import { cspViolations, textOf } from './harness/panelActions';
import { openPanel, type OpenPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

/** MessagePack: an array of `n` maps {"i": k, "t": [k, k]} (k = index mod 100). */
function recordsPayload(n: number): Uint8Array {
  const out = [0xdc, n >> 8, n & 0xff];
  for (let k = 0; k < n; k++) out.push(0x82, 0xa1, 0x69, k % 100, 0xa1, 0x74, 0x92, k % 100, k % 100);
  return Uint8Array.from(out);
}

/** MessagePack: {"head": "h", "items": [0, 1, …, n-1 mod 100]}. */
function itemsPayload(n: number): Uint8Array {
  const out = [0x82, 0xa4, ...Buffer.from('head'), 0xa1, 0x68, 0xa5, ...Buffer.from('items'), 0xdc, n >> 8, n & 0xff];
  for (let k = 0; k < n; k++) out.push(k % 100);
  return Uint8Array.from(out);
}

function count(node: DecodedNode): number {
  return 1 + (node.children ?? []).reduce((n, c) => n + count(c), 0);
}

/** Records what the host answered the page's decode requests: nodes of each getDecoded tree, and how many getDecodedChildren. */
const RECORD_ANSWERS = `(() => {
  const seen = { decoded: [], tree: [], children: 0 };
  const count = (n) => 1 + (n.children || []).reduce((s, c) => s + count(c), 0);
  addEventListener('message', (e) => {
    const r = e.data && e.data.type === 'response' ? e.data.result : undefined;
    if (r && r.decoded) { seen.decoded.push(count(r.decoded.tree)); seen.tree.push(r.tree); }
    if (r && Array.isArray(r.children)) seen.children++;
  }, true);
  globalThis.__decodeAnswers = seen;
})()`;

interface Answers {
  readonly decoded: number[];
  readonly tree: (number | undefined)[];
  readonly children: number;
}

function answers(page: Page): Promise<Answers> {
  return page.evaluate('globalThis.__decodeAnswers') as Promise<Answers>;
}

/** Lines the tree has (drawn or not): its sizer is a line's height per line. */
async function lineCount(page: Page): Promise<number> {
  const px = await page.locator('[data-testid=detail-decoded] .decoded-sizer').evaluate((el) => parseFloat((el as unknown as { style: { height: string } }).style.height));
  return Math.round(px / 20);
}

/** Lets the page draw twice (the tree draws in animation frames). */
function frames(page: Page): Promise<unknown> {
  return page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

/** Presses End until it lands on a line that is no gap and adds nothing; returns the lines then. */
async function endUntilWhole(page: Page): Promise<number> {
  const tree = page.locator('[data-testid=detail-decoded] [data-testid=decoded-tree]');
  await tree.focus();
  let lines = await lineCount(page);
  for (let round = 0; round < 200; round++) {
    await page.keyboard.press('End');
    // Drawn, the last line (a gap) is asked for: busy until its children came and were drawn.
    await frames(page);
    await eventually(() => tree.getAttribute('aria-busy'), (b) => b === null, 'the tree settled');
    await frames(page);
    const now = await lineCount(page);
    const last = await page.locator('[data-testid=decoded-node][aria-selected=true]').textContent();
    if (now === lines && !/loading…/.test(last ?? '')) return now;
    lines = now;
  }
  throw new Error(`the tree kept growing: ${lines} lines`);
}

/** The lines the tab shows of the whole tree with nothing opened by hand, and with `open` (a line) opened. */
function expectedLines(root: DecodedNode, open?: number): number {
  const lines = new DecodedLines([{ root, title: 'MessagePack' }]);
  lines.buildSome(Number.POSITIVE_INFINITY);
  if (open !== undefined) lines.setExpanded(open, true);
  return lines.length;
}

describe('a big decoded message in pages (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  async function openWith(payload: Uint8Array): Promise<{ panel: OpenPanel; page: Page; seq: number }> {
    const log = new EntryLog();
    log.appendText(Direction.Meta, Kind.Open, 'recorded');
    const seq = log.append(Direction.In, Kind.Binary, payload);
    const panel = await openPanel(suite.browser, suite.server, logOnlyConnection(log), { controller: { decode: { codecs: [{ codec: 'msgpack' }] } } });
    const { page } = panel;
    await page.evaluate(RECORD_ANSWERS);
    await page.locator(`[data-testid=log-row][data-id="${seq}"]`).click();
    await page.locator('[data-testid=detail-decoded] [data-testid=decoded-node]').first().waitFor();
    return { panel, page, seq };
  }

  it('a 10,000-element array: the first answer holds its first screens, End fetches the rest, and the lines are the whole tree’s', async () => {
    const { panel, page, seq } = await openWith(recordsPayload(10_000));
    try {
      const whole = (await panel.controller.decoded(seq))!.tree;
      assert.ok(count(whole) > 7000 && whole.children!.length > 1000, `the whole tree has ${count(whole)} nodes`);
      const first = await answers(page);
      assert.equal(first.decoded.length, 1);
      assert.ok(first.decoded[0]! <= FIRST_PAGE_NODES, `${first.decoded[0]} nodes in the first answer`);
      assert.equal(typeof first.tree[0], 'number', 'the answer names the message for the rest');
      assert.ok((await lineCount(page)) < 400, 'the tab starts with the first screens');
      // Every record line counts all the records the tree has, though few came yet.
      const record = page.locator('[data-testid=decoded-node][aria-level="2"]').first();
      assert.equal(await record.getAttribute('aria-setsize'), String(whole.children!.length));

      const total = await endUntilWhole(page);
      assert.equal(total, expectedLines(whole));
      assert.ok((await answers(page)).children >= 3, 'the rest came in several answers');
      // The last line is the tree's last (the codec's "more items" past its budget), with its bytes.
      const lastNode = whole.children!.at(-1)!;
      const last = page.locator('[data-testid=decoded-node][aria-selected=true]');
      assert.equal(await last.getAttribute('data-offset'), String(lastNode.offset));
      assert.match(await textOf(page, 'decoded-node-info'), new RegExp(`at byte ${lastNode.offset} `));
      // Up and Home walk back through lines that came later.
      // The tree draws on the next animation frame, which a loaded machine can delay past the read.
      const selectedLine = () => page.locator('[data-testid=decoded-node][aria-selected=true]').getAttribute('data-line');
      await page.keyboard.press('ArrowUp');
      await eventually(selectedLine, (l) => l === String(total - 2), 'ArrowUp selects the line before the last');
      await page.keyboard.press('Home');
      await eventually(selectedLine, (l) => l === '0', 'Home selects the first line');
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('a container too big to open by itself is opened by hand: its children come then, and Show in Hex marks a fetched node', async () => {
    const { panel, page, seq } = await openWith(itemsPayload(10_000));
    try {
      const whole = (await panel.controller.decoded(seq))!.tree;
      const first = await answers(page);
      assert.ok(first.decoded[0]! < 10, `${first.decoded[0]} nodes in the first answer: items comes closed`);
      assert.equal(await lineCount(page), 3);
      const items = page.locator('[data-testid=decoded-node][data-path="items"]');
      assert.equal(await items.getAttribute('aria-expanded'), 'false');
      await items.click();
      await page.keyboard.press('Enter');
      await eventually(() => lineCount(page), (n) => n > 100, 'the first items came');
      assert.equal(await items.getAttribute('aria-expanded'), 'true');
      const total = await endUntilWhole(page);
      assert.equal(total, expectedLines(whole, 2));
      // A node that came in a later answer selects like any: its bytes in the info line and in Hex.
      await page.keyboard.press('ArrowUp');
      const node = whole.children![1]!.children!.at(-2)!;
      assert.match(await textOf(page, 'decoded-node-info'), new RegExp(`at byte ${node.offset} \\(`));
      await page.locator('[data-testid=decoded-show-hex]').click();
      assert.equal(await page.locator('[data-testid=detail-tab-hex]').getAttribute('aria-selected'), 'true');
      // The item is one positive fixint: its one byte is its value.
      await eventually(() => textOf(page, 'hex-mark'), (t) => t === Number(node.value).toString(16).padStart(2, '0'), 'the node’s byte marked in Hex');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });
});
