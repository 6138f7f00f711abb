// Record as test against a server nobody here wrote (python3-websockets, ws_server.py's /api): a session is
// recorded, a test is made of its log and run again. The API's session uuid and item id change every run,
// so the test passes only when they are captured; recorded as they were, the next run fails.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { insertTest, parseTestSession, runTest, testFromLog, volatileFields } from '../../src/core/testing';
import type { SessionLog } from '../../src/core/session/sessionFormat';
import type { Peer } from '../support/nodePeers';
import { startPythonWsServer } from '../support/processPeers';
import { pythonWebsocketsMissing, requirePeer } from '../support/requirePeer';

let python: (Peer & { url(path: string): string }) | undefined;

function skipWithout(t: TestContext): boolean {
  return !requirePeer(t, 'python3-websockets', pythonWebsocketsMissing());
}

describe('a test recorded from a python-websockets JSON API', () => {
  before(async () => {
    if (!pythonWebsocketsMissing()) python = await startPythonWsServer();
  });
  after(async () => {
    await python?.close();
  });

  const sessionText = () => JSON.stringify({ version: 1, connection: { type: 'websocket', url: python!.url('/api') } }, null, 2);

  /** A run through the API by hand; its log is what the user recorded. */
  async function recording(): Promise<SessionLog> {
    const text = insertTest(sessionText(), {
      name: 'by hand',
      steps: [
        { kind: 'send', send: { json: { type: 'hello' } } },
        { kind: 'expect', expect: { json: { type: 'welcome' } } },
        { kind: 'capture', capture: { as: 's', jsonPath: 'session' } },
        { kind: 'send', send: { json: { type: 'get', session: '${s}' } } },
        { kind: 'expect', expect: { json: { type: 'item' } } },
        { kind: 'capture', capture: { as: 'i', jsonPath: 'item.id' } },
        { kind: 'send', send: { json: '{"type":"buy","item":${i}}' } },
        { kind: 'expect', expect: { json: { type: 'bought' } } },
      ],
    });
    const loaded = parseTestSession(text);
    const result = await runTest(loaded.session, loaded.tests[0]!, { record: 'always' });
    assert.equal(result.status, 'passed', result.failure?.message);
    return result.log!;
  }

  it('with its uuid and id captured, the recorded test passes on the next run', async (t) => {
    if (skipWithout(t)) return;
    const log = await recording();
    const fields = volatileFields(log.entries);
    assert.deepEqual(
      fields.map((f) => `${f.path} ${f.reason}`),
      ['session uuid', 'at timestamp', 'item.id id', 'item.ts timestamp'],
    );
    const test = testFromLog(log.entries, { name: 'recorded', volatile: fields, capture: fields.filter((f) => f.reason !== 'timestamp').map((f) => f.key) });
    const loaded = parseTestSession(insertTest(sessionText(), test));
    for (let run = 0; run < 2; run++) {
      const result = await runTest(loaded.session, loaded.tests[0]!, { locate: loaded.locate });
      assert.equal(result.status, 'passed', `${result.failure?.message}\n${result.failure?.expected}\n${result.failure?.actual}`);
      assert.equal(result.steps.filter((s) => s.kind === 'capture').length, 2);
    }
  });

  it('with nothing captured, the next run sends the old uuid and fails where the server refuses it', async (t) => {
    if (skipWithout(t)) return;
    const log = await recording();
    const test = testFromLog(log.entries, { name: 'recorded', capture: [] });
    const loaded = parseTestSession(insertTest(sessionText(), test));
    const result = await runTest(loaded.session, { ...loaded.tests[0]!, timeoutMs: 1000 }, { locate: loaded.locate });
    assert.equal(result.status, 'failed');
    // The welcome still matches by shape; the item does not come.
    assert.deepEqual(
      result.steps.map((s) => `${s.kind} ${s.status}`),
      ['send passed', 'expect passed', 'send passed', 'expect failed'],
    );
    assert.match(result.failure?.actual ?? '', /"type": "error"/);
  });
});
