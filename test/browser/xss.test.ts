// Rendering safety: every string that reaches the panel from the network or from a session file is shown
// as text. A catalogue of XSS payloads goes through every path — text and binary payloads (Text, Hex and
// JSON tabs, JSON keys included), handshake status lines, header names and values, refused-upgrade bodies,
// close reasons, error messages, TLS certificate fields, the target URL, saved-message names and recorded
// logs — and the page must show the characters, create no element from them, raise no dialog, run
// nothing, and report no CSP violation. A control run proves the payloads do run when put in as HTML.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dialog, Page } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitControls } from '../../shared/codecs/controlEscapes';
import { loadSessionFile, parseSession } from '../../src/core/session';
import { renderSessionErrorHtml } from '../../src/vscode/sessionEditor/sessionErrorHtml';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { RecordedConnection } from '../../src/core/session/recordedConnection';
import { makeSelfSigned } from '../support/certificates';
import { craftFrame, closePayload, startHostileServer, upgradeResponse, type HostileServer } from '../support/hostileServer';
import { startWsServer } from '../support/nodePeers';
import { opensslMissing, requirePeer } from '../support/requirePeer';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { openLivePanel } from './harness/livePanel';
import { cspViolations, loadedSummary, previewPieces, textOf } from './harness/panelActions';
import { openPanel, type OpenPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

/** One hostile string; `live` ones run when put into a page as HTML (checked by the control test). */
interface Payload {
  readonly name: string;
  readonly text: string;
  readonly live?: boolean;
}

/** Each payload sets window.__pwned (or raises a dialog) if it ever runs. */
const PAYLOADS: readonly Payload[] = [
  { name: 'script tag', text: '<script>window.__pwned=1</script>' },
  { name: 'img onerror', text: '<img src=x onerror="window.__pwned=2">', live: true },
  { name: 'svg onload', text: '<svg onload="window.__pwned=3"></svg>', live: true },
  { name: 'iframe srcdoc', text: '<iframe srcdoc="<script>parent.__pwned=4</script>"></iframe>', live: true },
  { name: 'javascript: URL', text: 'javascript:window.__pwned=5' },
  { name: 'anchor with a javascript: href', text: '<a href="javascript:window.__pwned=6">click me</a>' },
  { name: 'attribute breaker', text: `"'><img src=x onerror=window.__pwned=7>`, live: true },
  { name: 'template strings', text: '${window.__pwned=8}{{constructor.constructor("window.__pwned=9")()}}' },
  { name: 'RTL override', text: 'invoice\u202Egpj.exe <img src=x onerror=window.__pwned=10>' },
  { name: 'NUL bytes', text: 'nul\u0000<img src=x onerror=window.__pwned=12>\u0000end' },
  { name: 'details ontoggle', text: '<details open ontoggle="window.__pwned=13"><summary>x</summary></details>', live: true },
  { name: 'mutation XSS', text: '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=14>' },
  { name: 'style injection', text: '<style>body{display:none!important}</style>' },
  { name: 'alert dialog', text: '<img src=x onerror=alert(15)>', live: true },
  { name: 'comment breakout', text: '<!--<img src="--><img src=x onerror=window.__pwned=16>-->', live: true },
  { name: 'base and meta refresh', text: '<base href="javascript:window.__pwned=17//"><meta http-equiv="refresh" content="0;url=javascript:window.__pwned=18">' },
  { name: 'very long line', text: `${'A'.repeat(100_000)}<img src=x onerror=window.__pwned=11>` },
];

const SHORT = PAYLOADS.filter((p) => p.text.length < 200 && !/[\u0000\u202E]/.test(p.text));

/** What would show that a payload became markup or ran. */
interface Inertness {
  pwned: unknown;
  handlers: string[];
  dangerous: string[];
  scripts: number;
  styles: number;
}

/** The little of the DOM these checks read (the host tsconfig has no DOM types). */
interface PageElement {
  readonly tagName: string;
  readonly outerHTML: string;
  readonly attributes: ArrayLike<{ readonly name: string }>;
}
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  readonly scripts: { readonly length: number };
}

function inertness(page: Page): Promise<Inertness> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { __pwned?: unknown; document: PageDocument };
    const doc = g.document;
    const all = Array.from(doc.querySelectorAll('*'));
    return {
      pwned: g.__pwned ?? null,
      // No element anywhere carries an inline event handler attribute.
      handlers: all.filter((el) => Array.from(el.attributes).some((a) => a.name.toLowerCase().startsWith('on'))).map((el) => el.tagName),
      // Nothing the panel never creates itself: media, frames, links, forms, base, meta, MathML.
      dangerous: Array.from(doc.querySelectorAll('img, svg, iframe, object, embed, a, form, base, body meta, meta[http-equiv=refresh], math, mglyph, template, body *[href]')).map(
        (el) => el.outerHTML.slice(0, 120),
      ),
      scripts: doc.scripts.length,
      styles: doc.querySelectorAll('style').length,
    };
  });
}

/** Collects dialogs (and dismisses them, so a page is never stuck on one). */
function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (d: Dialog) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  return dialogs;
}

/** Nothing ran, nothing was created, nothing was blocked, nothing went wrong (a dialog is a problem too: panelPage.ts). */
async function assertInert(panel: OpenPanel): Promise<void> {
  const { page } = panel;
  assert.deepEqual(await inertness(page), { pwned: null, handlers: [], dangerous: [], scripts: 1, styles: 1 });
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(panel.problems, []);
}

/** Selects the row of `seq` (it must be in view) and returns the detail pane's text view. */
async function detailTextOf(page: Page, seq: number): Promise<string> {
  await page.locator(`[data-testid=log-row][data-id="${seq}"]`).click();
  await page.locator('[data-testid=detail-tab-text]').click();
  // Until the entry is drawn, the Text tab still holds the previous entry's text (not busy).
  await loadedSummary(page, `entry #${seq} in the detail pane`, seq);
  // A long payload is filled a block a task (aria-busy until the last block is in).
  await page.locator('[data-testid=detail-text]:not([aria-busy])').waitFor();
  return textOf(page, 'detail-text');
}

const TALL = { width: 1400, height: 1600 };

/** What the Text tab reads for `text`: control and invisible characters as their escapes (\n, \0, \u202E). */
function inTextTab(text: string): string {
  return splitControls(text).map((piece) => piece.text).join('');
}

describe('rendering safety (Chromium)', { skip: chromiumSkipReason() }, () => {
  const suite = usePanelSuite();

  it('control: the live payloads do run when a page without our CSP takes them as HTML', async () => {
    const context = await suite.browser.newContext();
    try {
      for (const p of PAYLOADS.filter((x) => x.live)) {
        const page = await context.newPage();
        const dialogs = watchDialogs(page);
        await page.setContent(`<!DOCTYPE html><body>${p.text}</body>`);
        await eventually(
          async () => (await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned ?? null)) !== null || dialogs.length > 0,
          (ran) => ran,
          `payload "${p.name}" to run as HTML`,
          5000,
        );
        await page.close();
      }
    } finally {
      await context.close();
    }
  });

  it('text and binary payloads: rows, Text and Hex tabs show the characters', async () => {
    const live = await openLivePanel(
      suite.browser,
      suite.server,
      (ws) => {
        for (const p of PAYLOADS) ws.send(p.text);
        for (const p of PAYLOADS.slice(0, 6)) ws.send(Buffer.from(p.text), { binary: true });
      },
      { viewport: TALL },
    );
    try {
      const { page } = live.panel;
      const log = live.connection.log;
      const expected = PAYLOADS.length + 6;
      await eventually(() => page.locator('[data-testid=log-row][data-direction=in]').count(), (n) => n === expected, 'every message as a row');
      const seqs = [...Array(log.nextSeq - log.firstSeq).keys()].map((i) => i + log.firstSeq).filter((s) => log.direction(s) === 0);
      for (const [i, p] of PAYLOADS.entries()) {
        const seq = seqs[i]!;
        const shown = await detailTextOf(page, seq);
        if (p.text.length > 10_000) {
          // Rows are drawn as they come into view: the first screen, then the end after Ctrl+End.
          assert.ok(shown.length > 1000 && inTextTab(p.text).startsWith(shown), `${p.name}: the Text tab's first rows show the characters`);
          await page.locator('[data-testid=detail-panel-text] .text-paged-scroller').focus();
          await page.keyboard.press('Control+End');
          await eventually(() => textOf(page, 'detail-text'), (t) => t.endsWith('<img src=x onerror=window.__pwned=11>'), `${p.name}: its end`);
          assert.ok(inTextTab(p.text).endsWith(await textOf(page, 'detail-text')), `${p.name}: the Text tab's last rows show the characters`);
        } else assert.equal(shown, inTextTab(p.text), `${p.name}: the Text tab shows exactly the characters`);
        const preview = (await page.locator(`[data-testid=log-row][data-id="${seq}"] .c-preview`).textContent()) ?? '';
        if (SHORT.includes(p)) assert.equal(preview, p.text, `${p.name}: the row shows the characters`);
      }
      // Previews make hidden characters visible as muted escapes, the RTL override too (so it cannot reorder the row).
      const previewOf = (name: string) => previewPieces(page.locator(`[data-testid=log-row][data-id="${seqs[PAYLOADS.findIndex((p) => p.name === name)]!}"]`));
      assert.deepEqual(await previewOf('NUL bytes'), ['nul', '[\\0]', '<img src=x onerror=window.__pwned=12>', '[\\0]', 'end']);
      assert.deepEqual(await previewOf('RTL override'), ['invoice', '[\\u202E]', 'gpj.exe <img src=x onerror=window.__pwned=10>']);
      for (const [i, p] of PAYLOADS.slice(0, 6).entries()) {
        const seq = seqs[PAYLOADS.length + i]!;
        assert.equal(await detailTextOf(page, seq), inTextTab(p.text), `${p.name} as binary: the Text tab`);
        await page.locator('[data-testid=detail-tab-hex]').click();
        const ascii = await page.locator('[data-testid=detail-hex] .hex-ascii').textContent();
        assert.equal(ascii?.replace(/\n/g, ''), p.text.replace(/[^\x20-\x7e]/g, '.'), `${p.name} as binary: the Hex tab's ASCII column`);
      }
      await assertInert(live.panel);
    } finally {
      await live.close();
    }
  });

  it('JSON: hostile keys and values in the JSON tab are text', async () => {
    const json = `{"<img src=x onerror=window.__pwned=20>":"<script>window.__pwned=21</script>","\${window.__pwned=22}":{"<svg onload=window.__pwned=23>":["javascript:window.__pwned=24","\\u202Eevil","\\"'><b>x</b>"]},"__proto__":{"<details open ontoggle=window.__pwned=25>":1}}`;
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.send(json), { viewport: TALL });
    try {
      const { page } = live.panel;
      const row = page.locator('[data-testid=log-row][data-direction=in][data-kind=text]');
      await row.click();
      await page.locator('[data-testid=detail-tab-json]').click();
      // Open every collapsed node so nothing is left unrendered.
      await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ open: boolean }> } }).document;
        for (const d of Array.from(doc.querySelectorAll('details.json-node'))) d.open = true;
      });
      const pieces = [
        '<img src=x onerror=window.__pwned=20>',
        '"<script>window.__pwned=21</script>"',
        '${window.__pwned=22}',
        '<svg onload=window.__pwned=23>',
        '"javascript:window.__pwned=24"',
        '__proto__',
        '<details open ontoggle=window.__pwned=25>',
      ];
      await eventually(() => textOf(page, 'detail-json'), (tree) => pieces.every((p) => tree.includes(p)), 'every key and value in the JSON tree');
      const keys = await page.locator('[data-testid=detail-json] .json-key').allTextContents();
      assert.ok(keys.includes('<img src=x onerror=window.__pwned=20>'), keys.join(' | '));
      await assertInert(live.panel);
    } finally {
      await live.close();
    }
  });

  it('handshake: a hostile 101 status line, header values and close reason are text; control characters are visible', async () => {
    const server: HostileServer = await startHostileServer((s) => {
      const head = upgradeResponse(s.key, ['X-Evil: <img src=x onerror=window.__pwned=30>', 'X-C1: before\u0085after', `X-Quote: "'><script>window.__pwned=31</script>`])
        .toString('latin1')
        .replace('101 Switching Protocols', '101 <svg onload=window.__pwned=32>');
      s.socket.write(
        Buffer.concat([
          Buffer.from(head, 'latin1'),
          craftFrame({ opcode: 0x1, payload: 'hello' }),
          craftFrame({ opcode: 0x8, payload: closePayload(4000, '<img src=x onerror=window.__pwned=33>\u202E') }),
        ]),
      );
    });
    const connection = createWebSocketConnection({ url: server.url });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection, { viewport: TALL });
    try {
      const { page } = panel;
      const close = page.locator('[data-testid=log-row][data-direction=in][data-kind=close]');
      await close.click();
      await eventually(() => textOf(page, 'detail-close'), (t) => t.includes('<img src=x onerror=window.__pwned=33>\\u202E'), 'the close reason as text, the override spelled out');
      await page.locator('[data-testid=detail-tab-connection]').click();
      const response = await textOf(page, 'handshake-response');
      assert.match(response, /HTTP\/1\.1 101 <svg onload=window\.__pwned=32>/);
      assert.ok(response.includes('X-Evil<img src=x onerror=window.__pwned=30>'), response);
      assert.ok(response.includes(`X-Quote"'><script>window.__pwned=31</script>`), response);
      assert.ok(response.includes('X-C1before\\u0085after'), response);
      // The raw head in the log's handshake entry is text too.
      const handshakeRows = page.locator('[data-testid=log-row][data-kind=handshake]');
      const seq = Number(await handshakeRows.nth(1).getAttribute('data-id'));
      assert.match(await detailTextOf(page, seq), /X-Evil: <img src=x onerror=window\.__pwned=30>/);
      await assertInert(panel);
    } finally {
      await panel.close();
      connection.dispose();
      await server.close();
    }
  });

  it('a refused upgrade: status text in the error message, header names, values and body are text', async () => {
    const body = '<html><script>window.__pwned=40</script><img src=x onerror=alert(41)></html>';
    const refused = await startHostileServer((s) =>
      void s.socket.end(
        `HTTP/1.1 403 <img src=x onerror=window.__pwned=42>\r\nX-Why: <svg onload=alert(43)>\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      ),
    );
    const badName = await startHostileServer((s) => void s.socket.end(`HTTP/1.1 101 Switching Protocols\r\n<img src=x onerror=window.__pwned=44>: v\r\n\r\n`));
    const first = createWebSocketConnection({ url: refused.url });
    const second = createWebSocketConnection({ url: badName.url });
    await assert.rejects(first.connect(), /Server refused the WebSocket upgrade: 403 <img src=x onerror=window.__pwned=42>/);
    await assert.rejects(second.connect(), /did not answer with valid HTTP/);
    const panels: OpenPanel[] = [];
    try {
      for (const [connection, check] of [
        [
          first,
          async (page: Page) => {
            const status = page.locator('[data-testid=connection-status][data-state=error]');
            await status.waitFor();
            assert.equal(await status.getAttribute('title'), first.lastError!.message);
            const errorRow = page.locator('[data-testid=log-row][data-kind=error]');
            assert.equal(await errorRow.locator('.c-preview').textContent(), first.lastError!.message);
            await page.locator('[data-testid=detail-tab-connection]').click();
            const response = await textOf(page, 'handshake-response');
            assert.ok(response.includes('403 <img src=x onerror=window.__pwned=42>'), response);
            assert.ok(response.includes('X-Why<svg onload=alert(43)>'), response);
            assert.ok(response.includes(body), response);
          },
        ],
        [
          second,
          async (page: Page) => {
            await page.locator('[data-testid=connection-status][data-state=error]').waitFor();
            await page.locator('[data-testid=detail-tab-connection]').click();
            assert.ok((await textOf(page, 'handshake-response')).includes('<img src=x onerror=window.__pwned=44>v'));
          },
        ],
      ] as const) {
        const panel = await openPanel(suite.browser, suite.server, connection, { viewport: TALL });
        panels.push(panel);
        await check(panel.page);
        await assertInert(panel);
      }
    } finally {
      for (const p of panels) await p.close();
      first.dispose();
      second.dispose();
      await refused.close();
      await badName.close();
    }
  });

  it('TLS: certificate subject and issuer fields are text', async (t) => {
    if (!requirePeer(t, 'openssl', opensslMissing())) return;
    const cert = makeSelfSigned('/CN=<img src=x onerror="window.__pwned=50">/O=\\"><script>alert(51)<\\/script>/OU=${window.__pwned=52}\u202Efdp.exe');
    const wss = await startWsServer({ credentials: cert, echo: false });
    const connection = createWebSocketConnection({ url: wss.url('/tls'), tls: { allowSelfSigned: true } });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection, { viewport: TALL });
    try {
      const { page } = panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      await page.locator('[data-testid=detail-tab-connection]').click();
      const tls = await textOf(page, 'handshake-tls');
      assert.ok(tls.includes('CN=<img src=x onerror="window.__pwned=50">'), tls);
      assert.ok(tls.includes('O="><script>alert(51)</script>'), tls);
      assert.ok(tls.includes('OU=${window.__pwned=52}\\u202Efdp.exe'), `the override is spelled out: ${tls}`);
      const handshakeRow = page.locator('[data-testid=log-row][data-kind=handshake]').first();
      const seq = Number(await handshakeRow.getAttribute('data-id'));
      assert.match(await detailTextOf(page, seq), /Subject: .*CN=<img src=x onerror="window\.__pwned=50">/);
      await assertInert(panel);
    } finally {
      await panel.close();
      connection.dispose();
      await wss.close();
    }
  });

  it('a session file: its URL, saved-message names and recorded log are text', async () => {
    const url = 'ws://127.0.0.1:1/%3Cimg%20src=x%3E?q="><script>window.__pwned=60</script>';
    const session = parseSession(
      JSON.stringify({
        version: 1,
        connection: { type: 'websocket', url },
        messages: [
          { name: '<img src=x onerror=window.__pwned=61>', format: 'text', body: '<script>window.__pwned=62</script>' },
          { name: '\u202Eexe.txt', format: 'json', body: '{"<svg onload=alert(63)>":1}' },
        ],
        log: {
          savedAt: '2024-05-01T12:00:01.000Z',
          entries: [
            { seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'meta', kind: 'error', text: '<img src=x onerror=window.__pwned=64>' },
            { seq: 1, time: '2024-05-01T12:00:00.001Z', mono: 1, direction: 'in', kind: 'text', text: '<iframe srcdoc="<script>parent.__pwned=65</script>">' },
            { seq: 2, time: '2024-05-01T12:00:00.002Z', mono: 2, direction: 'in', kind: 'close', code: 4000, text: '<svg onload=window.__pwned=66>' },
          ],
        },
      }),
    );
    const recorded = new RecordedConnection(session);
    const panel = await openPanel(suite.browser, suite.server, recorded, { viewport: TALL });
    try {
      const { page } = panel;
      const lists = panel.controller.composerLists;
      for (const m of session.messages ?? []) lists.save(m.name ?? '', { format: m.format, input: m.body, escapes: false });
      panel.controller.notifyComposerLists();
      // The toolbar names the target when the page's ready is answered, after openPanel returned.
      await eventually(() => textOf(page, 'connection-target'), (t) => t === url, 'the recorded target in the toolbar');
      await eventually(
        () => page.locator('[data-testid=composer-saved] vscode-option').allTextContents(),
        (names) => names.includes('<img src=x onerror=window.__pwned=61> · Text') && names.includes('\\u202Eexe.txt · JSON'),
        'the saved names as option text',
      );
      assert.equal(await detailTextOf(page, 0), '<img src=x onerror=window.__pwned=64>');
      assert.equal(await detailTextOf(page, 1), '<iframe srcdoc="<script>parent.__pwned=65</script>">');
      await page.locator('[data-testid=log-row][data-id="2"]').click();
      await eventually(() => textOf(page, 'detail-close'), (t) => t.includes('<svg onload=window.__pwned=66>'), 'the recorded close reason');
      // Choosing a saved message puts its body into the composer as text.
      await page.locator('[data-testid=composer-saved]').click();
      await page.locator('[data-testid=composer-saved]').getByRole('option', { name: '<img src=x onerror=window.__pwned=61> · Text' }).click();
      await eventually(() => page.locator('[data-testid=composer-input] textarea').inputValue(), (v) => v === '<script>window.__pwned=62</script>', 'the saved body in the composer');
      await assertInert(panel);
    } finally {
      await panel.close();
      recorded.dispose();
    }
  });

  it("a session file that cannot be opened: the error page shows the file's hostile name and values as text", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-xss-'));
    const files: Array<[name: string, content: string]> = [
      ['<img src=x onerror=alert(90)>.socket-session.json', '{"version":1,"connection":{"type":"tcp","host":"h","port":"<img src=x onerror=window.__pwned=91>"}}'],
      ['version.socket-session.json', '{"version":"<script>window.__pwned=92</script>"}'],
      ['type.socket-session.json', '{"version":1,"connection":{"type":"<svg onload=window.__pwned=93>"}}'],
      ['header.socket-session.json', '{"version":1,"connection":{"type":"websocket","url":"ws://h/","headers":[{"name":"<b onmouseover=alert(94)>","value":"x"}]}}'],
    ];
    const context = await suite.browser.newContext();
    try {
      for (const [name, content] of files) {
        const path = join(dir, name);
        writeFileSync(path, content);
        const message = await loadSessionFile(path).then(
          () => assert.fail(`${name} opened`),
          (e: Error) => e.message,
        );
        assert.match(message, /[<>]/, 'the message quotes the hostile text');
        const page = await context.newPage();
        const dialogs = watchDialogs(page);
        const problems: string[] = [];
        page.on('pageerror', (e) => problems.push(e.message));
        await page.addInitScript({
          content: `window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m) });
            window.__siCspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__siCspViolations.push(e.violatedDirective));`,
        });
        // Served as a document of its own (as VS Code does), so the CSP meta and the nonce apply as they would there.
        const html = renderSessionErrorHtml({ cspSource: suite.server.origin, nonce: 'c2Vzc2lvbi1lcnJvci1ub25jZQ', message });
        await page.route(`${suite.server.origin}/session-error`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
        await page.goto(`${suite.server.origin}/session-error`);
        assert.equal(await page.locator('[data-testid=session-error]').textContent(), message);
        await page.locator('[data-testid=reopen-as-text]').click();
        assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { __posted: unknown[] }).__posted), [{ type: 'reopenAsText' }]);
        assert.deepEqual(await inertness(page), { pwned: null, handlers: [], dangerous: [], scripts: 1, styles: 1 });
        assert.deepEqual(await cspViolations(page), []);
        assert.deepEqual(dialogs, []);
        assert.deepEqual(problems, []);
        await page.close();
      }
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the target URL of a live connection is text, with a bidi override spelled out', async () => {
    const url = 'ws://127.0.0.1:1/x?q="><img src=x onerror=window.__pwned=70>&r=\u202Etxt.exe';
    const connection = createWebSocketConnection({ url });
    await connection.connect().catch(() => {});
    const panel = await openPanel(suite.browser, suite.server, connection, { viewport: TALL });
    try {
      const { page } = panel;
      await page.locator('[data-testid=connection-status][data-state=error]').waitFor();
      assert.equal(await textOf(page, 'connection-target'), url.replace('\u202E', '\\u202E'));
      assert.equal(await page.locator('[data-testid=connection-target]').getAttribute('title'), url.replace('\u202E', '\\u202E'));
      await assertInert(panel);
    } finally {
      await panel.close();
      connection.dispose();
    }
  });

  it('a huge payload: previews are cut, and Save hands over every byte', async () => {
    const big = `${'x'.repeat(3 * 1024 * 1024)}<img src=x onerror=window.__pwned=80>`;
    const saved: Buffer[] = [];
    const live = await openLivePanel(suite.browser, suite.server, (ws) => ws.send(big), {
      viewport: TALL,
      callbacks: { savePayload: (bytes) => (saved.push(Buffer.from(bytes)), true) },
    });
    try {
      const { page } = live.panel;
      const row = page.locator('[data-testid=log-row][data-direction=in][data-kind=text]');
      await row.waitFor();
      const preview = (await row.locator('.c-preview').textContent()) ?? '';
      assert.ok(preview.length < 1000 && preview.endsWith('\u2026'), `the row preview is cut (${preview.length} characters)`);
      await row.click();
      // One line of 3 MiB: rows of 128 bytes, the whole payload reachable, only the rows in view drawn.
      await eventually(() => page.locator('[data-testid=detail-text] .text-row').first().textContent(), (t) => t === 'x'.repeat(128), 'the first row');
      assert.match(await page.locator('[data-testid=detail-panel-text] .payload-note').textContent() ?? '', /^24,577 rows · lines longer than 128 bytes wrap$/);
      await page.locator('[data-testid=detail-panel-text] .text-paged-scroller').focus();
      await page.keyboard.press('Control+End');
      await eventually(() => page.locator('[data-testid=detail-text] .text-row').last().textContent(), (t) => t?.endsWith('<img src=x onerror=window.__pwned=80>') === true, 'the last row, as text');
      await page.locator('[data-testid=save-payload]').click();
      await eventually(() => saved.length, (n) => n === 1, 'the payload handed to the extension');
      assert.equal(saved[0]!.toString('utf8'), big);
      await eventually(() => textOf(page, 'detail-summary'), (t) => /^Saved #\d+ \(3\.0 MiB\)$/.test(t), 'the confirmation');
      await assertInert(live.panel);
    } finally {
      await live.close();
    }
  });

  it('the page runs under a strict CSP: nonce scripts only, no inline handlers, no eval', async () => {
    const live = await openLivePanel(suite.browser, suite.server);
    try {
      const csp = await live.panel.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.ok(csp);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=_-]{16,}'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic|\*/);
      // Even an inline handler someone managed to insert would be blocked, and reported.
      const ran = await live.panel.page.evaluate(async () => {
        type Img = { setAttribute(n: string, v: string): void; src: string; remove(): void };
        const g = globalThis as unknown as { document: { createElement(t: string): Img; body: { append(e: Img): void } }; __pwned?: unknown };
        const img = g.document.createElement('img');
        img.setAttribute('onerror', 'window.__pwned=99');
        img.src = 'data:,not-an-image';
        g.document.body.append(img);
        await new Promise((r) => setTimeout(r, 200));
        img.remove();
        return g.__pwned ?? null;
      });
      assert.equal(ran, null);
      await eventually(() => cspViolations(live.panel.page), (v) => v.some((x) => x.startsWith('script-src')), 'the blocked handler to be reported');
    } finally {
      await live.close();
    }
  });
});
