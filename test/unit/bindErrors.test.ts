// What a person reads when a listener cannot bind. The system errors are the ones Node raises from
// server.listen() (EACCES cannot be provoked here: the tests may run as root).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindError } from '../../src/core/errors/bindErrors';
import { SocketInspectorError } from '../../shared/errors';

function systemError(code: string, message = `listen ${code}`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'listen' });
}

describe('bindError', () => {
  it('says what to do for each reason a bind fails', () => {
    const cases: Array<[string, string, string, RegExp]> = [
      ['EADDRINUSE', '127.0.0.1:80', 'BIND', /^127\.0\.0\.1:80 is already in use: .* Choose another port, or 0 for any free port\.$/],
      ['EACCES', '127.0.0.1:80', 'BIND', /^Not permitted to listen on 127\.0\.0\.1:80 \(EACCES\)\. Ports below 1024 need administrator rights; choose another port, or 0 for any free port\.$/],
      ['EADDRNOTAVAIL', '10.9.9.9:1', 'BIND', /^Cannot listen on 10\.9\.9\.9:1: 10\.9\.9\.9 is not an address of this machine \(EADDRNOTAVAIL\)/],
      ['EAFNOSUPPORT', '[::1]:1', 'BIND', /this machine has no IPv6/],
      ['ENOTFOUND', 'nohost:1', 'UNRESOLVABLE_HOST', /the host "nohost" does not resolve \(ENOTFOUND\)/],
      ['EINVAL', '127.0.0.1:1', 'BIND', /^Cannot listen on 127\.0\.0\.1:1: listen EINVAL$/],
    ];
    for (const [code, address, expected, message] of cases) {
      const host = address.startsWith('[') ? '::1' : address.slice(0, address.lastIndexOf(':'));
      const e = bindError(systemError(code), address, host);
      assert.ok(e instanceof SocketInspectorError);
      assert.equal(e.code, expected, code);
      assert.equal(e.details.systemCode, code);
      assert.match(e.message, message);
    }
  });

  it('keeps an error that is already ours, and describes anything else', () => {
    const ours = new SocketInspectorError('BAD_PORT', 'no');
    assert.equal(bindError(ours, 'x:1', 'x'), ours);
    const odd = bindError('weird', '127.0.0.1:1', '127.0.0.1');
    assert.equal(odd.code, 'BIND');
    assert.equal(odd.message, 'Cannot listen on 127.0.0.1:1: weird');
  });
});
