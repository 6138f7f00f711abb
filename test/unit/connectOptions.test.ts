import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxyOptionsFrom, tcpOptionsFrom, webSocketOptionsFrom } from '../../src/core/connection/connectOptions';
import { SocketInspectorError } from '../../shared/errors';

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SocketInspectorError, `not a SocketInspectorError: ${String(e)}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('webSocketOptionsFrom', () => {
  it('accepts a URL string', () => {
    assert.deepEqual(webSocketOptionsFrom('ws://127.0.0.1:8080/chat'), { url: 'ws://127.0.0.1:8080/chat' });
  });

  it('keeps every supported option from an object', () => {
    const o = webSocketOptionsFrom({
      url: 'wss://localhost:8443/x?y=1',
      headers: { Authorization: 'Bearer t' },
      protocols: 'chat',
      perMessageDeflate: false,
      handshakeTimeoutMs: 500,
      maxPayload: 1024,
      tls: { allowSelfSigned: true, servername: 'example.test', ca: ['PEM'] },
    });
    assert.deepEqual(o, {
      url: 'wss://localhost:8443/x?y=1',
      headers: { Authorization: 'Bearer t' },
      protocols: ['chat'],
      perMessageDeflate: false,
      handshakeTimeoutMs: 500,
      maxPayload: 1024,
      tls: { allowSelfSigned: true, servername: 'example.test', ca: ['PEM'] },
    });
  });

  it('names the field that is wrong', () => {
    throwsCode(() => webSocketOptionsFrom({}), 'BAD_URL', /"url"/);
    throwsCode(() => webSocketOptionsFrom(42), 'BAD_URL');
    throwsCode(() => webSocketOptionsFrom({ url: 'ws://a:1', headers: { a: 1 } }), 'BAD_URL', /"headers"/);
    throwsCode(() => webSocketOptionsFrom({ url: 'ws://a:1', protocols: [1] }), 'BAD_URL', /"protocols"/);
    throwsCode(() => webSocketOptionsFrom({ url: 'ws://a:1', handshakeTimeoutMs: -1 }), 'BAD_URL', /handshakeTimeoutMs/);
    throwsCode(() => webSocketOptionsFrom({ url: 'ws://a:1', perMessageDeflate: 'yes' }), 'BAD_URL', /perMessageDeflate/);
    throwsCode(() => webSocketOptionsFrom({ url: 'ws://a:1', tls: 'on' }), 'BAD_URL', /"tls"/);
    throwsCode(() => webSocketOptionsFrom({ url: 'ws://a:99999' }), 'BAD_PORT');
  });
});

describe('tcpOptionsFrom', () => {
  it('accepts target strings', () => {
    assert.deepEqual(tcpOptionsFrom('127.0.0.1:6379'), { host: '127.0.0.1', port: 6379, tls: false });
    assert.deepEqual(tcpOptionsFrom('tls://localhost:443'), { host: 'localhost', port: 443, tls: true });
  });

  it('accepts host and port, IPv6 without brackets, and TLS options', () => {
    assert.deepEqual(tcpOptionsFrom({ host: '::1', port: 7 }), { host: '::1', port: 7, tls: false });
    assert.deepEqual(tcpOptionsFrom({ host: 'localhost', port: '8443', tls: { allowSelfSigned: true }, connectTimeoutMs: 100 }), {
      host: 'localhost',
      port: 8443,
      tls: { allowSelfSigned: true },
      connectTimeoutMs: 100,
    });
    assert.deepEqual(tcpOptionsFrom({ target: 'tls://h:1' }), { host: 'h', port: 1, tls: true });
  });

  it('refuses missing or wrong host and port with a clear message', () => {
    throwsCode(() => tcpOptionsFrom({ port: 1 }), 'BAD_URL', /"host"/);
    throwsCode(() => tcpOptionsFrom({ host: 'h' }), 'BAD_PORT', /"port"/);
    throwsCode(() => tcpOptionsFrom({ host: 'h', port: 0 }), 'BAD_PORT');
    throwsCode(() => tcpOptionsFrom({ host: 'h', port: 70000 }), 'BAD_PORT');
    throwsCode(() => tcpOptionsFrom(null), 'BAD_URL');
  });
});

describe('proxyOptionsFrom', () => {
  it('takes listen, upstream, TLS toward the upstream, WebSocket headers and the directions to hold', () => {
    assert.deepEqual(
      proxyOptionsFrom(
        { listen: ':0', upstream: 'wss://h/', tls: { allowSelfSigned: true, servername: 'h' }, headers: { Authorization: 'Bearer x' }, startPaused: { toServer: true } },
        'ws',
      ),
      { listen: ':0', upstream: 'wss://h/', tls: { servername: 'h', allowSelfSigned: true }, headers: { Authorization: 'Bearer x' }, startPaused: { toServer: true } },
    );
    assert.deepEqual(proxyOptionsFrom({}, 'tcp'), {});
    assert.deepEqual(proxyOptionsFrom({ upstream: 'tls://h:1', tls: { ca: 'PEM' } }, 'tcp'), { upstream: 'tls://h:1', tls: { ca: 'PEM' } });
  });

  it('names the field that is wrong', () => {
    throwsCode(() => proxyOptionsFrom('127.0.0.1:0', 'tcp'), 'BAD_URL', /Expected an object/);
    throwsCode(() => proxyOptionsFrom({ listen: 9000 }, 'tcp'), 'BAD_URL', /"listen" must be a string/);
    throwsCode(() => proxyOptionsFrom({ headers: { a: 'b' } }, 'tcp'), 'BAD_URL', /"headers" apply to a WebSocket upstream only/);
    throwsCode(() => proxyOptionsFrom({ headers: { a: 1 } }, 'ws'), 'BAD_URL', /"headers" must be an object/);
    throwsCode(() => proxyOptionsFrom({ tls: { allowSelfSigned: 'yes' } }, 'ws'), 'BAD_URL', /"allowSelfSigned" must be true or false/);
    throwsCode(() => proxyOptionsFrom({ startPaused: true }, 'ws'), 'BAD_URL', /"startPaused" must be an object/);
  });
});
