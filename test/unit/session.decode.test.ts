// The decode parts of session files: `connection.layer` (checked by the layer, its secret settings kept in
// the secret store) and `view.decode`, from a panel to a file and back. The layer is the toy one of
// test/support/toyDecoders.ts (a password is its secret field), registered in this process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import { extractLayerSecrets, layerSecretIds, resolveLayerSettings } from '../../src/core/session/layerSecrets';
import type { Session } from '../../src/core/session/sessionFormat';
import { parseSession } from '../../src/core/session/sessionParse';
import { sessionToSave } from '../../src/core/session/sessionSave';
import { secretKey } from '../../src/core/session/sessionSecrets';
import { serializeSession } from '../../src/core/session/sessionSerialize';
import type { LayerChoice } from '../../src/panel/panelDecoding';
import { applySessionView, sessionLayerOf, sessionViewOf } from '../../src/panel/sessionView';
import { registerToyDecoders } from '../support/toyDecoders';
import { MemorySecretStore } from '../support/memorySecretStore';

registerToyDecoders();

const FILE = `{
  "version": 1,
  "connection": {
    "type": "tcp",
    "host": "127.0.0.1",
    "port": 1883,
    "layer": { "type": "mqtt", "clientId": "c1", "password": { "secret": "ref-1" } }
  },
  "view": {
    "decode": {
      "detectLayer": false,
      "codecs": [
        { "codec": "protobuf", "topic": "sensors/+", "messageType": "sensors.v1.Reading" },
        { "codec": "msgpack", "direction": "in" }
      ],
      "protoFiles": ["proto/sensors.proto"]
    }
  }
}
`;

function throwsBadSession(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof SocketInspectorError && e.code === 'BAD_SESSION' && message.test(e.message), String(message));
}

/** A panel as the session code sees it. */
function fakePanel(settings: DecodeSettings, layerChoice?: LayerChoice) {
  const applied: DecodeSettings[] = [];
  return {
    applied,
    framing: undefined,
    pairingField: '',
    decodeSettings: settings,
    layerChoice,
    setFraming() {},
    setPairingField: () => undefined,
    setDecodeSettings: async (s: DecodeSettings) => {
      applied.push(s);
      return s;
    },
  };
}

describe('session files with a layer and decode settings', () => {
  it('read and write back unchanged, one codec rule per line', () => {
    const session = parseSession(FILE);
    assert.deepEqual(session.connection.layer, { type: 'mqtt', clientId: 'c1', password: { secret: 'ref-1' } });
    assert.equal(session.view?.decode?.codecs?.length, 2);
    const text = serializeSession(session);
    assert.match(text, /\n {8}\{ "codec": "protobuf", "topic": "sensors\/\+", "messageType": "sensors\.v1\.Reading" \},\n/);
    assert.deepEqual(parseSession(text), session);
  });

  it('are checked by the layer itself, and a secret reference only where the layer keeps secrets', () => {
    throwsBadSession(
      () => parseSession(FILE.replace('"clientId": "c1"', '"clientId": 7')),
      /connection\.layer\.clientId must be a string/,
    );
    throwsBadSession(
      () => parseSession(FILE.replace('"clientId": "c1"', '"clientId": { "secret": "x" }')),
      /connection\.layer\.clientId is not a secret setting of Toy MQTT/,
    );
    throwsBadSession(() => parseSession(FILE.replace('"ref-1"', '"bad id!"')), /connection\.layer\.password\.secret must be a secret reference id/);
    throwsBadSession(() => parseSession(FILE.replace('"in"', '"both"')), /view\.decode\.codecs\[1\]\.direction must be "in" or "out"/);
  });

  it('open into the panel: the layer and the view\u2019s decode settings together', () => {
    const session = parseSession(FILE);
    const panel = fakePanel({});
    applySessionView(panel, session.view, (p) => assert.fail(p), session.connection);
    assert.deepEqual(panel.applied, [
      { layer: 'mqtt', detectLayer: false, codecs: session.view!.decode!.codecs, protoFiles: ['proto/sensors.proto'] },
    ]);
  });

  it('save what the panel shows: the file\u2019s own layer (references kept) while it is still chosen, a new choice, or none', () => {
    const previous = parseSession(FILE);
    const settings = { layer: 'mqtt' as const, codecs: [{ codec: 'cbor' as const }] };
    const same = fakePanel(settings, { id: 'mqtt', settings: { clientId: 'c1', password: 'resolved' } });
    const saved = sessionToSave(
      { settings: previous.connection, previous },
      { messages: [], layer: sessionLayerOf(same, previous.connection), view: sessionViewOf(same, previous.view)! },
    );
    assert.deepEqual(saved.connection.layer, previous.connection.layer);
    assert.deepEqual(saved.view?.decode, { codecs: [{ codec: 'cbor' }] });
    assert.doesNotMatch(serializeSession(saved), /resolved/);

    const none = fakePanel({});
    const cleared = sessionToSave({ settings: previous.connection, previous }, { messages: [], layer: sessionLayerOf(none, previous.connection) });
    assert.equal(cleared.connection.layer, undefined);
    assert.equal(cleared.view, undefined);
  });

  it('keep a layer\u2019s secret settings in the secret store, bound to the origin, and give them back to start the layer', async () => {
    const store = new MemorySecretStore();
    const chosen = fakePanel({ layer: 'mqtt' }, { id: 'mqtt', settings: { clientId: 'c9', password: 's3cret' } });
    const base: Session = { version: 1, connection: { type: 'tcp', host: 'broker.test', port: 1883 } };
    let session = sessionToSave({ settings: base.connection }, { messages: [], layer: sessionLayerOf(chosen, base.connection) });
    assert.equal(session.connection.layer?.password, 's3cret');
    session = await extractLayerSecrets(session, store, { env: {}, newId: () => 'id-1' });
    assert.deepEqual(session.connection.layer, { clientId: 'c9', type: 'mqtt', password: { secret: 'id-1' } });
    assert.doesNotMatch(serializeSession(session), /s3cret/);
    assert.deepEqual(layerSecretIds(session), ['id-1']);
    assert.equal(JSON.parse((await store.get(secretKey('id-1')))!).origin, 'tcp://broker.test:1883');

    // Reopened: parsed, then resolved for the layer.
    const reopened = parseSession(serializeSession(session));
    assert.deepEqual(await resolveLayerSettings(reopened.connection, store, {}), { id: 'mqtt', settings: { clientId: 'c9', password: 's3cret' } });

    // The next save keeps the reference id.
    const again = await extractLayerSecrets(
      { ...reopened, connection: { ...reopened.connection, layer: { type: 'mqtt', clientId: 'c9', password: 'changed' } } },
      store,
      { env: {}, previous: reopened, newId: () => 'id-2' },
    );
    assert.deepEqual(again.connection.layer?.password, { secret: 'id-1' });

    // Pointed elsewhere, the secret is not handed out.
    const moved = { ...reopened.connection, host: 'evil.test' };
    await assert.rejects(resolveLayerSettings(moved, store, {}), /was saved for tcp:\/\/broker\.test:1883, but this session now connects to tcp:\/\/evil\.test:1883/);
    await assert.rejects(resolveLayerSettings(reopened.connection, new MemorySecretStore(), {}), /connection\.layer\.password is a secret that is not stored on this machine/);
  });
});
