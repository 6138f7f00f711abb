// Session files that test, in the Test Explorer of a real extension host: the controller lists a file's
// tests with their lines, follows the file as it changes and goes, a run passes against a real `ws` echo
// server, a failing run reports expected vs actual at the failing step's line, and the failure's link
// opens that run's recorded log in the inspector.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { WebSocketServer } from 'ws';
import { parseSession } from '../../../src/core/session';
import type { SessionTestsApi } from '../../../src/vscode/testing/sessionTests';
import { api, until, workspaceFile } from '../extensionHost';

const FILE = 'explorer-echo.socket-session.json';

/** The fixture, one step per line so the lines below are plain to see. */
function fixture(url: string, extraTest = false): string {
  return [
    '{',
    '  "version": 1,',
    `  "connection": { "type": "websocket", "url": "${url}" },`,
    '  "tests": [',
    '    {',
    '      "name": "echo answers",',
    '      "steps": [',
    '        { "send": { "text": "hello" } },',
    '        { "expect": { "text": "hello", "within": 3000 } }',
    '      ]',
    '    },',
    '    {',
    '      "name": "echo says something else",',
    '      "steps": [',
    '        { "send": { "text": "ping" } },',
    '        { "expect": { "text": "ping", "within": 3000 } },',
    '        { "send": { "text": "marco" } },',
    '        { "expect": { "text": "polo", "within": 300 } }',
    '      ]',
    `    }${extraTest ? ',' : ''}`,
    ...(extraTest ? ['    { "name": "added later", "steps": [{ "send": { "text": "x" } }] }'] : []),
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** The 0-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `fixture has no line with ${needle}`);
  return line;
}

suite('Session tests in the Test Explorer', () => {
  let wss: WebSocketServer;
  let url = '';
  let tests: SessionTestsApi;
  const path = () => workspaceFile(FILE);
  const fileItem = () => tests.controller.items.get(vscode.Uri.file(path()).toString());
  const children = (item: vscode.TestItem | undefined) => {
    const out: vscode.TestItem[] = [];
    item?.children.forEach((c) => out.push(c));
    return out;
  };

  suiteSetup(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
    writeFileSync(path(), fixture(url));
    const extension = await api();
    assert.ok(extension.sessionTests, 'the API offers the session tests');
    tests = extension.sessionTests;
    await tests.refresh();
  });

  suiteTeardown(async () => {
    rmSync(path(), { force: true });
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  test('lists the tests of a session file, each at its line', async () => {
    await until('the file to be listed', () => children(fileItem()).length === 2);
    const text = readFileSync(path(), 'utf8');
    const items = children(fileItem());
    assert.deepEqual(
      items.map((i) => i.label),
      ['echo answers', 'echo says something else'],
    );
    // Each test's range starts at its object in the file: the line above its name.
    assert.equal(items[0]!.range?.start.line, lineOf(text, '"echo answers"') - 1);
    assert.equal(items[1]!.range?.start.line, lineOf(text, '"echo says something else"') - 1);
    assert.equal(items[0]!.uri?.fsPath, path());
  });

  test('a passing test passes against the echo server', async () => {
    const item = children(fileItem()).find((i) => i.label === 'echo answers');
    assert.ok(item);
    const outcomes = await tests.run([item]);
    assert.equal(outcomes.get(item.id)?.status, 'passed', JSON.stringify(outcomes.get(item.id)?.messages.map((m) => m.message)));
  });

  test('a failing test reports expected vs actual at the failing step, and its link opens the run log', async () => {
    const item = children(fileItem()).find((i) => i.label === 'echo says something else');
    assert.ok(item);
    const outcome = (await tests.run([item])).get(item.id);
    assert.equal(outcome?.status, 'failed');
    const [message] = outcome.messages;
    assert.ok(message);
    const text = readFileSync(path(), 'utf8');
    assert.equal(message.location?.uri.fsPath, path());
    assert.equal(message.location?.range.start.line, lineOf(text, '"polo"'));
    assert.match(message.expectedOutput ?? '', /polo/);
    assert.match(message.actualOutput ?? '', /marco/);

    // The link in the message opens the recorded run in the session editor.
    const markdown = message.message as vscode.MarkdownString;
    const link = /\(command:([\w.]+)\?([^)]+)\)/.exec(markdown.value);
    assert.ok(link, `the message links to the run's log: ${markdown.value}`);
    const opened = await vscode.commands.executeCommand<vscode.Uri>(link[1]!, ...(JSON.parse(decodeURIComponent(link[2]!)) as unknown[]));
    assert.ok(opened);
    const recorded = parseSession(readFileSync(opened.fsPath, 'utf8'));
    assert.deepEqual(
      recorded.log?.entries.filter((e) => e.direction === 'out' && e.kind === 'text').map((e) => e.text),
      ['ping', 'marco'],
    );
    await until('the recorded run to open in the inspector', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.fsPath === opened.fsPath;
    });
  });

  test('follows the file: a test added shows up, a deleted file goes', async () => {
    writeFileSync(path(), fixture(url, true));
    await until('the added test to be listed', () => children(fileItem()).some((i) => i.label === 'added later'));
    rmSync(path());
    await until('the deleted file to go', () => fileItem() === undefined);
    writeFileSync(path(), fixture(url));
    await until('the file to come back', () => children(fileItem()).length === 2);
  });
});
