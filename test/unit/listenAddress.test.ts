import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import { DEFAULT_LISTEN_HOST, formatHostPort, formatListenAddress, parseListenAddress } from '../../src/core/listen/listenAddress';

/** Asserts that `fn` throws a SocketInspectorError with `code`, a message matching `message`, at `column`. */
function throwsCode(fn: () => unknown, code: string, message: RegExp, column?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SocketInspectorError, `expected SocketInspectorError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    if (column !== undefined) assert.equal(e.details.position?.column, column, e.message);
    return true;
  });
}

describe('parseListenAddress', () => {
  it('binds 127.0.0.1 unless the user names another address', () => {
    assert.equal(DEFAULT_LISTEN_HOST, '127.0.0.1');
    assert.deepEqual(parseListenAddress('9000'), { host: '127.0.0.1', port: 9000 });
    assert.deepEqual(parseListenAddress(':9000'), { host: '127.0.0.1', port: 9000 });
    assert.deepEqual(parseListenAddress('  0 '), { host: '127.0.0.1', port: 0 });
  });

  it('accepts host:port, [v6]:port, names and the any-address', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddress('[::1]:65535'), { host: '::1', port: 65535 });
    assert.deepEqual(parseListenAddress('localhost:8080'), { host: 'localhost', port: 8080 });
    assert.deepEqual(parseListenAddress('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
    assert.deepEqual(parseListenAddress('[::]:1'), { host: '::', port: 1 });
  });

  it("accepts the listener's own scheme and a trailing slash", () => {
    assert.deepEqual(parseListenAddress('tcp://127.0.0.1:7', 'tcp'), { host: '127.0.0.1', port: 7 });
    assert.deepEqual(parseListenAddress('ws://127.0.0.1:0/', 'ws'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddress('WS://:9', 'ws'), { host: '127.0.0.1', port: 9 });
  });

  it('refuses another scheme, TLS, and paths with a reason', () => {
    throwsCode(() => parseListenAddress('ws://127.0.0.1:1', 'tcp'), 'BAD_URL', /listens for TCP clients: use tcp:\/\/host:port/);
    throwsCode(() => parseListenAddress('http://127.0.0.1:1', 'ws'), 'BAD_URL', /listens for WebSocket clients/);
    throwsCode(() => parseListenAddress('wss://127.0.0.1:1', 'ws'), 'BAD_URL', /TLS \(wss:\/\/\) is not supported yet/);
    throwsCode(() => parseListenAddress('tls://127.0.0.1:1', 'tcp'), 'BAD_URL', /TLS \(tls:\/\/\) is not supported yet/);
    throwsCode(() => parseListenAddress('ws://127.0.0.1:1/chat', 'ws'), 'BAD_URL', /any path/, 17);
    throwsCode(() => parseListenAddress('127.0.0.1 :1'), 'BAD_URL', /no path, user or spaces/, 10);
  });

  it('says how to fix a missing or bad port, where it is', () => {
    throwsCode(() => parseListenAddress(''), 'BAD_URL', /e\.g\. 127\.0\.0\.1:0/);
    throwsCode(() => parseListenAddress('127.0.0.1'), 'BAD_PORT', /Add a port: 127\.0\.0\.1:PORT/, 10);
    throwsCode(() => parseListenAddress('[::1]'), 'BAD_PORT', /Add a port: \[::1\]:PORT/);
    throwsCode(() => parseListenAddress('127.0.0.1:'), 'BAD_PORT', /missing/, 11);
    throwsCode(() => parseListenAddress('127.0.0.1:65536'), 'BAD_PORT', /out of range \(0–65535\)/, 11);
    throwsCode(() => parseListenAddress('70000'), 'BAD_PORT', /out of range/, 1);
    throwsCode(() => parseListenAddress('host:http'), 'BAD_PORT', /"http" is not a port number/, 6);
    throwsCode(() => parseListenAddress('-1'), 'BAD_URL', /not a valid host name/);
  });

  it('wants IPv6 in brackets and checks what is between them', () => {
    throwsCode(() => parseListenAddress('::1:9000'), 'BAD_URL', /brackets, e\.g\. \[::1\]:9000/);
    throwsCode(() => parseListenAddress('[::1:9000'), 'BAD_URL', /no closing/);
    throwsCode(() => parseListenAddress('[1.2.3.4]:9'), 'BAD_URL', /not an IPv6 address/, 2);
    throwsCode(() => parseListenAddress('[::1]9'), 'BAD_URL', /Expected ':'/);
  });

  it('formats what it parses back to the same address', () => {
    for (const text of ['127.0.0.1:0', '[::1]:9000', 'localhost:1', '0.0.0.0:65535']) {
      assert.equal(formatListenAddress(parseListenAddress(text)), text);
    }
    assert.equal(formatHostPort('::1', 80), '[::1]:80');
    assert.equal(formatHostPort('127.0.0.1', '0'), '127.0.0.1:0');
  });
});
