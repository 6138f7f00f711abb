// The TLS key log (SSLKEYLOGFILE format), proven the way a user relies on it: tshark captures a tls://
// and a wss:// session on the loopback, and decrypts them with the key log the connections wrote — and
// cannot without it.
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { makeSelfSigned, type SelfSigned } from '../support/certificates';
import { describeLog, entries, waitForEnd, waitForEntry } from '../support/logReading';
import { startTlsServer, startWsServer, type Peer, type WsPeer } from '../support/nodePeers';
import { hexField, readCapture, startCapture } from '../support/packetCapture';
import { opensslMissing, requirePeer, tsharkMissing } from '../support/requirePeer';
import { eventually } from '../support/eventually';

let cert: SelfSigned | undefined;
let tlsEcho: Peer;
let wssEcho: WsPeer;
let dir: string;
const connections: Connection[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'si-keylog-'));
  if (opensslMissing()) return;
  cert = makeSelfSigned();
  tlsEcho = await startTlsServer(cert, (s) => {
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
  });
  wssEcho = await startWsServer({ credentials: cert });
});
after(async () => {
  for (const c of connections) c.dispose();
  await tlsEcho?.close();
  await wssEcho?.close();
  rmSync(dir, { recursive: true, force: true });
});

function track<T extends Connection>(c: T): T {
  connections.push(c);
  return c;
}

/** Guard against a hung test only. */
async function waitForFile(path: string, what: string, done: (text: string) => boolean): Promise<string> {
  const read = (): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return ''; // Not created yet.
    }
  };
  return eventually(read, done, `${what} (the key log)`, 10_000);
}

function needs(t: TestContext): boolean {
  return requirePeer(t, 'openssl', opensslMissing()) && requirePeer(t, 'tshark', tsharkMissing());
}

describe('TLS key log', () => {
  it('lets tshark decrypt a captured tls:// and wss:// session, and only with the key log', async (t) => {
    if (!needs(t)) return;
    const keyLogFile = join(dir, 'keys.log');
    const capFile = join(dir, 'cap.pcapng');
    const tlsSecret = `tls-known-payload-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const wsSecret = `wss-known-payload-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const capture = await startCapture([tlsEcho.port, wssEcho.port], capFile);
    try {
      const tcp = track(createTcpConnection({ host: '127.0.0.1', port: tlsEcho.port, tls: { allowSelfSigned: true, keyLogFile } }));
      await tcp.connect();
      tcp.sendText(tlsSecret);
      await waitForEntry(tcp.log, 'echo', (e) => e.direction === 'in' && e.kind === 'data');
      tcp.close();
      await waitForEnd(tcp);

      const ws = track(
        createWebSocketConnection({ url: wssEcho.url('/'), perMessageDeflate: false, tls: { allowSelfSigned: true, keyLogFile } }),
      );
      await ws.connect();
      ws.sendText(wsSecret);
      await waitForEntry(ws.log, 'echo', (e) => e.direction === 'in' && e.kind === 'text');
      ws.close();
      await waitForEnd(ws);

      for (const c of [tcp, ws]) {
        const notes = entries(c.log).filter((e) => e.kind === 'handshake' && e.text.startsWith('TLS key log:'));
        assert.equal(notes.length, 1, describeLog(c.log));
        assert.ok(notes[0]!.text.includes(keyLogFile), notes[0]!.text);
        assert.ok(!entries(c.log).some((e) => /TRAFFIC_SECRET|CLIENT_RANDOM/.test(e.text)), 'no secret is ever logged');
      }
    } finally {
      await capture.stop();
    }

    // Both sessions appended to the one file (TLS 1.3: one CLIENT_TRAFFIC_SECRET_0 per session), owner-only.
    const keys = await waitForFile(keyLogFile, 'two sessions', (text) => (text.match(/^CLIENT_TRAFFIC_SECRET_0 /gm) ?? []).length === 2);
    for (const line of keys.trim().split('\n')) assert.match(line, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/);
    assert.equal(statSync(keyLogFile).mode & 0o777, 0o600);

    const read = (keyLog: string | undefined) =>
      readCapture(capFile, {
        tlsPorts: [tlsEcho.port, wssEcho.port],
        ...(keyLog ? { keyLogFile: keyLog } : {}),
        filter: 'data.data or websocket.payload.text',
        fields: ['tcp.port', 'data.data', 'websocket.payload.text'],
      });
    const decrypted = read(keyLogFile);
    const tlsPlain = decrypted.map((line) => hexField(line.split('\t')[1] ?? '').toString('utf8'));
    const wsPlain = decrypted.map((line) => line.split('\t')[2] ?? '');
    // Our message and the server's echo of it.
    assert.equal(tlsPlain.filter((s) => s.includes(tlsSecret)).length, 2, decrypted.join('\n'));
    assert.ok(wsPlain.filter((s) => s.includes(wsSecret)).length >= 2, decrypted.join('\n'));

    const withoutKeys = read(undefined);
    const joined = withoutKeys.map((line) => `${line}\n${hexField(line.split('\t')[1] ?? '').toString('latin1')}`).join('\n');
    assert.ok(!joined.includes(tlsSecret) && !joined.includes(wsSecret), joined);
    // Nor anywhere in the raw capture: the payloads crossed the wire encrypted.
    const raw = readFileSync(capFile).toString('latin1');
    assert.ok(!raw.includes(tlsSecret) && !raw.includes(wsSecret));
  });

  it('a key log that cannot be written is reported, and the connection still works', async (t) => {
    if (!requirePeer(t, 'openssl', opensslMissing())) return;
    const keyLogFile = join(dir, 'no-such-folder', 'keys.log');
    const c = track(createTcpConnection({ host: '127.0.0.1', port: tlsEcho.port, tls: { allowSelfSigned: true, keyLogFile } }));
    await c.connect();
    const problem = await waitForEntry(c.log, 'key log error', (e) => e.kind === 'error');
    assert.equal(problem.text, `Cannot write the TLS key log "${keyLogFile}": its folder does not exist. The connection continues without a key log.`);
    assert.equal(c.state, 'open');
    assert.equal(c.lastError, undefined);
    c.sendText('still here');
    await waitForEntry(c.log, 'echo', (e) => e.direction === 'in' && e.text === 'still here');
  });

  it('wss:// with a key log in a folder that is a file: reported, connection works', async (t) => {
    if (!requirePeer(t, 'openssl', opensslMissing())) return;
    const keyLogFile = dir; // a folder
    const c = track(createWebSocketConnection({ url: wssEcho.url('/'), tls: { allowSelfSigned: true, keyLogFile } }));
    await c.connect();
    const problem = await waitForEntry(c.log, 'key log error', (e) => e.kind === 'error');
    assert.match(problem.text, /^Cannot write the TLS key log ".*": it is a folder\. The connection continues without a key log\.$/);
    c.sendText('ok');
    await waitForEntry(c.log, 'echo', (e) => e.direction === 'in' && e.text === 'ok');
  });

  it('a key log path that is a symbolic link is never followed: the file it points to stays as it was', async (t) => {
    if (!requirePeer(t, 'openssl', opensslMissing())) return;
    const precious = join(dir, 'precious.txt');
    writeFileSync(precious, 'keep me\n');
    const keyLogFile = join(dir, 'linked-keys.log');
    symlinkSync(precious, keyLogFile);
    for (const c of [
      track(createTcpConnection({ host: '127.0.0.1', port: tlsEcho.port, tls: { allowSelfSigned: true, keyLogFile } })),
      track(createWebSocketConnection({ url: wssEcho.url('/'), tls: { allowSelfSigned: true, keyLogFile } })),
    ]) {
      await c.connect();
      const problem = await waitForEntry(c.log, 'key log error', (e) => e.kind === 'error');
      assert.equal(problem.text, `Cannot write the TLS key log "${keyLogFile}": it is a symbolic link, which a key log never follows. The connection continues without a key log.`);
      c.sendText('still here');
      await waitForEntry(c.log, 'echo', (e) => e.direction === 'in' && e.text === 'still here');
      c.close();
    }
    assert.equal(readFileSync(precious, 'utf8'), 'keep me\n');
    assert.ok(lstatSync(keyLogFile).isSymbolicLink());
  });

  it('plain tcp:// and ws:// ignore the key log', async () => {
    const keyLogFile = join(dir, 'unused.log');
    const ws = await startWsServer();
    try {
      const c = track(createWebSocketConnection({ url: ws.url('/'), tls: { keyLogFile } }));
      await c.connect();
      assert.ok(!entries(c.log).some((e) => e.text.includes('key log')), describeLog(c.log));
      assert.throws(() => statSync(keyLogFile), /ENOENT/);
    } finally {
      await ws.close();
    }
  });
});
