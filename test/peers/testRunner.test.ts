// Tests written in session files, run by the runner against servers nobody here wrote: Debian's
// python3-websockets (echo, a refused upgrade, a server that closes) and redis-server over TCP (a line
// protocol, framed by \r\n). Every step kind passes and fails for real; failures name the step's line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { parseSession } from '../../src/core/session/sessionParse';
import { SocketInspectorError } from '../../shared/errors';
import { parseEnvironmentFile, parseTestSession, pickEnvironment, runTest, type RunTestOptions, type TestResult } from '../../src/core/testing';
import type { Peer } from '../support/nodePeers';
import { startPythonWsServer, startRedis } from '../support/processPeers';
import { pythonWebsocketsMissing, redisMissing, requirePeer } from '../support/requirePeer';

let python: (Peer & { url(path: string): string }) | undefined;
let redis: Peer | undefined;

/** Session text with these tests; the first line of the file is line 1, so step lines are predictable. */
function sessionText(connection: object, tests: object[], extra: object = {}): string {
  return JSON.stringify({ version: 1, name: 'peer', connection, ...extra, tests }, null, 2);
}

async function run(text: string, name: string, options: RunTestOptions = {}): Promise<TestResult> {
  const loaded = parseTestSession(text);
  const test = loaded.tests.find((t) => t.name === name);
  assert.ok(test, `no test ${name}`);
  return runTest(loaded.session, test, { locate: loaded.locate, ...options });
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in the file`);
  return text.slice(0, at).split('\n').length;
}

/** A step is located where its object opens: the line before its key in a file written as JSON.stringify indents it. */
function stepLine(text: string, key: string): number {
  return lineOf(text, key) - 1;
}

function ws(path: string): object {
  return { type: 'websocket', url: python!.url(path) };
}

function tcpRedis(): object {
  return { type: 'tcp', host: '127.0.0.1', port: redis!.port };
}

const framedCrlf = { view: { framing: { type: 'delimiter', delimiter: '0d0a' } } };

describe('the test runner against python3-websockets', () => {
  before(async () => {
    if (pythonWebsocketsMissing() === undefined) python = await startPythonWsServer();
  });
  after(async () => {
    await python?.close();
  });
  const need = (t: TestContext) => requirePeer(t, 'python3-websockets', pythonWebsocketsMissing());

  it('passes send/expect in every format and matcher, with captures flowing into later steps', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/echo'), [
      {
        name: 'json api',
        steps: [
          { send: { json: { type: 'login', user: 'ann', token: 'abc-123' } } },
          { expect: { kind: 'text', json: { type: 'login' }, jsonPath: { path: 'user', equals: 'ann' } } },
          { capture: { as: 'token', jsonPath: 'token' } },
          { send: { text: 'token=${token}\\tend', escapes: true } },
          { expect: { text: 'token=abc-123\tend' } },
          { capture: { as: 'digits', regex: '/=(?:[a-z]+)-(\\d+)/' } },
          { send: { json: '{"n": ${digits}}' } },
          { expect: { jsonPath: { path: 'n', matches: '^123$' }, contains: '123', regex: '/"n"/' } },
          { send: { hex: 'de ad be ef' } },
          { expect: { kind: 'binary', hex: 'deadbeef' } },
          { send: { base64: 'AAEC' } },
          { expect: { kind: 'binary', hexPrefix: '00 01' } },
          { expect: { direction: 'out', text: 'token=abc-123\tend' } },
          { wait: 20 },
          { expectNone: { within: 150 } },
          { expectHandshake: { status: 101, headers: { upgrade: 'websocket', 'x-absent': false } } },
        ],
      },
    ]);
    const result = await run(text, 'json api');
    assert.equal(result.status, 'passed', JSON.stringify(result.failure));
    assert.equal(result.steps.length, 16);
    assert.ok(result.steps.every((s) => s.status === 'passed'));
    const expects = result.steps.filter((s) => s.kind === 'expect');
    assert.ok(expects.every((s) => typeof s.seq === 'number'), 'each expect names the message it matched');
    assert.equal(result.steps[0]!.at?.line, stepLine(text, '"send"'));
  });

  it('fails an expect with expected vs actual, the message seq and the step line', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/echo'), [
      { name: 'wrong json', steps: [{ send: { json: '{"a": 1, "b": [1, 2]}' } }, { expect: { json: { a: 2 }, within: 300 } }] },
    ]);
    const result = await run(text, 'wrong json');
    assert.equal(result.status, 'failed');
    const f = result.failure!;
    assert.equal(f.kind, 'expect');
    assert.equal(f.at?.line, stepLine(text, '"expect"'));
    assert.match(f.message!, /nothing matching arrived within 300 ms.*the JSON does not hold the expected fields/);
    assert.equal(f.expected, JSON.stringify({ a: 2 }, null, 2));
    assert.equal(f.actual, JSON.stringify({ a: 1, b: [1, 2] }, null, 2));
    assert.equal(typeof f.seq, 'number');
    assert.ok(f.durationMs >= 290, `waited its timeout (${f.durationMs} ms)`);
  });

  it('times out an expect that nothing answers, at the test default timeout', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/echo'), [{ name: 'silence', timeoutMs: 200, steps: [{ expect: { text: 'never' } }] }]);
    const result = await run(text, 'silence');
    assert.equal(result.status, 'failed');
    assert.match(result.failure!.message!, /nothing matching arrived within 200 ms/);
    assert.equal(result.failure!.actual, '(no message)');
  });

  it('fails expectNone when a matching message comes', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/echo'), [{ name: 'noisy', steps: [{ send: 'ping me' }, { expectNone: { contains: 'ping', within: 1000 } }] }]);
    const result = await run(text, 'noisy');
    assert.equal(result.status, 'failed');
    assert.match(result.failure!.message!, /Expected no matching message within 1000 ms, but #\d+ \(received text\) matches/);
    assert.equal(result.failure!.actual, 'ping me');
  });

  it('tests a refused upgrade: expectHandshake passes on the 401 and fails on the wrong status or header', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/401'), [
      { name: 'refused', steps: [{ expectHandshake: { status: 401, headers: { 'www-authenticate': 'Bearer realm="inspector"', 'X-Reason': true } } }] },
      { name: 'expects 101', steps: [{ expectHandshake: { status: 101 } }] },
      { name: 'wrong header', steps: [{ expectHandshake: { headers: { 'x-reason': 'other' } } }] },
      { name: 'sends anyway', steps: [{ send: 'hi' }] },
    ]);
    assert.equal((await run(text, 'refused')).status, 'passed');
    const status = await run(text, 'expects 101');
    assert.equal(status.status, 'failed');
    assert.match(status.failure!.message!, /answered 401, not 101/);
    assert.equal(status.failure!.expected, 'HTTP 101');
    assert.match(status.failure!.actual!, /^HTTP\/1\.1 401/);
    const header = await run(text, 'wrong header');
    assert.match(header.failure!.message!, /The x-reason header differs/);
    const send = await run(text, 'sends anyway');
    assert.match(send.failure!.message!, /The connection did not open: .*401/);
  });

  it('expectClose passes on the server close code and reason, and fails on a different one', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/close'), [
      { name: 'closes', steps: [{ expectClose: { code: 4001, reason: 'bye from python' } }] },
      { name: 'other code', steps: [{ expectClose: { code: 1000 } }] },
    ]);
    assert.equal((await run(text, 'closes')).status, 'passed');
    const wrong = await run(text, 'other code');
    assert.equal(wrong.status, 'failed');
    assert.match(wrong.failure!.message!, /The close code is 4001, not 1000/);
    assert.equal(wrong.failure!.actual, 'close 4001 "bye from python"');
  });

  it('disconnect sends our close and expectClose sees the server answer it; an expect after the end fails at once', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/echo'), [
      { name: 'bye', steps: [{ disconnect: { code: 4100, reason: 'done' } }, { expectClose: { code: 4100, within: 2000 } }, { expect: { text: 'x', within: 5000 } }] },
    ]);
    const result = await run(text, 'bye');
    assert.deepEqual(result.steps.map((s) => s.status), ['passed', 'passed', 'failed']);
    assert.match(result.failure!.message!, /Cannot|the connection ended|did not open/);
    assert.ok(result.failure!.durationMs < 4000, 'did not wait the whole timeout once the connection had ended');
  });

  it('stops a catastrophic regex at the pattern deadline and fails the step clearly', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/echo'), [
      { name: 'redos', steps: [{ send: `${'a'.repeat(40)}!` }, { expect: { regex: '/^(a+)+$/', within: 30_000 } }] },
    ]);
    const started = performance.now();
    const result = await run(text, 'redos');
    assert.equal(result.status, 'failed');
    assert.match(result.failure!.message!, /did not finish in time .*catastrophically.*stopped/);
    assert.ok(performance.now() - started < 20_000, 'stopped long before the step timeout');
  });

  it('a missing variable fails before connecting, naming the step line; nothing is sent', async (t) => {
    if (!need(t)) return;
    const text = sessionText(ws('/echo'), [{ name: 'missing', steps: [{ send: 'ok' }, { send: 'hello ${nobody}' }] }]);
    const result = await run(text, 'missing');
    assert.equal(result.status, 'failed');
    assert.equal(result.steps.length, 0, 'no step ran');
    assert.match(result.failure!.message!, /\$\{nobody\} is not defined.*checked before connecting/);
    assert.equal(result.failure!.at?.line, stepLine(text, '"hello ${nobody}"'));
  });

  it('an environment file picks the URL and values; secrets come in and are redacted everywhere', async (t) => {
    if (!need(t)) return;
    const envText = JSON.stringify({ environments: { local: { base: python!.url(''), user: 'ann' }, other: { base: 'ws://127.0.0.1:9/' } } });
    const environment = pickEnvironment([{ path: 'e.socket-env.json', environments: parseEnvironmentFile(envText) }], 'local');
    const text = sessionText({ type: 'websocket', url: '${base}/echo' }, [
      {
        name: 'with secret',
        steps: [{ send: 'user=${user} key=${secret:api-key}' }, { expect: { text: 'user=ann key=wrong' , within: 300 } }],
      },
    ]);
    const secret = 's3cr3t-value';
    const result = await run(text, 'with secret', {
      variables: { environment, secret: (id) => (id === 'api-key' ? secret : undefined) },
      record: 'failures',
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.failure!.actual, 'user=ann key=<redacted>');
    assert.ok(!JSON.stringify(result).includes(secret), 'the secret appears nowhere in the result or its recorded log');
    assert.ok(result.log!.entries.some((e) => e.text === 'user=ann key=<redacted>'));
  });

  it('reports a wrong step with its line and column before anything runs', () => {
    const text = sessionText({ type: 'websocket', url: 'ws://127.0.0.1:9/' }, [{ name: 'bad', steps: [{ send: 'a' }, { expect: { within: -1 } }] }]);
    assert.throws(
      () => parseTestSession(text),
      (e: unknown) => {
        assert.ok(e instanceof SocketInspectorError);
        assert.match(e.message, /^tests\[0\]\.steps\[1\]\.expect\.within must be an integer .* \(line \d+, column \d+\)$/);
        assert.equal(e.details.position?.line, lineOf(text, '"within"'));
        return true;
      },
    );
  });
});

describe('the test runner against redis-server over TCP', () => {
  before(async () => {
    if (redisMissing() === undefined) redis = await startRedis();
  });
  after(async () => {
    await redis?.close();
  });
  const need = (t: TestContext) => requirePeer(t, 'redis-server', redisMissing());

  it('speaks the line protocol: send with escapes, expect lines, capture a value, repeat', async (t) => {
    if (!need(t)) return;
    const text = sessionText(tcpRedis(), [
      {
        name: 'set and get',
        steps: [
          { send: { text: 'SET runner:key value-7\\r\\n', escapes: true } },
          { expect: { kind: 'data', text: '+OK' } },
          { send: { text: 'GET runner:key\\r\\n', escapes: true } },
          { expect: { regex: '^\\$\\d+$' } },
          { expect: { text: 'value-7' } },
          { capture: { as: 'v', regex: 'value-(\\d)' } },
          { send: { text: 'ECHO n${v}\\r\\n', escapes: true } },
          { expect: { text: '$2' } },
          { expect: { text: 'n7' } },
          { repeat: { times: 3, steps: [{ send: { text: 'PING\\r\\n', escapes: true } }, { expect: { text: '+PONG' } }] } },
          { send: { text: 'QUIT\\r\\n', escapes: true } },
          { expect: { text: '+OK' } },
          { expectClose: {} },
        ],
      },
    ], framedCrlf);
    const result = await run(text, 'set and get');
    assert.equal(result.status, 'passed', JSON.stringify(result.failure));
    assert.deepEqual(result.steps.filter((s) => s.round !== undefined).map((s) => s.round), [1, 1, 2, 2, 3, 3]);
  });

  it('every sends a heartbeat while the following steps run, and stops with them', async (t) => {
    if (!need(t)) return;
    const text = sessionText(tcpRedis(), [
      {
        name: 'heartbeat',
        steps: [
          { every: { ms: 40, send: { text: 'PING\\r\\n', escapes: true } } },
          { repeat: { times: 4, steps: [{ expect: { text: '+PONG', within: 2000 } }] } },
          // Framed by \r\n, as the inspector shows it: the line without its delimiter.
          { expect: { direction: 'out', text: 'PING' } },
        ],
      },
    ], framedCrlf);
    const result = await run(text, 'heartbeat', { record: 'always' });
    assert.equal(result.status, 'passed', JSON.stringify(result.failure));
    const pings = result.log!.entries.filter((e) => e.direction === 'out' && e.text === 'PING\r\n').length;
    assert.ok(pings >= 4, `${pings} heartbeats sent`);
  });

  it('fails an expect on redis\'s error reply and a wrong capture', async (t) => {
    if (!need(t)) return;
    const text = sessionText(tcpRedis(), [
      { name: 'unknown command', steps: [{ send: { text: 'NOSUCH\\r\\n', escapes: true } }, { expect: { text: '+OK', within: 500 } }] },
      { name: 'capture without match', steps: [{ send: { text: 'PING\\r\\n', escapes: true } }, { expect: { text: '+PONG' } }, { capture: { as: 'x', jsonPath: 'a' } }] },
    ], framedCrlf);
    const unknown = await run(text, 'unknown command');
    assert.equal(unknown.status, 'failed');
    assert.match(unknown.failure!.actual!, /^-ERR unknown command/);
    const capture = await run(text, 'capture without match');
    assert.equal(capture.failure!.kind, 'capture');
    assert.match(capture.failure!.message!, /is not JSON/);
  });

  it('a recorded failing run opens with the session parser', async (t) => {
    if (!need(t)) return;
    const text = sessionText(tcpRedis(), [{ name: 'fails', steps: [{ send: { text: 'PING\\r\\n', escapes: true } }, { expect: { text: 'nope', within: 300 } }] }], framedCrlf);
    const result = await run(text, 'fails', { record: 'failures' });
    const { recordedRunSession } = await import('../../src/core/testing');
    const { serializeSession } = await import('../../src/core/session/sessionSerialize');
    const dir = mkdtempSync(join(tmpdir(), 'si-rec-'));
    try {
      const file = join(dir, 'run.socket-session.json');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, serializeSession(recordedRunSession(parseTestSession(text).session, parseTestSession(text).tests[0]!, result.log!)));
      const reopened = parseSession(readFileSync(file, 'utf8'));
      assert.equal(reopened.tests?.[0]?.name, 'fails');
      assert.ok(reopened.log!.entries.some((e) => e.direction === 'in' && e.text === '+PONG\r\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
