// The Hex tab on a 32 MiB binary message: it pages through the whole payload (the last byte reachable),
// goes to offsets, finds bytes forward and backward on the host, copies selected ranges exactly, and
// never freezes the page while opening and scrolling (the 50 ms goal is the bench's). The real webview bundle and
// PanelController on a real WebSocket connection to a server on 127.0.0.1.
// The DOM is polled with the page's own querySelector: a Playwright locator walks every node.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { eventually } from '../support/eventually';
import { xorshiftBytes } from '../support/seededRandom';
import { chromiumSkipReason } from './harness/chromium';
import { openLivePanel } from './harness/livePanel';
import { FREEZE_MS, recordedLongTasks, recordLongTasks, tasksOverBudget } from './harness/longTasks';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();
const MiB = 1024 * 1024;
const SIZE = 32 * MiB;
const NEEDLE = 'NEEDLE-in-hex';
/** Where NEEDLE is written: twice, far apart (both beyond the 4 MiB the pane fetches first). */
const NEEDLE_AT = [5_000_003, 29_999_999] as const;
const GREETING = 'Hello, paged hex!';
const GREETING_AT = 20 * MiB + 5;

/** The little of the DOM the page-side functions use (the tests compile without the DOM library). */
interface El {
  textContent: string | null;
  value: string;
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly dataset: Record<string, string | undefined>;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): { length: number };
  getBoundingClientRect(): { left: number; top: number; width: number };
}
interface Doc {
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): { length: number };
}

/** `n` random-looking bytes, the same on every run. */
const randomBytes = (n: number): Buffer => xorshiftBytes(n, 0x2545f491);

/** A row of the hex column as the view draws it: pairs grouped by two bytes. */
function hexRow(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return hex.match(/.{1,4}/g)!.join(' ');
}

/** The view's state, read in one evaluate. */
interface HexState {
  readonly offsets: string[];
  readonly hex: string[];
  readonly ascii: string[];
  readonly perRow: number;
  readonly busy: boolean;
  readonly selection: string;
  readonly message: string;
  readonly nodes: number;
}

function hexState(page: Page): Promise<HexState | undefined> {
  return page.evaluate(() => {
    const d = (globalThis as unknown as { document: Doc }).document;
    const dump = d.querySelector('[data-testid=detail-panel-hex] [data-testid=detail-hex]');
    const scroller = d.querySelector('[data-testid=hex-scroller]');
    if (!dump || !scroller) return undefined;
    // No named inner functions: the test's transpiler would wrap them in a helper the page lacks.
    const [offsets, hex, ascii] = ['.hex-offsets', '.hex-bytes', '.hex-ascii'].map((c) => (dump.querySelector(c)?.textContent ?? '').split('\n'));
    return {
      offsets: offsets!,
      hex: hex!,
      ascii: ascii!,
      perRow: Number(dump.dataset.bytesPerRow),
      busy: dump.hasAttribute('aria-busy'),
      selection: scroller.dataset.selection ?? '',
      message: d.querySelector('[data-testid=hex-message]')?.textContent ?? '',
      nodes: d.querySelector('[data-testid=detail-panel-hex]')!.querySelectorAll('*').length,
    };
  });
}

/** The state once the rows from `offset` are drawn from their bytes (not placeholders). */
function rowsAt(page: Page, offset: number, what: string): Promise<HexState> {
  return eventually(
    () => hexState(page),
    (s): s is HexState => s !== undefined && !s.busy && s.offsets.includes(offset.toString(16).padStart(8, '0')),
    what,
    20_000,
  ) as Promise<HexState>;
}

/** The hex line drawn for the row starting at `offset`. */
function lineAt(s: HexState, offset: number): string | undefined {
  const i = s.offsets.indexOf(offset.toString(16).padStart(8, '0'));
  return i < 0 ? undefined : s.hex[i];
}

async function typeInto(page: Page, testId: string, text: string): Promise<void> {
  const input = page.locator(`[data-testid=${testId}] input`);
  await input.fill(text);
}

describe('paged Hex tab on a 32 MiB binary message (Chromium)', { skip }, () => {
  const payload = randomBytes(SIZE);
  for (const at of NEEDLE_AT) payload.write(NEEDLE, at, 'latin1');
  payload.write(GREETING, GREETING_AT, 'latin1');

  const suite = usePanelSuite();

  it('opens and scrolls without freezing the panel, reaches the last byte, goes to offsets, finds and copies', async () => {
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.send(payload));
    try {
      const { page } = live.panel;
      await eventually(
        () => page.evaluate(() => (globalThis as unknown as { document: Doc }).document.querySelectorAll('[data-testid=log-row][data-kind=binary]').length),
        (n) => n === 1,
        'the 32 MiB message logged',
        60_000,
      );
      // Long tasks less the harness's deliveries of host messages (see longTasks.ts): the panel's time.
      await recordLongTasks(page);
      await page.locator('[data-testid=log-row][data-kind=binary]').click();
      // Binary opens on Hex: the first rows, from the prefix the pane fetched.
      let s = await rowsAt(page, 0, 'the first rows');
      assert.equal(lineAt(s, 0), hexRow(payload.subarray(0, s.perRow)));
      assert.ok(s.hex.length < 100, `only the rows in view are drawn: ${s.hex.length}`);
      assert.ok(s.nodes < 200, `a few nodes in the Hex tab: ${s.nodes}`);

      // Scrolling through the middle: rows beyond the prefix arrive as pages.
      for (const fraction of [0.1, 0.5, 0.9, 0.3]) {
        await page.evaluate((f) => {
          const el = (globalThis as unknown as { document: Doc }).document.querySelector('[data-testid=hex-scroller]')!;
          el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
        }, fraction);
        s = await eventually(() => hexState(page), (v) => v !== undefined && !v.busy && v.offsets[0] !== '00000000', `rows at ${fraction} drawn`) as HexState;
        const offset = parseInt(s.offsets[3]!, 16);
        assert.ok(offset > 0 && offset < SIZE, `an offset in range: ${offset}`);
        assert.equal(s.hex[3], hexRow(payload.subarray(offset, offset + s.perRow)), `the bytes at ${offset}`);
      }

      // Ctrl+End: the last byte, selected, its row the payload's last.
      await page.locator('[data-testid=hex-scroller]').focus();
      await page.keyboard.press('Control+End');
      const lastRow = SIZE - s.perRow;
      s = await rowsAt(page, lastRow, 'the last row');
      assert.equal(s.offsets.at(-1), lastRow.toString(16).padStart(8, '0'), 'no row after the last');
      assert.equal(lineAt(s, lastRow), hexRow(payload.subarray(lastRow)));
      assert.equal(s.selection, `${SIZE - 1},1`);
      assert.equal(s.message, `Offset ${SIZE - 1} (0x${(SIZE - 1).toString(16)}) of ${SIZE}`);

      // Go to offset, in hex and in decimal; Ctrl+G puts the keyboard in the field.
      await page.keyboard.press('Control+g');
      await page.keyboard.type('0x1000010');
      await page.keyboard.press('Enter');
      s = await rowsAt(page, 0x1000010, 'the row at 0x1000010');
      assert.equal(lineAt(s, 0x1000010), hexRow(payload.subarray(0x1000010, 0x1000010 + s.perRow)));
      assert.equal(s.selection, `${0x1000010},1`);
      await typeInto(page, 'hex-goto', '1234567');
      await page.keyboard.press('Enter');
      const row1234567 = 1234567 - (1234567 % s.perRow);
      s = await rowsAt(page, row1234567, 'the row of 1234567');
      assert.equal(s.selection, '1234567,1');

      // Bad input is refused with a reason.
      await typeInto(page, 'hex-goto', '0xzz');
      await page.keyboard.press('Enter');
      assert.match((await hexState(page))!.message, /"0xzz" is not an offset/);
      await typeInto(page, 'hex-goto', String(SIZE));
      await page.keyboard.press('Enter');
      assert.match((await hexState(page))!.message, new RegExp(`Offset ${SIZE} is past the end: the payload has ${SIZE} bytes`));

      // Find text forward (from the selection), again, and backward; then hex.
      await page.evaluate(() => {
        ((globalThis as unknown as { document: Doc }).document.querySelector('[data-testid=hex-find-mode]')!).value = 'text';
      });
      await typeInto(page, 'hex-find', NEEDLE);
      await page.keyboard.press('Enter');
      s = await eventually(() => hexState(page), (v) => v?.selection === `${NEEDLE_AT[0]},${NEEDLE.length}`, 'the first match selected') as HexState;
      assert.equal(s.message, `Found at offset ${NEEDLE_AT[0]} (0x${NEEDLE_AT[0].toString(16)})`);
      s = await rowsAt(page, NEEDLE_AT[0] - (NEEDLE_AT[0] % s.perRow), 'the first match in view');
      assert.ok(s.ascii.join('').includes(NEEDLE.slice(0, 8)) || s.ascii.join('\n').includes('NEEDLE'), 'the match is drawn');
      await page.keyboard.press('Enter');
      await eventually(() => hexState(page), (v) => v?.selection === `${NEEDLE_AT[1]},${NEEDLE.length}`, 'the second match selected');
      await page.keyboard.press('Enter');
      await eventually(() => hexState(page), (v) => v?.message === `Not found after offset ${NEEDLE_AT[1]} (0x${NEEDLE_AT[1].toString(16)})`, 'no third match');
      await page.keyboard.press('Shift+Enter');
      await eventually(() => hexState(page), (v) => v?.selection === `${NEEDLE_AT[0]},${NEEDLE.length}`, 'back to the first match');
      await page.evaluate(() => {
        ((globalThis as unknown as { document: Doc }).document.querySelector('[data-testid=hex-find-mode]')!).value = 'hex';
      });
      await typeInto(page, 'hex-find', Buffer.from(NEEDLE).toString('hex').replace(/(..)/g, '$1 '));
      await page.keyboard.press('Enter');
      await eventually(() => hexState(page), (v) => v?.selection === `${NEEDLE_AT[1]},${NEEDLE.length}`, 'the second match, found as hex');
      await typeInto(page, 'hex-find', 'de ag');
      await page.keyboard.press('Enter');
      assert.match((await hexState(page))!.message, /"g" is not a hex digit/);

      // Copy: the match (hex column), then widened by keyboard, then a range far wider than the cache.
      await page.locator('[data-testid=hex-scroller]').focus();
      await page.keyboard.press('Control+c');
      const clip = live.panel.clipboard;
      const spaced = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');
      await eventually(() => clip.at(-1), (t) => t === spaced(Buffer.from(NEEDLE)), 'the match copied as hex');
      await page.keyboard.press('Shift+ArrowDown');
      await page.keyboard.press('Shift+ArrowDown');
      await page.keyboard.press('Shift+ArrowRight');
      const wider = NEEDLE.length + 2 * s.perRow + 1;
      await eventually(() => hexState(page), (v) => v?.selection === `${NEEDLE_AT[1]},${wider}`, 'the selection widened by keys');
      await page.keyboard.press('Control+c');
      await eventually(() => clip.at(-1), (t) => t === spaced(payload.subarray(NEEDLE_AT[1], NEEDLE_AT[1] + wider)), 'the widened range copied');
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Shift+PageDown');
      const paged = (await hexState(page))!.selection;
      const pagedLength = Number(paged.split(',')[1]);
      assert.ok(pagedLength > s.perRow, `a page selected: ${paged}`);

      // The mouse: a drag in the ASCII column over the greeting copies it as text.
      await typeInto(page, 'hex-goto', String(GREETING_AT));
      await page.keyboard.press('Enter');
      s = await rowsAt(page, GREETING_AT - (GREETING_AT % s.perRow), 'the greeting in view');
      const at = await page.evaluate(({ from, to }) => {
        const d = (globalThis as unknown as { document: Doc }).document;
        const dump = d.querySelector('[data-testid=detail-panel-hex] [data-testid=detail-hex]')!;
        const perRow = Number(dump.dataset.bytesPerRow);
        const offsets = dump.querySelector('.hex-offsets')!;
        const charPx = offsets.getBoundingClientRect().width / 8;
        const firstRow = parseInt(offsets.textContent!.split('\n')[0]!, 16) / perRow;
        const box = dump.querySelector('.hex-ascii')!.getBoundingClientRect();
        const [p, q] = [from, to].map((i) => ({
          x: box.left + (i % perRow) * charPx + charPx / 2,
          y: box.top + (Math.floor(i / perRow) - firstRow) * 18 + 9,
        }));
        return { from: p!, to: q! };
      }, { from: GREETING_AT, to: GREETING_AT + GREETING.length - 1 });
      await page.mouse.move(at.from.x, at.from.y);
      await page.mouse.down();
      await page.mouse.move(at.to.x, at.to.y, { steps: 4 });
      await page.mouse.up();
      await eventually(() => hexState(page), (v) => v?.selection === `${GREETING_AT},${GREETING.length}`, 'the greeting selected by dragging');
      await page.keyboard.press('Control+c');
      await eventually(() => clip.at(-1), (t) => t === GREETING, 'the greeting copied as text from the ASCII column');

      const record = await recordedLongTasks(page);
      const overBudget = tasksOverBudget(record, FREEZE_MS);
      assert.deepEqual(overBudget, [], `a task of the panel over ${FREEZE_MS} ms while opening, scrolling, finding and copying: ${record.what}`);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });
});
