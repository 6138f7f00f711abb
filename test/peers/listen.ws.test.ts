// Listen WebSocket… with real clients as peers: `ws` and Debian's python3-websockets. The handshake as
// it crossed the wire, messages both ways, close codes, broadcast, auto-replies, peers that vanish,
// requests that are not upgrades, stopping, and binding errors.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, it, type TestContext } from 'node:test';
import type { WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import { AutoResponder } from '../../src/core/listen/autoResponder';
import { createWsListener, type WsListenerOptions } from '../../src/core/listen/wsListener';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import type { ServerSession } from '../../src/core/connection/serverTypes';
import { eventually } from '../support/eventually';
import { peerNumber, recordingClient, type RecordingClient } from '../support/listenClients';
import { describeLog, entries, shape, waitForEntry, waitForState } from '../support/logReading';
import { pythonWebsocketsMissing, requirePeer } from '../support/requirePeer';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function listening(options: Partial<WsListenerOptions> = {}): Promise<ServerSession & { url: string }> {
  const session = createWsListener({ address: { host: '127.0.0.1', port: 0 }, ...options });
  cleanup.push(() => session.dispose());
  await session.start();
  return Object.assign(session, { url: `ws://127.0.0.1:${session.address!.port}` });
}

function client(url: string, protocols: string[] = []): RecordingClient {
  const c = recordingClient(url, protocols);
  cleanup.push(() => c.ws.terminate());
  return c;
}

/** What test/peers/fixtures/ws_client.py prints, one object per line. */
type PythonEvent = { open: true; subprotocol: string | null } | { text: string } | { binary: string } | { closed: [number, string] };

interface PythonClient {
  readonly child: ChildProcess;
  readonly events: PythonEvent[];
  command(c: object): void;
  readonly exited: Promise<void>;
}

function pythonClient(t: TestContext, url: string, protocols: string[] = []): PythonClient | undefined {
  if (!requirePeer(t, 'python3-websockets', pythonWebsocketsMissing())) return undefined;
  const child = spawn('/usr/bin/python3', [join(__dirname, 'fixtures', 'ws_client.py'), url, ...protocols], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: PythonEvent[] = [];
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)) as PythonEvent);
      buffered = buffered.slice(nl + 1);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  t.after(() => {
    if (stderr.trim()) t.diagnostic(`ws_client.py stderr: ${stderr.trim().slice(-2000)}`);
  });
  return { child, events, command: (c) => child.stdin!.write(`${JSON.stringify(c)}\n`), exited };
}

/** Sends a raw HTTP request and returns the raw response (the server closes after answering). */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('close', () => resolve(text));
    s.on('error', reject);
  });
}

describe('WebSocket listener', () => {
  it("captures a ws client's upgrade request and our 101 as they crossed the wire", async () => {
    const session = await listening();
    const c = client(`${session.url}/chat?room=7`, ['chat.v2', 'chat.v1']);
    await c.opened;
    const peer = await peerNumber(session, 1);
    const ws = peer.connection as WebSocketConnection;
    assert.equal(ws.kind, 'ws');
    assert.equal(ws.state, 'open');
    assert.equal(ws.target, `Peer #1 ${peer.remote} /chat?room=7`);
    assert.equal(ws.protocol, 'chat.v2', 'the first offered subprotocol is accepted');
    assert.equal(c.ws.protocol, 'chat.v2');
    const h = ws.handshake!;
    assert.equal(h.requestLine, 'GET /chat?room=7 HTTP/1.1');
    const names = h.requestHeaders.map(([n]) => n);
    for (const n of ['Sec-WebSocket-Version', 'Sec-WebSocket-Key', 'Connection', 'Upgrade', 'Sec-WebSocket-Protocol', 'Host']) {
      assert.ok(names.includes(n), `${n} as sent, in ${names.join(', ')}`);
    }
    assert.equal(h.statusLine, 'HTTP/1.1 101 Switching Protocols');
    assert.equal(h.status, 101);
    const key = h.requestHeaders.find(([n]) => n === 'Sec-WebSocket-Key')![1];
    const accept = h.responseHeaders!.find(([n]) => n === 'Sec-WebSocket-Accept')![1];
    assert.equal(accept, (await import('node:crypto')).createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'));
    assert.deepEqual(shape(ws.log).slice(0, 3), ['meta handshake', 'meta handshake', 'meta open']);
    const [request, response, open] = entries(ws.log);
    assert.ok(request!.text.startsWith('GET /chat?room=7 HTTP/1.1\r\n') && request!.text.endsWith('\r\n\r\n'));
    assert.ok(response!.text.startsWith('HTTP/1.1 101 Switching Protocols\r\n') && response!.text.includes('Sec-WebSocket-Protocol: chat.v2\r\n'));
    assert.match(open!.text, /^Accepted 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ \(no Origin header, subprotocol "chat\.v2", extensions: permessage-deflate\)$/);
  });

  it('logs messages both ways, answers pings with a logged pong, and logs the close codes', async () => {
    const session = await listening();
    const c = client(session.url);
    await c.opened;
    const ws = (await peerNumber(session, 1)).connection as WebSocketConnection;
    c.ws.send('héllo');
    c.ws.send(Buffer.from([0, 1, 254, 255]));
    c.ws.ping(Buffer.from('are you there'));
    await waitForEntry(ws.log, 'pong', (e) => e.direction === 'out' && e.kind === 'pong');
    ws.sendText('from the server');
    ws.sendBytes(new Uint8Array([9, 8, 7]));
    await eventually(() => c.messages.length, (n) => n === 2, 'both messages at the client');
    assert.deepEqual(c.messages.map((m) => [m.binary, [...m.data]]), [
      [false, [...Buffer.from('from the server')]],
      [true, [9, 8, 7]],
    ]);
    c.ws.close(4001, 'bye');
    await waitForState(ws, 'closed');
    const messages = entries(ws.log).filter((e) => e.direction !== 'meta');
    assert.deepEqual(
      messages.map((e) => `${e.direction} ${e.kind}${e.code ? ` ${e.code}` : ''} ${e.kind === 'binary' ? e.payload.toString('hex') : e.text}`),
      [
        'in text héllo',
        'in binary 0001feff',
        'in ping are you there',
        'out pong are you there',
        'out text from the server',
        'out binary 090807',
        'in close 4001 bye',
        'out close 4001 bye',
      ],
      describeLog(ws.log),
    );
    assert.equal(entries(ws.log).at(-1)!.text, 'Closed by the peer: 4001 "bye"');
    await waitForEntry(session.log, 'peer closed', (e) => /^#1 127\.0\.0\.1:\d+ closed: Closed by the peer: 4001 "bye"$/.test(e.text));
  });

  it('serves a python-websockets client: handshake, messages both ways, and a close we start', async (t) => {
    const session = await listening();
    const py = pythonClient(t, `${session.url}/py`, ['json']);
    if (!py) return;
    await eventually(() => py.events[0], Boolean, 'the python client to open');
    assert.deepEqual(py.events[0], { open: true, subprotocol: 'json' });
    const ws = (await peerNumber(session, 1)).connection as WebSocketConnection;
    const headers = new Map(ws.handshake!.requestHeaders.map(([n, v]) => [n, v]));
    assert.equal(headers.get('X-Client'), 'python-websockets', 'custom headers as the client sent them');
    assert.match(headers.get('User-Agent') ?? '', /websockets\/10\./);
    assert.equal(ws.handshake!.requestLine, 'GET /py HTTP/1.1');

    py.command({ send: '{"op":"hello"}' });
    py.command({ sendHex: '00ff10' });
    await waitForEntry(ws.log, 'binary in', (e) => e.direction === 'in' && e.kind === 'binary');
    ws.sendText('ünïcode');
    ws.sendBytes(new Uint8Array([0xde, 0xad]));
    await eventually(() => py.events.length, (n) => n >= 3, 'both messages at the python client');
    assert.deepEqual(py.events.slice(1, 3), [{ text: 'ünïcode' }, { binary: 'dead' }]);
    ws.close(4000, 'done here');
    await py.exited;
    assert.deepEqual(py.events.at(-1), { closed: [4000, 'done here'] });
    await waitForState(ws, 'closed');
    assert.deepEqual(
      entries(ws.log).filter((e) => e.direction !== 'meta').map((e) => `${e.direction} ${e.kind}${e.code ? ` ${e.code}` : ''} ${e.kind === 'binary' ? e.payload.toString('hex') : e.text}`),
      ['in text {"op":"hello"}', 'in binary 00ff10', 'out text ünïcode', 'out binary dead', 'out close 4000 done here', 'in close 4000 done here'],
    );
    assert.equal(entries(ws.log).at(-1)!.text, 'Closed by us: 4000 "done here"');
  });

  it('broadcasts to every open peer, ws and python alike', async (t) => {
    const session = await listening();
    const a = client(session.url);
    const b = client(session.url);
    const py = pythonClient(t, session.url);
    if (!py) return;
    await Promise.all([a.opened, b.opened]);
    await peerNumber(session, 3);
    const server = createServerConnection(session);
    server.sendText('to everyone');
    server.sendBytes(new Uint8Array([1, 2, 3]));
    for (const c of [a, b]) {
      await eventually(() => c.messages.length, (n) => n === 2, 'a ws client got both broadcasts');
      assert.deepEqual(c.messages.map((m) => [m.binary, m.data.toString('hex')]), [
        [false, Buffer.from('to everyone').toString('hex')],
        [true, '010203'],
      ]);
    }
    await eventually(() => py.events.length, (n) => n >= 3, 'the python client got both');
    assert.deepEqual(py.events.slice(1, 3), [{ text: 'to everyone' }, { binary: '010203' }]);
    for (const p of session.peers) {
      assert.deepEqual(shape(p.connection.log).filter((s) => s.startsWith('out')), ['out text', 'out binary']);
    }
    assert.deepEqual(shape(session.log).filter((s) => s.startsWith('out')), ['out text', 'out binary'], 'logged once in the server log');
  });

  it('answers by auto-reply rules, after the delay asked for', async (t) => {
    const session = await listening();
    const responder = new AutoResponder(session);
    cleanup.push(() => responder.dispose());
    responder.setRules([
      { enabled: true, match: '"op":"ping"', reply: { format: 'json', input: '{"op":"pong"}', escapes: false }, delayMs: 0 },
      { enabled: true, match: '/^bin$/', reply: { format: 'base64', input: 'AAEC', escapes: false }, delayMs: 50 },
    ]);
    const py = pythonClient(t, session.url);
    if (!py) return;
    await eventually(() => py.events[0], Boolean, 'open');
    py.command({ send: '{"op":"ping","id":1}' });
    await eventually(() => py.events.length, (n) => n >= 2, 'the first reply');
    py.command({ send: 'bin' });
    py.command({ send: 'no rule matches this' });
    await eventually(() => py.events.length, (n) => n >= 3, 'the second reply');
    assert.deepEqual(py.events.slice(1), [{ text: '{"op":"pong"}' }, { binary: '000102' }]);
    const ws = session.peers[0]!.connection;
    await waitForEntry(ws.log, 'the unmatched message', (e) => e.text === 'no rule matches this');
    const messages = entries(ws.log).filter((e) => e.kind === 'text' || e.kind === 'binary');
    assert.deepEqual(messages.slice(0, 2).map((e) => `${e.direction} ${e.text}`), ['in {"op":"ping","id":1}', 'out {"op":"pong"}'], describeLog(ws.log));
    assert.deepEqual(messages.filter((e) => e.direction === 'out').map((e) => `${e.kind} ${e.payload.toString('hex')}`), [
      `text ${Buffer.from('{"op":"pong"}').toString('hex')}`,
      'binary 000102',
    ]);
  });

  it('shows a peer that vanishes without a close handshake', async () => {
    const session = await listening();
    const c = client(session.url);
    await c.opened;
    const ws = (await peerNumber(session, 1)).connection;
    c.ws.terminate();
    await waitForState(ws, 'closed');
    // terminate() ends the client's socket with a FIN and no close frame; the peer's log says so.
    assert.match(entries(ws.log).at(-1)!.text, /^Connection lost without a close handshake \(1006\): 127\.0\.0\.1:\d+ ended the TCP connection \(FIN\) without sending a close frame$/);
    await waitForEntry(session.log, 'gone', (e) => /^#1 .* closed: Connection lost without a close handshake \(1006\)/.test(e.text));
  });

  it('answers a plain HTTP request with 426 and refuses a broken upgrade, noting both', async () => {
    const session = await listening();
    const port = session.address!.port;
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http.get(`http://127.0.0.1:${port}/index.html`, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    assert.equal(status, 426);
    const refused = await rawRequest(port, 'GET /x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n');
    assert.match(refused, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\nMissing or invalid Sec-WebSocket-Key header$/);
    const badVersion = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n');
    assert.match(badVersion, /\r\nSec-WebSocket-Version: 13, 8\r\n/);
    const notes = entries(session.log).filter((e) => e.kind === 'error').map((e) => e.text.replace(/:\d+ /, ':PORT '));
    assert.deepEqual(notes, [
      'Answered 127.0.0.1:PORT (GET /index.html) with 426: not a WebSocket upgrade',
      'Refused the WebSocket upgrade of 127.0.0.1:PORT (GET /x) with 400: Missing or invalid Sec-WebSocket-Key header',
      'Refused the WebSocket upgrade of 127.0.0.1:PORT (GET /) with 400: Missing or invalid Sec-WebSocket-Version header',
    ]);
    assert.equal(session.peers.length, 0, 'no peer for what was refused');
    // A client that does upgrade afterwards is still peer #1.
    const c = client(session.url);
    await c.opened;
    assert.equal((await peerNumber(session, 1)).id, 1);
  });

  it('closes a peer that sends more than the limit with 1009, and says how to accept it', async () => {
    const session = await listening({ maxPayload: 16 });
    const c = client(session.url);
    await c.opened;
    const ws = (await peerNumber(session, 1)).connection;
    c.ws.send('x'.repeat(17));
    assert.equal((await c.closed).code, 1009);
    await waitForState(ws, 'closed', 'error');
    assert.equal(ws.lastError?.code, 'PAYLOAD_TOO_LARGE');
    assert.match(ws.lastError!.message, /larger than the limit of 16 bytes/);
  });

  it('stops with 1001 "Server stopped" to every open peer, and refuses new clients', async (t) => {
    const session = await listening();
    const a = client(session.url);
    const py = pythonClient(t, session.url);
    if (!py) return;
    await a.opened;
    await peerNumber(session, 2);
    await session.stop();
    assert.deepEqual(await a.closed, { code: 1001, reason: 'Server stopped' });
    await py.exited;
    assert.deepEqual(py.events.at(-1), { closed: [1001, 'Server stopped'] });
    assert.ok(session.peers.every((p) => p.connection.state === 'closed'));
    assert.match(entries(session.log).at(-1)!.text, /^Stopped listening on 127\.0\.0\.1:\d+ \(closed 2 open peers\)$/);
    const late = recordingClient(session.url);
    await assert.rejects(late.opened, /ECONNREFUSED/);
  });

  it('says the address is in use (EADDRINUSE)', async () => {
    const first = await listening();
    const second = createWsListener({ address: { host: '127.0.0.1', port: first.address!.port } });
    cleanup.push(() => second.dispose());
    await assert.rejects(second.start(), (e: unknown) => e instanceof SocketInspectorError && e.code === 'BIND' && /is already in use/.test(e.message));
    assert.equal(second.state, 'error');
    assert.equal(first.state, 'listening');
  });
});
