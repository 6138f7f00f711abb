// What a Listen or Proxy command gives its server from the settings, which origins a WebSocket listener
// allows, and which bound addresses face the network. Pure functions; the listeners themselves are
// tested with real clients in test/peers/listen.limits.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackHost } from '../../src/core/listen/listenAddress';
import { DEFAULT_IDLE_TIMEOUT_SECONDS, listenerLimitsFrom, wsListenerSettingsFrom } from '../../src/core/listen/listenerSettings';
import { compileOriginPolicy } from '../../src/core/listen/originPolicy';

describe('listener settings', () => {
  it('turns the settings into limits, and anything unusable into the defaults', () => {
    assert.deepEqual(listenerLimitsFrom({ maxPeers: 20, maxTotalMegabytes: 64, idleTimeoutSeconds: 1.5 }), { maxPeers: 20, budgetBytes: 64 * 1024 * 1024, idleTimeoutMs: 1500 });
    assert.deepEqual(listenerLimitsFrom({ idleTimeoutSeconds: 0 }).idleTimeoutMs, 0);
    for (const bad of [undefined, null, 'ten', -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const limits = listenerLimitsFrom({ maxPeers: bad, maxTotalMegabytes: bad, idleTimeoutSeconds: bad });
      assert.deepEqual(limits, { maxPeers: 1000, budgetBytes: 1024 * 1024 * 1024, idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_SECONDS * 1000 }, String(bad));
    }
  });

  it('gives a WebSocket listener the message size limit of socketInspector.maxMessageMegabytes and the allowed origins', () => {
    const options = wsListenerSettingsFrom({ maxMessageMegabytes: 0.001, allowedOrigins: ['http://localhost:*', 7, null] });
    assert.equal(options.maxPayload, 1048);
    assert.deepEqual(options.allowedOrigins, ['http://localhost:*']);
    assert.equal(wsListenerSettingsFrom({}).maxPayload, 100 * 1024 * 1024);
    assert.deepEqual(wsListenerSettingsFrom({ allowedOrigins: 'http://a' }).allowedOrigins, []);
  });
});

describe('allowed origins', () => {
  it('allows every origin without a list, or with "*" in it', () => {
    for (const list of [undefined, [], [''], ['*'], ['http://a', '*']]) {
      const policy = compileOriginPolicy(list);
      assert.equal(policy.allowsAll, true, JSON.stringify(list));
      assert.equal(policy.allows('https://evil.example'), true);
    }
  });

  it('matches origins exactly, ignoring case and a trailing slash; "*" stands for anything but "/"', () => {
    const policy = compileOriginPolicy(['http://localhost:*', 'https://*.example.com', 'null', 'HTTP://Tool.Test/']);
    for (const yes of ['http://localhost:3000', 'http://LOCALHOST:5173', 'https://app.example.com', 'https://a.b.example.com', 'null', 'http://tool.test']) {
      assert.equal(policy.allows(yes), true, yes);
    }
    for (const no of ['http://localhost', 'https://localhost:3000', 'https://example.com', 'https://evil.com/.example.com', 'http://tool.test.evil', 'https://evil.example', '']) {
      assert.equal(policy.allows(no), false, no);
    }
  });

  it('always allows a client that sends no Origin: no web page can make such a request', () => {
    assert.equal(compileOriginPolicy(['http://localhost:3000']).allows(undefined), true);
  });

  it('refuses an Origin longer than any real one, and matches a pattern of many stars', () => {
    const policy = compileOriginPolicy(['*a*a*a*a*a*a*a*a*b']);
    assert.equal(policy.allows(`http://${'a'.repeat(1000)}`), false);
    assert.equal(policy.allows(`http://${'a'.repeat(1100)}b`), false, 'longer than any real origin');
    assert.equal(policy.allows('aaaaaaaab'), true);
  });
});

describe('loopback addresses', () => {
  it('tells an address of this machine only from one other machines can reach', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'fe80::1', 'example.com', '127.0.0.256']) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });
});
