// Listen TCP… with socat as the client: bytes both ways exactly, half-close, reset, auto-replies, stop,
// and binding errors (address in use, not an address of this machine) as messages a person can act on.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { afterEach, describe, it, type TestContext } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import { AutoResponder } from '../../src/core/listen/autoResponder';
import { createTcpListener } from '../../src/core/listen/tcpListener';
import type { TcpConnection } from '../../src/core/connection/connectionTypes';
import type { ServerSession } from '../../src/core/connection/serverTypes';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import { eventually } from '../support/eventually';
import { peerNumber } from '../support/listenClients';
import { describeLog, entries, waitForEntry, waitForState } from '../support/logReading';
import { requirePeer, socatMissing } from '../support/requirePeer';

/** socat connected to the listener: its stdin goes to the server, what the server sends comes out on stdout. */
interface Socat {
  readonly child: ChildProcess;
  readonly stdout: Buffer[];
  readonly exited: Promise<number | null>;
  received(): Buffer;
  /** socat's warnings and errors. */
  stderr(): string;
}

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function socat(port: number, host = '127.0.0.1'): Socat {
  const address = net.isIPv6(host) ? `TCP6:[${host}]:${port}` : `TCP:${host}:${port}`;
  // -d: warnings too (a reset is one); -t 5: after stdin ends, wait for the server to close rather
  // than socat's default half second.
  const child = spawn('socat', ['-d', '-t', '5', '-', address], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => stdout.push(d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout, exited, received: () => Buffer.concat(stdout), stderr: () => stderr };
}

async function listening(t: TestContext, host = '127.0.0.1', port = 0): Promise<ServerSession | undefined> {
  if (!requirePeer(t, 'socat', socatMissing())) return undefined;
  const session = createTcpListener({ address: { host, port } });
  cleanup.push(() => session.dispose());
  await session.start();
  return session;
}

/** The bytes of every entry of `direction` kind data, concatenated. */
function dataBytes(c: { log: TcpConnection['log'] }, direction: 'in' | 'out'): Buffer {
  return Buffer.concat(entries(c.log).filter((e) => e.direction === direction && e.kind === 'data').map((e) => e.payload));
}

const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('TCP listener (socat as the client)', () => {
  it('binds 127.0.0.1 on a free port for port 0 and says where', async (t) => {
    const session = await listening(t);
    if (!session) return;
    const { host, port } = session.address!;
    assert.equal(host, '127.0.0.1');
    assert.ok(port > 0);
    assert.equal(session.state, 'listening');
    assert.equal(session.target, 'tcp://127.0.0.1:0');
    assert.deepEqual(
      entries(session.log).map((e) => `${e.kind} ${e.text}`),
      ['connecting Starting a TCP listener on 127.0.0.1:0', `open Listening on 127.0.0.1:${port}`],
    );
    assert.equal(createServerConnection(session).target, `Listen tcp://127.0.0.1:${port}`);
  });

  it('logs the bytes a peer sends and the bytes we send, byte for byte, and its half-close', async (t) => {
    const session = await listening(t);
    if (!session) return;
    const client = socat(session.address!.port);
    const peer = await peerNumber(session, 1);
    const c = peer.connection as TcpConnection;
    assert.equal(c.state, 'open');
    assert.equal(c.kind, 'tcp');
    assert.match(peer.remote, /^127\.0\.0\.1:\d+$/);
    assert.equal(c.target, `Peer #1 ${peer.remote}`);
    assert.match(entries(c.log)[0]!.text, new RegExp(`^Accepted ${peer.remote.replace(/\./g, '\\.')} → 127\\.0\\.0\\.1:${session.address!.port}$`));

    const fromClient = Buffer.concat([Buffer.from('hello\r\n'), EVERY_BYTE, Buffer.from('é€\u{1F600}')]);
    client.child.stdin!.write(fromClient);
    await eventually(() => dataBytes(c, 'in').length, (n) => n >= fromClient.length, 'all bytes in the peer log');
    assert.deepEqual(dataBytes(c, 'in'), fromClient);

    const fromServer = Buffer.concat([Buffer.from(EVERY_BYTE).reverse(), Buffer.from('\r\nbye')]);
    c.sendBytes(fromServer.subarray(0, 100));
    c.sendBytes(fromServer.subarray(100));
    await eventually(() => client.received().length, (n) => n >= fromServer.length, 'socat received everything');
    assert.deepEqual(client.received(), fromServer);
    assert.deepEqual(dataBytes(c, 'out'), fromServer);

    // socat ends its stdin: FIN; we may still send, then close our side too.
    client.child.stdin!.end();
    await waitForEntry(c.log, 'half-close', (e) => e.kind === 'closed' && /^Peer half-closed \(FIN received\)/.test(e.text));
    assert.equal(c.state, 'open');
    c.sendText('after FIN');
    await eventually(() => client.received().toString('latin1'), (s) => s.endsWith('after FIN'), 'data after the peer’s FIN');
    c.close();
    await waitForState(c, 'closed');
    assert.equal(await client.exited, 0);
    assert.match(entries(c.log).at(-1)!.text, new RegExp(`^Closed by the peer — ${fromClient.length} bytes in, ${fromServer.length + 9} bytes out$`));
    await waitForEntry(session.log, 'peer closed', (e) => e.text.startsWith(`#1 ${peer.remote} closed: Closed by the peer`));
    // A closed peer's log keeps its entries but gives back the capacity reserved for more.
    assert.ok(c.log.memoryBytes < 16 * 1024, `${c.log.memoryBytes} bytes held by a closed peer's log`);
    assert.deepEqual(dataBytes(c, 'in'), fromClient);
  });

  it('takes several peers, numbered in accept order, each with its own log', async (t) => {
    const session = await listening(t);
    if (!session) return;
    const one = socat(session.address!.port);
    const p1 = await peerNumber(session, 1);
    const two = socat(session.address!.port);
    const p2 = await peerNumber(session, 2);
    one.child.stdin!.write('from one');
    two.child.stdin!.write('from two');
    await eventually(() => dataBytes(p2.connection, 'in').toString(), (s) => s === 'from two', 'peer #2 data');
    await eventually(() => dataBytes(p1.connection, 'in').toString(), (s) => s === 'from one', 'peer #1 data');
    assert.notEqual(p1.remote, p2.remote);
    assert.deepEqual(
      entries(session.log).filter((e) => e.kind === 'open').map((e) => e.text.replace(/\d+$/, 'PORT')),
      ['Listening on 127.0.0.1:PORT', '#1 accepted from 127.0.0.1:PORT', '#2 accepted from 127.0.0.1:PORT'],
    );
  });

  it('answers by auto-reply rules and broadcasts to every open peer', async (t) => {
    const session = await listening(t);
    if (!session) return;
    const responder = new AutoResponder(session);
    cleanup.push(() => responder.dispose());
    assert.deepEqual(
      responder.setRules([{ enabled: true, match: '/^PING/m', reply: { format: 'hex', input: '2b 50 4f 4e 47 0d 0a', escapes: false }, delayMs: 0 }]),
      [undefined],
    );
    const a = socat(session.address!.port);
    const b = socat(session.address!.port);
    await peerNumber(session, 2);
    a.child.stdin!.write('PING\r\n');
    await eventually(() => a.received().toString(), (s) => s === '+PONG\r\n', 'the auto-reply');
    // Two socats connect at once, so which one became peer 1 is up to the kernel: find a by what it sent.
    const pa = session.peers.find((p) => dataBytes(p.connection, 'in').toString() === 'PING\r\n');
    assert.ok(pa, 'the listener logged the PING from one of its peers');
    assert.deepEqual(dataBytes(pa.connection, 'out'), Buffer.from('+PONG\r\n'));
    const pb = session.peers.find((p) => p !== pa)!;
    assert.deepEqual(dataBytes(pb.connection, 'out'), Buffer.alloc(0), 'the rule answered only the peer that matched');

    const server = createServerConnection(session);
    server.sendText('to all\n');
    await eventually(() => b.received().toString(), (s) => s.endsWith('to all\n'), 'b got the broadcast');
    await eventually(() => a.received().toString(), (s) => s.endsWith('to all\n'), 'a got the broadcast');
    assert.deepEqual(
      entries(session.log).filter((e) => e.direction === 'out').map((e) => `${e.kind} ${e.text}`),
      ['data to all\n'],
    );
  });

  it('resets a peer with RST on request', async (t) => {
    const session = await listening(t);
    if (!session) return;
    const client = socat(session.address!.port);
    const c = (await peerNumber(session, 1)).connection as TcpConnection;
    c.reset();
    await waitForState(c, 'closed', 'error');
    await client.exited;
    assert.match(client.stderr(), /Connection reset by peer/, 'socat saw the reset');
    assert.match(entries(c.log).at(-1)!.text, /^Closed by us with a reset \(RST\)/, describeLog(c.log));
  });

  it('stops: no new peers, open peers closed, and says so', async (t) => {
    const session = await listening(t);
    if (!session) return;
    const client = socat(session.address!.port);
    const peer = await peerNumber(session, 1);
    const port = session.address!.port;
    await session.stop();
    assert.equal(session.state, 'stopped');
    assert.equal(peer.connection.state, 'closed');
    assert.equal(await client.exited, 0);
    assert.equal(entries(session.log).at(-1)!.text, `Stopped listening on 127.0.0.1:${port} (closed 1 open peer)`);
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s.destroy()));
        s.once('error', reject);
      }),
      /ECONNREFUSED/,
    );
  });

  it('says the address is in use (EADDRINUSE), and logs it', async (t) => {
    if (!requirePeer(t, 'socat', socatMissing())) return;
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as net.AddressInfo).port;
    const session = createTcpListener({ address: { host: '127.0.0.1', port } });
    cleanup.push(() => session.dispose());
    await assert.rejects(session.start(), (e: unknown) => {
      assert.ok(e instanceof SocketInspectorError);
      assert.equal(e.code, 'BIND');
      assert.equal(e.details.systemCode, 'EADDRINUSE');
      assert.equal(e.message, `127.0.0.1:${port} is already in use: another program (or another listener) is bound to it. Choose another port, or 0 for any free port.`);
      return true;
    });
    assert.equal(session.state, 'error');
    assert.equal(session.lastError?.code, 'BIND');
    assert.equal(session.address, undefined);
    assert.deepEqual(entries(session.log).map((e) => e.kind), ['connecting', 'error']);
  });

  it('says when the address is not one of this machine (EADDRNOTAVAIL)', async (t) => {
    if (!requirePeer(t, 'socat', socatMissing())) return;
    // 192.0.2.1 (TEST-NET-1) is never assigned to a host: binding fails locally, nothing is sent.
    const session = createTcpListener({ address: { host: '192.0.2.1', port: 0 } });
    cleanup.push(() => session.dispose());
    await assert.rejects(session.start(), (e: unknown) => {
      assert.ok(e instanceof SocketInspectorError);
      assert.equal(e.code, 'BIND');
      assert.equal(e.details.systemCode, 'EADDRNOTAVAIL');
      assert.match(e.message, /^Cannot listen on 192\.0\.2\.1:0: 192\.0\.2\.1 is not an address of this machine/);
      return true;
    });
  });

  it('listens on [::1] when asked', async (t) => {
    if (!requirePeer(t, 'socat', socatMissing())) return;
    const probe = net.createServer();
    const v6 = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    if (!requirePeer(t, 'IPv6 loopback', v6 ? undefined : '::1 cannot be bound on this machine')) return;
    const session = await listening(t, '::1');
    if (!session) return;
    assert.equal(session.address!.host, '::1');
    const client = socat(session.address!.port, '::1');
    const peer = await peerNumber(session, 1);
    assert.match(peer.remote, /^\[::1\]:\d+$/);
    client.child.stdin!.write('v6');
    await eventually(() => dataBytes(peer.connection, 'in').toString(), (s) => s === 'v6', 'data over IPv6');
    assert.equal(createServerConnection(session).target, `Listen tcp://[::1]:${session.address!.port}`);
  });
});
