// What the fast receive paths expect of the ws and Node they run on (src/core/receive/receiverInternals.ts,
// readIntoLog.ts), checked on real loopback sockets. When an upgrade of either takes something away, these
// fail loudly, naming what is missing, rather than the fast paths going quietly off.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { FastReceive } from '../../src/core/receive/fastReceive';
import { readIntoLogProblem } from '../../src/core/receive/readIntoLog';
import { rawReceiver, receiverMismatch } from '../../src/core/receive/receiverInternals';

const ROOT = join(import.meta.dirname, '..', '..');
const wsVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'ws', 'package.json'), 'utf8')) as { version: string }).version;

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A ws server and client over loopback; both ends once open. */
async function wsPair(): Promise<{ client: WebSocket; server: WebSocket }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
  await new Promise((resolve) => wss.once('listening', resolve));
  const server = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}/`);
  cleanup.push(() => client.terminate());
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const s = await server;
  cleanup.push(() => s.terminate());
  return { client, server: s };
}

describe('what the fast receive paths expect of ws and Node', () => {
  it(`ws's Receiver has every field and method the fast paths use, at both ends`, async () => {
    const { client, server } = await wsPair();
    for (const [end, ws] of [['client', client], ['server', server]] as const) {
      const missing = receiverMismatch(rawReceiver(ws));
      assert.deepEqual(missing, [], `ws ${wsVersion}'s Receiver (${end} end) no longer has what the fast paths expect: ${missing.join('; ')}. Update src/core/receive/receiverInternals.ts and the paths that use it, or pin ws back.`);
    }
  });

  it("Node's net.Socket has the read slots that reads into the log fill", async () => {
    const server = net.createServer((s) => s.end());
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    cleanup.push(() => void socket.destroy());
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const problem = readIntoLogProblem(socket);
    assert.equal(problem, undefined, `Node ${process.version} no longer has what reads into the log expect: ${problem}. Update src/core/receive/readIntoLog.ts.`);
  });

  it('the start-up self-test passes on this Node and ws', async () => {
    const states = await new FastReceive({}).ready();
    const off = states.filter((s) => !s.on);
    assert.deepEqual(off.map((s) => `${s.path}: ${s.why}`), [], `on Node ${process.version} with ws ${wsVersion}`);
  });

  it('names what is missing when a field is gone or changed its type (so the checks above can fail)', async () => {
    const { client } = await wsPair();
    const receiver = rawReceiver(client) as Record<string, unknown>;
    const changed = Object.assign(Object.create(Object.getPrototypeOf(receiver) as object) as Record<string, unknown>, receiver, { _state: 'GET_INFO', _allowSynchronousEvents: false });
    delete changed['_fragments'];
    assert.deepEqual(receiverMismatch(changed), [
      '_state is not a number',
      '_fragments is missing',
      '_allowSynchronousEvents is false, not true (ws must emit its events synchronously)',
    ]);
    assert.deepEqual(receiverMismatch(undefined), ['the WebSocket has no _receiver']);
  });

  it('package.json pins ws to the minor version the fast paths were verified with', () => {
    const range = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['ws']!;
    const pinned = /^~(\d+)\.(\d+)\.\d+$/.exec(range);
    assert.ok(pinned, `ws is "${range}" in package.json: pin it to a minor with ~ (an upgrade to a new minor is verified by these tests first)`);
    const [major, minor] = wsVersion.split('.');
    assert.equal(`${major}.${minor}`, `${pinned[1]}.${pinned[2]}`, `ws ${wsVersion} is installed, package.json allows ${range}`);
  });
});
