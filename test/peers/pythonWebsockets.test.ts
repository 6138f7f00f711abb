// WebSocket connections against a peer we did not write: Debian's python3-websockets.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { describeLog, entries, shape, waitForEnd, waitForEntry } from '../support/logReading';
import { startPythonWsServer } from '../support/processPeers';
import { pythonWebsocketsMissing, requirePeer } from '../support/requirePeer';

describe('WebSocket connection against python3-websockets', () => {
  let peer: Awaited<ReturnType<typeof startPythonWsServer>> | undefined;
  const connections: WebSocketConnection[] = [];
  before(async () => {
    if (!pythonWebsocketsMissing()) peer = await startPythonWsServer();
  });
  after(async () => {
    for (const c of connections) c.dispose();
    await peer?.close();
  });

  function connect(t: TestContext, path: string, options: { protocols?: string[] } = {}): WebSocketConnection | undefined {
    if (!requirePeer(t, 'python3-websockets (/usr/bin/python3)', pythonWebsocketsMissing())) return undefined;
    const c = createWebSocketConnection({ url: peer!.url(path), ...options });
    connections.push(c);
    return c;
  }

  it('echoes text and binary exactly', async (t) => {
    const c = connect(t, '/echo');
    if (!c) return;
    await c.connect();
    c.sendText('grüße from node ✓');
    c.sendBytes(new Uint8Array([0, 0xff, 0x80, 0x7f]));
    await waitForEntry(c.log, 'binary echo', (e) => e.direction === 'in' && e.kind === 'binary');
    const inbound = entries(c.log).filter((e) => e.direction === 'in');
    assert.deepEqual(inbound.map((e) => e.kind), ['text', 'binary'], describeLog(c.log));
    assert.deepEqual(inbound[0]!.payload, Buffer.from('grüße from node ✓'));
    assert.deepEqual(inbound[1]!.payload, Buffer.from([0, 0xff, 0x80, 0x7f]));
    // python-websockets accepts the deflate offer by default.
    assert.equal(c.extensions, 'permessage-deflate');
  });

  it('captures a custom response header and the chosen subprotocol', async (t) => {
    const c = connect(t, '/header', { protocols: ['chat.v1'] });
    if (!c) return;
    await c.connect();
    const headers = c.handshake!.responseHeaders!;
    assert.ok(
      headers.some(([k, v]) => k === 'X-Inspector-Peer' && v === 'python-websockets'),
      JSON.stringify(headers),
    );
    assert.ok(headers.some(([k, v]) => k === 'Server' && /websockets\/10\./.test(v)), JSON.stringify(headers));
    assert.equal(c.protocol, 'chat.v1');
    const response = entries(c.log).filter((e) => e.kind === 'handshake')[1]!;
    assert.match(response.payload.toString('latin1'), /\r\nX-Inspector-Peer: python-websockets\r\n/);
  });

  it('reports a 401 refusal with status, headers and body', async (t) => {
    const c = connect(t, '/401');
    if (!c) return;
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'UPGRADE_FAILED');
      assert.equal(e.message, 'Server refused the WebSocket upgrade: 401 Unauthorized');
      assert.equal(e.details.status, 401);
      return true;
    });
    await waitForEnd(c);
    const hs = c.handshake!;
    assert.equal(hs.statusLine, 'HTTP/1.1 401 Unauthorized');
    assert.equal(hs.status, 401);
    assert.ok(hs.responseHeaders!.some(([k, v]) => k === 'WWW-Authenticate' && v === 'Bearer realm="inspector"'));
    assert.ok(hs.responseHeaders!.some(([k, v]) => k === 'X-Reason' && v === 'no token'));
    assert.deepEqual(Buffer.from(hs.responseBody!), Buffer.from('token required\n'));
    assert.equal(hs.responseBodyTruncated, false);
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta handshake', 'meta handshake', 'meta error', 'meta closed']);
    const response = entries(c.log)[2]!.payload.toString('latin1');
    assert.ok(response.startsWith('HTTP/1.1 401 Unauthorized\r\n'));
    assert.ok(response.endsWith('\r\n\r\ntoken required\n'), JSON.stringify(response));
    assert.equal(c.state, 'error');
  });

  it('logs a server-initiated close with code 4001 and its reason', async (t) => {
    const c = connect(t, '/close');
    if (!c) return;
    await c.connect();
    await waitForEnd(c);
    assert.equal(c.state, 'closed', describeLog(c.log));
    const closes = entries(c.log).filter((e) => e.kind === 'close');
    assert.deepEqual(closes.map((e) => [e.direction, e.code, e.text]), [
      ['in', 4001, 'bye from python'],
      ['out', 4001, 'bye from python'],
    ]);
    const closed = entries(c.log).at(-1)!;
    assert.equal(closed.text, 'Closed by the peer: 4001 "bye from python"');
    assert.equal(closed.code, 4001);
  });

  it('receives all 256 byte values in one binary frame, exactly', async (t) => {
    const c = connect(t, '/bytes');
    if (!c) return;
    await c.connect();
    const frame = await waitForEntry(c.log, 'binary', (e) => e.direction === 'in' && e.kind === 'binary');
    assert.deepEqual(frame.payload, Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    assert.equal(c.log.length(frame.seq), 256);
  });
});
