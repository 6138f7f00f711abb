// "Encode as <codec>" in Chromium: the real webview and the real PanelController (with the real Protobuf
// codec and the fixture .proto workspace) on a real WebSocket connection. The option shows while a codec
// reads sent messages, and is named after it; checked, the JSON typed is sent encoded (what the server
// got, protoc --decode reads) and the echo decodes on the Decoded tab with field names; a mistake is
// shown in words under the composer and nothing is sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import { eventually } from '../support/eventually';
import { loadFixtureSchemas, protocDecode } from '../support/protoc';
import { chromiumSkipReason } from './harness/chromium';
import { openLivePanel } from './harness/livePanel';
import { choose, composerTextarea, cspViolations, textOf } from './harness/panelActions';
import { usePanelSuite } from './harness/panelSuite';

const skip = chromiumSkipReason();
const FILE = 'chat/v1/message.proto';
const TYPE = 'chat.v1.Message';
const SETTINGS: DecodeSettings = { codecs: [{ codec: 'protobuf', messageType: TYPE }], protoFiles: [FILE] };

const option = (page: Page) => page.locator('[data-testid=composer-encode]');

async function tick(page: Page): Promise<void> {
  if (!(await option(page).evaluate((el) => (el as unknown as { checked: boolean }).checked))) await option(page).click();
}

describe('the composer encodes with the chosen codec (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('offers "Encode as Protobuf (type)", sends the JSON encoded, and the echo decodes with field names', async () => {
    const live = await openLivePanel(
      suite.browser,
      suite.server,
      (ws) => ws.on('message', (data, binary) => ws.send(data as Buffer, { binary })),
      { controller: { decode: SETTINGS, loadProtoSchemas: async () => (await loadFixtureSchemas([FILE])).schemas } },
    );
    try {
      const { page } = live.panel;
      await option(page).waitFor({ state: 'visible' });
      assert.equal(await option(page).getAttribute('label'), `Encode as Protobuf (${TYPE})`);

      await choose(page, 'composer-format', 'JSON');
      await tick(page);
      await composerTextarea(page).fill('{"id": "5", "text": "hello", "author": {"name": "ann"}, "priority": "HIGH"}');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => live.peer.received.length, (n) => n === 1, 'the server got the message');
      const got = live.peer.received[0]!;
      assert.equal(got.binary, true);
      assert.equal(protocDecode(TYPE, FILE, got.data), 'id: 5\ntext: "hello"\npriority: HIGH\nauthor {\n  name: "ann"\n}\n');
      // The info line changes when the send request is answered, which may be after the server has the message.
      const sent = new RegExp(`^Sent ${got.data.length} B`);
      await eventually(() => textOf(page, 'composer-info'), (text) => sent.test(text), 'the info line says what was sent');

      // The echo, on the Decoded tab, with the message's field names.
      const echo = page.locator('[data-testid=log-row][data-kind=binary]').last();
      await eventually(() => page.locator('[data-testid=log-row][data-kind=binary]').count(), (n) => n === 2, 'the sent message and its echo');
      await echo.click();
      await page.locator('[data-testid=detail-tab-decoded]').click();
      await page.locator('[data-testid=detail-panel-decoded] [data-testid=decoded-tree]').waitFor();
      assert.match(await textOf(page, 'decoded-summary'), /^Protobufchat\.v1\.Message \{id: 5, text: "hello", priority: HIGH, author: \{…\}\}$/);
      const lines = await page.$$eval('[data-testid=decoded-node]', (els) => els.map((el) => (el.textContent ?? '').trim()));
      for (const line of ['iduint645', 'textstring"hello"', 'priorityenum common.PriorityHIGH (2)']) assert.ok(lines.includes(line), `${line} in ${JSON.stringify(lines)}`);
      assert.ok(lines.some((l) => l.startsWith('authorchat.v1.Message.Author')), JSON.stringify(lines));

      // A mistake is refused in words, and nothing goes out.
      await composerTextarea(page).fill('{"nope": 1}');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => textOf(page, 'composer-error'), (t) => t.includes('has no field "nope"'), 'the codec’s error');
      assert.match(await textOf(page, 'composer-error'), /^Invalid Protobuf JSON at line 1, column 2: nope: chat\.v1\.Message has no field "nope"/);
      assert.equal(live.peer.received.length, 1);

      // A rule for received messages only encodes nothing: the option goes away.
      await live.panel.controller.setDecodeSettings({ ...SETTINGS, codecs: [{ codec: 'protobuf', direction: 'in', messageType: TYPE }] });
      await option(page).waitFor({ state: 'hidden' });
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(live.panel.problems, []);
    } finally {
      await live.close();
    }
  });
});
