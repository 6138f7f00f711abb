// The mock engine without sockets: a recording cut into exchanges, the three matching strategies, and
// the loader's errors for a test's `setup.mock` (path, line and column, as every session error).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MockMatcher, mockScriptFromSession, type MockMatch } from '../../src/core/mock';
import type { Session, SessionLogEntry } from '../../src/core/session/sessionFormat';
import { parseTestSession } from '../../src/core/testing';

let seq = 0;
function entry(direction: 'in' | 'out' | 'meta', kind: SessionLogEntry['kind'], text: string): SessionLogEntry {
  seq++;
  return { seq, time: '2026-01-01T00:00:00.000Z', mono: seq, direction, kind, text };
}

function wsSession(entries: SessionLogEntry[]): Session {
  return { version: 1, connection: { type: 'websocket', url: 'ws://127.0.0.1:1' }, log: { savedAt: '2026-01-01T00:00:00.000Z', entries } };
}

const recording = wsSession([
  entry('meta', 'open', 'Connected'),
  entry('in', 'text', 'welcome'),
  entry('out', 'text', '{"id":1,"op":"get"}'),
  entry('in', 'text', '{"id":1,"v":"a"}'),
  entry('out', 'text', '{"id":2,"op":"get"}'),
  entry('in', 'text', '{"id":2,"v":"b"}'),
  entry('in', 'text', '{"event":"tick"}'),
  entry('out', 'text', '{"id":1,"op":"get"}'),
  entry('in', 'text', '{"id":1,"v":"again"}'),
]);

function replies(m: MockMatch): string[] | string {
  return 'exchange' in m ? m.exchange.replies.map((r) => Buffer.from(r.bytes).toString()) : m.reason;
}

const ask = (matcher: MockMatcher, text: string) => replies(matcher.match(new TextEncoder().encode(text)));

describe('mock script and matching', () => {
  it('keeps replies before the first request as the greeting, and every reply with the request before it', () => {
    const script = mockScriptFromSession(recording);
    assert.deepEqual(script.greeting.map((g) => Buffer.from(g.bytes).toString()), ['welcome']);
    assert.deepEqual(script.exchanges.map((x) => x.replies.length), [1, 2, 1]);
  });

  it('in order ignores what a request holds', () => {
    const m = new MockMatcher(mockScriptFromSession(recording), { type: 'inOrder' });
    assert.deepEqual(ask(m, 'x'), ['{"id":1,"v":"a"}']);
    assert.deepEqual(ask(m, 'y'), ['{"id":2,"v":"b"}', '{"event":"tick"}']);
    assert.deepEqual(ask(m, 'z'), ['{"id":1,"v":"again"}']);
    assert.equal(ask(m, 'w'), 'the recording holds 3 requests, all answered');
  });

  it('exact payload answers a repeated request with its recorded replies in turn, then the last again', () => {
    const m = new MockMatcher(mockScriptFromSession(recording), { type: 'exact' });
    assert.deepEqual(ask(m, '{"id":1,"op":"get"}'), ['{"id":1,"v":"a"}']);
    assert.deepEqual(ask(m, '{"id":1,"op":"get"}'), ['{"id":1,"v":"again"}']);
    assert.deepEqual(ask(m, '{"id":1,"op":"get"}'), ['{"id":1,"v":"again"}']);
    assert.equal(ask(m, '{"id":1, "op":"get"}'), 'no recorded request has these bytes');
  });

  it('a JSON field matches by value, whatever else the request holds', () => {
    const m = new MockMatcher(mockScriptFromSession(recording), { type: 'jsonField', path: 'id' });
    assert.deepEqual(ask(m, '{"op":"other","id":2}'), ['{"id":2,"v":"b"}', '{"event":"tick"}']);
    assert.equal(ask(m, '{"id":"2"}'), 'no recorded request has id = "2"');
    assert.equal(ask(m, '{"op":"get"}'), 'the request has no field id');
    assert.equal(ask(m, 'id=2'), 'the request is not JSON, so it has no field id');
  });

  it('cuts a TCP recording with a framer message by message, and frames each reply again', () => {
    const session: Session = {
      version: 1,
      connection: { type: 'tcp', host: '127.0.0.1', port: 1 },
      view: { framing: { type: 'delimiter', delimiter: '0a' } },
      log: {
        savedAt: '2026-01-01T00:00:00.000Z',
        entries: [entry('out', 'data', 'a\nb'), entry('out', 'data', '\n'), entry('in', 'data', 'A\nB'), entry('in', 'data', '\n')],
      },
    };
    const script = mockScriptFromSession(session);
    assert.deepEqual(
      script.exchanges.map((x) => [Buffer.from(x.request.bytes).toString(), x.replies.map((r) => Buffer.from(r.bytes).toString())]),
      [
        ['a', []],
        ['b', ['A\n', 'B\n']],
      ],
    );
  });

  it('refuses a recording with no messages', () => {
    assert.throws(() => mockScriptFromSession(wsSession([entry('meta', 'open', 'x')])), /holds no messages to serve/);
  });
});

function loadError(text: string): string {
  try {
    parseTestSession(text);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('it loaded');
}

function withMock(mock: string): string {
  return `{
  "version": 1,
  "connection": { "type": "websocket", "url": "\${mock.url}/chat" },
  "tests": [
    {
      "name": "t",
      "setup": {
        "mock": ${mock}
      },
      "steps": [{ "send": "hi" }]
    }
  ]
}`;
}

describe('loading a test with setup.mock', () => {
  it('names the field, line and column of a wrong strategy', () => {
    assert.equal(
      loadError(withMock('{ "session": "r.socket-session.json", "strategy": "byId" }')),
      'tests[0].setup.mock.strategy must be "inOrder", "exact" or { "jsonField": "path" } (found "byId") (line 8, column 67)',
    );
  });

  it('names a JSON field path that is not one', () => {
    assert.match(loadError(withMock('{ "session": "r.socket-session.json", "strategy": { "jsonField": "a..b" } }')), /^tests\[0\]\.setup\.mock\.strategy\.jsonField is not a JSON field path: .* \(line 8, column \d+\)$/);
  });

  it('names a missing session and a fallback that is not hex', () => {
    assert.match(loadError(withMock('{ "strategy": "exact" }')), /^tests\[0\]\.setup\.mock needs "session" \(a string\) \(line 8, column 17\)$/);
    assert.match(loadError(withMock('{ "session": "r.socket-session.json", "fallback": { "hex": "zz" } }')), /^tests\[0\]\.setup\.mock\.fallback\.hex is not valid hex: .* \(line 8, column \d+\)$/);
  });

  it('accepts a TCP port written as a variable, and nothing else as a string', () => {
    const tcp = (port: string) => `{ "version": 1, "connection": { "type": "tcp", "host": "\${mock.host}", "port": ${port} }, "tests": [] }`;
    assert.equal((parseTestSession(tcp('"${mock.port}"')).session.connection as { port: unknown }).port, '${mock.port}');
    assert.match(loadError(tcp('"6379"')), /^connection\.port must be an integer 1–65535 \(found "6379"\) \(line 1, column \d+\)$/);
  });
});
