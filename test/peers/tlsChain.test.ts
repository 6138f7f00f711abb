// The certificate chain of tls:// and wss:// connections, against servers presenting a real three-level
// chain made by the openssl CLI (RSA root, EC intermediate, EC leaf).
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { certificateChain, MAX_CHAIN_LENGTH } from '../../src/core/tls/tlsCertificateChain';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { makeChain, makeSelfSigned, type CertificateChain, type SelfSigned } from '../support/certificates';
import { entries } from '../support/logReading';
import { startTlsServer, startWsServer, type Peer, type WsPeer } from '../support/nodePeers';
import { opensslMissing, requirePeer } from '../support/requirePeer';

let chain: CertificateChain | undefined;
let selfSigned: SelfSigned | undefined;
let chainPeer: Peer;
let selfSignedPeer: Peer;
let wssPeer: WsPeer;
const connections: Connection[] = [];

before(async () => {
  if (opensslMissing()) return;
  chain = makeChain();
  selfSigned = makeSelfSigned();
  const credentials = { cert: chain.serverCert, key: chain.serverKey };
  chainPeer = await startTlsServer(credentials, (s) => s.end());
  selfSignedPeer = await startTlsServer(selfSigned, (s) => s.end());
  wssPeer = await startWsServer({ credentials });
});
after(async () => {
  for (const c of connections) c.dispose();
  await chainPeer?.close();
  await selfSignedPeer?.close();
  await wssPeer?.close();
});

function needsOpenssl(t: TestContext): boolean {
  return requirePeer(t, 'openssl', opensslMissing());
}

function track<T extends Connection>(c: T): T {
  connections.push(c);
  return c;
}

describe('TLS certificate chain', () => {
  it('walks leaf → intermediate → trusted root, with keys and CA flags', async (t) => {
    if (!needsOpenssl(t)) return;
    const c = track(createTcpConnection({ host: '127.0.0.1', port: chainPeer.port, tls: { ca: chain!.root, servername: 'localhost' } }));
    await c.connect();
    const info = c.tls!;
    assert.equal(info.authorized, true);
    assert.equal(info.authorizationReason, undefined);
    const got = info.chain!;
    assert.deepEqual(got.map((x) => x.fingerprint256), [...chain!.fingerprints]);
    assert.deepEqual(got.map((x) => x.subject), ['CN=localhost', 'CN=Test Intermediate CA', 'O=Socket Inspector Tests, CN=Test Root CA']);
    assert.deepEqual(got.map((x) => x.issuer), ['CN=Test Intermediate CA', 'O=Socket Inspector Tests, CN=Test Root CA', 'O=Socket Inspector Tests, CN=Test Root CA']);
    assert.deepEqual(got.map((x) => [x.keyType, x.keyBits, x.keyCurve ?? '']), [['EC', 256, 'P-256'], ['EC', 256, 'P-256'], ['RSA', 2048, '']]);
    assert.deepEqual(got.map((x) => x.isCA), [false, true, true]);
    assert.deepEqual(got.map((x) => x.selfIssued ?? false), [false, false, true]);
    assert.equal(got[0]!.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.match(got[0]!.fingerprint!, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.deepEqual(info.peerCertificate, got[0]);
    const handshake = entries(c.log).find((e) => e.kind === 'handshake')!.text;
    assert.match(handshake, /^Chain: localhost → Test Intermediate CA → Test Root CA$/m);
  });

  it('stops where the server stopped sending, and says why it did not verify', async (t) => {
    if (!needsOpenssl(t)) return;
    const c = track(createTcpConnection({ host: '127.0.0.1', port: chainPeer.port, tls: { allowSelfSigned: true } }));
    await c.connect();
    const info = c.tls!;
    assert.equal(info.authorized, false);
    assert.equal(info.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.match(info.authorizationReason!, /issuer is not a trusted CA/);
    assert.deepEqual(info.chain!.map((x) => x.fingerprint256), chain!.fingerprints.slice(0, 2));
    const handshake = entries(c.log).find((e) => e.kind === 'handshake')!.text;
    assert.match(handshake, /NOT verified \(UNABLE_TO_GET_ISSUER_CERT_LOCALLY\): the issuer is not a trusted CA/);
  });

  it('a self-signed certificate is a chain of one that points to itself', async (t) => {
    if (!needsOpenssl(t)) return;
    const c = track(createTcpConnection({ host: '127.0.0.1', port: selfSignedPeer.port, tls: { allowSelfSigned: true } }));
    await c.connect();
    const got = c.tls!.chain!;
    assert.equal(got.length, 1);
    assert.equal(got[0]!.fingerprint256, selfSigned!.fingerprint256);
    assert.equal(got[0]!.selfIssued, true);
    assert.equal(c.tls!.authorizationReason, 'the certificate is self-signed and not in the trusted CAs');
  });

  it('wss:// reports the same chain', async (t) => {
    if (!needsOpenssl(t)) return;
    const c = track(createWebSocketConnection({ url: wssPeer.url('/'), tls: { ca: chain!.root, servername: 'localhost' } }));
    await c.connect();
    assert.deepEqual(c.tls!.chain!.map((x) => x.fingerprint256), [...chain!.fingerprints]);
  });

  it('survives issuer loops that do not reuse an object, and overlong chains', () => {
    const cert = (n: number, fingerprint256: string) => ({
      subject: { CN: `c${n}` },
      issuer: { CN: `c${n + 1}` },
      valid_from: 'Jan  1 00:00:00 2030 GMT',
      valid_to: 'Jan  2 00:00:00 2030 GMT',
      fingerprint256,
      serialNumber: String(n),
      raw: Buffer.alloc(0),
    });
    // a → b → a' (a copy of a): the walk stops at the repeated fingerprint.
    const a: Record<string, unknown> = cert(0, 'AA');
    const b: Record<string, unknown> = cert(1, 'BB');
    a.issuerCertificate = b;
    b.issuerCertificate = { ...a };
    assert.deepEqual(certificateChain(a as never).map((x) => x.fingerprint256), ['AA', 'BB']);
    // A chain of distinct certificates longer than any real one is cut.
    let head: Record<string, unknown> | undefined;
    for (let i = 40; i >= 0; i--) head = { ...cert(i, `F${i}`), ...(head ? { issuerCertificate: head } : {}) };
    assert.equal(certificateChain(head as never).length, MAX_CHAIN_LENGTH);
    assert.deepEqual(certificateChain(undefined), []);
  });
});
