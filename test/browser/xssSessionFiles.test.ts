// Rendering safety of session files: a file's URL, saved-message names and recorded log are shown as text
// in the panel, and a file that cannot be opened has its hostile name and values shown as text on the
// error page, under the same CSP. Live connection data: xssLive.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSessionFile, parseSession } from '../../src/core/session';
import { renderSessionErrorHtml } from '../../src/vscode/sessionEditor/sessionErrorHtml';
import { RecordedConnection } from '../../src/core/session/recordedConnection';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { cspViolations, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';
import { assertInert, detailTextOf, inertness, TALL, watchDialogs } from './harness/renderingSafety';

describe('rendering safety (Chromium)', { skip: chromiumSkipReason() }, () => {
  const suite = usePanelSuite();

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
});
