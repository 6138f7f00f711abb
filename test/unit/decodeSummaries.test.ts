// A row's summary is built without the tree (PayloadCodec.summarize, LayerDecoder.summarize): it must be
// the very summary decode() gives, for every codec and layer, alone and together, on well-formed
// messages and on every truncation and seeded corruption of them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { CodecRule, DecodeSettings } from '../../shared/decode/decodeSettings';
import type { LayerId } from '../../shared/decode/decoded';
import { Direction, Kind } from '../../shared/logModel';
import { codecFactory, type ProtoSchemas } from '../../src/core/decode';
import { EntryDecoding } from '../../src/core/decode/entryDecoding';
import { layerFactory } from '../../src/core/layers';
import { encodePacket } from '../../src/core/layers/mqtt/mqttEncode';
import { parsePacket } from '../../src/core/layers/mqtt/mqttParse';
import { encodeStompFrame } from '../../src/core/layers/stomp/stompEncoder';
import { EntryLog } from '../../src/core/log/entryLog';
import { loadFixtureSchemas } from '../support/protoc';
import { SeededRandom } from '../support/seededRandom';

const utf8 = new TextEncoder();
const h = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const JSON_SAMPLES = [
  '{"id":42,"name":"sensor-7","values":[21.5,21.75,22],"ok":true}',
  '[1,-2,3.5,"x",null,false,{"nested":{"deep":[[]]}}]',
  `{"long":"${'a'.repeat(300)}","more":[${Array.from({ length: 80 }, (_, i) => i).join(',')}]}`,
  '"just text"',
  '{"bin":{"$bin":"00ff10"},"big":{"$int":"18446744073709551615"}}',
];

/** Each sample, each of its truncations (a few), and seeded corruptions. */
function variants(samples: readonly Uint8Array[], seed: number): Uint8Array[] {
  const random = new SeededRandom(seed);
  const out: Uint8Array[] = [new Uint8Array(0), h('ff'), h('c1c1c1'), utf8.encode('not binary at all')];
  for (const s of samples) {
    out.push(s);
    for (let n = 0; n < s.length; n += Math.max(1, Math.floor(s.length / 12))) out.push(s.subarray(0, n));
    out.push(Uint8Array.from([...s, 0x01, 0x02]));
    for (let k = 0; k < 8; k++) {
      const c = Uint8Array.from(s);
      for (let j = 0; j < 3 && c.length > 0; j++) c[random.int(c.length)] = random.int(256);
      out.push(c);
    }
  }
  return out;
}

function codecSamples(codec: 'msgpack' | 'cbor'): Uint8Array[] {
  const c = codecFactory(codec)!.create({ codec }, {});
  return JSON_SAMPLES.map((t) => c.encode(t));
}

const PROTOBUF_SAMPLES = [h('0807 12026869 2203 0a0161 2a02 0102'), h('089601 120774657374696e67 1a03010203'), h('0a0568656c6c6f 10ffffffffffffffffff01 1d0000803f 210000000000000040')];

function mqttSamples(inner: Uint8Array): Uint8Array[] {
  const publish = (level: 4 | 5, payload: Uint8Array) =>
    encodePacket({ type: 'PUBLISH', topic: 'sensors/7/temperature', qos: 1, packetId: 7, payload, ...(level === 5 ? { properties: [] } : {}) }, level);
  return [
    publish(4, inner),
    publish(5, inner),
    publish(4, utf8.encode('plain text payload')),
    encodePacket({ type: 'SUBSCRIBE', packetId: 3, subscriptions: [{ topic: 'a/+', qos: 1 }] } as never, 4),
    encodePacket({ type: 'PINGREQ' }, 4),
    Uint8Array.from([...publish(4, inner), ...encodePacket({ type: 'PUBACK', packetId: 7 }, 4)]),
  ];
}

function stompSamples(inner: Uint8Array): Uint8Array[] {
  const message = (body: Uint8Array) =>
    encodeStompFrame({ command: 'MESSAGE', headers: [['destination', '/topic/prices'], ['message-id', '1'], ['subscription', '0'], ['content-length', String(body.length)]], body });
  return [
    message(inner),
    message(utf8.encode('{"price":1.5}')),
    utf8.encode('\n'),
    Uint8Array.from([...message(inner), ...encodeStompFrame({ command: 'RECEIPT', headers: [['receipt-id', '9']], body: new Uint8Array(0) })]),
    utf8.encode('SEND\ndestination:/q\n\nbody without its NUL'),
  ];
}

function socketIoSamples(): Uint8Array[] {
  return ['42["chat",{"id":42,"ok":true}]', '42/admin,7["ping"]', '0{"sid":"abc","pingInterval":25000,"pingTimeout":20000}', '451-["upload",{"_placeholder":true,"num":0}]', '43[1]', '2', '4', '40'].map((t) => utf8.encode(t));
}

/** Asserts summaries (tree-less, through the page's path) equal decode()'s for every payload. */
async function assertSame(settings: DecodeSettings, kind: Kind, payloads: readonly Uint8Array[], layerId?: LayerId, schemas?: ProtoSchemas): Promise<number> {
  const decoding = new EntryDecoding({ ...(schemas ? { loadProtoSchemas: async () => schemas } : {}) });
  await decoding.setSettings(settings);
  const layer = layerId ? layerFactory(layerId)!.decoder : undefined;
  const log = new EntryLog();
  for (const p of payloads) log.append(Direction.In, kind, p);
  const seqs = payloads.map((_, i) => log.firstSeq + i);
  const summaries = decoding.summaries(log, seqs, layer);
  let compared = 0;
  seqs.forEach((seq, i) => {
    const expected = decoding.decodeInput({ direction: Direction.In, kind, payload: payloads[i]! }, layer)?.summary ?? null;
    assert.equal(summaries[i], expected, `payload ${Buffer.from(payloads[i]!).toString('hex')} with ${JSON.stringify(settings)}`);
    if (expected !== null) compared++;
  });
  // A second call is served from the summary cache and gives the same.
  assert.deepEqual(decoding.summaries(log, seqs, layer), summaries);
  log.dispose();
  return compared;
}

describe('summaries without the tree equal decode().summary', () => {
  let schemas: ProtoSchemas;
  before(async () => {
    schemas = (await loadFixtureSchemas()).schemas;
  });

  for (const codec of ['msgpack', 'cbor'] as const) {
    it(`${codec}: whole messages, truncated and corrupted`, async () => {
      const n = await assertSame({ codecs: [{ codec }] }, Kind.Binary, variants(codecSamples(codec), 1));
      assert.ok(n > 50);
      const c = codecFactory(codec)!.create({ codec }, {});
      for (const p of variants(codecSamples(codec), 2)) assert.equal(c.summarize!(p), c.decode(p).summary);
    });
  }

  it('protobuf: schema-less and typed, truncated and corrupted', async () => {
    const raw: CodecRule = { codec: 'protobuf' };
    const typed: CodecRule = { codec: 'protobuf', messageType: 'chat.v1.Message' };
    assert.ok((await assertSame({ codecs: [raw] }, Kind.Binary, variants(PROTOBUF_SAMPLES, 3))) > 20);
    assert.ok((await assertSame({ codecs: [typed], protoFiles: ['fixture.proto'] }, Kind.Binary, variants(PROTOBUF_SAMPLES, 4), undefined, schemas)) > 20);
    const decoding = new EntryDecoding({ loadProtoSchemas: async () => schemas });
    await decoding.setSettings({ codecs: [typed], protoFiles: ['fixture.proto'] });
    assert.equal(decoding.summarizeInput({ direction: Direction.In, kind: Kind.Binary, payload: PROTOBUF_SAMPLES[0]! }, undefined), 'chat.v1.Message {id: 7, text: "hi", author: {…}, scores: [2]}');
  });

  const inners = (): Uint8Array[] => [codecSamples('msgpack')[0]!, codecSamples('cbor')[0]!];
  const layers: Array<[LayerId, Kind, () => Uint8Array[]]> = [
    ['mqtt', Kind.Binary, () => inners().flatMap(mqttSamples)],
    ['stomp', Kind.Text, () => inners().flatMap(stompSamples)],
    ['socketio', Kind.Text, socketIoSamples],
  ];
  for (const [id, kind, samples] of layers) {
    it(`${id}: alone and with each codec (rules matching and not), truncated and corrupted`, async () => {
      const all = variants(samples(), 5);
      for (const codecs of [[], [{ codec: 'msgpack' }], [{ codec: 'cbor' }], [{ codec: 'protobuf' }], [{ codec: 'msgpack', topic: 'other/#' }, { codec: 'cbor', topic: 'sensors/#' }]] as CodecRule[][]) {
        assert.ok((await assertSame({ layer: id, codecs }, kind, all, id)) > 20);
      }
      // A binary message (a Socket.IO attachment, an MQTT packet over WebSocket) too.
      await assertSame({ layer: id, codecs: [{ codec: 'msgpack' }] }, Kind.Binary, all, id);
    });
  }

  it('mqtt: a packet of no known version is read as 5, else as 3.1.1 (the shortcut past a failing 5 reading gives the same)', () => {
    for (const bytes of variants(inners().flatMap(mqttSamples), 6)) {
      if (bytes.length === 0) continue;
      const as5 = parsePacket(bytes, 0, 5);
      const as4 = parsePacket(bytes, 0, 4);
      const expected = bytes[0]! >> 4 === 1 || !as5.error ? as5 : as4.error ? as5 : as4;
      assert.deepEqual(parsePacket(bytes, 0), expected, Buffer.from(bytes).toString('hex'));
    }
  });

  it('a codec that cannot be made, and a layer without summarize, still give decode()’s summary', async () => {
    await assertSame({ codecs: [{ codec: 'protobuf', messageType: 'no.such.Type' }] }, Kind.Binary, PROTOBUF_SAMPLES);
    const decoding = new EntryDecoding();
    await decoding.setSettings({ layer: 'mqtt', codecs: [{ codec: 'msgpack' }] });
    const full = layerFactory('mqtt')!.decoder;
    const bare = { id: full.id, decode: full.decode };
    for (const payload of mqttSamples(codecSamples('msgpack')[0]!)) {
      const input = { direction: Direction.In, kind: Kind.Binary, payload };
      assert.equal(decoding.summarizeInput(input, bare), decoding.decodeInput(input, full)?.summary);
      assert.equal(decoding.summarizeInput(input, full), decoding.decodeInput(input, full)?.summary);
    }
  });
});
