// TLS (tls://) and secure WebSocket (wss://) connections against servers with a self-signed certificate
// made by the openssl CLI.
import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import { createTcpConnection, type TcpConnectionOptions } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { makeSelfSigned, type SelfSigned } from '../support/certificates';
import { describeLog, entries, shape, waitForEnd, waitForEntry } from '../support/logReading';
import { startTcpServer, startTlsServer, startWsServer, type Peer, type WsPeer } from '../support/nodePeers';
import { opensslMissing, requirePeer } from '../support/requirePeer';

const connections: Connection[] = [];
function track<T extends Connection>(c: T): T {
  connections.push(c);
  return c;
}

let cert: SelfSigned | undefined;
let tlsEcho: Peer;
let wssPeer: WsPeer;
let silent: Peer;
let plaintext: Peer;
const serverSockets: TLSSocket[] = [];
const serverErrors: string[] = [];

before(async () => {
  silent = await startTcpServer(() => {});
  plaintext = await startTcpServer((s) => s.end('HELLO, I am not TLS\r\n'));
  if (opensslMissing()) return;
  cert = makeSelfSigned();
  tlsEcho = await startTlsServer(cert, (s) => {
    serverSockets.push(s);
    s.on('error', (e: NodeJS.ErrnoException) => serverErrors.push(e.code ?? e.message));
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
  });
  wssPeer = await startWsServer({ credentials: cert });
});
after(async () => {
  for (const c of connections) c.dispose();
  await silent.close();
  await plaintext.close();
  await tlsEcho?.close();
  await wssPeer?.close();
});

function needsCert(t: TestContext): boolean {
  return requirePeer(t, 'openssl', opensslMissing());
}

function tlsTo(port: number, tls: TcpConnectionOptions['tls'], extra: Partial<TcpConnectionOptions> = {}) {
  return track(createTcpConnection({ host: '127.0.0.1', port, tls, ...extra }));
}

function received(c: Connection): Buffer {
  return Buffer.concat(entries(c.log).filter((e) => e.direction === 'in' && e.kind === 'data').map((e) => e.payload));
}

describe('tls:// connections', () => {
  it('refuses a self-signed certificate by default, saying what to do', async (t) => {
    if (!needsCert(t)) return;
    const c = tlsTo(tlsEcho.port, true);
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TLS');
      assert.equal(e.details.systemCode, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.match(e.message, /is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. Enable "Allow self-signed"/);
      return true;
    });
    await waitForEnd(c);
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta error', 'meta closed']);
    assert.equal(c.tls, undefined);
  });

  it('connects with allowSelfSigned and records what TLS agreed on', async (t) => {
    if (!needsCert(t)) return;
    const c = tlsTo(tlsEcho.port, { allowSelfSigned: true });
    await c.connect();
    assert.equal(c.target, `tls://127.0.0.1:${tlsEcho.port}`);
    const info = c.tls!;
    assert.equal(info.protocol, 'TLSv1.3');
    assert.match(info.cipher, /^TLS_/);
    assert.equal(info.authorized, false);
    assert.equal(info.authorizationError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    const peerCert = info.peerCertificate!;
    assert.equal(peerCert.fingerprint256, cert!.fingerprint256);
    assert.equal(peerCert.serialNumber, cert!.serial);
    assert.equal(peerCert.subject, 'CN=localhost');
    assert.equal(peerCert.issuer, 'CN=localhost');
    assert.equal(peerCert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.ok(Date.parse(peerCert.validFrom) < Date.parse(peerCert.validTo));
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta handshake', 'meta open']);
    const handshake = entries(c.log)[1]!.text;
    assert.match(handshake, /^TLS TLSv1\.3, TLS_/);
    assert.ok(handshake.includes(`SHA-256: ${cert!.fingerprint256}`), handshake);
    assert.match(handshake, /NOT verified \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);

    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    c.sendBytes(bytes);
    await waitForEntry(c.log, '256 bytes', () => received(c).length >= 256);
    assert.deepEqual(received(c), Buffer.from(bytes));
  });

  it('verifies the certificate when given as CA', async (t) => {
    if (!needsCert(t)) return;
    const c = tlsTo(tlsEcho.port, { ca: cert!.cert });
    await c.connect();
    assert.equal(c.tls!.authorized, true);
    assert.equal(c.tls!.authorizationError, undefined);
    assert.match(entries(c.log)[1]!.text, /Certificate verified/);
  });

  it('rejects a certificate that does not name the server (SNI name mismatch)', async (t) => {
    if (!needsCert(t)) return;
    const c = tlsTo(tlsEcho.port, { ca: cert!.cert, servername: 'other.test' });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TLS');
      assert.equal(e.details.systemCode, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.match(e.message, /is not valid for "other\.test" \(it lists DNS:localhost, IP Address:127\.0\.0\.1\)\./);
      return true;
    });
  });

  it('half-closes over TLS and still reads the reply', async (t) => {
    if (!needsCert(t)) return;
    const c = tlsTo(tlsEcho.port, { allowSelfSigned: true });
    await c.connect();
    c.sendText('last words');
    c.halfClose();
    await waitForEnd(c);
    assert.equal(received(c).toString(), 'last words', describeLog(c.log));
    assert.equal(c.state, 'closed');
  });

  it('resets a TLS connection with a real RST', async (t) => {
    if (!needsCert(t)) return;
    const c = tlsTo(tlsEcho.port, { allowSelfSigned: true });
    await c.connect();
    c.sendText('x');
    await waitForEntry(c.log, 'echo', () => received(c).length === 1);
    const server = serverSockets.at(-1)!;
    const closed = new Promise<void>((r) => server.once('close', () => r()));
    c.reset();
    await closed;
    assert.equal(serverErrors.at(-1), 'ECONNRESET');
    await waitForEnd(c);
    assert.match(entries(c.log).at(-1)!.text, /^Closed by us with a reset \(RST\)/);
  });

  it('times out when the TLS handshake never completes', async () => {
    const c = tlsTo(silent.port, true, { connectTimeoutMs: 200 });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TIMEOUT');
      assert.equal(e.message, `The TLS handshake with 127.0.0.1:${silent.port} did not complete within 200 ms`);
      return true;
    });
    await waitForEnd(c);
    assert.equal(c.state, 'error');
  });

  it('explains a server that does not speak TLS', async () => {
    const c = tlsTo(plaintext.port, true);
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TLS', e.message);
      assert.match(e.message, /did not answer with TLS.*try tcp:\/\/ or ws:\/\//);
      return true;
    });
  });
});

describe('wss:// connections', () => {
  it('refuses a self-signed certificate by default', async (t) => {
    if (!needsCert(t)) return;
    const c = track(createWebSocketConnection({ url: wssPeer.url('/secure') }));
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TLS');
      assert.match(e.message, /Allow self-signed/);
      return true;
    });
    await waitForEnd(c);
    assert.equal(c.state, 'error');
  });

  it('connects with allowSelfSigned: TLS first, then the upgrade, then frames', async (t) => {
    if (!needsCert(t)) return;
    const c = track(createWebSocketConnection({ url: wssPeer.url('/secure'), tls: { allowSelfSigned: true } }));
    await c.connect();
    assert.equal(c.tls!.peerCertificate!.fingerprint256, cert!.fingerprint256);
    assert.equal(c.tls!.authorized, false);
    assert.deepEqual(shape(c.log), [
      'meta connecting',
      'meta handshake',
      'meta handshake',
      'meta handshake',
      'meta open',
    ]);
    const [tlsEntry, request, response] = entries(c.log).slice(1, 4);
    assert.match(tlsEntry!.text, /^TLS TLSv1\.3/);
    assert.match(request!.text, /^GET \/secure HTTP\/1\.1\r\n/);
    assert.match(response!.text, /^HTTP\/1\.1 101 /);
    c.sendText('secret ✓');
    const echo = await waitForEntry(c.log, 'echo', (e) => e.direction === 'in' && e.kind === 'text');
    assert.equal(echo.text, 'secret ✓');
  });

  it('verifies the certificate when given as CA', async (t) => {
    if (!needsCert(t)) return;
    const c = track(createWebSocketConnection({ url: wssPeer.url('/secure'), tls: { ca: cert!.cert } }));
    await c.connect();
    assert.equal(c.tls!.authorized, true);
  });
});
