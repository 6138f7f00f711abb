// Record as Test in a real extension host: an inspector connected to a JSON API on python3-websockets whose
// answers change every run (a session uuid, a time, an item id), a conversation sent from the host, then
// Record as Test writes it into a session file; the Test Explorer lists the new test and runs it, and it
// passes against the same server because the uuid and the id were captured.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ConnectResult } from '../../../src/vscode/commands/connectCommands';
import type { RecordTestResult } from '../../../src/vscode/commands/recordTestCommand';
import type { Connection } from '../../../src/core/connection/connectionTypes';
import { parseTestSession } from '../../../src/core/testing';
import { Direction, Kind } from '../../../shared/logModel';
import type { Peer } from '../../support/nodePeers';
import { startPythonWsServer } from '../../support/processPeers';
import { inCI, pythonWebsocketsMissing } from '../../support/requirePeer';
import { api, until, workspaceFile } from '../extensionHost';

const FILE = 'recorded-api.socket-session.json';

/** The received texts of the log, in order. */
function received(connection: Connection): string[] {
  const log = connection.log;
  const out: string[] = [];
  for (let s = log.firstSeq; s < log.nextSeq; s++) {
    if (log.direction(s) === Direction.In && log.kind(s) === Kind.Text) out.push(new TextDecoder().decode(log.payload(s)));
  }
  return out;
}

suite('Record as Test', () => {
  let server: (Peer & { url(path: string): string }) | undefined;

  suiteSetup(async function () {
    const missing = pythonWebsocketsMissing();
    if (missing) {
      if (inCI) throw new Error(`Prerequisite missing in CI: ${missing}`);
      this.skip();
    }
    server = await startPythonWsServer();
  });

  suiteTeardown(async () => {
    rmSync(workspaceFile(FILE), { force: true });
    await server?.close();
  });

  test('a conversation recorded as a test passes when the Test Explorer runs it again', async () => {
    const { getConnection, sessionTests } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', server!.url('/api'));
    assert.equal(result.state, 'open', JSON.stringify(result));
    const connection = getConnection(result.id)!;
    const answer = async (n: number) => {
      await until(`answer ${n}`, () => received(connection).length >= n);
      return JSON.parse(received(connection)[n - 1]!) as Record<string, unknown>;
    };
    connection.sendText('{"type":"hello"}');
    const welcome = await answer(1);
    connection.sendText(JSON.stringify({ type: 'get', session: welcome.session }));
    const item = (await answer(2)).item as { id: number };
    connection.sendText(JSON.stringify({ type: 'buy', item: item.id }));
    assert.equal((await answer(3)).type, 'bought');

    // The inspector has no file yet: Record as Test saves it as one first (the path skips the dialog).
    const recorded = await vscode.commands.executeCommand<RecordTestResult | undefined>('socketInspector.recordAsTest', {
      id: result.id,
      file: workspaceFile(FILE),
      name: 'buy a pen',
      capture: ['session', 'item.id'],
    });
    assert.ok(recorded, 'the command recorded nothing');
    assert.equal(recorded.uri.fsPath, workspaceFile(FILE));
    const loaded = parseTestSession(readFileSync(workspaceFile(FILE), 'utf8'));
    const test = loaded.tests.find((t) => t.name === 'buy a pen');
    assert.ok(test);
    assert.deepEqual(
      test.steps.map((s) => s.kind),
      ['send', 'expect', 'capture', 'send', 'expect', 'capture', 'send', 'expect'],
    );

    // Only the first exchange, by its rows' seqs, as the webview sends a Shift+click selection.
    const log = connection.log;
    const seqs: number[] = [];
    for (let s = log.firstSeq; s < log.nextSeq; s++) if (log.kind(s) === Kind.Text) seqs.push(s);
    const second = await vscode.commands.executeCommand<RecordTestResult | undefined>('socketInspector.recordAsTest', {
      id: result.id,
      file: workspaceFile(FILE),
      from: seqs[0],
      to: seqs[1],
      name: 'say hello',
      capture: [],
    });
    assert.ok(second);
    await vscode.commands.executeCommand('socketInspector.disconnect', result.id);

    assert.ok(sessionTests);
    await sessionTests.refresh();
    const fileItem = () => sessionTests.controller.items.get(recorded.uri.toString());
    const items = () => {
      const out: vscode.TestItem[] = [];
      fileItem()?.children.forEach((c) => out.push(c));
      return out;
    };
    await until('both recorded tests to be listed', () => items().length === 2);
    const outcomes = await sessionTests.run(items());
    for (const item of items()) {
      const outcome = outcomes.get(item.id);
      assert.equal(outcome?.status, 'passed', `${item.label}: ${JSON.stringify(outcome?.messages.map((m) => m.message))}`);
    }
  });
});
