// socketInspector.maxMessageMegabytes → the maxPayload a WebSocket connection gets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_MESSAGE_MEGABYTES, MAX_MESSAGE_MEGABYTES, maxPayloadFromMegabytes, withMessageLimit } from '../../src/core/connection/messageLimit';

describe('message size limit setting', () => {
  it('turns megabytes into bytes, and a missing or nonsensical value into the default', () => {
    assert.equal(maxPayloadFromMegabytes(1), 1024 * 1024);
    assert.equal(maxPayloadFromMegabytes(0.5), 512 * 1024);
    for (const bad of [undefined, null, 'ten', 0, -5, Number.NaN, Number.POSITIVE_INFINITY, {}]) {
      assert.equal(maxPayloadFromMegabytes(bad), DEFAULT_MAX_MESSAGE_MEGABYTES * 1024 * 1024, String(bad));
    }
  });

  it('stays below what ws can hold in 32 bits', () => {
    assert.equal(maxPayloadFromMegabytes(1e9), MAX_MESSAGE_MEGABYTES * 1024 * 1024);
    assert.ok((maxPayloadFromMegabytes(1e9) | 0) > 0);
    assert.equal(maxPayloadFromMegabytes(1e-9), 1);
  });

  it('applies only where the options name no maxPayload of their own', () => {
    const plain: { url: string; maxPayload?: number } = { url: 'ws://h/' };
    const own: { url: string; maxPayload?: number } = { url: 'ws://h/', maxPayload: 10 };
    assert.deepEqual(withMessageLimit(plain, 2), { url: 'ws://h/', maxPayload: 2 * 1024 * 1024 });
    assert.deepEqual(withMessageLimit(own, 2), { url: 'ws://h/', maxPayload: 10 });
  });

  it('is contributed with the same default and maximum', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default: unknown; maximum?: number; type: string }> } };
    };
    const setting = manifest.contributes.configuration.properties['socketInspector.maxMessageMegabytes'];
    assert.ok(setting, 'socketInspector.maxMessageMegabytes is contributed');
    assert.equal(setting.type, 'number');
    assert.equal(setting.default, DEFAULT_MAX_MESSAGE_MEGABYTES);
    assert.equal(setting.maximum, MAX_MESSAGE_MEGABYTES);
  });
});
