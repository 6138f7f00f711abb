// Serve as mock over WebSocket: a conversation recorded (by the test runner) with Debian's
// python3-websockets is served by a mock, and python3-websockets as the client gets the recorded replies
// under each strategy; a request the recording has no answer for gets none (and a note), or the fallback.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { createMockServer, mockScriptFromSession, type MockOptions, type MockServer } from '../../src/core/mock';
import type { Session } from '../../src/core/session/sessionFormat';
import { parseTestSession, runTest } from '../../src/core/testing';
import { eventually } from '../support/eventually';
import { describeLog, entries, waitForEntry } from '../support/logReading';
import type { Peer } from '../support/nodePeers';
import { startPythonWsServer } from '../support/processPeers';
import { startPythonWsClient, type PythonWsClient, type PythonWsEvent } from '../support/pythonWsClient';
import { pythonWebsocketsMissing, requirePeer } from '../support/requirePeer';

let python: (Peer & { url(path: string): string }) | undefined;
let recorded: Session | undefined;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const REQUESTS = [{ json: { id: 1, q: 'apple' } }, { json: { id: 2, q: 'pear' } }, { text: 'hello' }];

/** Records a conversation with python3-websockets' /bytes path: a binary greeting (0..255), then echoes. */
async function record(): Promise<Session> {
  const text = JSON.stringify({
    version: 1,
    connection: { type: 'websocket', url: python!.url('/bytes') },
    tests: [
      {
        name: 'record',
        steps: [
          { expect: { kind: 'binary', hexPrefix: '00 01 02' } },
          ...REQUESTS.flatMap((send) => [{ send }, { expect: 'json' in send ? { json: send.json } : { text: send.text } }]),
        ],
      },
    ],
  });
  const loaded = parseTestSession(text);
  const result = await runTest(loaded.session, loaded.tests[0]!, { record: 'always' });
  assert.equal(result.status, 'passed', JSON.stringify(result.failure));
  return { ...loaded.session, log: result.log! };
}

async function serve(options: MockOptions): Promise<MockServer> {
  const mock = createMockServer(mockScriptFromSession(recorded!), options);
  cleanup.push(() => mock.dispose());
  await mock.start();
  return mock;
}

function client(t: TestContext, url: string): PythonWsClient {
  const c = startPythonWsClient(url);
  cleanup.push(async () => {
    await c.close();
    if (c.stderr()) t.diagnostic(`ws_client.py stderr: ${c.stderr()}`);
  });
  return c;
}

function texts(events: PythonWsEvent[]): string[] {
  return events.flatMap((e) => ('text' in e ? [e.text] : []));
}

/** The mock's note about a request it had no reply for. */
function unanswered(mock: MockServer, needle: string) {
  return waitForEntry(mock.session.log, `note about ${needle}`, (e) => e.kind === 'note' && e.text.includes('no recorded reply') && e.text.includes(needle));
}

/** Replies the mock sent to its first peer (the greeting too). */
function sentByMock(mock: MockServer): string[] {
  const log = mock.session.peers[0]!.connection.log;
  return entries(log)
    .filter((e) => e.direction === 'out' && (e.kind === 'text' || e.kind === 'binary'))
    .map((e) => (e.kind === 'text' ? e.text : `0x${e.payload.toString('hex').slice(0, 6)}`));
}

describe('serve as mock: a python3-websockets recording', () => {
  before(async () => {
    if (pythonWebsocketsMissing() !== undefined) return;
    python = await startPythonWsServer();
    recorded = await record();
  });
  after(async () => {
    await python?.close();
  });
  const need = (t: TestContext) => requirePeer(t, 'python3-websockets', pythonWebsocketsMissing());

  it('cuts the recording into the greeting and three exchanges', (t) => {
    if (!need(t)) return;
    const script = mockScriptFromSession(recorded!);
    assert.equal(script.kind, 'ws');
    assert.equal(script.greeting.length, 1);
    assert.equal(script.greeting[0]!.bytes.length, 256);
    assert.equal(script.greeting[0]!.text, false);
    assert.deepEqual(
      script.exchanges.map((x) => [Buffer.from(x.request.bytes).toString(), x.replies.map((r) => Buffer.from(r.bytes).toString())]),
      [
        ['{"id":1,"q":"apple"}', ['{"id":1,"q":"apple"}']],
        ['{"id":2,"q":"pear"}', ['{"id":2,"q":"pear"}']],
        ['hello', ['hello']],
      ],
    );
  });

  it('in order: the n-th request gets the n-th recorded reply whatever it holds; one more gets no reply and a note', async (t) => {
    if (!need(t)) return;
    const mock = await serve({ strategy: { type: 'inOrder' } });
    const c = client(t, mock.url!);
    await eventually(() => c.events.some((e) => 'binary' in e), Boolean, 'the greeting');
    const greeting = c.events.find((e): e is { binary: string } => 'binary' in e)!;
    assert.equal(greeting.binary, Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex'));
    for (const s of ['a', 'b', 'c']) c.command({ send: s });
    await eventually(() => texts(c.events), (x) => x.length === 3, 'three replies');
    assert.deepEqual(texts(c.events), ['{"id":1,"q":"apple"}', '{"id":2,"q":"pear"}', 'hello']);
    c.command({ send: 'd' });
    const note = await unanswered(mock, '"d"');
    assert.match(note.text, /^#1 message #\d+ "d": no recorded reply \(in order: the recording holds 3 requests, all answered\); not answered$/);
    assert.deepEqual(sentByMock(mock), ['0x000102', '{"id":1,"q":"apple"}', '{"id":2,"q":"pear"}', 'hello'], describeLog(mock.session.peers[0]!.connection.log));
  });

  it('by exact payload: requests in another order get their own replies; an unknown one gets no reply and a note', async (t) => {
    if (!need(t)) return;
    const mock = await serve({ strategy: { type: 'exact' } });
    const c = client(t, mock.url!);
    c.command({ send: 'hello' });
    c.command({ send: '{"id":1,"q":"apple"}' });
    await eventually(() => texts(c.events), (x) => x.length === 2, 'two replies');
    assert.deepEqual(texts(c.events), ['hello', '{"id":1,"q":"apple"}']);
    c.command({ send: '{"id":1,"q":"apples"}' });
    const note = await unanswered(mock, 'apples');
    assert.match(note.text, /by exact payload: no recorded request has these bytes\); not answered$/);
    assert.equal(sentByMock(mock).length, 3, 'the greeting and two replies, nothing for the unknown request');
  });

  it('by JSON field: a request with a recorded id gets the reply recorded for that id; others get the fallback', async (t) => {
    if (!need(t)) return;
    const mock = await serve({ strategy: { type: 'jsonField', path: 'id' }, fallback: { bytes: new TextEncoder().encode('{"error":"not recorded"}'), text: true } });
    const c = client(t, mock.url!);
    c.command({ send: '{"id":2,"q":"something else"}' });
    await eventually(() => texts(c.events), (x) => x.length === 1, 'the reply for id 2');
    assert.deepEqual(texts(c.events), ['{"id":2,"q":"pear"}'], 'the recorded reply, not an echo');
    c.command({ send: '{"q":"no id"}' });
    c.command({ send: 'not json' });
    await eventually(() => texts(c.events), (x) => x.length === 3, 'two fallbacks');
    assert.deepEqual(texts(c.events).slice(1), ['{"error":"not recorded"}', '{"error":"not recorded"}']);
    await unanswered(mock, 'the request has no field id); sent the fallback');
    await unanswered(mock, 'the request is not JSON, so it has no field id); sent the fallback');
    // Every send of the mock is an auto-reply that names what of the recording it was; requests are not.
    const log = mock.session.peers[0]!.connection.log;
    const sent = entries(log).filter((e) => e.direction === 'out' && (e.kind === 'text' || e.kind === 'binary'));
    const pear = mockScriptFromSession(recorded!).exchanges[1]!.request;
    assert.deepEqual(sent.map((e) => log.autoReplyOrigin(e.seq)), [
      { rule: 0, match: '', mock: 'greeting' },
      { rule: pear.seq, match: JSON.stringify('{"id":2,"q":"pear"}'), mock: 'reply' },
      { rule: 0, match: '', mock: 'fallback' },
      { rule: 0, match: '', mock: 'fallback' },
    ]);
    assert.deepEqual(entries(log).filter((e) => log.isAutoReply(e.seq)).map((e) => e.seq), sent.map((e) => e.seq), 'only the mock\'s sends are marked');
  });

  it('refuses a session without a recorded log, saying so', () => {
    assert.throws(
      () => mockScriptFromSession({ version: 1, connection: { type: 'websocket', url: 'ws://127.0.0.1:1' } }),
      /has no recorded log to serve as a mock/,
    );
  });
});
