import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SocketInspectorError } from '../../src/core/errors';
import { formatHostPort, parseListenAddress } from '../../src/core/listenAddress';

function fails(input: string, message: RegExp, column?: number, schemes?: string[]): void {
  assert.throws(
    () => parseListenAddress(input, schemes),
    (e: SocketInspectorError) => {
      assert.ok(e instanceof SocketInspectorError);
      assert.match(e.message, message);
      if (column !== undefined) assert.equal(e.details.position?.column, column, `column of ${JSON.stringify(input)}`);
      return true;
    },
  );
}

describe('parseListenAddress', () => {
  it('reads a port alone, :port, host:port, [v6]:port, with or without a scheme', () => {
    assert.deepEqual(parseListenAddress('9000'), { host: '127.0.0.1', port: 9000 });
    assert.deepEqual(parseListenAddress(':0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddress(' localhost:8080 '), { host: 'localhost', port: 8080 });
    assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListenAddress('tcp://127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddress('ws://0.0.0.0:8080/'), { host: '0.0.0.0', port: 8080 });
  });

  it('says what is wrong and where', () => {
    fails('', /Enter an address to listen on/);
    fails('localhost', /Add a port: localhost:PORT/, 10);
    fails('127.0.0.1:99999', /Port 99999 is out of range \(0–65535\)/, 11);
    fails('127.0.0.1:http', /"http" is not a port number/, 11);
    fails('127.0.0.1:', /The port is missing/, 11);
    fails('::1:80', /Put an IPv6 address in brackets/, 1);
    fails('[::1', /no closing/);
    fails('[1.2.3.4]:80', /not an IPv6 address/, 2);
    fails('ws://127.0.0.1:80/chat', /just host:port/, 18);
    fails('bad host:80', /just host:port/, 4);
    fails('tls://127.0.0.1:80', /Cannot listen with "tls:\/\/" here: use tcp:\/\/ or ws:\/\//, 1);
    fails('ws://127.0.0.1:80', /use tcp:\/\//, 1, ['tcp']);
  });

  it('formats host:port with brackets for IPv6', () => {
    assert.equal(formatHostPort('::1', 80), '[::1]:80');
    assert.equal(formatHostPort('127.0.0.1', 0), '127.0.0.1:0');
  });
});
