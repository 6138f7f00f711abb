// A proxy panel in Chromium: the real webview bundle and the real PanelController on a real Proxy
// WebSocket… between a node `ws` server and a `ws` client. What a user sees and does through the
// data-testid hooks of docs/testing.md: Hold, the held list, Edit then Forward edited, Drop, Send to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type WebSocket from 'ws';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadProtoSchemas } from '../../src/core/decode';
import { createWsProxy } from '../../src/core/proxy';
import { PROTO_DIR, protocDecode, protocEncode, protocMissing } from '../support/protoc';
import { chromiumSkipReason } from './harness/chromium';
import { eventually } from '../support/eventually';
import { choose, composerTextarea, previewPieces, rowWithText, textOf } from './harness/panelActions';
import { usePanelSuite } from './harness/panelSuite';
import { openWsProxyPanel, showFirstPair } from './harness/wsProxyPanel';
import { opened } from '../support/wsProxyEnds';

const skip = chromiumSkipReason();

describe('proxy panel (Chromium)', { skip }, () => {
  const suite = usePanelSuite();

  it('holds a client message, edits and forwards it, drops a server message, and injects toward the client', async () => {
    const upstreamGot: string[] = [];
    let upstream: WebSocket | undefined;
    const proxy = await openWsProxyPanel(suite, (ws) => {
      upstream = ws;
      ws.on('message', (d) => upstreamGot.push(String(d)));
    });
    const { server, panel, client } = proxy;
    const clientGot: string[] = [];
    client.on('message', (d) => clientGot.push(String(d)));
    try {
      const { page } = panel;
      await opened(client);
      await eventually(() => upstream, (u) => u !== undefined, 'the pair reaching upstream');
      // The waits above are the host's: the page may not have had its first snapshot yet.
      await eventually(() => textOf(page, 'connection-target'), (t) => /^Proxy /.test(t), 'the proxy named in the toolbar');
      assert.equal(await page.locator('[data-testid=hold-panel]').isVisible(), false, 'no hold controls on the server log');
      assert.equal(await page.locator('[data-testid=auto-replies-toggle]').isVisible(), false, 'proxies have no auto-replies');

      await showFirstPair(proxy);
      await page.locator('[data-testid=hold-panel]').waitFor();
      assert.equal(await textOf(page, 'held-count'), 'nothing held');
      assert.equal(await page.locator('[data-testid=composer-broadcast]').isVisible(), false, 'a pair\'s composer sends to one leg: no Broadcast');

      // Hold client → server, then edit the held message in the composer and forward the edit.
      await page.locator('[data-testid=hold-to-server]').click();
      await eventually(() => server.server.peers[0]!.connection.state, (s) => s === 'open', 'the pair open');
      await eventually(
        () => page.locator('[data-testid=hold-to-server]').evaluate((el) => (el as unknown as { checked: boolean }).checked),
        (c) => c,
        'hold ticked',
      );
      await eventually(() => (server.server as ReturnType<typeof createWsProxy>).peers[0]!.controls.paused.toServer, (p) => p, 'the pair holding');
      client.send('{"price":10}');
      const row = page.locator('[data-testid=held-row]');
      await row.first().waitFor();
      assert.equal(await textOf(page, 'held-count'), '1 held');
      assert.equal(await row.first().locator('[data-testid=held-leg]').textContent(), 'client → server');
      assert.equal(await row.first().locator('[data-testid=held-preview]').textContent(), '{"price":10}');
      assert.deepEqual(upstreamGot, []);

      await row.first().locator('[data-testid=held-edit]').click();
      await eventually(() => composerTextarea(page).inputValue(), (v) => v === '{"price":10}', 'the held payload in the composer');
      assert.equal((await textOf(page, 'composer-send')).trim(), 'Forward edited');
      assert.match(await textOf(page, 'held-editing'), /Editing #1/);
      await composerTextarea(page).fill('{"price":1}');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => upstreamGot.slice(), (g) => g.length === 1, 'the edit reaching the server');
      assert.deepEqual(upstreamGot, ['{"price":1}']);
      await eventually(() => row.count(), (n) => n === 0, 'the held list emptied');
      // The host's new held list can come before its answer to the forward, which ends the editing.
      await eventually(async () => (await textOf(page, 'composer-send')).trim(), (t) => t === 'Send', 'Send again once the edit is forwarded');

      // The log names the legs.
      await rowWithText(page, '{"price":1}').click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('client → server'), 'the detail names the leg');

      // Hold server → client and drop what the server sends.
      await page.locator('[data-testid=hold-to-client]').click();
      await eventually(() => (server.server as ReturnType<typeof createWsProxy>).peers[0]!.controls.paused.toClient, (p) => p, 'holding server → client');
      upstream!.send('secret\r\n');
      await row.first().waitFor();
      assert.equal(await row.first().locator('[data-testid=held-leg]').textContent(), 'server → client');
      assert.deepEqual(await previewPieces(row.first(), '[data-testid=held-preview]'), ['secret', '[\\r\\n]'], 'controls as muted escapes, as in log rows');
      await row.first().locator('[data-testid=held-drop]').click();
      await eventually(() => row.count(), (n) => n === 0, 'dropped');

      // Inject toward the client.
      await choose(page, 'composer-inject', 'client');
      await composerTextarea(page).fill('hello client');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => clientGot.slice(), (g) => g.length === 1, 'the injection reaching the client');
      assert.deepEqual(clientGot, ['hello client'], 'the dropped message never arrived');
      await rowWithText(page, 'hello client').click();
      await eventually(() => textOf(page, 'detail-summary'), (t) => t.includes('server → client'), 'the injected row is server → client');
    } finally {
      await proxy.close();
    }
  });

  it('edits a held Protobuf message as its proto3 JSON: the decoded text, Decoded to switch to bytes, the error on bad JSON and on a field the schema lacks', { skip: protocMissing() }, async () => {
    const upstreamGot: Buffer[] = [];
    // The codec rule as a session file's view.decode brings it, the .proto loaded as the extension binds the loader.
    const loader = async (files: readonly string[]) => {
      const absolute = files.map((f) => join(PROTO_DIR, f));
      return (await loadProtoSchemas(absolute, { readFile: (f) => readFile(f, 'utf8'), includeDirs: [...absolute.map((f) => dirname(f)), PROTO_DIR] })).schemas;
    };
    const proxy = await openWsProxyPanel(suite, (ws) => ws.on('message', (d) => upstreamGot.push(Buffer.from(d as Buffer))), {
      controller: {
        decode: { codecs: [{ codec: 'protobuf', messageType: 'chat.v1.Message', direction: 'out' }], protoFiles: ['chat/v1/message.proto'] },
        loadProtoSchemas: loader,
      },
    });
    const { server, panel, client } = proxy;
    try {
      const { page } = panel;
      await opened(client);
      await eventually(() => proxy.upstream.wss.clients.size, (n) => n === 1, 'the pair reaching upstream');
      await showFirstPair(proxy);
      await page.locator('[data-testid=hold-panel]').waitFor();
      await page.locator('[data-testid=hold-to-server]').click();
      await eventually(() => (server.server as ReturnType<typeof createWsProxy>).peers[0]!.controls.paused.toServer, (p) => p, 'the pair holding');

      const original = protocEncode('chat.v1.Message', 'chat/v1/message.proto', 'id: 7 text: "hello" author { name: "ann" }');
      client.send(original);
      const row = page.locator('[data-testid=held-row]');
      await row.first().waitFor();
      await row.first().locator('[data-testid=held-edit]').click();

      // The composer holds the proto3 JSON; the edit note says so, with the switch to the bytes.
      const decodedText = '{\n  "id": "7",\n  "text": "hello",\n  "author": {\n    "name": "ann"\n  }\n}';
      await eventually(() => composerTextarea(page).inputValue(), (v) => v.startsWith('{'), 'the decoded JSON in the composer');
      assert.deepEqual(JSON.parse(await composerTextarea(page).inputValue()), JSON.parse(decodedText));
      assert.match(await textOf(page, 'held-editing'), /^Editing #1 \(client → server\) as Protobuf chat\.v1\.Message JSON: /);
      const decoded = page.locator('[data-testid=held-edit-decoded]');
      assert.equal(await decoded.isVisible(), true);
      assert.equal(await decoded.getAttribute('label'), 'Decoded (Protobuf chat.v1.Message)');
      assert.equal((await textOf(page, 'composer-send')).trim(), 'Forward edited');

      // Unticked: the bytes as hex; ticked again: the JSON.
      await decoded.click();
      const hex = Buffer.from(original).toString('hex').replace(/(..)(?!$)/g, '$1 ');
      await eventually(() => composerTextarea(page).inputValue(), (v) => v === hex, 'the raw bytes in the composer');
      assert.match(await textOf(page, 'held-editing'), /^Editing #1 \(client → server\): /);
      await decoded.click();
      await eventually(() => composerTextarea(page).inputValue(), (v) => v.startsWith('{'), 'the JSON back');

      // Bad JSON: refused in words, nothing forwarded, still held.
      await composerTextarea(page).fill('{"id": "8", "text": }');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => textOf(page, 'composer-error'), (t) => /^Invalid JSON: '}' at line 1, column 21/.test(t), 'the JSON mistake shown');
      // A field the schema lacks: the host's encoder refuses it.
      await composerTextarea(page).fill('{"id": "8", "colour": "red"}');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(
        () => textOf(page, 'composer-error'),
        (t) => t.includes('Message #1 is still held: Invalid Protobuf JSON at line 1, column 13: colour: chat.v1.Message has no field "colour"'),
        'the schema mistake shown',
      );
      assert.equal(await row.count(), 1, 'still held');
      assert.equal(upstreamGot.length, 0, 'nothing forwarded');
      assert.match(await textOf(page, 'held-editing'), /^Editing #1 /);

      await composerTextarea(page).fill('{"id": "8", "text": "edited", "author": {"name": "bob"}}');
      await page.locator('[data-testid=composer-send]').click();
      await eventually(() => upstreamGot.length, (n) => n === 1, 'the edit reaching the server');
      assert.equal(protocDecode('chat.v1.Message', 'chat/v1/message.proto', upstreamGot[0]!), 'id: 8\ntext: "edited"\nauthor {\n  name: "bob"\n}\n');
      await eventually(() => row.count(), (n) => n === 0, 'the held list emptied');
      assert.deepEqual(panel.problems, []);
    } finally {
      await proxy.close();
    }
  });

  it("shows both legs' frames in the Frames tab with a Leg column, and filters them by leg", async () => {
    // A ws echo server upstream, without permessage-deflate so every frame carries the message as is.
    const proxy = await openWsProxyPanel(suite, (ws) => ws.on('message', (d, binary) => ws.send(d, { binary })), { perMessageDeflate: false });
    const { panel, client } = proxy;
    const echoed = new Promise<void>((resolve) => client.once('message', () => resolve()));
    try {
      const { page } = panel;
      await opened(client);
      // Two frames from the client; the proxy forwards the message upstream in one.
      client.send('two ', { fin: false });
      client.send('parts', { fin: true });
      await echoed;
      await showFirstPair(proxy);
      await page.locator('[data-testid=log-row][data-direction=out][data-kind=text]').first().click();
      await page.locator('[data-testid=detail-tab-frames]').click();
      const rows = () =>
        page.$$eval('[data-testid=frame-row]', (trs) =>
          trs
            .filter((tr) => !(tr as unknown as { hidden: boolean }).hidden)
            .map((tr) => `${tr.querySelector('[data-col=index]')?.textContent} ${tr.getAttribute('data-leg')} ${tr.querySelector('[data-col=leg]')?.textContent} ${tr.querySelector('[data-col=dir]')?.textContent?.trim()} ${tr.querySelector('[data-col=opcode]')?.textContent}`),
        );
      // One timeline in wire order: the client's two frames came in, then the proxy sent the message
      // upstream (inside the read that brought the second: no compression upstream). # counts a frame's
      // place in the message on its own leg.
      const both = await eventually(rows, (r) => r.length === 3, 'three frames: two on the client leg, one upstream');
      assert.deepEqual(both, ['0 client client out text (0x1)', '1 client client out continuation (0x0)', '0 upstream upstream out text (0x1)']);
      assert.deepEqual(await page.$$eval('[data-testid=frames-table] th', (ths) => ths.slice(0, 3).map((th) => th.textContent)), ['#', 'Dir', 'Leg']);

      await choose(page, 'frames-leg', 'Upstream leg');
      assert.deepEqual(await eventually(rows, (r) => r.length === 1, 'the upstream leg only'), ['0 upstream upstream out text (0x1)']);
      await choose(page, 'frames-leg', 'Client leg');
      assert.deepEqual(await eventually(rows, (r) => r.length === 2, 'the client leg only'), ['0 client client out text (0x1)', '1 client client out continuation (0x0)']);
      // The echo, on the other entry: one frame on each leg, the filter kept.
      await page.locator('[data-testid=log-row][data-direction=in][data-kind=text]').first().click();
      assert.deepEqual(await eventually(rows, (r) => r.length === 1 && r[0]!.includes(' in '), "the echo's client-leg frame"), ['0 client client in text (0x1)']);
      assert.deepEqual(panel.problems, []);
    } finally {
      await proxy.close();
    }
  });
});
