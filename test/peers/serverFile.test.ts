// Server files started for real: a TCP listener whose auto-reply answers a raw socket, a TCP proxy in front
// of redis-server that redis-cli talks through (and one saved paused, holding what clients send), and a
// mock whose recording redis answered. What a running server saves reads back and starts again the same.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { isProxySession } from '../../src/core/proxy';
import { parseServerFile } from '../../src/core/serverFile/serverFileParse';
import { createServerFromFile, serverFileOf, serverFileText, type StartedServerFile } from '../../src/core/serverFile/serverFileStart';
import { parseTestSession, runTest } from '../../src/core/testing';
import { eventually } from '../support/eventually';
import type { Peer } from '../support/nodePeers';
import { startRedis } from '../support/processPeers';
import { redisMissing, requirePeer } from '../support/requirePeer';

let redis: Peer | undefined;
let dir: string;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function start(text: string): Promise<StartedServerFile> {
  const started = await createServerFromFile(parseServerFile(text).file, dir);
  cleanup.push(() => started.dispose());
  await started.session.start();
  return started;
}

function received(port: number, send: string): { text: () => string } {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(send));
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => {});
  cleanup.push(() => socket.destroy());
  return { text: () => text };
}

function redisCli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 }, (e, stdout) => (e ? reject(e) : resolve(stdout)));
  });
}

describe('server files, started', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'si-server-file-'));
    if (redisMissing() === undefined) redis = await startRedis();
  });
  after(async () => {
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const need = (t: TestContext) => requirePeer(t, 'redis-server', redisMissing());

  it('a TCP listener answers by its saved auto-reply rules, and saves itself back the same', async () => {
    const text = JSON.stringify({ version: 1, mode: 'listen', type: 'tcp', listen: '127.0.0.1:0', autoReplies: [{ match: 'PING', reply: { format: 'text', body: '+PONG\\r\\n', escapes: true } }] });
    const started = await start(text);
    const c = received(started.session.address!.port, 'PING\r\n');
    await eventually(c.text, (x) => x === '+PONG\r\n', 'the auto-reply');
    const saved = serverFileOf(started.session, { rules: started.responder!.rules });
    assert.deepEqual(parseServerFile(serverFileText(saved)).file, {
      version: 1,
      type: 'tcp',
      listen: `127.0.0.1:${started.session.address!.port}`,
      mode: 'listen',
      autoReplies: [{ match: 'PING', reply: { format: 'text', body: '+PONG\\r\\n', escapes: true } }],
    });
  });

  it('a TCP proxy forwards redis-cli to redis-server; one saved paused holds what the client sends', async (t) => {
    if (!need(t)) return;
    const proxy = await start(JSON.stringify({ version: 1, mode: 'proxy', type: 'tcp', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redis!.port}` }));
    assert.equal(await redisCli(proxy.session.address!.port, 'PING'), 'PONG\n');
    const saved = serverFileOf(proxy.session);
    assert.equal(saved.upstream!.endsWith(`127.0.0.1:${redis!.port}`), true, saved.upstream);

    const paused = await start(serverFileText({ ...saved, listen: '127.0.0.1:0', hold: { startPaused: { toServer: true } } }));
    assert.ok(isProxySession(paused.session));
    const c = received(paused.session.address!.port, 'PING\r\n');
    await eventually(() => (isProxySession(paused.session) ? paused.session.peers[0]?.controls.held.length : 0), (n) => n === 1, 'the held PING');
    assert.equal(c.text(), '', 'nothing was forwarded while paused');
    assert.deepEqual(serverFileOf(paused.session).hold, { startPaused: { toServer: true, toClient: false } });
  });

  it('a mock file serves a recording redis answered', async (t) => {
    if (!need(t)) return;
    const loaded = parseTestSession(
      JSON.stringify({
        version: 1,
        connection: { type: 'tcp', host: '127.0.0.1', port: redis!.port },
        // PING as redis-cli sends it (RESP), so the mock's exact match finds it.
        tests: [{ name: 'r', steps: [{ send: { text: '*1\\r\\n$4\\r\\nPING\\r\\n', escapes: true } }, { expect: { text: '+PONG\r\n' } }] }],
      }),
    );
    const result = await runTest(loaded.session, loaded.tests[0]!, { record: 'always' });
    writeFileSync(join(dir, 'rec.socket-session.json'), JSON.stringify({ ...loaded.session, tests: undefined, log: result.log }));
    const mock = await start(JSON.stringify({ version: 1, mode: 'listen', type: 'tcp', listen: '127.0.0.1:0', mock: { session: 'rec.socket-session.json', fallback: '-ERR not recorded\r\n' } }));
    const port = mock.session.address!.port;
    assert.equal(await redisCli(port, 'PING'), 'PONG\n');
    assert.match(await redisCli(port, 'GET', 'x'), /^ERR not recorded\n/);
  });
});
