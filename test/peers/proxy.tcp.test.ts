// Proxy TCP… against real peers: redis-server (and socat, and small Node servers for resets and TLS)
// upstream, socat clients downstream. Both legs are compared byte for byte with what the peers sent and
// received.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createTcpProxy, type ProxySession } from '../../src/core/proxy';
import { SocketInspectorError } from '../../shared/errors';
import { makeSelfSigned, type SelfSigned } from '../support/certificates';
import { describeLog, entries, waitForEnd, waitForEntry, waitForState } from '../support/logReading';
import { closedPort, startTcpServer, startTlsServer, type Peer } from '../support/nodePeers';
import { startRedis } from '../support/processPeers';
import { closeSession, heldAtLeast, networkHandles, noteTexts, peerAt, until, wireBytes, wireEntries } from '../support/proxyReading';
import { opensslMissing, redisMissing, requirePeer } from '../support/requirePeer';
import { socatMissing, startSocatClient, startSocatServer, type SocatPeer } from '../support/socatPeers';

let redis: Peer | undefined;
before(async () => {
  if (!redisMissing()) redis = await startRedis();
});
after(() => redis?.close());

const sessions: ProxySession[] = [];
const socats: SocatPeer[] = [];
afterEach(async () => {
  for (const s of socats.splice(0)) await s.kill();
  for (const s of sessions.splice(0)) await closeSession(s);
});

async function proxyTo(upstream: string, options: Partial<Parameters<typeof createTcpProxy>[0]> = {}): Promise<ProxySession> {
  const session = createTcpProxy({ listen: '127.0.0.1:0', upstream, ...options });
  sessions.push(session);
  await session.start();
  return session;
}

function socatTo(session: ProxySession): SocatPeer {
  const s = startSocatClient(session.address!.port);
  socats.push(s);
  return s;
}

function needs(t: TestContext, ...what: Array<'redis' | 'socat' | 'openssl'>): boolean {
  for (const w of what) {
    const missing = w === 'redis' ? redisMissing() : w === 'socat' ? socatMissing() : opensslMissing();
    if (!requirePeer(t, w === 'redis' ? 'redis-server' : w, missing)) return false;
  }
  return true;
}

/** Sends one command to redis directly (not through the proxy) and returns the complete reply. */
async function redisDirect(command: string): Promise<string> {
  const c = createTcpConnection({ host: '127.0.0.1', port: redis!.port });
  try {
    await c.connect();
    c.sendText(command);
    // Replies used here are one line, or a bulk string ($n\r\nvalue\r\n); $-1 is nil.
    const complete = (s: string) => /^[+\-:][^\r]*\r\n$/.test(s) || /^\$-1\r\n$/.test(s) || /^\$(\d+)\r\n[\s\S]*\r\n$/.test(s);
    await waitForEntry(c.log, 'a complete reply', () => complete(wireBytes(c.log, 'in').toString()));
    return wireBytes(c.log, 'in').toString();
  } finally {
    c.dispose();
  }
}

describe('TCP proxy: redis-server upstream, socat clients', () => {
  it('passes PING, SET and GET through and logs both legs byte for byte in one timeline', async (t) => {
    if (!needs(t, 'redis', 'socat')) return;
    const session = await proxyTo(`tcp://127.0.0.1:${redis!.port}`);
    assert.equal(session.mode, 'proxy');
    assert.equal(session.kind, 'tcp');
    assert.equal(session.state, 'listening');
    assert.equal(session.target, `tcp://127.0.0.1:${session.address!.port} → tcp://127.0.0.1:${redis!.port}`);
    assert.ok(session.address!.port > 0);

    const client = socatTo(session);
    client.write('PING\r\n');
    assert.equal((await client.received(7)).toString(), '+PONG\r\n');
    client.write('SET proxy:key "two words"\r\n');
    await client.received(12);
    client.write('GET proxy:key\r\n');
    const reply = '+PONG\r\n+OK\r\n$9\r\ntwo words\r\n';
    assert.equal((await client.received(reply.length)).toString(), reply);
    client.end();
    assert.equal(await client.exited, 0, client.stderr());

    const peer = session.peers[0]!;
    const pair = peer.connection;
    await waitForEnd(pair);
    assert.equal(peer.id, 1);
    assert.match(peer.remote, /^127\.0\.0\.1:\d+$/);
    assert.equal(pair.kind, 'tcp');
    assert.equal(pair.target, `${peer.remote} → tcp://127.0.0.1:${redis!.port}`);
    // Leg client→proxy→server: what socat sent is exactly the Out data; leg server→proxy→client: what
    // socat printed is exactly the In data.
    assert.deepEqual(wireBytes(pair.log, 'out'), client.sent(), describeLog(pair.log));
    assert.deepEqual(wireBytes(pair.log, 'in'), client.stdout(), describeLog(pair.log));
    assert.equal(pair.log.totals(1).bytes, client.sent().length);
    assert.equal(pair.log.totals(0).bytes, reply.length);
    // Each reply follows its command in the one timeline.
    const order = wireEntries(pair.log, 'out').concat(wireEntries(pair.log, 'in')).sort((a, b) => a.seq - b.seq);
    assert.deepEqual(order.map((e) => e.direction), ['out', 'in', 'out', 'in', 'out', 'in']);
    const meta = entries(pair.log).filter((e) => e.direction === 'meta').map((e) => `${e.kind} ${e.text}`);
    assert.match(meta[0]!, new RegExp(`^connecting Client ${peer.remote} connected; connecting to upstream tcp://127\\.0\\.0\\.1:${redis!.port}$`));
    assert.match(meta[1]!, new RegExp(`^open Upstream connected 127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${redis!.port}; forwarding both ways$`));
    assert.equal(meta.at(-1), `closed Closed; the client closed first — client→server ${client.sent().length} bytes, server→client ${reply.length} bytes`);
    assert.equal(pair.state, 'closed');
    assert.equal(pair.lastError, undefined);

    const sessionLog = entries(session.log).map((e) => e.text);
    assert.match(sessionLog[1]!, new RegExp(`^Listening on 127\\.0\\.0\\.1:${session.address!.port}; forwarding each client to tcp://127\\.0\\.0\\.1:${redis!.port}$`));
    assert.ok(sessionLog.includes(`Peer #1: client ${peer.remote} connected`), sessionLog.join('\n'));
    await until('the session logs the peer closed', () => entries(session.log).some((e) => e.text === `Peer #1 (${peer.remote}) closed`));
  });

  it("passes the client's half-close (FIN) on, and the server's reply still reaches the client", async (t) => {
    if (!needs(t, 'redis', 'socat')) return;
    const session = await proxyTo(`127.0.0.1:${redis!.port}`);
    const client = socatTo(session);
    const pair = (await peerAt(session, 0)).connection;
    await waitForState(pair, 'open');
    client.write('PING\r\n');
    await client.received(7);
    // socat half-closes when its stdin ends; redis answers EOF by closing, which comes back as a FIN.
    client.end();
    assert.equal(await client.exited, 0);
    await waitForEnd(pair);
    const closed = entries(pair.log).filter((e) => e.kind === 'closed').map((e) => e.text);
    assert.deepEqual(closed, [
      'The client half-closed (FIN received); passed it on to the server',
      'The server half-closed (FIN received); passed it on to the client',
      'Closed; the client closed first — client→server 6 bytes, server→client 7 bytes',
    ]);
  });

  it('closes the client and says why when the upstream refuses the connection', async (t) => {
    if (!needs(t, 'socat')) return;
    const port = await closedPort();
    const session = await proxyTo(`127.0.0.1:${port}`);
    const client = socatTo(session);
    client.write('PING\r\n');
    const pair = (await peerAt(session, 0)).connection;
    await waitForEnd(pair);
    // socat sees the connection closed (it was accepted, then ended) and exits; nothing came back.
    await client.exited;
    assert.equal(client.stdout().length, 0);
    assert.equal(pair.state, 'error');
    assert.ok(pair.lastError instanceof SocketInspectorError);
    assert.equal(pair.lastError.code, 'REFUSED');
    const log = entries(pair.log).map((e) => `${e.kind} ${e.text}`);
    assert.deepEqual(log.slice(1), [
      `error Connection refused by upstream 127.0.0.1:${port} — nothing is listening there`,
      'closed Closing the client connection: the upstream could not be reached',
      'closed Not connected',
    ]);
    await until('the session logs the failure', () =>
      entries(session.log).some((e) => e.text.startsWith('Peer #1') && e.text.endsWith(`failed: Connection refused by upstream 127.0.0.1:${port} — nothing is listening there`)),
    );
    // The session keeps listening after a pair failed.
    assert.equal(session.state, 'listening');
  });

  it('holds, edits, drops, releases and injects, and the log says which bytes went where', async (t) => {
    if (!needs(t, 'redis', 'socat')) return;
    const session = await proxyTo(`127.0.0.1:${redis!.port}`);
    const client = socatTo(session);
    const peer = await peerAt(session, 0);
    const pair = peer.connection;
    const controls = peer.controls;
    await waitForState(pair, 'open');
    assert.deepEqual(controls.paused, { toServer: false, toClient: false });

    controls.setPaused(true, 'toServer');
    assert.deepEqual(controls.paused, { toServer: true, toClient: false });
    client.write('SET proxy:edit original\r\n');
    await heldAtLeast(controls, 1, pair.log);
    const [first] = controls.held;
    assert.equal(first!.id, 1);
    assert.equal(first!.direction, 'toServer');
    assert.equal(Buffer.from(first!.payload).toString(), 'SET proxy:edit original\r\n');
    assert.equal(controls.entryRole(first!.seq), 'held');
    // Held means not forwarded: redis has not seen the SET.
    assert.equal(await redisDirect('GET proxy:edit\r\n'), '$-1\r\n');

    controls.release(1, { text: 'SET proxy:edit edited\r\n' });
    assert.equal((await client.received(5)).toString(), '+OK\r\n');
    assert.equal(await redisDirect('GET proxy:edit\r\n'), '$6\r\nedited\r\n');
    assert.equal(controls.held.length, 0);

    client.write('SET proxy:dropped x\r\n');
    await heldAtLeast(controls, 1, pair.log);
    const dropped = controls.held[0]!;
    assert.equal(dropped.id, 2);
    controls.drop(2);
    assert.throws(() => controls.drop(2), (e: SocketInspectorError) => e.code === 'NOT_OPEN' && /No message #2 is held/.test(e.message));
    assert.equal(await redisDirect('GET proxy:dropped\r\n'), '$-1\r\n');

    // Injected messages go out at once, even while paused.
    controls.inject('toServer', { text: 'PING\r\n' });
    assert.equal((await client.received(12)).subarray(5).toString(), '+PONG\r\n');
    controls.inject('toClient', { bytes: Buffer.from('+INJECTED\r\n') });
    assert.equal((await client.received(23)).subarray(12).toString(), '+INJECTED\r\n');

    // Resuming forwards everything held, oldest first.
    client.write('SET proxy:a 1\r\n');
    await heldAtLeast(controls, 1, pair.log);
    client.write('SET proxy:b 2\r\n');
    await heldAtLeast(controls, 2, pair.log);
    assert.deepEqual(controls.held.map((h) => h.id), [3, 4]);
    controls.setPaused(false, 'toServer');
    assert.equal((await client.received(33)).subarray(23).toString(), '+OK\r\n+OK\r\n');
    assert.equal(controls.held.length, 0);

    // The other direction: the server's reply is held, then released as received.
    controls.setPaused(true, 'toClient');
    client.write('GET proxy:a\r\n');
    await heldAtLeast(controls, 1, pair.log);
    const reply = controls.held[0]!;
    assert.equal(reply.direction, 'toClient');
    assert.equal(Buffer.from(reply.payload).toString(), '$1\r\n1\r\n');
    controls.release(reply.id);
    assert.equal((await client.received(40)).subarray(33).toString(), '$1\r\n1\r\n');

    client.end();
    await client.exited;
    await waitForEnd(pair);

    // The notes tell the story, each "↑" note right after the entry it describes.
    // TCP keeps no message boundaries: consecutive plain chunks of one direction are read as one.
    const story: string[] = [];
    let plain: { direction: string; text: string } | undefined;
    for (const e of entries(pair.log).filter((x) => x.kind === 'note' || x.kind === 'data')) {
      const role = controls.entryRole(e.seq);
      if (e.kind === 'data' && !role && plain?.direction === e.direction) {
        plain.text += e.text;
        story[story.length - 1] = `${e.direction} ${JSON.stringify(plain.text)}`;
        continue;
      }
      plain = e.kind === 'data' && !role ? { direction: e.direction, text: e.text } : undefined;
      story.push(e.kind === 'note' ? `note ${e.text}` : `${e.direction} ${JSON.stringify(e.text)}${role ? ` [${role}]` : ''}`);
    }
    assert.deepEqual(story, [
      'note Paused client→server: messages from the client are held until you release them or resume',
      'out "SET proxy:edit original\\r\\n" [replaced]',
      'note ↑ Held #1 (client→server): not forwarded until you release or drop it',
      'out "SET proxy:edit edited\\r\\n" [edited]',
      'note ↑ Edited #1 (client→server): forwarded this instead of the held chunk of 25 bytes',
      'in "+OK\\r\\n"',
      'out "SET proxy:dropped x\\r\\n" [dropped]',
      'note ↑ Held #2 (client→server): not forwarded until you release or drop it',
      'note Dropped #2 (client→server, 21 bytes): never forwarded',
      'out "PING\\r\\n" [injected]',
      'note ↑ Injected by you toward the server: the client did not send this',
      'in "+PONG\\r\\n"',
      'in "+INJECTED\\r\\n" [injected]',
      'note ↑ Injected by you toward the client: the server did not send this',
      'out "SET proxy:a 1\\r\\n" [released]',
      'note ↑ Held #3 (client→server): not forwarded until you release or drop it',
      'out "SET proxy:b 2\\r\\n" [released]',
      'note ↑ Held #4 (client→server): not forwarded until you release or drop it',
      'note Resumed client→server: messages from the client are forwarded again',
      'note Released #3–#4 (client→server): forwarded as received, in order',
      'in "+OK\\r\\n+OK\\r\\n"',
      'note Paused server→client: messages from the server are held until you release them or resume',
      'out "GET proxy:a\\r\\n"',
      'in "$1\\r\\n1\\r\\n" [released]',
      'note ↑ Held #5 (server→client): not forwarded until you release or drop it',
      'note Released #5 (server→client): forwarded as received',
    ], describeLog(pair.log));
    // What socat printed is exactly the In data that was forwarded: received (not dropped) or injected.
    assert.deepEqual(wireBytes(pair.log, 'in'), client.stdout());
  });

  it('stops reading from a side whose hold queue is full, and reads again once there is room', async (t) => {
    if (!needs(t, 'redis', 'socat')) return;
    const session = await proxyTo(`127.0.0.1:${redis!.port}`, { hold: { maxMessages: 2 }, startPaused: { toServer: true } });
    assert.deepEqual(session.paused, { toServer: true, toClient: false });
    const client = socatTo(session);
    const { connection: pair, controls } = await peerAt(session, 0);
    await waitForState(pair, 'open');
    assert.deepEqual(controls.paused, { toServer: true, toClient: false }, 'a pair starts as the session is paused');
    client.write('SET proxy:full1 1\r\n');
    await heldAtLeast(controls, 1, pair.log);
    client.write('SET proxy:full2 2\r\n');
    await heldAtLeast(controls, 2, pair.log);
    assert.ok(noteTexts(pair.log).includes('The hold queue client→server is full (2 chunks, 38 bytes): not reading from the client until you release or drop some'));
    client.write('SET proxy:full3 3\r\n');
    // A round trip through the proxy the other way: by the time it is back, the third command would
    // have been read (and held as #3) if the client were still being read.
    controls.inject('toClient', { text: '+MARK\r\n' });
    await client.received(7);
    assert.deepEqual(controls.held.map((h) => h.id), [1, 2]);

    controls.drop(1);
    await heldAtLeast(controls, 2, pair.log);
    assert.deepEqual(controls.held.map((h) => Buffer.from(h.payload).toString()), ['SET proxy:full2 2\r\n', 'SET proxy:full3 3\r\n']);
    const notes = noteTexts(pair.log);
    assert.ok(notes.indexOf('The hold queue client→server has room again: reading from the client') > notes.indexOf('Dropped #1 (client→server, 19 bytes): never forwarded'));
    session.setPaused(false);
    await client.received(17);
    assert.equal(client.stdout().toString(), '+MARK\r\n+OK\r\n+OK\r\n');
    assert.equal(await redisDirect('GET proxy:full1\r\n'), '$-1\r\n');
    assert.equal(await redisDirect('GET proxy:full3\r\n'), '$1\r\n3\r\n');
  });

  it('passes a FIN on only after the chunks held before it, and notes both', async (t) => {
    if (!needs(t, 'redis', 'socat')) return;
    const session = await proxyTo(`127.0.0.1:${redis!.port}`, { startPaused: { toServer: true } });
    const client = socatTo(session);
    const { connection: pair, controls } = await peerAt(session, 0);
    client.write('PING\r\n');
    await heldAtLeast(controls, 1, pair.log);
    client.end();
    await waitForEntry(pair.log, 'the deferred FIN', (e) => e.text.startsWith('The client half-closed (FIN received); passing it on to the server after the 1 held chunk'));
    controls.setPaused(false);
    await waitForEnd(pair);
    assert.equal((await client.exited, client.stdout().toString()), '+PONG\r\n');
    const closed = entries(pair.log).filter((e) => e.kind === 'closed').map((e) => e.text);
    assert.deepEqual(closed.slice(0, 2), [
      'The client half-closed (FIN received); passing it on to the server after the 1 held chunk',
      "Passed the client's FIN on to the server",
    ]);
  });
});

describe('TCP proxy: socat on both sides', () => {
  it('forwards 256 KiB of random bytes each way exactly; both legs byte for byte', async (t) => {
    if (!needs(t, 'socat')) return;
    const upstream = await startSocatServer();
    socats.push(upstream);
    const session = await proxyTo(`tcp://127.0.0.1:${upstream.port}`);
    const client = socatTo(session);
    const pair = (await peerAt(session, 0)).connection;
    await waitForState(pair, 'open');
    const up = randomBytes(256 * 1024);
    const down = randomBytes(256 * 1024);
    client.write(up);
    upstream.write(down);
    assert.deepEqual(await upstream.received(up.length), up);
    assert.deepEqual(await client.received(down.length), down);
    // The client half-closes first; the server can still send after it, and then half-closes too.
    client.end();
    await waitForEntry(pair.log, 'client FIN', (e) => e.text === 'The client half-closed (FIN received); passed it on to the server');
    upstream.write('after your FIN');
    await client.received(down.length + 14);
    upstream.end();
    assert.equal(await client.exited, 0);
    assert.equal(await upstream.exited, 0);
    await waitForEnd(pair);
    assert.deepEqual(wireBytes(pair.log, 'out'), client.sent());
    assert.deepEqual(wireBytes(pair.log, 'out'), upstream.stdout());
    assert.deepEqual(wireBytes(pair.log, 'in'), upstream.sent());
    assert.deepEqual(wireBytes(pair.log, 'in'), client.stdout());
    assert.equal(pair.state, 'closed', describeLog(pair.log));
  });
});

describe('TCP proxy: resets, TLS, binding, connection methods, cleanup', () => {
  it("passes the upstream's reset on to the client as a reset", async (t) => {
    const upstream = await startTcpServer((s) => s.once('data', () => s.resetAndDestroy()));
    t.after(() => upstream.close());
    const session = await proxyTo(`127.0.0.1:${upstream.port}`);
    // A Node client: socat reports a reset like an orderly close (exit 0), so it could not tell.
    const client = net.connect({ host: '127.0.0.1', port: session.address!.port });
    const clientError = new Promise<string>((resolve) => {
      client.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      client.on('close', () => resolve('closed without error'));
    });
    const pair = (await peerAt(session, 0)).connection;
    await waitForState(pair, 'open');
    client.write('boom');
    assert.equal(await clientError, 'ECONNRESET');
    await waitForEnd(pair);
    assert.equal(pair.lastError?.code, 'RESET');
    const texts = entries(pair.log).map((e) => e.text);
    assert.deepEqual(texts.slice(2), [
      'boom',
      `Connection reset by upstream 127.0.0.1:${upstream.port}`,
      'Resetting the client connection too (RST)',
      'Closed after an error — client→server 4 bytes, server→client 0 bytes',
    ]);
  });

  it("passes the client's reset on to the upstream as a reset", async (t) => {
    const resetSeen = new Promise<string>((resolve) => {
      void startTcpServer((s) => {
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        s.on('close', () => resolve('closed without error'));
      }).then((p) => {
        t.after(() => p.close());
        void proxyTo(`127.0.0.1:${p.port}`).then(async (session) => {
          const c = net.connect({ host: '127.0.0.1', port: session.address!.port });
          c.on('error', () => {});
          const pair = (await peerAt(session, 0)).connection;
          await waitForState(pair, 'open');
          c.resetAndDestroy();
        });
      });
    });
    assert.equal(await resetSeen, 'ECONNRESET');
    const pair = sessions[0]!.peers[0]!.connection;
    await waitForEnd(pair);
    assert.equal(pair.lastError?.code, 'RESET');
    assert.ok(entries(pair.log).some((e) => e.text === 'Resetting the server connection too (RST)'), describeLog(pair.log));
  });

  describe('with a self-signed TLS upstream', () => {
    let cert: SelfSigned | undefined;
    let tlsPeer: Peer | undefined;
    before(async () => {
      if (opensslMissing()) return;
      cert = makeSelfSigned();
      tlsPeer = await startTlsServer(cert, (s) => s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d]))));
    });
    after(() => tlsPeer?.close());

    it('refuses the certificate unless allowed, and the client is closed with the reason logged', async (t) => {
      if (!needs(t, 'openssl', 'socat')) return;
      const session = await proxyTo(`tls://127.0.0.1:${tlsPeer!.port}`);
      const client = socatTo(session);
      const pair = (await peerAt(session, 0)).connection;
      await waitForEnd(pair);
      await client.exited;
      assert.equal(pair.lastError?.code, 'TLS');
      assert.match(pair.lastError!.message, /^The certificate of upstream 127\.0\.0\.1:\d+ is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. Enable "Allow self-signed"/);
    });

    it('forwards over TLS with allowSelfSigned, logging the TLS handshake of the upstream leg', async (t) => {
      if (!needs(t, 'openssl', 'socat')) return;
      const session = await proxyTo(`tls://127.0.0.1:${tlsPeer!.port}`, { tls: { allowSelfSigned: true } });
      const client = socatTo(session);
      const pair = (await peerAt(session, 0)).connection;
      client.write('secret');
      assert.equal((await client.received(11)).toString(), 'echo:secret');
      assert.equal(pair.tls?.peerCertificate?.fingerprint256, cert!.fingerprint256);
      assert.equal(pair.tls?.authorized, false);
      assert.ok(entries(pair.log).some((e) => e.kind === 'handshake' && /^Upstream TLS/.test(e.text)), describeLog(pair.log));
      assert.deepEqual(wireBytes(pair.log, 'out'), Buffer.from('secret'));
      assert.deepEqual(wireBytes(pair.log, 'in'), Buffer.from('echo:secret'));
    });
  });

  it('listens on IPv6 loopback and names peers as [::1]:port', async (t) => {
    if (!needs(t, 'redis')) return;
    const session = createTcpProxy({ listen: '[::1]:0', upstream: `127.0.0.1:${redis!.port}` });
    sessions.push(session);
    await session.start();
    assert.equal(session.address!.host, '::1');
    const client = net.connect({ host: '::1', port: session.address!.port });
    client.on('error', () => {});
    const got: Buffer[] = [];
    client.on('data', (d: Buffer) => got.push(d));
    client.write('PING\r\n');
    const peer = await peerAt(session, 0);
    assert.match(peer.remote, /^\[::1\]:\d+$/);
    await waitForEntry(peer.connection.log, 'pong', (e) => e.direction === 'in' && e.text === '+PONG\r\n');
    await until('the client got the reply', () => Buffer.concat(got).toString() === '+PONG\r\n');
    client.destroy();
  });

  it('fails to start with a clear message when the port is taken', async () => {
    const taken = await startTcpServer(() => {});
    try {
      const session = createTcpProxy({ listen: `127.0.0.1:${taken.port}`, upstream: '127.0.0.1:9' });
      sessions.push(session);
      await assert.rejects(session.start(), (e: SocketInspectorError) => e.details.systemCode === 'EADDRINUSE');
      assert.equal(session.state, 'error');
      assert.equal(
        session.lastError?.message,
        `Cannot listen on 127.0.0.1:${taken.port}: the port is already in use (EADDRINUSE) — pick another port, or 0 for a free one`,
      );
      assert.ok(entries(session.log).some((e) => e.kind === 'error' && e.text === session.lastError!.message));
    } finally {
      await taken.close();
    }
  });

  it('starts again after stop, keeping the stopped peers and counting ids on', async (t) => {
    if (!needs(t, 'redis', 'socat')) return;
    const session = await proxyTo(`127.0.0.1:${redis!.port}`, { startPaused: { toClient: true } });
    const first = socatTo(session);
    const one = await peerAt(session, 0);
    await waitForState(one.connection, 'open');
    assert.equal(noteTexts(one.connection.log)[0], 'Paused server→client: messages from the server are held until you release them or resume');
    await session.stop();
    await first.exited;
    assert.equal(session.state, 'stopped');
    await session.start();
    assert.equal(session.state, 'listening');
    session.setPaused(false);
    const second = socatTo(session);
    const two = await peerAt(session, 1);
    assert.equal(two.id, 2);
    assert.deepEqual(two.controls.paused, { toServer: false, toClient: false });
    second.write('PING\r\n');
    assert.equal((await second.received(7)).toString(), '+PONG\r\n');
    assert.equal(one.connection.state, 'closed');
    const texts = entries(session.log).map((e) => e.text);
    assert.ok(texts.includes('Stopped listening (1 client served)'), texts.join('\n'));
    assert.equal(texts.filter((t) => t.startsWith('Listening on')).length, 2);
  });

  it('rejects a bad listen address or upstream at once', () => {
    assert.throws(() => createTcpProxy({ listen: '127.0.0.1', upstream: '127.0.0.1:6379' }), /Add a port/);
    assert.throws(() => createTcpProxy({ listen: 'ws://127.0.0.1:0', upstream: '127.0.0.1:6379' }), /use tcp:\/\//);
    assert.throws(() => createTcpProxy({ listen: '0', upstream: 'ws://127.0.0.1:80' }), /use tcp:\/\/, tls:\/\//);
  });

  it('sends, half-closes and closes through the Connection methods of a pair', async (t) => {
    if (!needs(t, 'redis', 'socat')) return;
    const session = await proxyTo(`127.0.0.1:${redis!.port}`);
    const client = socatTo(session);
    const pair = (await peerAt(session, 0)).connection;
    await waitForState(pair, 'open');
    assert.equal(pair.kind, 'tcp');
    if (pair.kind !== 'tcp') return;
    pair.sendText('PING\r\n');
    assert.equal((await client.received(7)).toString(), '+PONG\r\n');
    pair.halfClose();
    assert.throws(() => pair.sendText('PING\r\n'), (e: SocketInspectorError) => e.code === 'NOT_OPEN');
    // redis answers our FIN by closing; its FIN reaches socat, whose own FIN then ends the pair.
    await waitForEntry(pair.log, 'server FIN', (e) => e.text === 'The server half-closed (FIN received); passed it on to the client');
    client.end();
    await waitForEnd(pair);
    assert.equal(await client.exited, 0);
    const texts = entries(pair.log).map((e) => e.text);
    assert.ok(texts.includes('Half-closed toward the server by us (FIN sent); the client can still receive'));
    assert.ok(texts.includes('The server half-closed (FIN received); passed it on to the client'));
  });

  it('leaves no socket or server behind once stopped and disposed', async (t) => {
    if (!needs(t, 'redis', 'socat')) return;
    // Sockets of earlier tests may still be closing; start from a settled count.
    await until('earlier sockets closed', () => networkHandles() === 0);
    const before = networkHandles();
    const session = createTcpProxy({ listen: '127.0.0.1:0', upstream: `127.0.0.1:${redis!.port}` });
    await session.start();
    const client = socatTo(session);
    const { connection: pair, controls } = await peerAt(session, 0);
    controls.setPaused(true);
    client.write('PING\r\n');
    await heldAtLeast(controls, 1, pair.log);
    assert.ok(networkHandles() > before);
    await session.stop();
    assert.equal(session.state, 'stopped');
    assert.equal(pair.state, 'closed');
    assert.deepEqual(noteTexts(pair.log).at(-1), '#1 was held and never forwarded: the proxy stopped');
    assert.equal(session.peers.length, 1, 'stopped peers stay listed with their logs');
    session.dispose();
    await client.exited;
    await until('every socket closed', () => networkHandles() <= before);
    assert.equal(networkHandles(), before);
  });
});
