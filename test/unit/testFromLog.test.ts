// Record as test: steps made from recorded log entries (text, JSON, binary), volatile JSON fields offered
// as captures or matchers, and the test written into a session file's text without disturbing the rest.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { SessionLogEntry } from '../../src/core/session/sessionFormat';
import { PatternRunner } from '../../src/core/patterns/patternRunner';
import { parseTestSession } from '../../src/core/testing';
import { insertTest, inlineJson, stepJson } from '../../src/core/testing/testInsert';
import { testFromLog, volatileFields, VOLATILE_PATTERNS } from '../../src/core/testing/testFromLog';
import type { MessageMatchers, SessionTest } from '../../src/core/testing/testFormat';
import { mismatch } from '../../src/core/testing/testMatchers';
import { Direction, Kind } from '../../shared/logModel';

let seq = 0;
function entry(direction: 'in' | 'out' | 'meta', kind: SessionLogEntry['kind'], body: { text?: string; base64?: string; code?: number }): SessionLogEntry {
  seq++;
  return { seq, time: '2026-12-07T12:00:00.000Z', mono: seq, direction, kind, ...body };
}
const out = (text: string) => entry('out', 'text', { text });
const inText = (text: string) => entry('in', 'text', { text });

/** The steps as the file writes them. */
const written = (test: SessionTest) => test.steps.map(stepJson);

const UUID_A = '0b6f3c1e-8a2d-4f57-9c1b-2d3e4f5a6b7c';
const UUID_B = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9';

describe('steps from recorded entries', () => {
  it('sends what was sent and expects what was received: text, JSON and binary', () => {
    seq = 0;
    const entries = [
      entry('meta', 'open', {}),
      out('hello'),
      inText('hello'),
      out('{"type":"subscribe","channel":"ticker"}'),
      inText('{"type":"subscribed","channel":"ticker"}'),
      entry('out', 'binary', { base64: Buffer.from([0, 1, 0xff]).toString('base64') }),
      entry('in', 'binary', { base64: Buffer.from([0xde, 0xad]).toString('base64') }),
      entry('in', 'ping', { text: '' }),
      out('42'),
      entry('out', 'close', { code: 1000 }),
      entry('in', 'close', { code: 1000 }),
    ];
    assert.deepEqual(written(testFromLog(entries, { name: 'echo' })), [
      { send: { text: 'hello' } },
      { expect: { text: 'hello' } },
      { send: { json: { type: 'subscribe', channel: 'ticker' } } },
      { expect: { json: { type: 'subscribed', channel: 'ticker' } } },
      { send: { hex: '00 01 ff' } },
      { expect: { kind: 'binary', hex: 'de ad' } },
      { send: { text: '42' } },
      { disconnect: { code: 1000 } },
      { expectClose: { code: 1000 } },
    ]);
  });

  it('writes a literal ${ as $${ so it is not read as a variable', () => {
    seq = 0;
    const test = testFromLog([out('cost ${price}'), inText('{"echo":"${price}"}')], { name: 'literal' });
    assert.deepEqual(written(test), [{ send: { text: 'cost $${price}' } }, { expect: { json: { echo: '$${price}' } } }]);
    // The loader reads it without asking for a variable.
    const loaded = parseTestSession(insertTest('{ "version": 1, "connection": { "type": "websocket", "url": "ws://127.0.0.1:1/" } }', test));
    assert.equal(loaded.tests[0]!.name, 'literal');
  });

  it('TCP data is sent and expected as text when it is UTF-8, as hex when not', () => {
    seq = 0;
    const test = testFromLog(
      [entry('out', 'data', { text: 'PING\r\n' }), entry('in', 'data', { base64: Buffer.from([0xc3, 0x28]).toString('base64') })],
      { name: 'tcp' },
    );
    assert.deepEqual(written(test), [{ send: { text: 'PING\r\n' } }, { expect: { hex: 'c3 28' } }]);
  });
});

describe('volatile fields', () => {
  seq = 0;
  const entries = [
    out('{"type":"hello","requestId":"r-1"}'),
    inText(`{"type":"welcome","requestId":"r-1","session":"${UUID_A}","at":"2026-12-07T12:00:01.234Z","n":3}`),
    out(`{"type":"get","session":"${UUID_A}"}`),
    inText(`{"type":"item","session":"${UUID_A}","item":{"id":4711,"ts":1765108801234,"name":"pen"}}`),
  ];

  it('finds timestamps, uuids and ids in received JSON, but not values the client sent', () => {
    const fields = volatileFields(entries);
    assert.deepEqual(
      fields.map((f) => [f.seq, f.path, f.reason, f.variable]),
      [
        [2, 'session', 'uuid', 'session'],
        [2, 'at', 'timestamp', 'at'],
        [4, 'item.id', 'id', 'id'],
        [4, 'item.ts', 'timestamp', 'ts'],
      ],
    );
    // requestId came back as sent; the uuid in message 4 was sent in message 3.
    assert.deepEqual(
      fields.map((f) => f.matcher),
      [
        { path: 'session', matches: VOLATILE_PATTERNS.uuid },
        { path: 'at', matches: VOLATILE_PATTERNS.timestamp },
        { path: 'item.id', type: 'number' },
        { path: 'item.ts', type: 'number' },
      ],
    );
  });

  it('matched by their shape when not captured', () => {
    assert.deepEqual(written(testFromLog(entries, { name: 'shapes' })), [
      { send: { json: { type: 'hello', requestId: 'r-1' } } },
      {
        expect: {
          json: { type: 'welcome', requestId: 'r-1', n: 3 },
          jsonPath: [
            { path: 'session', matches: VOLATILE_PATTERNS.uuid },
            { path: 'at', matches: VOLATILE_PATTERNS.timestamp },
          ],
        },
      },
      { send: { json: { type: 'get', session: UUID_A } } },
      {
        expect: {
          json: { type: 'item', session: UUID_A, item: { name: 'pen' } },
          jsonPath: [
            { path: 'item.id', type: 'number' },
            { path: 'item.ts', type: 'number' },
          ],
        },
      },
    ]);
  });

  it('captured, and the value in later steps replaced by the variable (a number unquoted in JSON text)', () => {
    seq = 100;
    const more = [...entries, out('{"type":"buy","item":4711}')];
    const fields = volatileFields(more);
    const test = testFromLog(more, { name: 'captures', volatile: fields, capture: fields.filter((f) => f.path !== 'at' && f.path !== 'item.ts').map((f) => f.key) });
    assert.deepEqual(written(test), [
      { send: { json: { type: 'hello', requestId: 'r-1' } } },
      { expect: { json: { type: 'welcome', requestId: 'r-1', n: 3 }, jsonPath: { path: 'at', matches: VOLATILE_PATTERNS.timestamp } } },
      { capture: { as: 'session', jsonPath: 'session' } },
      { send: { json: { type: 'get', session: '${session}' } } },
      { expect: { json: { type: 'item', session: '${session}', item: { name: 'pen' } }, jsonPath: { path: 'item.ts', type: 'number' } } },
      { capture: { as: 'id', jsonPath: 'item.id' } },
      { send: { json: '{"type":"buy","item":${id}}' } },
    ]);
    // The file loads, and its variables are all made by captures before they are used.
    const loaded = parseTestSession(insertTest('{ "version": 1, "connection": { "type": "websocket", "url": "ws://127.0.0.1:1/" } }', test));
    assert.equal(loaded.tests[0]!.steps.length, 7);
  });

  const patterns = new PatternRunner();
  after(() => patterns.dispose());

  it('the generated matchers hold on the next run\'s values and fail on a wrong shape', async () => {
    const [, welcome] = testFromLog(entries, { name: 'shapes' }).steps;
    assert.equal(welcome?.kind, 'expect');
    const matchers = (welcome as { expect: MessageMatchers }).expect;
    const message = (text: string) => ({ seq: 9, direction: Direction.In, kind: Kind.Text, code: 0, payload: new TextEncoder().encode(text) });
    const next = message(`{"type":"welcome","requestId":"r-1","session":"${UUID_B}","at":"2026-12-08T09:30:00Z","n":3}`);
    assert.equal(await mismatch(next, matchers, { patterns }), undefined);
    const wrong = await mismatch(message('{"type":"welcome","requestId":"r-1","session":"nope","at":"2026-12-08T09:30:00Z","n":3}'), matchers, { patterns });
    assert.match(wrong?.why ?? '', /session does not match/);
    const typed = (await mismatch(message('{"item":{"id":"x"}}'), { jsonPath: { path: 'item.id', type: 'number' } }, { patterns }))!;
    assert.equal(typed.why, 'item.id is not a number');
  });
});

describe('a recorded test written into a session file', () => {
  seq = 0;
  const test: SessionTest = testFromLog([out('hi'), inText('hi')], { name: 'recorded' });

  it('appends to tests, indented like the file, one step per line, the rest of the text untouched', () => {
    const before = [
      '{',
      '    "version": 1,',
      '    "connection": {"type": "websocket", "url": "ws://127.0.0.1:1/"},',
      '    "tests": [',
      '        { "name": "old", "steps": [ {"send": "x"} ] }',
      '    ]',
      '}',
      '',
    ].join('\n');
    const after = insertTest(before, test);
    const cut = before.indexOf(' }\n    ]') + 2;
    assert.equal(after.slice(0, cut), before.slice(0, cut));
    assert.equal(after.slice(after.length - '\n    ]\n}\n'.length), '\n    ]\n}\n');
    assert.equal(
      after.slice(cut, after.length - '\n    ]\n}\n'.length),
      [',', '        {', '            "name": "recorded",', '            "steps": [', '                { "send": { "text": "hi" } },', '                { "expect": { "text": "hi" } }', '            ]', '        }'].join('\n'),
    );
    const loaded = parseTestSession(after);
    assert.deepEqual(
      loaded.tests.map((t) => t.name),
      ['old', 'recorded'],
    );
    // The step lines are where the loader locates them.
    assert.equal(loaded.locate(loaded.tests[1]!.steps[1]!)?.line, 10);
  });

  it('adds a tests list to a file without one, with tabs and CRLF as the file has them', () => {
    const before = '{\r\n\t"version": 1,\r\n\t"connection": { "type": "websocket", "url": "ws://127.0.0.1:1/" }\r\n}\r\n';
    const after = insertTest(before, test);
    assert.ok(after.startsWith('{\r\n\t"version": 1,\r\n\t"connection": { "type": "websocket", "url": "ws://127.0.0.1:1/" },\r\n\t"tests": [\r\n\t\t{\r\n\t\t\t"name": "recorded",'));
    assert.ok(after.endsWith('\t\t}\r\n\t]\r\n}\r\n'));
    assert.ok(!after.replace(/\r\n/g, '').includes('\n'));
    assert.deepEqual(
      parseTestSession(after).tests.map((t) => t.name),
      ['recorded'],
    );
  });

  it('fills an empty tests list', () => {
    const after = insertTest('{\n  "version": 1,\n  "connection": { "type": "websocket", "url": "ws://127.0.0.1:1/" },\n  "tests": []\n}\n', test);
    assert.match(after, /"tests": \[\n {4}\{\n {6}"name": "recorded",[^]*\n {4}\}\n {2}\]\n\}\n$/);
    assert.equal(parseTestSession(after).tests.length, 1);
  });

  it('refuses a name the file already has', () => {
    const text = '{ "version": 1, "connection": { "type": "websocket", "url": "ws://x/" }, "tests": [{ "name": "recorded", "steps": [] }] }';
    assert.throws(() => insertTest(text, test), /already has a test named "recorded"/);
  });

  it('inline JSON reads as a person writes it', () => {
    assert.equal(inlineJson({ a: [1, { b: null }], c: {} }), '{ "a": [1, { "b": null }], "c": {} }');
  });
});
