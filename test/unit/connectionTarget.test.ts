import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTcpTarget, parseTcpTarget, parseWebSocketUrl } from '../../src/core/connection/connectionTarget';
import { SocketInspectorError } from '../../shared/errors';

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

describe('parseWebSocketUrl', () => {
  it('accepts ws and wss URLs with host, port, path and query', () => {
    const u = parseWebSocketUrl('ws://localhost:8080/chat?room=1');
    assert.equal(u.protocol, 'ws:');
    assert.equal(u.hostname, 'localhost');
    assert.equal(u.port, '8080');
    assert.equal(u.pathname + u.search, '/chat?room=1');
    assert.equal(parseWebSocketUrl('wss://example.com').href, 'wss://example.com/');
    assert.equal(parseWebSocketUrl('  WS://127.0.0.1:1/  ').href, 'ws://127.0.0.1:1/');
  });

  it('accepts bracketed IPv6 hosts and the highest port', () => {
    const u = parseWebSocketUrl('ws://[::1]:65535/x');
    assert.equal(u.hostname, '[::1]');
    assert.equal(u.port, '65535');
  });

  it('rejects empty input with BAD_URL', () => {
    throwsCode(() => parseWebSocketUrl(''), 'BAD_URL', /Enter a WebSocket URL/);
    throwsCode(() => parseWebSocketUrl('   '), 'BAD_URL', /Enter a WebSocket URL/);
  });

  it('suggests ws:// for http:// and wss:// for https://', () => {
    throwsCode(() => parseWebSocketUrl('http://localhost:8080/a'), 'BAD_URL', /did you mean ws:\/\/localhost:8080\/a\?/);
    // Issue 18: `ws//oops` was answered "did you mean ws://ws//oops?".
    throwsCode(() => parseWebSocketUrl('ws//oops'), 'BAD_URL', /did you mean ws:\/\/oops\?\)$/);
    throwsCode(() => parseWebSocketUrl('ws:/oops:81/a'), 'BAD_URL', /did you mean ws:\/\/oops:81\/a\?\)$/);
    throwsCode(() => parseWebSocketUrl('WSS:oops'), 'BAD_URL', /did you mean wss:\/\/oops\?\)$/);
    throwsCode(() => parseWebSocketUrl('localhost:8080'), 'BAD_URL', /did you mean ws:\/\/localhost:8080\?/);
    throwsCode(() => parseWebSocketUrl('https://example.com/'), 'BAD_URL', /did you mean wss:\/\/example\.com\/\?/);
  });

  it('explains a missing scheme', () => {
    throwsCode(() => parseWebSocketUrl('localhost:8080'), 'BAD_URL', /needs a scheme.*ws:\/\/localhost:8080/, 1);
    throwsCode(() => parseWebSocketUrl('example.com/chat'), 'BAD_URL', /needs a scheme/);
  });

  it('rejects other schemes', () => {
    throwsCode(() => parseWebSocketUrl('ftp://x'), 'BAD_URL', /Unsupported scheme "ftp:\/\/"/);
    throwsCode(() => parseWebSocketUrl('tcp://x:1'), 'BAD_URL', /TCP connection instead/);
  });

  it('rejects bad ports with BAD_PORT at the port', () => {
    throwsCode(() => parseWebSocketUrl('ws://localhost:99999/'), 'BAD_PORT', /99999 is out of range/, 16);
    throwsCode(() => parseWebSocketUrl('ws://localhost:0'), 'BAD_PORT', /out of range/);
    throwsCode(() => parseWebSocketUrl('ws://localhost:80a/'), 'BAD_PORT', /"80a" is not a port/);
    throwsCode(() => parseWebSocketUrl('ws://localhost:/'), 'BAD_PORT', /port is missing/);
    throwsCode(() => parseWebSocketUrl('ws://[::1]:-1'), 'BAD_PORT', /not a port/);
  });

  it('rejects missing or malformed hosts, fragments and spaces', () => {
    throwsCode(() => parseWebSocketUrl('ws:///path'), 'BAD_URL', /host is missing/);
    throwsCode(() => parseWebSocketUrl('ws://ex ample.com/'), 'BAD_URL', /space/);
    throwsCode(() => parseWebSocketUrl('ws://exa$mple.com/'), 'BAD_URL', /not a valid host name/, 9);
    throwsCode(() => parseWebSocketUrl('ws://x/#frag'), 'BAD_URL', /fragment/);
    throwsCode(() => parseWebSocketUrl('ws://::1:80/'), 'BAD_URL', /brackets/);
    throwsCode(() => parseWebSocketUrl('ws://[::1/'), 'BAD_URL', /closing '\]'/);
    throwsCode(() => parseWebSocketUrl('ws://[nope]:1/'), 'BAD_URL', /not an IPv6 address/);
  });
});

describe('parseTcpTarget', () => {
  it('reads host:port, tcp:// and tls://', () => {
    assert.deepEqual(parseTcpTarget('127.0.0.1:6379'), { host: '127.0.0.1', port: 6379, tls: false });
    assert.deepEqual(parseTcpTarget('tcp://localhost:1'), { host: 'localhost', port: 1, tls: false });
    assert.deepEqual(parseTcpTarget('tls://example.com:443'), { host: 'example.com', port: 443, tls: true });
    assert.deepEqual(parseTcpTarget(' TLS://example.com:443/ '), { host: 'example.com', port: 443, tls: true });
  });

  it('reads bracketed IPv6 and returns the host without brackets', () => {
    assert.deepEqual(parseTcpTarget('[::1]:8080'), { host: '::1', port: 8080, tls: false });
    assert.deepEqual(parseTcpTarget('tls://[fe80::1]:65535'), { host: 'fe80::1', port: 65535, tls: true });
  });

  it('rejects empty input and other schemes with BAD_URL', () => {
    throwsCode(() => parseTcpTarget(''), 'BAD_URL', /host:port/);
    throwsCode(() => parseTcpTarget('ws://localhost:80'), 'BAD_URL', /WebSocket connection/);
    throwsCode(() => parseTcpTarget('http://localhost:80'), 'BAD_URL', /Unsupported scheme/);
  });

  it('rejects paths, user info, spaces and unbracketed IPv6', () => {
    throwsCode(() => parseTcpTarget('tcp://localhost:80/x'), 'BAD_URL', /no path/);
    throwsCode(() => parseTcpTarget('me@localhost:80'), 'BAD_URL', /user@/);
    throwsCode(() => parseTcpTarget('local host:80'), 'BAD_URL', /no path, query or spaces/);
    throwsCode(() => parseTcpTarget('::1:80'), 'BAD_URL', /brackets/);
    throwsCode(() => parseTcpTarget(':80'), 'BAD_URL', /host is missing/);
  });

  it('requires an integer port in 1..65535 (BAD_PORT)', () => {
    throwsCode(() => parseTcpTarget('localhost'), 'BAD_PORT', /Add a port: localhost:PORT/);
    throwsCode(() => parseTcpTarget('[::1]'), 'BAD_PORT', /Add a port: \[::1\]:PORT/);
    throwsCode(() => parseTcpTarget('localhost:'), 'BAD_PORT', /missing/);
    throwsCode(() => parseTcpTarget('localhost:0'), 'BAD_PORT', /out of range/, 11);
    throwsCode(() => parseTcpTarget('localhost:65536'), 'BAD_PORT', /out of range/);
    throwsCode(() => parseTcpTarget('localhost:8.5'), 'BAD_PORT', /not a port/);
    throwsCode(() => parseTcpTarget('localhost:http'), 'BAD_PORT', /not a port/);
  });
});

describe('formatTcpTarget', () => {
  it('round-trips through parseTcpTarget', () => {
    for (const text of ['tcp://127.0.0.1:6379', 'tls://[::1]:443', 'tcp://example.com:1']) {
      assert.equal(formatTcpTarget(parseTcpTarget(text)), text);
    }
  });
});
