// Which decoder and codec apply to a logged entry, and the cache of what they made.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryDecoding, ruleMatches } from '../../src/core/decode/entryDecoding';
import { topicMatches } from '../../src/core/decode/topicFilter';
import { codecRuleProblem, decodeSettingsProblem } from '../../shared/decode/decodeSettingsCheck';
import { layerFactory } from '../../src/core/layers/layerRegistry';
import { EntryLog } from '../../src/core/log/entryLog';
import { registerToyDecoders, resetToyCalls, toyCalls } from '../support/toyDecoders';

registerToyDecoders();
const layer = layerFactory('mqtt')!.decoder;

function logOf(...lines: Array<[Direction, string]>): EntryLog {
  const log = new EntryLog();
  for (const [d, t] of lines) log.appendText(d, Kind.Text, t);
  return log;
}

describe('MQTT topic filters', () => {
  it('match + on one level and # on the rest, the parent included', () => {
    assert.equal(topicMatches('sensors/+', 'sensors/1'), true);
    assert.equal(topicMatches('sensors/+', 'sensors/1/t'), false);
    assert.equal(topicMatches('sensors/#', 'sensors'), true);
    assert.equal(topicMatches('sensors/#', 'sensors/1/t'), true);
    assert.equal(topicMatches('+/+/t', 'a/b/t'), true);
    assert.equal(topicMatches('a/b', 'a/b'), true);
    assert.equal(topicMatches('a/b', 'a/c'), false);
    assert.equal(topicMatches('#', '$SYS/uptime'), false);
  });

  it('are checked in rules, with the field named', () => {
    assert.match(codecRuleProblem({ codec: 'cbor', topic: 'a/#/b' }, 'codecs[0]')!, /codecs\[0\]\.topic has "#" before the last level/);
    assert.match(codecRuleProblem({ codec: 'cbor', topic: 'a/b+' }, 'r')!, /mixes a wildcard/);
    assert.match(codecRuleProblem({ codec: 'cbor', messageType: 'x.Y' }, 'r')!, /protobuf codec only/);
    assert.match(decodeSettingsProblem({ layer: 'amqp' }, 'view.decode')!, /view\.decode\.layer must be one of socketio, mqtt, stomp/);
    assert.equal(decodeSettingsProblem({ layer: 'mqtt', detectLayer: false, codecs: [{ codec: 'protobuf', topic: 's/+', messageType: 'a.B' }], protoFiles: ['p/a.proto'] }, 'x'), undefined);
  });
});

describe('codec rules', () => {
  it('match on direction, Socket.IO event and MQTT topic', () => {
    assert.equal(ruleMatches({ codec: 'cbor' }, Direction.In, undefined), true);
    assert.equal(ruleMatches({ codec: 'cbor', direction: 'out' }, Direction.In, undefined), false);
    assert.equal(ruleMatches({ codec: 'cbor', direction: 'in' }, Direction.In, undefined), true);
    assert.equal(ruleMatches({ codec: 'cbor', event: 'chat' }, Direction.In, { event: 'chat' }), true);
    assert.equal(ruleMatches({ codec: 'cbor', event: 'chat' }, Direction.In, { event: 'news' }), false);
    assert.equal(ruleMatches({ codec: 'cbor', event: 'chat' }, Direction.In, undefined), false);
    assert.equal(ruleMatches({ codec: 'cbor', topic: 'sensors/+' }, Direction.Out, { topic: 'sensors/7' }), true);
    assert.equal(ruleMatches({ codec: 'cbor', topic: 'sensors/+' }, Direction.Out, { topic: 'other/7' }), false);
  });
});

describe('EntryDecoding', () => {
  beforeEach(resetToyCalls);

  it('decodes nothing without a layer or a rule', async () => {
    const d = new EntryDecoding();
    await d.setSettings({});
    const log = logOf([Direction.In, 'hello']);
    assert.equal(d.decode(log, 0, undefined), undefined);
  });

  it('applies the first matching rule to the whole message when no layer is spoken', async () => {
    const d = new EntryDecoding();
    await d.setSettings({ codecs: [{ codec: 'protobuf', direction: 'out' }, { codec: 'msgpack' }] });
    const log = logOf([Direction.In, 'hi'], [Direction.Out, 'abc']);
    assert.equal(d.decode(log, 0, undefined)?.summary, '"HI"');
    assert.equal(d.decode(log, 1, undefined)?.summary, 'raw v0 · 3 B');
  });

  it('never decodes meta entries, pings or closes', async () => {
    const d = new EntryDecoding();
    await d.setSettings({ codecs: [{ codec: 'msgpack' }] });
    const log = new EntryLog();
    log.appendText(Direction.Meta, Kind.Open, 'open');
    log.appendText(Direction.In, Kind.Ping, 'p');
    log.appendText(Direction.In, Kind.Close, 'bye', 1000);
    assert.deepEqual(d.summaries(log, [0, 1, 2], undefined), [null, null, null]);
    assert.equal(toyCalls.codecDecode, 0);
  });

  it('decodes the layer first, then the inner payload with the rule the packet\u2019s topic or event picks', async () => {
    const d = new EntryDecoding();
    await d.setSettings({ layer: 'mqtt', codecs: [{ codec: 'protobuf', topic: 'bin/#' }, { codec: 'msgpack', event: 'chat' }] });
    const log = logOf([Direction.In, 'PUB sensors/1 temp'], [Direction.In, 'PUB bin/a/b xyz'], [Direction.In, 'EVT chat hello'], [Direction.In, 'EVT news x'], [Direction.In, 'junk']);
    const [plain, topic, event, other, junk] = [0, 1, 2, 3, 4].map((s) => d.decode(log, s, layer));
    assert.equal(plain?.summary, 'PUBLISH sensors/1 · 4 B');
    assert.equal(plain?.inner, undefined);
    assert.equal(topic?.summary, 'PUBLISH bin/a/b · 3 B · raw v0 · 3 B');
    assert.equal(topic?.inner?.format, 'protobuf');
    assert.equal(event?.summary, 'EVENT chat · 5 B · "HELLO"');
    assert.deepEqual(EntryDecoding.fieldsOf(event!), { word: 'HELLO', type: 'EVENT', event: 'chat' });
    assert.equal(other?.inner, undefined);
    assert.deepEqual(junk?.error, { offset: 0, message: 'expected PUB or EVT' });
    // Nothing that is kept refers to the log's memory.
    assert.equal('innerPayload' in topic!, false);
  });

  it('reports a codec error with its offset, and a codec missing from the build in words', async () => {
    const d = new EntryDecoding();
    await d.setSettings({ codecs: [{ codec: 'cbor', direction: 'out' }, { codec: 'msgpack' }] });
    const log = new EntryLog();
    log.append(Direction.In, Kind.Binary, Uint8Array.of(0xff, 1));
    log.appendText(Direction.Out, Kind.Text, 'x');
    assert.deepEqual(d.decode(log, 0, undefined)?.error, { offset: 0, message: 'leading 0xff' });
    const missing = d.decode(log, 1, undefined)!;
    assert.equal(missing.error?.offset, 0);
    assert.match(missing.error!.message, /cbor codec is not available/);
  });

  it('serves scrolling back from the cache, and decodes again after a settings change', async () => {
    const d = new EntryDecoding();
    await d.setSettings({ codecs: [{ codec: 'msgpack' }] });
    const log = logOf([Direction.In, 'a'], [Direction.In, 'b']);
    d.summaries(log, [0, 1], undefined);
    d.summaries(log, [0, 1], undefined);
    assert.equal(toyCalls.codecDecode, 2);
    const generation = d.generation;
    await d.setSettings({ codecs: [{ codec: 'protobuf' }] });
    assert.notEqual(d.generation, generation);
    assert.deepEqual(d.summaries(log, [0, 1], undefined), ['raw v0 · 1 B', 'raw v0 · 1 B']);
    assert.equal(toyCalls.codecDecode, 4);
  });

  it('never shows a result of another log (a reconnect), even at the same seqs', async () => {
    const d = new EntryDecoding();
    await d.setSettings({ codecs: [{ codec: 'msgpack' }] });
    assert.deepEqual(d.summaries(logOf([Direction.In, 'old']), [0], undefined), ['"OLD"']);
    assert.deepEqual(d.summaries(logOf([Direction.In, 'new']), [0], undefined), ['"NEW"']);
  });

  it('keeps only the most recently used entries', async () => {
    const d = new EntryDecoding({ cacheEntries: 2 });
    await d.setSettings({ codecs: [{ codec: 'msgpack' }] });
    const log = logOf([Direction.In, 'a'], [Direction.In, 'b'], [Direction.In, 'c']);
    d.summaries(log, [0, 1, 0, 2], undefined); // 1 is the least recently used when 2 comes in
    assert.equal(toyCalls.codecDecode, 3);
    d.summaries(log, [0, 2], undefined);
    assert.equal(toyCalls.codecDecode, 3);
    d.summaries(log, [1], undefined);
    assert.equal(toyCalls.codecDecode, 4);
  });

  it('answers null for entries the log no longer holds', async () => {
    const d = new EntryDecoding();
    await d.setSettings({ codecs: [{ codec: 'msgpack' }] });
    const log = logOf([Direction.In, 'a']);
    log.clear();
    assert.deepEqual(d.summaries(log, [0, 5], undefined), [null, null]);
  });

  it('loads .proto files through the loader it is given, and again when one changes', async () => {
    let version = 0;
    const loaded: string[][] = [];
    const d = new EntryDecoding({
      loadProtoSchemas: async (files) => {
        loaded.push([...files]);
        return { messageTypes: ['chat.Message'], version: ++version };
      },
    });
    await d.setSettings({ protoFiles: ['chat.proto'], codecs: [{ codec: 'protobuf', messageType: 'chat.Message' }] });
    const log = logOf([Direction.In, 'abcd']);
    assert.equal(d.decode(log, 0, undefined)?.summary, 'chat.Message v1 · 4 B');
    assert.deepEqual(d.messageTypes, ['chat.Message']);
    // Same files: not loaded again.
    await d.setSettings({ protoFiles: ['chat.proto'], codecs: [{ codec: 'protobuf', messageType: 'chat.Message' }] });
    assert.equal(loaded.length, 1);
    await d.reloadSchemas();
    assert.equal(d.decode(log, 0, undefined)?.summary, 'chat.Message v2 · 4 B');
    assert.equal(loaded.length, 2);
  });

  it('says why a Protobuf rule cannot decode when the .proto files fail to load or lack the type', async () => {
    const d = new EntryDecoding({
      loadProtoSchemas: async () => {
        throw new Error('chat.proto:3:7: syntax error');
      },
    });
    await d.setSettings({ protoFiles: ['chat.proto'], codecs: [{ codec: 'protobuf', messageType: 'chat.Message' }] });
    const log = logOf([Direction.In, 'abcd']);
    assert.equal(d.protoProblem, 'chat.proto:3:7: syntax error');
    assert.match(d.decode(log, 0, undefined)!.error!.message, /The \.proto files did not load: chat\.proto:3:7: syntax error/);

    const ok = new EntryDecoding({ loadProtoSchemas: async () => ({ messageTypes: ['a.B'], version: 1 }) });
    await ok.setSettings({ protoFiles: ['a.proto'], codecs: [{ codec: 'protobuf', messageType: 'chat.Nope' }] });
    assert.match(ok.decode(log, 0, undefined)!.error!.message, /Unknown message type chat\.Nope/);
  });

  it('lets the last of two overlapping settings changes win', async () => {
    let release: (() => void) | undefined;
    const d = new EntryDecoding({
      loadProtoSchemas: (files) =>
        files[0] === 'slow.proto' ? new Promise((r) => (release = () => r({ messageTypes: [], version: 1 }))) : Promise.resolve({ messageTypes: [], version: 2 }),
    });
    const slow = d.setSettings({ protoFiles: ['slow.proto'] });
    await d.setSettings({ protoFiles: ['fast.proto'] });
    release!();
    await slow;
    assert.deepEqual(d.settings.protoFiles, ['fast.proto']);
  });
});
