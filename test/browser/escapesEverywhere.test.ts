// Control characters read the same everywhere in the panel: beyond the log rows and the Text tab, the
// handshake's headers, a close reason, certificate fields, the target URL and the Decoded tree draw a
// control run as the rows' muted escape (`.text-escape`, webview/escapedText.ts), so a real backslash-r
// reads apart from a carriage return; bidi overrides are still spelled out; Copy gives the characters back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { DecodedNode } from '../../shared/decode/decoded';
import type { EntryLog } from '../../src/core/log/entryLog';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { makeSelfSigned } from '../support/certificates';
import { eventually } from '../support/eventually';
import { craftFrame, closePayload, startHostileServer, upgradeResponse } from '../support/hostileServer';
import { startWsServer } from '../support/nodePeers';
import { opensslMissing, requirePeer } from '../support/requirePeer';
import { axeViolations, describeViolations } from './harness/axeCheck';
import { chromiumSkipReason } from './harness/chromium';
import { DecodeStandIn } from './harness/decodeStandIn';
import { openLivePanel, type LivePanel } from './harness/livePanel';
import { copiedContents, cspViolations, textOf } from './harness/panelActions';
import { loadTheme, openPanel } from './harness/panelPage';
import { usePanelSuite } from './harness/panelSuite';

const TALL = { width: 1400, height: 1600 };

/** The little of the DOM read here (the host tsconfig has no DOM types). */
interface PageNode {
  readonly nodeType: number;
  readonly nodeValue: string | null;
  readonly textContent: string | null;
  readonly parentElement: { readonly classList: { contains(c: string): boolean } } | null;
}

/**
 * An element's text as drawn: text as it is, a muted escape as `[escape]`. Escapes spelled as plain text
 * (the old rendering) read without brackets, so they fail the expectations below.
 */
function pieces(el: Locator): Promise<string> {
  return el.evaluate((root) => {
    const g = globalThis as unknown as { document: { createTreeWalker(root: unknown, what: number): { nextNode(): PageNode | null } } };
    const walker = g.document.createTreeWalker(root, 4);
    let out = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      out += n.parentElement?.classList.contains('text-escape') ? `[${n.nodeValue}]` : n.nodeValue;
    }
    return out;
  });
}

function cell(page: Page, section: string, header: string): Locator {
  return page.locator(`[data-testid=${section}] tr`, { has: page.locator('th', { hasText: header }) }).locator('td');
}

/** The Decoded tree's line of a key path. */
function line(page: Page, path: string): Locator {
  return page.locator(`[data-testid=decoded-node][data-path="${path}"]`);
}

/**
 * A panel on a peer that sends `MSG` (read by a stand-in as a tree with control characters in its keys,
 * types, values and summary) and closes with a reason holding some; the layer's status holds some too.
 */
async function openDecoded(suite: ReturnType<typeof usePanelSuite>, theme?: Parameters<typeof loadTheme>[0]): Promise<{ live: LivePanel; page: Page }> {
  const tree: DecodedNode = {
    key: '',
    type: 'map',
    children: [
      { key: 'line', type: 'str', value: '"GET /\r\n\tx\0y"' },
      { key: 'literal', type: 'str', value: '"a\\r\\nb"' },
      { key: 'k\u202Eey', type: 't\u0007ype', value: '1' },
    ],
  };
  let log: EntryLog | undefined;
  const standIn = new DecodeStandIn(() => log!, (payload) =>
    new TextDecoder().decode(payload) === 'MSG' ? { format: 'msgpack', summary: 'map\r\n\u202E', tree, fields: {} } : undefined,
  );
  const live = await openLivePanel(suite.browser, suite.server, (ws) => {
    ws.send('MSG');
    ws.close(4000, 'bye\r\n\u202E');
  }, { ...standIn.option, ...(theme ? { theme: loadTheme(theme) } : {}) });
  log = live.connection.log;
  standIn.attach(live.panel.postToPage);
  const { page } = live.panel;
  await page.locator('[data-testid=log-row][data-direction=in][data-kind=close]').waitFor();
  standIn.sendState({ settings: { layer: 'socketio' }, layerStatus: 'connected to /\u202E\n', codecs: ['msgpack'] });
  return { live, page };
}

describe('control characters as muted escapes beyond the rows (Chromium)', { skip: chromiumSkipReason() }, () => {
  const suite = usePanelSuite();

  it('a header value and a close reason: CR, LF, tab, NUL and C1 as muted escapes, a literal backslash plain, the override spelled out, Copy gives the characters', async () => {
    const server = await startHostileServer((s) => {
      s.socket.write(
        Buffer.concat([
          upgradeResponse(s.key, ['X-Ctl: a\tb\\tc\u0085d']),
          craftFrame({ opcode: 0x8, payload: closePayload(4000, 'bye\r\n\t\0\\r end\u202E') }),
        ]),
      );
    });
    const connection = createWebSocketConnection({ url: server.url });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection, { viewport: TALL });
    try {
      const { page } = panel;
      await page.locator('[data-testid=log-row][data-direction=in][data-kind=close]').click();
      const reason = cell(page, 'detail-close', 'Reason');
      await eventually(() => pieces(reason), (p) => p === 'bye[\\r\\n\\t\\0]\\r end[\\u202E]', 'the close reason with muted escapes');
      // textContent reads as before: the escapes spelled out.
      const closeText = await textOf(page, 'detail-close');
      assert.ok(closeText.includes('Reasonbye\\r\\n\\t\\0\\r end\\u202E'), closeText);
      assert.equal(await copiedContents(reason), 'bye\r\n\t\0\\r end\u202E', 'Copy gives back the characters, the literal backslash-r as typed');

      await page.locator('[data-testid=detail-tab-connection]').click();
      // A header value holds no CR, LF or NUL (the HTTP parser refuses them): a tab and a C1 control.
      assert.equal(await pieces(cell(page, 'handshake-response', 'X-Ctl')), 'a[\\t]b\\tc[\\u0085]d');
      assert.equal(await page.locator('[data-testid=handshake-response] .text-escape').count(), 2);
      assert.equal(await copiedContents(cell(page, 'handshake-response', 'X-Ctl')), 'a\tb\\tc\u0085d');
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
      connection.dispose();
      await server.close();
    }
  });

  it('the target URL: a bidi override as a muted escape in the text, spelled plainly in the title', async () => {
    const url = 'ws://127.0.0.1:1/x?r=\u202Etxt.exe';
    const connection = createWebSocketConnection({ url });
    await connection.connect().catch(() => {});
    const panel = await openPanel(suite.browser, suite.server, connection, { viewport: TALL });
    try {
      const { page } = panel;
      await page.locator('[data-testid=connection-status][data-state=error]').waitFor();
      const target = page.locator('[data-testid=connection-target]');
      assert.equal(await pieces(target), 'ws://127.0.0.1:1/x?r=[\\u202E]txt.exe');
      assert.equal(await target.getAttribute('title'), 'ws://127.0.0.1:1/x?r=\\u202Etxt.exe');
      assert.equal(await copiedContents(target), url);
    } finally {
      await panel.close();
      connection.dispose();
    }
  });

  it('TLS certificate fields: the override in a subject as a muted escape', async (t) => {
    if (!requirePeer(t, 'openssl', opensslMissing())) return;
    const wss = await startWsServer({ credentials: makeSelfSigned('/CN=cert\u202Efdp.exe'), echo: false });
    const connection = createWebSocketConnection({ url: wss.url('/tls'), tls: { allowSelfSigned: true } });
    await connection.connect();
    const panel = await openPanel(suite.browser, suite.server, connection, { viewport: TALL });
    try {
      const { page } = panel;
      await page.locator('[data-testid=connection-status][data-state=open]').waitFor();
      await page.locator('[data-testid=detail-tab-connection]').click();
      assert.match(await pieces(cell(page, 'tls-chain', 'Subject')), /CN=cert\[\\u202E\]fdp\.exe/);
      assert.match(await pieces(page.locator('[data-testid=tls-chain] .cert-title')), /CN=cert\[\\u202E\]fdp\.exe/);
    } finally {
      await panel.close();
      connection.dispose();
      await wss.close();
    }
  });

  it('the Decoded tree: keys, types and values with control characters as muted escapes; plain lines stay one text node', async () => {
    const { live, page } = await openDecoded(suite);
    try {
      await page.locator('[data-testid=log-row][data-kind=text]').first().click();
      await page.locator('[data-testid=detail-panel-decoded] [data-testid=decoded-tree]').waitFor();
      await line(page, 'line').waitFor();
      assert.equal(await pieces(line(page, 'line').locator('.decoded-value')), '"GET /[\\r\\n\\t]x[\\0]y"');
      // A real backslash-r is plain text, one text node, no span.
      assert.equal(await pieces(line(page, 'literal').locator('.decoded-value')), '"a\\r\\nb"');
      assert.equal(await line(page, 'literal').locator('.decoded-value').evaluate((el) => el.childNodes.length), 1);
      const bidi = page.locator('[data-testid=decoded-node]', { has: page.locator('.decoded-key .text-escape') });
      assert.equal(await pieces(bidi.locator('.decoded-key')), 'k[\\u202E]ey');
      assert.equal(await pieces(bidi.locator('.decoded-type')), 't[\\x07]ype');
      assert.equal(await pieces(page.locator('[data-testid=decoded-summary] .decoded-summary-text')), 'map[\\r\\n\\u202E]');
      assert.equal(await copiedContents(line(page, 'line').locator('.decoded-value')), '"GET /\r\n\tx\0y"');
      // The layer's status in the toolbar too; its title spells the escapes plainly.
      const status = page.locator('[data-testid=decode-status]');
      assert.equal(await pieces(status), 'Socket.IO · connected to /[\\u202E\\n]');
      assert.equal(await page.locator('.decode-controls').getAttribute('title'), 'Socket.IO · connected to /\\u202E\\n');
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });

  for (const theme of ['dark-modern', 'light-modern', 'dark-high-contrast'] as const) {
    it(`passes axe with muted escapes in the Decoded tree (a selected line too), the decode status and a close reason (${theme})`, async () => {
      const { live, page } = await openDecoded(suite, theme);
      try {
        await page.locator('[data-testid=log-row][data-kind=text]').first().click();
        await line(page, 'line').click();
        assert.equal(await line(page, 'line').getAttribute('aria-selected'), 'true');
        const check = async (state: string) => {
          const violations = await axeViolations(page);
          assert.equal(violations.length, 0, `accessibility violations with ${state}:\n${describeViolations(violations)}`);
        };
        await check('escapes in the Decoded tree');
        await page.locator('[data-testid=log-row][data-direction=in][data-kind=close]').click();
        await page.locator('[data-testid=detail-close] .text-escape').waitFor();
        await check('escapes in a close reason');
        assert.deepEqual(live.panel.problems, []);
      } finally {
        await live.close();
      }
    });
  }
});
