// Serve as mock over TCP: conversations recorded (by the test runner) with redis-server are served by a
// mock; a raw socket and redis-cli as clients get the recorded replies. A line-framed recording (inline
// commands, \r\n) is matched line by line, each reply line framed again; an unframed one chunk by chunk.
// Also `mock` in a test's set-up: the runner starts the mock and the test connects to ${mock.host}:${mock.port}.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { createMockServer, mockScriptFromSession, type MockStrategy, type MockServer } from '../../src/core/mock';
import type { Session } from '../../src/core/session/sessionFormat';
import { parseTestSession, runTest } from '../../src/core/testing';
import { eventually } from '../support/eventually';
import { entries, waitForEntry } from '../support/logReading';
import type { Peer } from '../support/nodePeers';
import { accepts, startRedis } from '../support/processPeers';
import { redisMissing, requirePeer } from '../support/requirePeer';

let redis: Peer | undefined;
let lines: Session | undefined;
let chunks: Session | undefined;
let dir: string;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const framedCrlf = { framing: { type: 'delimiter', delimiter: '0d0a' } };

/** Runs one recording test against redis and returns the session with the run's log. */
async function record(view: object | undefined, steps: object[]): Promise<Session> {
  const text = JSON.stringify({
    version: 1,
    connection: { type: 'tcp', host: '127.0.0.1', port: redis!.port },
    ...(view ? { view } : {}),
    tests: [{ name: 'record', steps }],
  });
  const loaded = parseTestSession(text);
  const result = await runTest(loaded.session, loaded.tests[0]!, { record: 'always' });
  assert.equal(result.status, 'passed', JSON.stringify(result.failure));
  return { ...loaded.session, log: result.log! };
}

const inline = (command: string) => ({ send: { text: `${command}\\r\\n`, escapes: true } });

async function serve(session: Session, strategy: MockStrategy): Promise<MockServer> {
  const mock = createMockServer(mockScriptFromSession(session), { strategy });
  cleanup.push(() => mock.dispose());
  await mock.start();
  return mock;
}

/** A raw TCP client: what it received so far, as text. */
function socketClient(port: number): { socket: net.Socket; received: () => string } {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => {});
  cleanup.push(() => socket.destroy());
  return { socket, received: () => text };
}

function redisCli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 }, (e, stdout, stderr) =>
      e ? reject(new Error(`${e.message}: ${stderr}`)) : resolve(stdout),
    );
  });
}

describe('serve as mock: redis-server recordings over TCP', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'si-mock-'));
    if (redisMissing() !== undefined) return;
    redis = await startRedis();
    lines = await record(framedCrlf, [
      inline('SET fruit pear'),
      { expect: { text: '+OK' } },
      inline('GET fruit'),
      { expect: { text: 'pear' } },
      inline('PING'),
      { expect: { text: '+PONG' } },
    ]);
    // RESP arrays, one chunk each, as redis-cli sends them.
    chunks = await record(undefined, [
      { send: { text: '*1\\r\\n$4\\r\\nPING\\r\\n', escapes: true } },
      { expect: { text: '+PONG\r\n' } },
      { send: { text: '*2\\r\\n$4\\r\\nECHO\\r\\n$5\\r\\nhello\\r\\n', escapes: true } },
      { expect: { text: '$5\r\nhello\r\n' } },
    ]);
  });
  after(async () => {
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const need = (t: TestContext) => requirePeer(t, 'redis-server', redisMissing());

  it('cuts a line-framed recording line by line, a reply of two lines staying with its request', (t) => {
    if (!need(t)) return;
    const script = mockScriptFromSession(lines!);
    assert.deepEqual(
      script.exchanges.map((x) => [Buffer.from(x.request.bytes).toString(), x.replies.map((r) => Buffer.from(r.bytes).toString())]),
      [
        ['SET fruit pear', ['+OK\r\n']],
        ['GET fruit', ['$4\r\n', 'pear\r\n']],
        ['PING', ['+PONG\r\n']],
      ],
    );
  });

  it('by exact payload: a raw socket gets redis\'s recorded replies in its own order; an unknown command gets no reply and a note', async (t) => {
    if (!need(t)) return;
    const mock = await serve(lines!, { type: 'exact' });
    const c = socketClient(mock.session.address!.port);
    // Two commands in one write: the mock cuts them by the recording's framer.
    c.socket.write('PING\r\nGET fruit\r\n');
    await eventually(c.received, (x) => x === '+PONG\r\n$4\r\npear\r\n', 'PONG then the value');
    c.socket.write('GET apple\r\n');
    const note = await waitForEntry(mock.session.log, 'the note', (e) => e.kind === 'note' && e.text.includes('GET apple'));
    assert.match(note.text, /^#1 message #\d+ "GET apple": no recorded reply \(by exact payload: no recorded request has these bytes\); not answered$/);
    c.socket.write('SET fruit pear\r\n');
    await eventually(c.received, (x) => x.endsWith('+OK\r\n'), 'OK');
    assert.equal(c.received(), '+PONG\r\n$4\r\npear\r\n+OK\r\n', 'nothing was sent for GET apple');
    // Each reply is marked as the mock's, naming the recorded request (as the framer cut it) it answers:
    // GET's reply is two lines ($4, pear), sent one by one.
    const log = mock.session.peers[0]!.connection.log;
    const sent = entries(log).filter((e) => e.direction === 'out');
    assert.deepEqual(sent.map((e) => [log.autoReplyOrigin(e.seq)?.mock, log.autoReplyOrigin(e.seq)?.match]), [
      ['reply', '"PING"'],
      ['reply', '"GET fruit"'],
      ['reply', '"GET fruit"'],
      ['reply', '"SET fruit pear"'],
    ]);
  });

  it('in order: whatever a client sends gets the next recorded reply, until the recording ends', async (t) => {
    if (!need(t)) return;
    const mock = await serve(lines!, { type: 'inOrder' });
    const c = socketClient(mock.session.address!.port);
    c.socket.write('A\r\nB\r\nC\r\n');
    await eventually(c.received, (x) => x === '+OK\r\n$4\r\npear\r\n+PONG\r\n', 'the three recorded replies');
    c.socket.write('D\r\n');
    await waitForEntry(mock.session.log, 'the note', (e) => e.kind === 'note' && e.text.includes('"D": no recorded reply (in order: the recording holds 3 requests, all answered)'));
  });

  it('redis-cli gets the recorded replies of an unframed recording, chunk by chunk', async (t) => {
    if (!need(t)) return;
    const mock = await serve(chunks!, { type: 'exact' });
    const port = mock.session.address!.port;
    assert.equal(await redisCli(port, 'ECHO', 'hello'), 'hello\n');
    assert.equal(await redisCli(port, 'PING'), 'PONG\n');
    // redis-cli prints nothing it can show for a reply that never comes; the mock's log says why.
    const cli = redisCli(port, 'ECHO', 'bye').catch((e: Error) => e.message);
    await waitForEntry(mock.session.log, 'the note', (e) => e.kind === 'note' && e.text.includes('bye') && e.text.includes('not answered'));
    await mock.stop();
    assert.doesNotMatch(await cli, /^bye/);
  });

  it('a test with `mock` in its set-up runs against the mock at ${mock.host}:${mock.port}, and the mock stops after', async (t) => {
    if (!need(t)) return;
    writeFileSync(join(dir, 'redis.socket-session.json'), JSON.stringify(lines));
    const text = JSON.stringify({
      version: 1,
      connection: { type: 'tcp', host: '${mock.host}', port: '${mock.port}' },
      view: framedCrlf,
      tests: [
        {
          name: 'get',
          setup: { mock: { session: 'redis.socket-session.json', strategy: 'exact' } },
          steps: [inline('GET fruit'), { expect: { text: 'pear' } }, inline('PING'), { expect: { text: '+PONG' } }],
        },
        {
          name: 'unknown',
          setup: { mock: { session: 'redis.socket-session.json', fallback: '-ERR not recorded\r\n' } },
          steps: [inline('DEL fruit'), { expect: { text: '-ERR not recorded' } }],
        },
        { name: 'missing file', setup: { mock: { session: 'nowhere.socket-session.json' } }, steps: [inline('PING')] },
      ],
    });
    const loaded = parseTestSession(text);
    const results = [];
    for (const test of loaded.tests) results.push(await runTest(loaded.session, test, { baseDir: dir, locate: loaded.locate, record: 'always' }));
    assert.equal(results[0]!.status, 'passed', JSON.stringify(results[0]!.failure));
    const opened = results[0]!.log!.entries.find((e) => e.kind === 'open')!.text!;
    const port = Number(/127\.0\.0\.1:(\d+)\b(?![\s\S]*127\.0\.0\.1:\d)/.exec(opened)?.[1]);
    assert.ok(port > 0 && port !== redis!.port, `the mock's port in ${opened}`);
    assert.equal(await accepts(port), false, 'the mock stopped with the test');
    assert.equal(results[1]!.status, 'passed', JSON.stringify(results[1]!.failure));
    assert.equal(results[2]!.status, 'failed');
    assert.match(results[2]!.failure!.message!, /^setup\.mock: Cannot open session .*nowhere\.socket-session\.json/);
  });
});
