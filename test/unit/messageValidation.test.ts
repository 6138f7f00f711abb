// The host acts on nothing the webview posts until it is known and well-formed: unknown types, missing,
// extra or wrongly typed fields, absurd numbers and prototype-pollution keys are refused (requests are
// answered with BAD_REQUEST, everything is logged), never thrown, and never reach a handler. The webview
// checks what the host posts the same way. Runs against the real schemas and the real PanelController.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageHandler } from '../../shared/messageHandler';
import { hostIncoming, webviewIncoming } from '../../shared/messageSchema';
import type { HostEvents, HostRequests, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import { parseSession } from '../../src/core/session';
import { PanelController } from '../../src/panel/panelController';
import { RecordedConnection } from '../../src/core/session/recordedConnection';

type Posted = { type: string; requestId?: number; ok?: boolean; error?: { message: string; code?: string }; result?: unknown };

/** A host-side channel on the real schemas whose handlers only record that they ran. */
function hostChannel() {
  const posted: Posted[] = [];
  const problems: string[] = [];
  const ran: string[] = [];
  const record = (type: string) => () => {
    ran.push(type);
    return {};
  };
  const requests = Object.fromEntries(Object.keys(hostIncoming.requests).map((t) => [t, record(t)]));
  const events = Object.fromEntries(Object.keys(hostIncoming.events).map((t) => [t, record(t)]));
  const channel = new MessageHandler<HostRequests, HostEvents, WebviewRequests, WebviewEvents>({
    post: (m) => void posted.push(m as Posted),
    schemas: hostIncoming,
    requests: requests as never,
    events: events as never,
    onProblem: (p) => problems.push(p),
  });
  return { channel, posted, problems, ran };
}

/** Feeds `message` and waits for the (asynchronous) answer, if any. */
async function feed(c: ReturnType<typeof hostChannel>, message: unknown): Promise<void> {
  assert.doesNotThrow(() => c.channel.handleMessage(message));
  await new Promise((r) => setImmediate(r));
}

/** A message as it arrives through postMessage: JSON-like data with own properties only. */
const wire = (json: string): unknown => JSON.parse(json);

const refusedRequests: ReadonlyArray<readonly [what: string, message: unknown, problem: RegExp]> = [
  ['an unknown request type', { type: 'deleteEverything', requestId: 1 }, /unknown request type 'deleteEverything'/],
  ['a request type that names an Object.prototype member', { type: 'toString', requestId: 2 }, /unknown request type 'toString'/],
  ['a request type "__proto__"', wire('{"type":"__proto__","requestId":3}'), /unknown request type '__proto__'/],
  ['a request type "constructor"', { type: 'constructor', requestId: 4 }, /unknown request type 'constructor'/],
  ['a missing field', { type: 'getRange', requestId: 5, fromSeq: 0 }, /count must be an integer/],
  ['a string where a number belongs', { type: 'getRange', requestId: 6, fromSeq: '0', count: 10 }, /fromSeq must be an integer/],
  ['a fraction', { type: 'getPayload', requestId: 7, seq: 1.5, limit: 10 }, /seq must be an integer/],
  ['a negative seq', { type: 'getPayload', requestId: 8, seq: -1, limit: 10 }, /seq must be an integer/],
  ['NaN', { type: 'getPayload', requestId: 9, seq: Number.NaN, limit: 10 }, /seq must be an integer/],
  ['Infinity', { type: 'getPayload', requestId: 10, seq: Number.POSITIVE_INFINITY, limit: 10 }, /seq must be an integer/],
  ['1e308', { type: 'getPayload', requestId: 11, seq: 1e308, limit: 10 }, /seq must be an integer/],
  ['2^53, past the safe integers', { type: 'getPayload', requestId: 12, seq: 2 ** 53, limit: 10 }, /seq must be an integer/],
  ['a page larger than the cap', { type: 'getRange', requestId: 13, fromSeq: 0, count: 1e9 }, /count must be an integer in \[0, 4096\]/],
  ['a payload limit larger than the cap', { type: 'getPayload', requestId: 14, seq: 0, limit: 2 ** 40 }, /limit must be an integer/],
  ['an extra field', { type: 'clear', requestId: 15, everything: true }, /unexpected field 'everything'/],
  ['an own "__proto__" field', wire('{"type":"clear","requestId":16,"__proto__":{"polluted":true}}'), /unexpected field '__proto__'/],
  ['an own "constructor" field', wire('{"type":"copy","requestId":17,"seq":0,"as":"hex","constructor":{"prototype":{"polluted":true}}}'), /unexpected field 'constructor'/],
  ['an enum value out of its set', { type: 'copy', requestId: 18, seq: 0, as: 'html' }, /as must be one of text, hex, base64/],
  ['a boolean as a string', { type: 'send', requestId: 19, format: 'text', input: 'x', escapes: 'false' }, /escapes must be a boolean/],
  ['an object where a string belongs', { type: 'send', requestId: 20, format: 'text', input: { toString: 'x' }, escapes: false }, /input must be a string/],
  ['an oversized ping payload', { type: 'ping', requestId: 21, payload: 'x'.repeat(2000) }, /payload must be a string of at most 1024/],
  ['an oversized saved-message name', { type: 'saveMessage', requestId: 22, name: 'n'.repeat(201), format: 'text', input: '', escapes: false }, /name must be a string of at most 200/],
  ['seqs that are not whole Float64 values', { type: 'getEntries', requestId: 23, seqs: new ArrayBuffer(12) }, /seqs must be an ArrayBuffer of Float64 values/],
  ['seqs as a plain list', { type: 'getEntries', requestId: 24, seqs: [1, 2, 3] }, /seqs must be an ArrayBuffer/],
  ['too many seqs', { type: 'getEntries', requestId: 25, seqs: new ArrayBuffer(8 * 5000) }, /at most 4096 seqs/],
  ['a filter with a non-list of kinds', { type: 'setFilter', requestId: 26, generation: 1, filter: { text: '', directions: [], kinds: 'all' } }, /filter kinds must be a list/],
  ['a filter with a direction out of range', { type: 'setFilter', requestId: 27, generation: 1, filter: { text: '', directions: [7], kinds: [] } }, /filter directions must be a list of integers in \[0, 2\]/],
  ['a filter that is a list', { type: 'setFilter', requestId: 28, generation: 1, filter: [] }, /filter must be a filter or null/],
  ['a filter with an unknown auto-reply choice', { type: 'setFilter', requestId: 31, generation: 1, filter: { text: '', directions: [], kinds: [], autoReplies: 'some' } }, /filter autoReplies must be one of only, none/],
  ['a filter with a boolean auto-reply choice', { type: 'setFilter', requestId: 32, generation: 1, filter: { text: '', directions: [], kinds: [], autoReplies: true } }, /filter autoReplies must be one of only, none/],
  ['a close code beyond 16 bits', { type: 'close', requestId: 29, code: 70000, reason: '' }, /code must be an integer in \[0, 65535\]/],
  ['a savePayload without a seq', { type: 'savePayload', requestId: 30 }, /seq must be an integer/],
];

describe('host: refuses malformed webview messages', () => {
  for (const [what, message, problem] of refusedRequests) {
    it(`${what}: answered with BAD_REQUEST, logged, no handler runs`, async () => {
      const c = hostChannel();
      await feed(c, message);
      const requestId = (message as { requestId: number }).requestId;
      assert.equal(c.posted.length, 1, 'exactly one answer');
      const answer = c.posted[0]!;
      assert.equal(answer.type, 'response');
      assert.equal(answer.requestId, requestId);
      assert.equal(answer.ok, false);
      assert.equal(answer.error?.code, 'BAD_REQUEST');
      assert.match(answer.error!.message, problem);
      assert.equal(c.problems.length, 1);
      assert.match(c.problems[0]!, /^refused message: /);
      assert.match(c.problems[0]!, problem);
      assert.deepEqual(c.ran, []);
    });
  }

  it('refuses what cannot even be answered (no object, no type, a bad requestId), logging each', async () => {
    const c = hostChannel();
    const junk: unknown[] = [
      null,
      undefined,
      42,
      'ready',
      [],
      [{ type: 'ready', requestId: 1 }],
      {},
      { type: 7 },
      { type: 'ready', requestId: -1 },
      { type: 'ready', requestId: 1.5 },
      { type: 'ready', requestId: '1' },
      { type: 'ready', requestId: Number.NaN },
      { type: 'ready', requestId: 2 ** 60 },
      { type: 'ack' },
      { type: 'ack', batchId: 'x' },
      { type: 'webviewError', message: 'x'.repeat(20_000) },
      { type: 'ready' },
      { type: 'response', ok: true },
      { type: 'response', requestId: 3 },
    ];
    for (const m of junk) await feed(c, m);
    assert.deepEqual(c.ran, []);
    assert.deepEqual(c.posted, [], 'nothing to answer without a valid requestId');
    assert.equal(c.problems.length, junk.length, c.problems.join('\n'));
  });

  it('leaves Object.prototype alone whatever keys arrive', async () => {
    const c = hostChannel();
    for (const m of [
      wire('{"type":"ready","requestId":1,"__proto__":{"polluted":1}}'),
      wire('{"type":"setFilter","requestId":2,"generation":1,"filter":{"text":"","directions":[],"kinds":[],"__proto__":{"polluted":2}}}'),
      wire('{"type":"__proto__","__proto__":{"polluted":3}}'),
      wire('{"type":"ack","batchId":1,"constructor":{"prototype":{"polluted":4}}}'),
    ]) {
      await feed(c, m);
    }
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  });

  it('runs the handler for the same messages once they are well-formed (so the refusals above can fail)', async () => {
    const c = hostChannel();
    await feed(c, { type: 'getRange', requestId: 1, fromSeq: 0, count: 10 });
    await feed(c, { type: 'getPayload', requestId: 2, seq: 2 ** 53 - 1, limit: 10 });
    await feed(c, { type: 'setFilter', requestId: 3, generation: 1, filter: null });
    await feed(c, { type: 'ack', batchId: 1 });
    await feed(c, { type: 'setFilter', requestId: 4, generation: 2, filter: { text: '', directions: [], kinds: [], autoReplies: 'only' } });
    await feed(c, { type: 'setFilter', requestId: 5, generation: 3, filter: { text: 'x', directions: [1], kinds: [], autoReplies: 'none' } });
    await feed(c, { type: 'setFilter', requestId: 6, generation: 4, filter: { text: 'x', directions: [], kinds: [] } });
    assert.deepEqual(c.ran, ['getRange', 'getPayload', 'setFilter', 'ack', 'setFilter', 'setFilter', 'setFilter']);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.posted.map((p) => p.ok), [true, true, true, true, true, true]);
  });
});

describe('webview: refuses malformed host messages', () => {
  it('drops unknown events and events with wrong shapes without running a handler', async () => {
    const problems: string[] = [];
    const ran: string[] = [];
    const record = (t: string) => () => void ran.push(t);
    const events = Object.fromEntries(Object.keys(webviewIncoming.events).map((t) => [t, record(t)]));
    const channel = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
      post: () => {},
      schemas: webviewIncoming,
      requests: {},
      events: events as never,
      onProblem: (p) => problems.push(p),
    });
    const bad: unknown[] = [
      { type: 'runScript', code: 'alert(1)' },
      { type: 'entries', batchId: 1, batch: 'not a buffer', stats: {} },
      { type: 'entries', batchId: 1, batch: new ArrayBuffer(16) },
      { type: 'state', state: 'pwned' },
      { type: 'state', state: 'open', error: 'string, not an object' },
      { type: 'handshake', handshake: null },
      { type: 'filterMatches', generation: 1, bits: new ArrayBuffer(3), scannedTo: 0, done: true },
      { type: 'filterMatches', generation: 1, bits: new ArrayBuffer(20), scannedTo: 0, done: true },
      { type: 'composerLists', history: 'x', saved: [] },
      { type: 'snapshot' },
      { type: 'ready', requestId: 1 },
      wire('{"type":"stats","stats":{},"__proto__":{"polluted":1}}'),
    ];
    for (const m of bad) assert.doesNotThrow(() => channel.handleMessage(m));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(ran, []);
    assert.equal(problems.length, bad.length, problems.join('\n'));
    channel.handleMessage({ type: 'stats', stats: {} });
    assert.deepEqual(ran, ['stats'], 'a well-formed event still runs');
  });
});

describe('PanelController: garbage from the webview changes nothing', () => {
  it('answers every malformed request with an error, logs it, and keeps serving', async () => {
    const session = parseSession(
      JSON.stringify({
        version: 1,
        connection: { type: 'websocket', url: 'ws://127.0.0.1:1/' },
        log: { savedAt: '2024-05-01T12:00:01.000Z', entries: [{ seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'in', kind: 'text', text: 'kept' }] },
      }),
    );
    const connection = new RecordedConnection(session);
    const posted: Posted[] = [];
    const problems: string[] = [];
    const called: string[] = [];
    const controller = new PanelController(
      connection,
      (m) => void posted.push(m as Posted),
      {
        connect: () => void called.push('connect'),
        disconnect: () => void called.push('disconnect'),
        writeClipboard: () => void called.push('clipboard'),
        savePayload: () => (called.push('save'), true),
      },
      { log: (line) => problems.push(line), statsIntervalMs: 0 },
    );
    try {
      let id = 100;
      for (const [, message] of refusedRequests) {
        controller.handleMessage({ ...(message as object), requestId: id++ });
      }
      controller.handleMessage(wire('{"type":"disconnect","requestId":1,"__proto__":{}}'));
      controller.handleMessage({ type: 'copy', requestId: 2, seq: 0, as: 'hex', extra: 1 });
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(called, [], 'no callback ran');
      const answers = posted.filter((p) => p.type === 'response');
      assert.equal(answers.length, refusedRequests.length + 2);
      assert.ok(answers.every((a) => a.ok === false && a.error?.code === 'BAD_REQUEST'));
      assert.equal(problems.length, refusedRequests.length + 2);
      assert.equal(connection.log.size, 1, 'the log is untouched');

      controller.handleMessage({ type: 'getPayload', requestId: 3, seq: 0, limit: 100 });
      await new Promise((r) => setImmediate(r));
      const ok = posted.find((p) => p.type === 'response' && p.requestId === 3);
      assert.equal(ok?.ok, true, 'still serving');
    } finally {
      controller.dispose();
      connection.dispose();
    }
  });
});
