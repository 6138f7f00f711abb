// The webview speaks the display language: the host hands VS Code's translation bundle to the panel
// document (renderPanelHtml's l10nBundle, as inspectorPanel.ts passes vscode.l10n.bundle), and the
// real webview bundle shows the translations, placeholders filled, with English where the bundle has none.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { eventually } from '../support/eventually';
import { chromiumSkipReason } from './harness/chromium';
import { setFilter, textOf } from './harness/panelActions';
import { openPanel } from './harness/panelPage';
import { startPanelServer, type PanelServer } from './harness/panelServer';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();

/** A German bundle of a few of the webview's messages, as VS Code would pass it for `de`. */
const GERMAN: Readonly<Record<string, string>> = {
  Disconnect: 'Trennen',
  'Clear the log': 'Protokoll leeren',
  'Send (Ctrl+Enter)': 'Senden (Strg+Eingabe)',
  'All kinds': 'Alle Arten',
  '{0} of {1}': '{0} von {1}',
  // Unused by the page: a stray key must not disturb anything.
  'No such message': 'Keine solche Nachricht',
};

interface Shown {
  lang: string | null;
  connect: string;
  clearTitle: string | null;
  sendTitle: string | null;
  firstKind: string;
  followTitle: string | null;
}

async function shown(page: Page): Promise<Shown> {
  return {
    lang: await page.getAttribute('html', 'lang'),
    connect: (await textOf(page, 'connect-toggle')).trim(),
    clearTitle: await page.getAttribute('[data-testid=clear]', 'title'),
    sendTitle: await page.getAttribute('[data-testid=composer-send]', 'title'),
    firstKind: (await page.locator('[data-testid=filter-kinds] vscode-option').first().textContent())?.trim() ?? '',
    followTitle: await page.getAttribute('[data-testid=follow]', 'title'),
  };
}

describe('webview translations (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('shows the bundle the host passes, fills placeholders, and keeps English where the bundle has no entry', async () => {
    const sockets: Socket[] = [];
    const tcp = createServer((socket) => {
      sockets.push(socket);
      socket.write('+OK ready\r\n');
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const german: PanelServer = await startPanelServer({ l10nBundle: GERMAN, language: 'de' });
    const connection = createTcpConnection({ host: '127.0.0.1', port: (tcp.address() as AddressInfo).port });
    await connection.connect();
    const translated = await openPanel(suite.browser, german, connection);
    const english = await openPanel(suite.browser, suite.server, connection);
    try {
      await translated.page.locator('[data-testid=log-row][data-direction=in]').waitFor();
      await english.page.locator('[data-testid=log-row][data-direction=in]').waitFor();
      // The same connection in English first: what the test expects to change does change.
      assert.deepEqual(await shown(english.page), {
        lang: 'en',
        connect: 'Disconnect',
        clearTitle: 'Clear the log',
        sendTitle: 'Send (Ctrl+Enter)',
        firstKind: 'All kinds',
        followTitle: 'Follow new entries (scroll up to pause)',
      });
      assert.deepEqual(await shown(translated.page), {
        lang: 'de',
        connect: 'Trennen',
        clearTitle: 'Protokoll leeren',
        sendTitle: 'Senden (Strg+Eingabe)',
        firstKind: 'Alle Arten',
        // Not in the bundle: English, as vscode.l10n.t falls back.
        followTitle: 'Follow new entries (scroll up to pause)',
      });
      await setFilter(translated.page, 'ready');
      await eventually(() => textOf(translated.page, 'filter-count'), (text) => /^1 von \d+$/.test(text), 'the filter count in German (1 match of all entries)');
      assert.deepEqual(translated.problems, []);
      assert.deepEqual(english.problems, []);
    } finally {
      await translated.close();
      await english.close();
      connection.dispose();
      for (const s of sockets) s.destroy();
      await german.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });
});
