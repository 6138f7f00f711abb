// Listen and Proxy as a person meets them in a real VS Code: "Listen WebSocket…" from the palette, an
// auto-reply rule typed into the panel, Debian's python3-websockets clients as peers (one answered by the
// rule, one sent to from the composer); then "Proxy WebSocket…" in front of the repo's echo server, a
// python client sending a message in three frames through it, the pair's log naming both legs, and the
// Frames tab showing, in wire order, the client leg's four frames and then the one the proxy sent upstream. The
// screenshots (test-results/vscode-listen.png, vscode-proxy.png, vscode-frames.png) are the README's.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { startEchoServers } from '../../scripts/echoServer.mjs';
import { resultsDir } from '../../scripts/vscode/codeServer.mjs';
import { eventually } from '../support/eventually';
import { inspectorFrame, sendFromComposer } from '../support/inspectorFrame';
import { startPythonWsClient, type PythonWsClient, type PythonWsEvent } from '../support/pythonWsClient';
import { inCI, pythonWebsocketsMissing } from '../support/requirePeer';
import { openWorkbench, runCommand, workbenchSkipReason, type Workbench } from '../support/workbench';

const peerSkip = pythonWebsocketsMissing();
if (peerSkip && inCI) throw new Error(`Prerequisite missing in CI: ${peerSkip}`);

const QUICK_INPUT = '.quick-input-widget';

/** Answers the input box titled `title` (a command asking twice shows two in a row) with text and Enter. */
async function answerTitled(page: Page, title: string, text: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 20_000 });
  const input = widget.locator('.quick-input-box input').first();
  await input.fill(text);
  await input.press('Enter');
}

/** The text of an element of the panel by test id. */
async function textOf(frame: Frame, testId: string): Promise<string> {
  return (await frame.locator(`[data-testid=${testId}]`).first().textContent()) ?? '';
}

/** The port the panel's toolbar names after `prefix` ("Listen ws://127.0.0.1:"). */
async function boundPort(frame: Frame, prefix: string): Promise<number> {
  const target = await eventually(() => textOf(frame, 'connection-target'), (t) => t.startsWith(prefix), 'the bound address in the toolbar');
  return Number(/^\d+/.exec(target.slice(prefix.length))![0]);
}

/** Picks the peer selector's option starting with `prefix` ("#1 "). */
async function choosePeer(frame: Frame, prefix: string): Promise<void> {
  const select = frame.locator('[data-testid=peer-select]');
  await eventually(() => select.locator('vscode-option').allTextContents(), (o) => o.some((l) => l.startsWith(prefix)), `peer ${prefix}listed`);
  await select.click();
  await select.getByRole('option', { name: new RegExp(`^${prefix}`) }).click();
}

/** A python3-websockets client at url, once open. */
async function pythonClient(url: string, clients: PythonWsClient[]): Promise<PythonWsClient> {
  const client = startPythonWsClient(url);
  clients.push(client);
  await eventually(() => client.events, (e) => e.some((x) => 'open' in x), `the python client open on ${url}`, 20_000).catch((e: Error) => {
    throw new Error(`${e.message}; stderr: ${client.stderr()}`);
  });
  return client;
}

const textsOf = (events: PythonWsEvent[]) => events.flatMap((e) => ('text' in e ? [e.text] : []));

/** The Frames table's rows, each as { column: text }. */
function frameRows(frame: Frame): Promise<Array<Record<string, string>>> {
  return frame.locator('[data-testid=frame-row]').evaluateAll((rows) =>
    rows.map((row) => Object.fromEntries([...row.querySelectorAll('td')].map((td) => [td.getAttribute('data-col'), (td.textContent ?? '').trim()]))),
  );
}

describe('Listen and Proxy in VS Code', { skip: workbenchSkipReason() ?? peerSkip }, () => {
  let workbench: Workbench | undefined;
  let echo: Awaited<ReturnType<typeof startEchoServers>> | undefined;
  const clients: PythonWsClient[] = [];

  before(async () => {
    echo = await startEchoServers({ wsPort: 0, tcpPort: 0 });
    workbench = await openWorkbench({ label: 'e2e-listen-proxy' });
    mkdirSync(resultsDir, { recursive: true });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await workbench?.close();
    await echo?.stop();
  });

  test('Listen WebSocket: an auto-reply rule answers a python client, the composer sends to a peer, each peer has its log', async () => {
    const { page } = workbench!;
    await runCommand(page, 'Socket Inspector: Listen WebSocket');
    await answerTitled(page, 'Listen WebSocket', '127.0.0.1:0');
    const frame = await inspectorFrame(page, 'Listen ws://127.0.0.1:');
    const port = await boundPort(frame, 'Listen ws://127.0.0.1:');
    await eventually(() => textOf(frame, 'connection-status'), (t) => t.includes('Listening'), 'the server listening');

    // A JSON-RPC-ish mock: a rule typed into the panel as the README's table has it.
    await frame.locator('[data-testid=auto-replies-toggle]').click();
    await frame.locator('[data-testid=auto-reply-add]').click();
    const rule = frame.locator('[data-testid=auto-reply-rule]').first();
    // A new rule answers every message: it is switched off while it is written, and on again once whole, so
    // "1 of 1 rule on" can only come from the host having the finished rule.
    await rule.locator('[data-testid=auto-reply-enabled]').click();
    await eventually(() => textOf(frame, 'auto-reply-status'), (t) => t === '0 of 1 rule on', 'the new rule off');
    await rule.locator('[data-testid=auto-reply-format]').click();
    await rule.locator('[data-testid=auto-reply-format]').getByRole('option', { name: 'JSON', exact: true }).click();
    await rule.locator('[data-testid=auto-reply-input] input').fill('{"jsonrpc":"2.0","id":1,"result":"pong"}');
    await rule.locator('[data-testid=auto-reply-match] input').fill('"method":"ping"');
    await rule.locator('[data-testid=auto-reply-enabled]').click();
    await eventually(() => textOf(frame, 'auto-reply-status'), (t) => t === '1 of 1 rule on', 'the rule on');

    const chat = await pythonClient(`ws://127.0.0.1:${port}/chat`, clients);
    const feed = await pythonClient(`ws://127.0.0.1:${port}/feed`, clients);
    chat.command({ send: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    await eventually(() => textsOf(chat.events), (t) => t.length === 1, 'the auto-reply at the python client');
    assert.deepEqual(JSON.parse(textsOf(chat.events)[0]!), { jsonrpc: '2.0', id: 1, result: 'pong' });
    feed.command({ send: 'hello, no rule for me' });
    await eventually(() => textOf(frame, 'peer-count'), (t) => t === '2 peers · 2 open', 'both peers counted');

    await choosePeer(frame, '#1 ');
    await eventually(() => textOf(frame, 'connection-target'), (t) => /^Peer #1 127\.0\.0\.1:\d+ \/chat$/.test(t), "peer #1's log shown");
    await sendFromComposer(frame, 'hello from VS Code');
    await eventually(() => textsOf(chat.events), (t) => t.includes('hello from VS Code'), 'the composer message at the python client');
    assert.deepEqual(textsOf(feed.events), [], 'peer #2 got nothing');

    const rows = frame.locator('[data-testid=log-row]');
    const ping = rows.filter({ hasText: '"method":"ping"' });
    await ping.first().waitFor({ timeout: 20_000 });
    assert.equal(await ping.first().getAttribute('data-direction'), 'in');
    const pong = rows.filter({ hasText: '"result":"pong"' });
    assert.equal(await pong.first().getAttribute('data-direction'), 'out');
    assert.equal(await rows.filter({ hasText: 'hello from VS Code' }).first().getAttribute('data-direction'), 'out');
    assert.equal(await rows.filter({ hasText: 'no rule for me' }).count(), 0, "peer #2's message is not in peer #1's log");
    await ping.first().click();
    await eventually(() => textOf(frame, 'detail-summary'), (t) => t.includes('· in · text · 40 B'), 'the ping in the detail pane');
    await page.screenshot({ path: join(resultsDir, 'vscode-listen.png') });
  });

  test('Proxy WebSocket: a python client through the proxy to the echo server; the pair logs both legs, the Frames tab each leg\'s frames', async () => {
    const { page } = workbench!;
    await runCommand(page, 'Socket Inspector: Proxy WebSocket');
    await answerTitled(page, 'Proxy WebSocket: upstream', echo!.wsUrl);
    await answerTitled(page, 'Proxy WebSocket: listen on', '127.0.0.1:0');
    const frame = await inspectorFrame(page, 'Proxy ws://127.0.0.1:');
    const port = await boundPort(frame, 'Proxy ws://127.0.0.1:');

    const client = await pythonClient(`ws://127.0.0.1:${port}/echo`, clients);
    const parts = ['{"jsonrpc":"2.0",', '"method":"update",', '"params":{"price":42}}'];
    client.command({ send: 'hello through the proxy' });
    client.command({ sendFragments: parts });
    await eventually(() => textsOf(client.events), (t) => t.length === 2, 'both echoes back at the python client');
    assert.deepEqual(textsOf(client.events), ['hello through the proxy', parts.join('')]);

    await choosePeer(frame, '#1 ');
    await frame.locator('[data-testid=hold-panel]').waitFor({ state: 'visible', timeout: 20_000 });
    const sent = frame.locator('[data-testid=log-row][data-direction=out]', { hasText: '"method":"update"' });
    const echoed = frame.locator('[data-testid=log-row][data-direction=in]', { hasText: '"method":"update"' });
    await sent.first().waitFor({ timeout: 20_000 });
    await echoed.first().waitFor({ timeout: 20_000 });
    await echoed.first().click();
    await eventually(() => textOf(frame, 'detail-summary'), (t) => t.includes('server → client'), 'the echo named as server → client');
    await sent.first().click();
    await eventually(() => textOf(frame, 'detail-summary'), (t) => t.includes('client → server'), 'the message named as client → server');
    await frame.locator('[data-testid=detail-tab-json]').click();
    await eventually(() => textOf(frame, 'detail-panel-json'), (t) => t.includes('price') && t.includes('42'), 'the message in the JSON tab');
    await page.screenshot({ path: join(resultsDir, 'vscode-proxy.png') });

    // The Frames table needs a detail pane wider than 720 px to show as a table (narrower, each frame wraps):
    // the side bar closed and the split dragged toward the log, as a person would.
    await runCommand(page, 'View: Close Primary Side Bar');
    await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 10_000 });
    await frame.locator('[data-testid=detail-tab-frames]').click();
    const split = (await frame.locator('.main-split').boundingBox())!;
    const handle = (await frame.locator('.main-split .handle').boundingBox())!;
    const y = handle.y + Math.min(handle.height / 2, 100);
    await page.mouse.move(handle.x + handle.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(split.x + split.width - 800, y, { steps: 8 });
    await page.mouse.up();
    // Off the handle, which stays highlighted while the pointer is on it.
    await page.mouse.move(split.x + 200, split.y + split.height - 20);
    await frame.locator('[data-testid=frames-table] thead').waitFor({ state: 'visible', timeout: 10_000 });

    // The python client (websockets 10.4) sends the parts as three frames and ends the message with an empty
    // continuation; the proxy reassembles them and sends the message upstream as one frame. Both legs mask
    // (client frames must), each with its own keys. "Both legs" is one timeline in wire order: the client
    // leg's four frames came in, then the upstream frame went out; # is a frame's place in the message on
    // its leg.
    const frames = await eventually(() => frameRows(frame), (r) => r.length === 5, "the client leg's four frames and the upstream's one");
    const message = parts.join('').length;
    assert.deepEqual(
      frames.map((f) => [f.index, f.leg, f.dir, f.fin, f.rsv1, f.opcode, f.payload, f.header]),
      [
        ['0', 'client', 'out', '0', '0', 'text (0x1)', String(parts[0]!.length), '6'],
        ['1', 'client', 'out', '0', '0', 'continuation (0x0)', String(parts[1]!.length), '6'],
        ['2', 'client', 'out', '0', '0', 'continuation (0x0)', String(parts[2]!.length), '6'],
        ['3', 'client', 'out', '1', '0', 'continuation (0x0)', '0', '6'],
        ['0', 'upstream', 'out', '1', '0', 'text (0x1)', String(message), '6'],
      ],
    );
    // The Time column (HH:MM:SS.mmm, one day) reads as the rows do.
    const times = frames.map((f) => f.time ?? '');
    assert.deepEqual(times, times.slice().sort(), `times in row order: ${times.join(', ')}`);
    const keys = frames.map((f) => f.mask ?? '');
    for (const key of keys) assert.match(key, /^1 · [0-9a-f]{8}$/);
    assert.equal(new Set(keys).size, keys.length, `a key per frame: ${keys.join(', ')}`);
    assert.equal(
      await textOf(frame, 'frames-summary'),
      `5 frames · ${2 * message} B payload + 30 B headers on the wire · message ${message} B`,
    );
    await page.screenshot({ path: join(resultsDir, 'vscode-frames.png') });
  });
});
