import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import {
  downstreamResponseHeaders,
  httpResponse,
  offeredProtocols,
  upgradeRequestProblem,
  upstreamRequestHeaders,
  upstreamUrlFor,
} from '../../src/core/proxy/wsProxyHeaders';

describe('upstreamUrlFor', () => {
  it('appends the client path to the upstream path and joins queries', () => {
    assert.equal(upstreamUrlFor(new URL('ws://h:1'), '/echo?x=1').href, 'ws://h:1/echo?x=1');
    assert.equal(upstreamUrlFor(new URL('ws://h:1/base/'), '/echo').href, 'ws://h:1/base/echo');
    assert.equal(upstreamUrlFor(new URL('wss://h/base?token=t'), '/echo?x=1').href, 'wss://h/base/echo?token=t&x=1');
  });

  it('gives a client asking for / the upstream URL itself', () => {
    assert.equal(upstreamUrlFor(new URL('ws://h:1/socket?v=2'), '/').href, 'ws://h:1/socket?v=2');
    assert.equal(upstreamUrlFor(new URL('ws://h:1/socket'), '/?a=b').href, 'ws://h:1/socket?a=b');
  });
});

describe('offeredProtocols', () => {
  it('splits the client offer and rejects malformed lists', () => {
    assert.deepEqual(offeredProtocols(undefined), []);
    assert.deepEqual(offeredProtocols(''), []);
    assert.deepEqual(offeredProtocols('a, chat.v1'), ['a', 'chat.v1']);
    assert.throws(() => offeredProtocols('a, b c'), (e: SocketInspectorError) => e.code === 'PROTOCOL' && /invalid subprotocol/.test(e.message));
    assert.throws(() => offeredProtocols('a, a'), (e: SocketInspectorError) => /twice/.test(e.message));
  });
});

describe('header forwarding', () => {
  it('sends the client headers upstream except hop-by-hop and handshake ones; extra headers win', () => {
    const raw = [
      'Host', 'localhost:1',
      'Connection', 'Upgrade',
      'Upgrade', 'websocket',
      'Sec-WebSocket-Key', 'k',
      'Sec-WebSocket-Version', '13',
      'Sec-WebSocket-Protocol', 'chat.v1',
      'Sec-WebSocket-Extensions', 'permessage-deflate',
      'Origin', 'http://app',
      'Cookie', 'a=1',
      'cookie', 'b=2',
      'X-Test', 'one',
      'X-Test', 'two',
      'Authorization', 'Bearer old',
    ];
    assert.deepEqual(upstreamRequestHeaders(raw, { authorization: 'Bearer new' }), {
      Origin: 'http://app',
      Cookie: 'a=1; b=2',
      'X-Test': 'one, two',
      authorization: 'Bearer new',
    });
  });

  it('passes the upstream response headers back except the ones the proxy sets itself', () => {
    const raw = ['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Accept', 'x', 'Sec-WebSocket-Protocol', 'p', 'X-Peer', 'py', 'Set-Cookie', 's=1'];
    assert.deepEqual(downstreamResponseHeaders(raw), ['X-Peer: py', 'Set-Cookie: s=1']);
  });

  it('writes a closing HTTP response with its own Content-Length', () => {
    const r = httpResponse(401, 'Unauthorized', ['WWW-Authenticate: Bearer'], Buffer.from('no\n'));
    assert.equal(r.toString('latin1'), 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 3\r\nConnection: close\r\n\r\nno\n');
    assert.match(httpResponse(502, undefined, [], new Uint8Array()).toString(), /^HTTP\/1\.1 502 Bad Gateway\r\n/);
  });

  it('finds what a client upgrade request lacks', () => {
    const ok = { upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };
    assert.equal(upgradeRequestProblem('GET', ok), undefined);
    assert.match(upgradeRequestProblem('POST', ok)!, /method is POST/);
    assert.match(upgradeRequestProblem('GET', { ...ok, 'sec-websocket-key': 'short' })!, /Sec-WebSocket-Key/);
    assert.match(upgradeRequestProblem('GET', { ...ok, 'sec-websocket-version': '12' })!, /Version/);
    assert.match(upgradeRequestProblem('GET', { ...ok, upgrade: 'h2c' })!, /Upgrade header/);
  });
});
