// WebSocket connections against a real `ws` server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { describeLog, entries, shape, waitForEnd, waitForEntry } from '../support/logReading';
import { startTcpServer, startWsServer, type Peer, type WsPeer } from '../support/nodePeers';

const connections: WebSocketConnection[] = [];
function open(options: Parameters<typeof createWebSocketConnection>[0]): WebSocketConnection {
  const c = createWebSocketConnection(options);
  connections.push(c);
  return c;
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

describe('WebSocket connection against a ws server', () => {
  let peer: WsPeer;
  let deflatePeer: WsPeer;
  before(async () => {
    peer = await startWsServer({ handleProtocols: (offered) => (offered.has('chat.v1') ? 'chat.v1' : false) });
    deflatePeer = await startWsServer({ perMessageDeflate: true });
  });
  after(async () => {
    for (const c of connections) c.dispose();
    await peer.close();
    await deflatePeer.close();
  });

  it('echoes text and binary with exact bytes, in order', async () => {
    const c = open({ url: peer.url('/echo') });
    await c.connect();
    assert.equal(c.state, 'open');
    const text = 'héllo ✓ 𝄞 \u0000 end';
    const binary = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    c.sendText(text);
    c.sendBytes(binary);
    await waitForEntry(c.log, 'binary echo', (e) => e.direction === 'in' && e.kind === 'binary');
    const data = entries(c.log).filter((e) => e.kind === 'text' || e.kind === 'binary');
    assert.deepEqual(
      data.map((e) => `${e.direction} ${e.kind}`),
      ['out text', 'out binary', 'in text', 'in binary'],
      describeLog(c.log),
    );
    assert.deepEqual(data[0]!.payload, Buffer.from(text, 'utf8'));
    assert.deepEqual(data[2]!.payload, Buffer.from(text, 'utf8'));
    assert.deepEqual(data[1]!.payload, Buffer.from(binary));
    assert.deepEqual(data[3]!.payload, Buffer.from(binary));
    assert.deepEqual(shape(c.log).slice(0, 4), ['meta connecting', 'meta handshake', 'meta handshake', 'meta open']);
  });

  it('captures the opening handshake exactly as the server received it', async () => {
    const c = open({
      url: peer.url('/hand/shake?x=1&y=%20'),
      headers: { 'X-Custom-Header': 'Value With  Spaces', authorization: 'Bearer abc' },
      protocols: ['chat.v2', 'chat.v1'],
      perMessageDeflate: false,
    });
    await c.connect();
    const req = peer.requests.at(-1)!;
    const hs = c.handshake!;
    assert.equal(hs.requestLine, 'GET /hand/shake?x=1&y=%20 HTTP/1.1');
    // The server's rawHeaders are what crossed the wire: same names, case, values and order.
    assert.deepEqual(hs.requestHeaders, pairs(req.rawHeaders));
    assert.ok(hs.requestHeaders.some(([k, v]) => k === 'X-Custom-Header' && v === 'Value With  Spaces'));
    assert.equal(req.headers['sec-websocket-protocol'], 'chat.v2,chat.v1');
    assert.equal(req.headers['sec-websocket-extensions'], undefined);
    assert.equal(hs.statusLine, 'HTTP/1.1 101 Switching Protocols');
    assert.equal(hs.status, 101);
    const accept = hs.responseHeaders!.find(([k]) => k.toLowerCase() === 'sec-websocket-accept');
    assert.ok(accept, 'Sec-WebSocket-Accept in the captured response');
    assert.equal(c.protocol, 'chat.v1');
    assert.ok(hs.responseHeaders!.some(([k, v]) => k === 'Sec-WebSocket-Protocol' && v === 'chat.v1'));
    const [request, response] = entries(c.log).filter((e) => e.kind === 'handshake');
    const payloadText = request!.payload.toString('latin1');
    assert.ok(payloadText.startsWith('GET /hand/shake?x=1&y=%20 HTTP/1.1\r\n'), payloadText);
    assert.ok(payloadText.endsWith('\r\n\r\n'));
    assert.ok(response!.payload.toString('latin1').startsWith('HTTP/1.1 101 Switching Protocols\r\n'));
    assert.match(entries(c.log).find((e) => e.kind === 'open')!.text, /subprotocol "chat\.v1"/);
  });

  it('sends pings and answers the server pings, payloads intact', async () => {
    const c = open({ url: peer.url('/ping') });
    await c.connect();
    const server = await peer.client(peer.clients.length - 1);
    const serverPong = new Promise<Buffer>((r) => server.once('pong', r));
    c.ping(new Uint8Array([1, 2, 3, 0, 255]));
    const pong = await waitForEntry(c.log, 'pong', (e) => e.direction === 'in' && e.kind === 'pong');
    assert.deepEqual(pong.payload, Buffer.from([1, 2, 3, 0, 255]));
    server.ping(Buffer.from('are you there?'));
    assert.deepEqual(await serverPong, Buffer.from('are you there?'));
    const ping = entries(c.log).find((e) => e.direction === 'in' && e.kind === 'ping')!;
    const ourPong = entries(c.log).find((e) => e.direction === 'out' && e.kind === 'pong')!;
    assert.equal(ping.text, 'are you there?');
    assert.equal(ourPong.text, 'are you there?');
    assert.ok(ourPong.seq > ping.seq);
  });

  it('closes with our code and reason, and logs the echo', async () => {
    const c = open({ url: peer.url('/close-by-us') });
    await c.connect();
    const server = await peer.client(peer.clients.length - 1);
    const serverSaw = new Promise<[number, string]>((r) => server.once('close', (code, reason) => r([code, reason.toString()])));
    c.close(4000, 'bye ✓');
    assert.deepEqual(await serverSaw, [4000, 'bye ✓']);
    await waitForEnd(c);
    assert.equal(c.state, 'closed');
    const closes = entries(c.log).filter((e) => e.kind === 'close');
    assert.deepEqual(closes.map((e) => [e.direction, e.code, e.text]), [
      ['out', 4000, 'bye ✓'],
      ['in', 4000, 'bye ✓'],
    ]);
    assert.match(entries(c.log).at(-1)!.text, /^Closed by us: 4000 "bye ✓"/);
  });

  it('logs a close started by the server before its echo', async () => {
    const c = open({ url: peer.url('/close-by-server') });
    await c.connect();
    const server = await peer.client(peer.clients.length - 1);
    server.close(4002, 'server says bye');
    await waitForEnd(c);
    assert.equal(c.state, 'closed');
    const closes = entries(c.log).filter((e) => e.kind === 'close');
    assert.deepEqual(closes.map((e) => [e.direction, e.code, e.text]), [
      ['in', 4002, 'server says bye'],
      ['out', 4002, 'server says bye'],
    ]);
    assert.match(entries(c.log).at(-1)!.text, /^Closed by the peer: 4002/);
  });

  it('negotiates permessage-deflate when offered and the server accepts, and not when off', async () => {
    const on = open({ url: deflatePeer.url('/deflate') });
    await on.connect();
    assert.equal(on.extensions, 'permessage-deflate');
    assert.ok(on.handshake!.responseHeaders!.some(([k, v]) => k === 'Sec-WebSocket-Extensions' && v.startsWith('permessage-deflate')));
    const big = 'compress me '.repeat(5000);
    on.sendText(big);
    const echo = await waitForEntry(on.log, 'echo', (e) => e.direction === 'in' && e.kind === 'text');
    assert.equal(echo.payload.length, Buffer.byteLength(big));
    assert.equal(echo.text, big);

    const off = open({ url: deflatePeer.url('/plain'), perMessageDeflate: false });
    await off.connect();
    assert.equal(off.extensions, '');
    assert.equal(deflatePeer.requests.at(-1)!.headers['sec-websocket-extensions'], undefined);
    assert.ok(!off.handshake!.responseHeaders!.some(([k]) => k.toLowerCase() === 'sec-websocket-extensions'));
  });

  it('rejects a message over maxPayload with PAYLOAD_TOO_LARGE and closes with 1009', async () => {
    const c = open({ url: peer.url('/big'), maxPayload: 1024 });
    await c.connect();
    const server = await peer.client(peer.clients.length - 1);
    const serverSaw = new Promise<number>((r) => server.once('close', (code) => r(code)));
    server.send(Buffer.alloc(2048, 7));
    assert.equal(await serverSaw, 1009);
    await waitForEnd(c);
    assert.equal(c.state, 'error');
    assert.equal(c.lastError?.code, 'PAYLOAD_TOO_LARGE');
    assert.match(c.lastError!.message, /larger than the limit of 1024 bytes/);
    assert.equal(c.lastError!.details.systemCode, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    const out = entries(c.log).find((e) => e.direction === 'out' && e.kind === 'close');
    assert.equal(out?.code, 1009, describeLog(c.log));
    assert.ok(!entries(c.log).some((e) => e.direction === 'in' && e.kind === 'binary'));
  });

  it('checks what it sends: not before open, close codes a frame can carry, short reasons and control payloads', async () => {
    const c = open({ url: peer.url('/validate') });
    assert.throws(() => c.sendText('early'), (e: SocketInspectorError) => e.code === 'NOT_OPEN' && /not connected yet/.test(e.message));
    await c.connect();
    assert.throws(() => c.close(65536), (e: SocketInspectorError) => e.code === 'PROTOCOL' && /from 0 to 65535/.test(e.message));
    assert.throws(() => c.close(-1), /from 0 to 65535/);
    assert.throws(() => c.close(1000.5), /from 0 to 65535/);
    assert.throws(() => c.close(1000, 'é'.repeat(62)), /124 bytes.*at most 123/);
    assert.throws(() => c.ping(new Uint8Array(126)), /at most 125 bytes/);
    assert.equal(c.state, 'open', 'a rejected close leaves the connection open');
    c.close(1000, 'x'.repeat(123));
    await waitForEnd(c);
    assert.throws(() => c.sendBytes(new Uint8Array(1)), (e: SocketInspectorError) => e.code === 'NOT_OPEN' && /closed/.test(e.message));
  });

  it('dispose ends the connection at once and stops logging', async () => {
    const c = open({ url: peer.url('/dispose') });
    const states: string[] = [];
    c.onDidChangeState((s) => states.push(s));
    await c.connect();
    const server = await peer.client(peer.clients.length - 1);
    const serverSaw = new Promise<number>((r) => server.once('close', (code) => r(code)));
    c.dispose();
    assert.equal(c.state, 'closed');
    assert.deepEqual(states, ['connecting', 'open', 'closed']);
    assert.equal(entries(c.log).at(-1)!.text, 'Closed by us (disposed)');
    assert.equal(await serverSaw, 1006);
    const count = c.log.nextSeq;
    server.send('after dispose');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.log.nextSeq, count, 'nothing is logged after dispose');
  });
});

describe('WebSocket handshake timeout', () => {
  let silent: Peer;
  before(async () => {
    silent = await startTcpServer(() => {});
  });
  after(() => silent.close());

  it('fails with TIMEOUT when the server accepts but never answers the upgrade', async () => {
    const c = open({ url: `ws://127.0.0.1:${silent.port}/`, handshakeTimeoutMs: 200 });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TIMEOUT');
      assert.match(e.message, /The WebSocket upgrade with 127\.0\.0\.1:\d+ did not complete within 200 ms/);
      return true;
    });
    await waitForEnd(c);
    assert.equal(c.state, 'error');
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta handshake', 'meta error', 'meta closed']);
    assert.equal(c.handshake?.statusLine, undefined, 'no response arrived');
    assert.match(c.handshake!.requestLine, /^GET \/ HTTP\/1\.1$/);
  });
});
