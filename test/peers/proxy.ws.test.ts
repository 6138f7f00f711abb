// Proxy WebSocket… against real peers: Debian's python3-websockets upstream (ws:// and wss:// with a
// self-signed certificate), a ws client downstream (our WebSocket connection, which logs what it saw).
// Both legs are compared frame by frame and byte for byte with what the client sent and received.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import WebSocket from 'ws';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import { createWsProxy, type WsProxyConnection } from '../../src/core/proxy';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { makeSelfSigned } from '../support/certificates';
import { describeLog, entries, waitForEnd, waitForEntry, waitForState, type Entry } from '../support/logReading';
import { closedPort, startTcpServer } from '../support/nodePeers';
import { startPythonWsServer } from '../support/processPeers';
import { heldAtLeast, networkHandles, noteTexts, peerAt, until } from '../support/proxyReading';
import { opensslMissing, pythonWebsocketsMissing, requirePeer } from '../support/requirePeer';
import { useWsProxyPeers, type PythonWsPeer } from '../support/wsProxyPeers';

const { python, needsPython, proxyTo, clientOf, pairOf } = useWsProxyPeers();

/** Frames of one direction as "kind code hex", for comparing two logs frame by frame. */
function frames(log: Entry[], direction: 'in' | 'out'): string[] {
  return log
    .filter((e) => e.direction === direction && ['text', 'binary', 'ping', 'pong', 'close'].includes(e.kind))
    .map((e) => `${e.kind}${e.code ? ` ${e.code}` : ''} ${e.payload.toString('hex')}`);
}

function received(c: WebSocketConnection): string[] {
  return entries(c.log)
    .filter((e) => e.direction === 'in' && (e.kind === 'text' || e.kind === 'binary'))
    .map((e) => (e.kind === 'text' ? e.text : `binary ${e.payload.toString('hex')}`));
}

async function receivedCount(c: WebSocketConnection, n: number): Promise<string[]> {
  await waitForEntry(c.log, `${n} messages in`, () => received(c).length >= n);
  return received(c);
}

describe('WebSocket proxy: python3-websockets upstream, ws client', () => {
  it('passes text, binary, ping/pong and close both ways; both legs frame by frame and byte for byte', async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    assert.equal(session.kind, 'ws');
    assert.equal(session.target, `ws://127.0.0.1:${session.address!.port} → ws://127.0.0.1:${python().port}/`);
    const c = clientOf(session, '/echo?q=1');
    await c.connect();
    const pair = await pairOf(session);
    await waitForState(pair, 'open');
    assert.equal(pair.upstream, `ws://127.0.0.1:${python().port}/echo?q=1`);
    assert.equal(pair.handshake?.requestLine, 'GET /echo?q=1 HTTP/1.1');

    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    c.sendText('héllo ✓ 𝄞');
    c.sendBytes(new Uint8Array([0, 1, 2, 254, 255]));
    c.sendText('');
    c.sendBytes(big);
    c.ping(Buffer.from('are you there'));
    await waitForEntry(c.log, 'pong', (e) => e.kind === 'pong');
    await receivedCount(c, 4);
    c.close(4000, 'bye ✓');
    await waitForEnd(c);
    await waitForEnd(pair);

    const clientLog = entries(c.log);
    const pairLog = entries(pair.log);
    // Leg client→proxy→server: every frame the client sent is an Out frame of the pair, same bytes, same
    // order; leg server→proxy→client: every frame the client received is an In frame of the pair.
    assert.deepEqual(frames(pairLog, 'out'), frames(clientLog, 'out'), describeLog(pair.log));
    assert.deepEqual(frames(pairLog, 'in'), frames(clientLog, 'in'), describeLog(pair.log));
    assert.deepEqual(received(c), ['héllo ✓ 𝄞', 'binary 000102feff', '', `binary ${big.toString('hex')}`]);
    assert.equal(pair.log.totals(1).bytes, c.log.totals(1).bytes);
    const closes = pairLog.filter((e) => e.kind === 'close').map((e) => `${e.direction} ${e.code} ${e.text}`);
    assert.deepEqual(closes, ['out 4000 bye ✓', 'in 4000 bye ✓']);
    assert.equal(pairLog.at(-1)!.text, 'Closed by the client: 4000 "bye ✓"');
    assert.equal(pairLog.at(-1)!.code, 4000);
    assert.equal(pair.state, 'closed');
  });

  it("logs the client's upgrade, the upstream's, and the answers, in wire order", async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''), { headers: { 'X-Added': 'by proxy' } });
    const c = clientOf(session, '/header', { headers: { 'X-Test': 'from client', Authorization: 'Bearer t' } });
    await c.connect();
    const pair = await pairOf(session);
    await waitForState(pair, 'open');
    const hs = entries(pair.log).filter((e) => e.kind === 'handshake').map((e) => e.payload);
    assert.equal(hs.length, 4, describeLog(pair.log));
    // 1: the client's request exactly as the client wrote it.
    const clientRequest = entries(c.log).find((e) => e.kind === 'handshake')!.payload;
    assert.deepEqual(hs[0], clientRequest);
    // 2: the request sent upstream: same path and query, the client's headers, the added one.
    const up = hs[1]!.toString('latin1');
    assert.match(up, /^GET \/header HTTP\/1\.1\r\n/);
    assert.match(up, /\r\nX-Test: from client\r\n/);
    assert.match(up, /\r\nAuthorization: Bearer t\r\n/);
    assert.match(up, /\r\nX-Added: by proxy\r\n/);
    assert.match(up, new RegExp(`\\r\\nHost: 127\\.0\\.0\\.1:${python().port}\\r\\n`));
    // 3: the upstream's 101, then 4: the proxy's 101 to the client, which the client received exactly.
    assert.match(hs[2]!.toString('latin1'), /^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*X-Inspector-Peer: python-websockets\r\n/);
    const clientResponse = entries(c.log).filter((e) => e.kind === 'handshake')[1]!.payload;
    assert.deepEqual(hs[3], clientResponse);
    assert.match(hs[3]!.toString('latin1'), /\r\nX-Inspector-Peer: python-websockets\r\n/);
    assert.equal(pair.handshake?.status, 101);
    assert.ok(pair.handshake?.requestHeaders.some(([k, v]) => k === 'X-Added' && v === 'by proxy'));
    assert.equal(pair.clientHandshake?.status, 101);
    assert.equal(pair.clientHandshake?.requestLine, 'GET /header HTTP/1.1');
  });

  it("passes the client's subprotocol offer upstream and answers with the upstream's choice", async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    const c = clientOf(session, '/echo', { protocols: ['nope.v0', 'chat.v1'] });
    await c.connect();
    const pair = await pairOf(session);
    await waitForState(pair, 'open');
    assert.equal(c.protocol, 'chat.v1');
    assert.equal(pair.protocol, 'chat.v1');
    assert.ok(pair.handshake!.requestHeaders.some(([k, v]) => k.toLowerCase() === 'sec-websocket-protocol' && v === 'nope.v0,chat.v1'));
    assert.match(entries(pair.log).find((e) => e.kind === 'open')!.text, /\(subprotocol "chat\.v1"/);

    const none = clientOf(session, '/echo');
    await none.connect();
    assert.equal(none.protocol, '');
    assert.equal((await pairOf(session, 1)).protocol, '');
  });

  it('answers the client with a gateway error when the upstream picks none of its subprotocols', async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    const c = clientOf(session, '/echo', { protocols: ['nope.v0'] });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => e.code === 'UPGRADE_FAILED' && e.details.status === 502);
    const pair = await pairOf(session);
    await waitForEnd(pair);
    assert.match(pair.lastError!.message, /not a valid WebSocket handshake: Server sent no subprotocol/);
    assert.match(Buffer.from(c.handshake!.responseBody!).toString(), /^Socket Inspector proxy: The upgrade response of upstream 127\.0\.0\.1:\d+ is not a valid WebSocket handshake/);
  });

  it("passes the upstream's refusal (401 with headers and body) on to the client", async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    const c = clientOf(session, '/401');
    await assert.rejects(c.connect(), (e: SocketInspectorError) => e.code === 'UPGRADE_FAILED' && e.details.status === 401);
    assert.equal(c.handshake!.statusLine, 'HTTP/1.1 401 Unauthorized');
    assert.ok(c.handshake!.responseHeaders!.some(([k, v]) => k === 'WWW-Authenticate' && v === 'Bearer realm="inspector"'));
    assert.equal(Buffer.from(c.handshake!.responseBody!).toString(), 'token required\n');
    const pair = await pairOf(session);
    await waitForEnd(pair);
    assert.equal(pair.state, 'error');
    assert.equal(pair.lastError!.message, 'Upstream: Server refused the WebSocket upgrade: 401 Unauthorized');
    assert.equal(pair.handshake!.status, 401);
    assert.equal(pair.clientHandshake!.status, 401);
    const texts = entries(pair.log).map((e) => `${e.kind} ${e.text.split('\r\n')[0]}`);
    assert.deepEqual(texts.slice(-5), [
      'handshake HTTP/1.1 401 Unauthorized',
      'error Upstream: Server refused the WebSocket upgrade: 401 Unauthorized',
      'handshake HTTP/1.1 401 Unauthorized',
      'closed Answered the client with 401 Unauthorized and closed its connection',
      'closed Not connected',
    ]);
  });

  it('answers 502 with the reason when the upstream refuses the connection', async () => {
    const port = await closedPort();
    const session = await proxyTo(`ws://127.0.0.1:${port}/`);
    const c = clientOf(session, '/x');
    await assert.rejects(c.connect(), (e: SocketInspectorError) => e.details.status === 502);
    assert.equal(
      Buffer.from(c.handshake!.responseBody!).toString(),
      `Socket Inspector proxy: Connection refused by upstream 127.0.0.1:${port} — nothing is listening there\n`,
    );
    const pair = await pairOf(session);
    await waitForEnd(pair);
    assert.equal(pair.lastError!.code, 'REFUSED');
  });

  it("passes the server's pings to the client and the client's pong back", async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    const c = clientOf(session, '/ping');
    await c.connect();
    // python sends "pong received" only once the pong to its ping came back through the proxy.
    assert.deepEqual(await receivedCount(c, 1), ['pong received']);
    const pair = await pairOf(session);
    const control = entries(pair.log).filter((e) => e.kind === 'ping' || e.kind === 'pong').map((e) => `${e.direction} ${e.kind} ${e.text}`);
    assert.deepEqual(control, ['in ping py-ping', 'out pong py-ping']);
  });

  it("passes the server's close code and reason on to the client", async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    const c = clientOf(session, '/close');
    await c.connect();
    await waitForEnd(c);
    const pair = await pairOf(session);
    await waitForEnd(pair);
    const clientClose = entries(c.log).find((e) => e.kind === 'close' && e.direction === 'in')!;
    assert.equal(clientClose.code, 4001);
    assert.equal(clientClose.text, 'bye from python');
    assert.equal(entries(pair.log).at(-1)!.text, 'Closed by the server: 4001 "bye from python"');
    assert.deepEqual(frames(entries(pair.log), 'in'), frames(entries(c.log), 'in'));
  });

  it('holds, edits (even the type), drops, releases and injects both ways', async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    const c = clientOf(session, '/echo');
    await c.connect();
    const peer = await peerAt(session, 0);
    const pair = peer.connection as WsProxyConnection;
    const controls = peer.controls;
    await waitForState(pair, 'open');

    controls.setPaused(true, 'toServer');
    c.sendText('one');
    await heldAtLeast(controls, 1, pair.log);
    assert.deepEqual(controls.held.map((h) => [h.id, h.direction, h.kind, Buffer.from(h.payload).toString()]), [[1, 'toServer', 0, 'one']]);
    controls.release(1, { text: 'ONE!' });
    assert.deepEqual(await receivedCount(c, 1), ['ONE!']);

    c.sendBytes(new Uint8Array([1, 2, 3]));
    await heldAtLeast(controls, 1, pair.log);
    controls.drop(2);
    c.sendText('after the drop');
    await heldAtLeast(controls, 1, pair.log);
    controls.releaseAll();
    // python echoes in order: had the binary message gone through, its echo would come first.
    assert.deepEqual(await receivedCount(c, 2), ['ONE!', 'after the drop']);

    controls.setPaused(false, 'toServer');
    controls.setPaused(true, 'toClient');
    c.sendText('echo me');
    await heldAtLeast(controls, 1, pair.log);
    const echo = controls.held[0]!;
    assert.equal(echo.direction, 'toClient');
    assert.equal(Buffer.from(echo.payload).toString(), 'echo me');
    // A text message replaced by a binary one: the client gets binary.
    controls.release(echo.id, { bytes: new Uint8Array([9, 9]) });
    assert.deepEqual((await receivedCount(c, 3))[2], 'binary 0909');

    controls.inject('toClient', { text: 'from the proxy' });
    assert.deepEqual((await receivedCount(c, 4))[3], 'from the proxy');
    controls.setPaused(false, 'toClient');
    controls.inject('toServer', { bytes: new Uint8Array([0xca, 0xfe]) });
    assert.deepEqual((await receivedCount(c, 5))[4], 'binary cafe');
    // The composer of a pair's panel sends toward the server, as an injection.
    pair.sendText('typed in the panel');
    assert.deepEqual((await receivedCount(c, 6))[5], 'typed in the panel');

    controls.setPaused(true);
    c.sendText('a');
    await heldAtLeast(controls, 1, pair.log);
    c.sendText('b');
    await heldAtLeast(controls, 2, pair.log);
    c.sendText('c');
    await heldAtLeast(controls, 3, pair.log);
    controls.setPaused(false, 'toServer');
    // The echoes come back held (toClient is still paused), in order.
    await heldAtLeast(controls, 3, pair.log);
    await until('three echoes held', () => controls.held.filter((h) => h.direction === 'toClient').length === 3);
    assert.deepEqual(controls.held.map((h) => Buffer.from(h.payload).toString()), ['a', 'b', 'c']);
    controls.setPaused(false);
    assert.deepEqual((await receivedCount(c, 9)).slice(6), ['a', 'b', 'c']);

    const story = entries(pair.log)
      .filter((e) => e.kind === 'note' || e.kind === 'text' || e.kind === 'binary')
      .slice(0, 14)
      .map((e) => (e.kind === 'note' ? e.text : `${e.direction} ${e.kind} ${e.kind === 'text' ? e.text : e.payload.toString('hex')}${controls.entryRole(e.seq) ? ` [${controls.entryRole(e.seq)}]` : ''}`));
    assert.deepEqual(story, [
      'Paused client→server: messages from the client are held until you release them or resume',
      'out text one [replaced]',
      '↑ Held #1 (client→server): not forwarded until you release or drop it',
      'out text ONE! [edited]',
      '↑ Edited #1 (client→server): forwarded this instead of the held text message of 3 bytes',
      'in text ONE!',
      'out binary 010203 [dropped]',
      '↑ Held #2 (client→server): not forwarded until you release or drop it',
      'Dropped #2 (client→server, 3 bytes): never forwarded',
      'out text after the drop [released]',
      '↑ Held #3 (client→server): not forwarded until you release or drop it',
      'Released #3 (client→server): forwarded as received, in order',
      'in text after the drop',
      'Resumed client→server: messages from the client are forwarded again',
    ], describeLog(pair.log));
    // The Frames view follows the upstream wire: what went to the server has its frame, what did not has none.
    const outFrames = entries(pair.log)
      .filter((e) => e.direction === 'out' && (e.kind === 'text' || e.kind === 'binary'))
      .slice(0, 4)
      .map((e) => `${e.kind === 'text' ? e.text : e.payload.toString('hex')}: ${pair.framesOf(e.seq).length}`);
    assert.deepEqual(outFrames, ['one: 0', 'ONE!: 1', '010203: 0', 'after the drop: 1']);
  });

  it("passes the client's close on only after the messages held before it", async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''), { startPaused: { toServer: true } });
    const c = clientOf(session, '/echo');
    await c.connect();
    const { connection: pair, controls } = await peerAt(session, 0);
    c.sendText('last words');
    await heldAtLeast(controls, 1, pair.log);
    c.close(1000, 'done');
    await waitForEntry(pair.log, 'deferred close', (e) => e.text === 'The client\'s close (1000 "done") is passed on to the server after the 1 held message');
    // The client leg closes (ws answers the client at once); the server leg waits for the held message.
    await waitForEnd(c);
    assert.equal(pair.state, 'closing');
    controls.drop(1);
    await waitForEnd(pair);
    const tail = entries(pair.log).slice(-4).map((e) => `${e.direction} ${e.kind}${e.code ? ` ${e.code}` : ''} ${e.text}`);
    assert.deepEqual(tail, [
      'meta note The client\'s close (1000 "done") is passed on to the server after the 1 held message',
      'meta note Dropped #1 (client→server, 10 bytes): never forwarded',
      'in close 1000 done',
      'meta closed 1000 Closed by the client: 1000 "done"',
    ]);
  });

  it('drops the upstream when the client vanishes without a close frame', async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    // A bare ws client, so the test can drop its connection without a close frame.
    const raw = new WebSocket(`ws://127.0.0.1:${session.address!.port}/echo`);
    raw.on('error', () => {});
    await new Promise((r) => raw.once('open', r));
    const pair = await pairOf(session);
    await waitForState(pair, 'open');
    raw.terminate();
    await waitForEnd(pair);
    const texts = entries(pair.log).map((e) => e.text);
    assert.ok(texts.includes('The client connection was lost without a close frame (1006); dropping the server connection too'), describeLog(pair.log));
    assert.equal(texts.at(-1), 'Closed: the client connection was lost (1006)');
  });

  it('answers 504 when the upstream accepts TCP but never answers the upgrade', async (t) => {
    const silent = await startTcpServer(() => {});
    t.after(() => silent.close());
    const session = await proxyTo(`ws://127.0.0.1:${silent.port}/`, { handshakeTimeoutMs: 300 });
    const c = clientOf(session, '/');
    await assert.rejects(c.connect(), (e: SocketInspectorError) => e.details.status === 504);
    const pair = await pairOf(session);
    await waitForEnd(pair);
    assert.equal(pair.lastError!.code, 'TIMEOUT');
    assert.equal(pair.lastError!.message, `The WebSocket upgrade with upstream 127.0.0.1:${silent.port} did not complete within 300 ms`);
  });

  it("logs the upstream's refusal with the bytes it sent, not Node's rebuilt head", async (t) => {
    const refusal = Buffer.from('HTTP/1.1 403 Forbidden\r\nX-Odd:  two  spaces \r\nContent-Length: 5\r\nConnection: close\r\n\r\nnope!', 'latin1');
    const upstream = await startTcpServer((s) => {
      s.on('error', () => {});
      s.once('data', () => s.end(refusal));
    });
    t.after(() => upstream.close());
    const session = await proxyTo(`ws://127.0.0.1:${upstream.port}/`);
    const c = clientOf(session, '/');
    await assert.rejects(c.connect(), (e: SocketInspectorError) => e.details.status === 403);
    const pair = await pairOf(session);
    await waitForEnd(pair);
    const heads = entries(pair.log).filter((e) => e.kind === 'handshake' && e.text.startsWith('HTTP/1.1 403'));
    assert.equal(heads.length, 2, describeLog(pair.log));
    assert.deepEqual(heads[0]!.payload, refusal, 'the upstream leg, byte for byte');
    assert.deepEqual(pair.handshake!.responseHeaders!.find(([k]) => k === 'X-Odd'), ['X-Odd', 'two  spaces']);
    assert.equal(Buffer.from(pair.handshake!.responseBody!).toString(), 'nope!');
  });

  it('answers 400 to an invalid upgrade request without contacting the upstream', async () => {
    const session = await proxyTo('ws://127.0.0.1:9/');
    const socket = net.connect({ host: '127.0.0.1', port: session.address!.port });
    socket.on('error', () => {});
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const closed = new Promise((r) => socket.once('close', r));
    socket.write('GET /x HTTP/1.1\r\nHost: proxy\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await closed;
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, /\r\n\r\nSocket Inspector proxy: The client's upgrade request is invalid: Sec-WebSocket-Key is missing or invalid\n$/);
    const pair = await pairOf(session);
    await waitForEnd(pair);
    assert.equal(pair.lastError!.code, 'PROTOCOL');
    assert.ok(!entries(pair.log).some((e) => /^GET \/x HTTP\/1\.1\r\nHost: 127/.test(e.text)), 'no request went upstream');
  });

  it('pings the server and closes both legs through the Connection methods of a pair', async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    const c = clientOf(session, '/echo');
    await c.connect();
    const { connection, controls } = await peerAt(session, 0);
    const pair = connection as WsProxyConnection;
    await waitForState(pair, 'open');
    pair.ping(Buffer.from('from panel'));
    const pong = await waitForEntry(pair.log, 'pong', (e) => e.kind === 'pong');
    assert.equal(pong.direction, 'in');
    assert.equal(pong.text, 'from panel');
    const ping = entries(pair.log).find((e) => e.kind === 'ping')!;
    assert.equal(controls.entryRole(ping.seq), 'injected');
    assert.throws(() => pair.ping(new Uint8Array(126)), /at most 125 bytes/);
    assert.throws(() => pair.close(70000), /a close frame carries a code from 0 to 65535/);
    assert.throws(() => pair.setAutoPong(true), /does not answer pings itself/);
    assert.equal(pair.autoPong, false);
    // Injected in 3 frames: the Frames view of the entry shows the upstream leg's 3 frames.
    pair.sendFragmented(Buffer.from('in three parts'), { binary: false, fragments: 3 });
    const echoed = await waitForEntry(pair.log, 'echo of the fragmented message', (e) => e.direction === 'in' && e.text === 'in three parts');
    const sent = entries(pair.log).find((e) => e.direction === 'out' && e.text === 'in three parts')!;
    assert.equal(controls.entryRole(sent.seq), 'injected');
    assert.deepEqual(pair.framesOf(sent.seq).map((f) => [f.opcode, f.fin, f.masked]), [[1, false, true], [0, false, true], [0, true, true]]);
    assert.deepEqual(pair.framesOf(echoed.seq).map((f) => [f.opcode, f.fin, f.masked]), [[1, true, false]]);
    pair.close(4321, 'proxy says bye');
    await waitForEnd(c);
    await waitForEnd(pair);
    assert.equal(entries(c.log).find((e) => e.kind === 'close' && e.direction === 'in')!.code, 4321);
    const closes = entries(pair.log).filter((e) => e.kind === 'close').map((e) => `${e.direction} ${e.code} ${e.text}${controls.entryRole(e.seq) ? ` [${controls.entryRole(e.seq)}]` : ''}`);
    assert.deepEqual(closes.slice(0, 2), ['out 4321 proxy says bye [injected]', 'in 4321 proxy says bye [injected]']);
    assert.equal(entries(pair.log).at(-1)!.text, 'Closed by us');
  });

  it('answers a plain HTTP request with 426 and notes it in the session log', async () => {
    const session = await proxyTo('ws://127.0.0.1:9/');
    const res = await fetch(`http://127.0.0.1:${session.address!.port}/page`);
    assert.equal(res.status, 426);
    assert.match(await res.text(), /this is a WebSocket proxy for ws:\/\/127\.0\.0\.1:9\//);
    assert.ok(entries(session.log).some((e) => e.kind === 'note' && /sent a plain HTTP request \(GET \/page\); answered 426/.test(e.text)));
    assert.equal(session.peers.length, 0);
  });

  it('rejects a bad upstream URL at once', () => {
    assert.throws(() => createWsProxy({ listen: '0', upstream: 'http://127.0.0.1:80' }), /did you mean ws:\/\/127\.0\.0\.1:80/);
    assert.throws(() => createWsProxy({ listen: 'tcp://127.0.0.1:0', upstream: 'ws://127.0.0.1:80' }), /use ws:\/\//);
  });
});

describe('WebSocket proxy: wss upstream with a self-signed certificate', () => {
  let securePython: PythonWsPeer | undefined;
  let fingerprint = '';
  before(async () => {
    if (pythonWebsocketsMissing() || opensslMissing()) return;
    const cert = makeSelfSigned();
    fingerprint = cert.fingerprint256;
    securePython = await startPythonWsServer({ tls: cert });
  });
  after(() => securePython?.close());

  function needsBoth(t: TestContext): boolean {
    return needsPython(t) && requirePeer(t, 'openssl', opensslMissing());
  }

  it('refuses the certificate unless allowed, answering the client 502 with the reason', async (t) => {
    if (!needsBoth(t)) return;
    const session = await proxyTo(securePython!.url(''));
    const c = clientOf(session, '/echo');
    await assert.rejects(c.connect(), (e: SocketInspectorError) => e.details.status === 502);
    const pair = await pairOf(session);
    await waitForEnd(pair);
    assert.equal(pair.lastError!.code, 'TLS');
    assert.match(Buffer.from(c.handshake!.responseBody!).toString(), /The certificate of upstream 127\.0\.0\.1:\d+ is self-signed/);
  });

  it('forwards through wss with allowSelfSigned and logs the upstream TLS handshake', async (t) => {
    if (!needsBoth(t)) return;
    const session = await proxyTo(securePython!.url(''), { tls: { allowSelfSigned: true } });
    const c = clientOf(session, '/bytes');
    await c.connect();
    const pair = await pairOf(session);
    const all = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).join('');
    assert.deepEqual(await receivedCount(c, 1), [`binary ${all}`]);
    c.sendText('over tls');
    assert.deepEqual((await receivedCount(c, 2))[1], 'over tls');
    assert.equal(pair.tls?.peerCertificate?.fingerprint256, fingerprint);
    const kinds = entries(pair.log).filter((e) => e.direction === 'meta').map((e) => `${e.kind} ${e.text.split('\r\n')[0]}`);
    assert.match(kinds[2]!, /^handshake Upstream TLS/);
    assert.match(kinds[3]!, /^handshake GET \/bytes HTTP\/1\.1$/);
    assert.deepEqual(frames(entries(pair.log), 'in'), frames(entries(c.log), 'in'));
  });
});

describe('WebSocket proxy: cleanup', () => {
  it('leaves no socket or server behind once stopped and disposed', async (t) => {
    if (!needsPython(t)) return;
    await until('earlier sockets closed', () => networkHandles() === 0);
    const before = networkHandles();
    const session = createWsProxy({ listen: '127.0.0.1:0', upstream: python().url('') });
    await session.start();
    const c = createWebSocketConnection({ url: `ws://127.0.0.1:${session.address!.port}/echo` });
    await c.connect();
    const { connection: pair, controls } = await peerAt(session, 0);
    controls.setPaused(true);
    c.sendText('held at stop');
    await heldAtLeast(controls, 1, pair.log);
    // An idle socket that never upgrades must not outlive the session either.
    const idle = net.connect({ host: '127.0.0.1', port: session.address!.port });
    idle.on('error', () => {});
    await new Promise((r) => idle.once('connect', r));
    await session.stop();
    assert.equal(pair.state, 'closed');
    assert.equal(noteTexts(pair.log).at(-1), '#1 was held and never forwarded: the proxy stopped');
    session.dispose();
    await waitForEnd(c);
    c.dispose();
    idle.destroy();
    await until('every socket closed', () => networkHandles() <= before);
    assert.equal(networkHandles(), before);
  });
});
