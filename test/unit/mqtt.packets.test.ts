// The MQTT layer's packets: hex-literal packets of MQTT 3.1.1 and 5 read, summarized and written back;
// malformed input reported with its byte offset, never thrown; PUBLISH edited as JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { mqttDecoder } from '../../src/core/layers/mqtt/mqttDecoder';
import { encodePacket } from '../../src/core/layers/mqtt/mqttEncode';
import { packetOfForm } from '../../src/core/layers/mqtt/mqttForm';
import { PacketIds } from '../../src/core/layers/mqtt/mqttPacketIds';
import { parsePacket } from '../../src/core/layers/mqtt/mqttParse';
import { parseMqttSettings } from '../../src/core/layers/mqtt/mqttSettings';
import { detectLayer, layerFactory } from '../../src/core/layers';

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
/** A packet as hex: the first byte, the remaining length worked out, then the body. */
const pkt = (first: string, body: string) => {
  const n = body.replace(/\s+/g, '').length / 2;
  return `${first} ${n < 128 ? n.toString(16).padStart(2, '0') : `${((n % 128) | 0x80).toString(16)}${Math.floor(n / 128).toString(16).padStart(2, '0')}`} ${body}`;
};
const decode = (h: string, settings?: unknown) => mqttDecoder.decode({ payload: hex(h), direction: Direction.In, kind: Kind.Binary, settings })!;

describe('MQTT packets', () => {
  it('summarizes each packet as the row shows it', () => {
    const cases: Array<[string, string, unknown?]> = [
      // PUBLISH q1 #7 topic sensors/1, MQTT 5 with no properties, 12-byte payload.
      [pkt('32', '0009 73656e736f72732f31 0007 00 68656c6c6f20776f726c6421'), 'PUBLISH sensors/1 q1 · 12 B'],
      [pkt('82', '0003 0009 73656e736f72732f2b 01 0008 616c657274732f23 02'), 'SUBSCRIBE #3 sensors/+ q1, alerts/# q2', { version: '3.1.1' }],
      [pkt('90', '0003 00 01 80'), 'SUBACK #3 [1, 0x80]'],
      [pkt('90', '0003 01 80'), 'SUBACK #3 [1, 0x80]', { version: '3.1.1' }],
      [pkt('20', '00 86 00'), 'CONNACK 0x86 Bad user name or password'],
      [pkt('20', '00 05'), 'CONNACK 0x05 Connection Refused, not authorized'],
      [pkt('20', '01 00'), 'CONNACK 0x00 Connection Accepted · session present'],
      ['c0 00', 'PINGREQ'],
      ['d0 00', 'PINGRESP'],
      [pkt('40', '0007'), 'PUBACK #7'],
      [pkt('40', '0007 10 00'), 'PUBACK #7 0x10 No matching subscribers'],
      [pkt('62', '0009'), 'PUBREL #9'],
      [pkt('e0', '8d 00'), 'DISCONNECT 0x8d Keep Alive timeout'],
      [pkt('a2', '0004 0003 612f62'), 'UNSUBSCRIBE #4 a/b', { version: '3.1.1' }],
      [pkt('b0', '0004'), 'UNSUBACK #4'],
      [pkt('b0', '0004 00 00 11'), 'UNSUBACK #4 [0x00, 0x11]'],
      // CONNECT MQTT 3.1.1, clean, keep-alive 60, client id "c1", user "u", password "p".
      [pkt('10', '0004 4d515454 04 c2 003c 0002 6331 0001 75 0001 70'), 'CONNECT c1 · MQTT 3.1.1 · keep-alive 60 s · clean · user u'],
      // Two packets in one WebSocket message.
      ['40 02 0001 c0 00', 'PUBACK #1 + PINGREQ', { version: '3.1.1' }],
    ];
    for (const [h, summary, settings] of cases) assert.equal(decode(h, settings).summary, summary, h);
  });

  it('gives the filter its fields and the payload codec the payload', () => {
    const d = decode(pkt('3b', '0003 612f62 0005 00 7b2261223a317d'), { version: '5' });
    assert.deepEqual(d.fields, { type: 'PUBLISH', topic: 'a/b', packetId: '5', qos: '1' });
    assert.equal(d.summary, 'PUBLISH a/b q1 retain dup · 7 B');
    assert.equal(Buffer.from(d.innerPayload!).toString(), '{"a":1}');
    const payload = d.tree.children!.find((c) => c.key === 'payload')!;
    assert.deepEqual([payload.type, payload.value, payload.offset, payload.length], ['str', '"{\\"a\\":1}"', 10, 7]);
    const binary = decode(pkt('30', '0003 612f62 00 ff fe'), { version: '5' });
    assert.equal(binary.tree.children!.find((c) => c.key === 'payload')!.value, 'fffe');
  });

  it('names MQTT 5 properties as the spec does', () => {
    // PUBLISH q0 "t", properties: Content Type "text/plain", Message Expiry Interval 300, User Property k=v.
    const d = decode(pkt('30', '0001 74 19 03 000a 746578742f706c61696e 02 0000012c 26 0001 6b 0001 76 6869'), { version: '5' });
    assert.equal(d.error, undefined);
    const props = d.tree.children!.find((c) => c.key === 'properties')!.children!;
    assert.deepEqual(
      props.map((p) => [p.key, p.value]),
      [['Content Type', '"text/plain"'], ['Message Expiry Interval', '300'], ['User Property', 'k: v']],
    );
  });

  it('reports malformed input with its byte offset instead of throwing', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['32 0a 0009 73656e736f', 9, /Incomplete packet: 9 of the 12 bytes/],
      ['30 03 0009 61', 4, /ends inside the topic name/],
      ['ff ff ff ff ff', 1, /longer than 4 bytes/],
      ['60 02 0001', 0, /PUBREL must have fixed header flags 0010, not 0000/],
      ['00 00', 0, /type 0 is reserved/],
      ['36 03 0001 61', 0, /QoS 3/],
      ['20 03 00 00 05 ff', 4, /property length 5 runs past/],
      ['82 05 0001 0001 61', 7, /ends inside a topic filter \(353 bytes needed/],
    ];
    for (const [h, offset, message] of cases) {
      const d = decode(h, { version: '5' });
      assert.ok(d.error, h);
      assert.equal(d.error.offset, offset, `${h}: ${d.error.message}`);
      assert.match(d.error.message, message, h);
    }
    assert.equal(mqttDecoder.decode({ payload: hex('c0 00'), direction: Direction.In, kind: Kind.Ping }), undefined);
  });

  it('reads the version from the wire when no one says it', () => {
    assert.equal(decode(pkt('90', '0001 01')).summary, 'SUBACK #1 [1]', 'a 3.1.1 SUBACK does not parse as 5');
    assert.equal(parsePacket(hex(pkt('20', '00 00'))).level, 4);
    assert.equal(parsePacket(hex(pkt('20', '00 00 00'))).level, 5);
    assert.equal(parsePacket(hex(pkt('10', '0004 4d515454 05 02 003c 00 0000'))).level, 5);
  });

  it('writes every packet it reads back to the same bytes, in both versions', () => {
    const packets = [
      pkt('10', '0004 4d515454 04 c2 003c 0002 6331 0001 75 0001 70'),
      pkt('10', '0004 4d515454 05 2e 003c 05 11 0000000a 0002 6331 00 0001 77 0002 6279'),
      pkt('20', '00 00'),
      pkt('32', '0009 73656e736f72732f31 0007 00 68656c6c6f20776f726c6421'),
      pkt('34', '0001 74 0002 03 23 0001 6869'),
      pkt('50', '0002'),
      pkt('62', '0002'),
      pkt('70', '0002 92'),
      pkt('82', '0003 00 0006 612f2b2f2f23 2e'),
      pkt('90', '0003 00 01 80'),
      pkt('a2', '0004 00 0001 61'),
      pkt('b0', '0004 00 11'),
      'c0 00',
      'e0 00',
      pkt('f0', '18 00'),
    ];
    for (const h of packets) {
      const bytes = hex(h);
      const parsed = parsePacket(bytes);
      assert.equal(parsed.error, undefined, `${h}: ${parsed.error?.message}`);
      assert.equal(Buffer.from(encodePacket(parsed.packet!, parsed.level)).toString('hex'), Buffer.from(bytes).toString('hex'), h);
    }
  });

  it('edits a PUBLISH as JSON and writes the edit back', () => {
    const input = { payload: hex(pkt('32', '0009 73656e736f72732f31 0007 00 68656c6c6f20776f726c6421')), direction: Direction.Out, kind: Kind.Binary, settings: { version: '5' } };
    const text = mqttDecoder.toEditableText!(input)!;
    assert.deepEqual(JSON.parse(text), { topic: 'sensors/1', qos: 1, retain: false, packetId: 7, payload: 'hello world!', properties: {} });
    assert.deepEqual(mqttDecoder.fromEditableText!(text, input), input.payload, 'unchanged text gives the same bytes');
    const edited = JSON.stringify({ topic: 'sensors/2', qos: 2, retain: true, payload: { hex: '00ff' }, properties: { contentType: 'x', userProperties: [['a', 'b']] } });
    const d = mqttDecoder.decode({ ...input, payload: mqttDecoder.fromEditableText!(edited, input) })!;
    assert.equal(d.summary, 'PUBLISH sensors/2 q2 retain · 2 B');
    assert.equal(d.fields.packetId, '7');
    assert.throws(() => mqttDecoder.fromEditableText!('{"topic": "a", "qos": 3}', input), /qos must be 0, 1 or 2/);
    assert.throws(() => mqttDecoder.fromEditableText!('{"topic": "a", "qos": 0, "properties": {"colour": 1}}', input), /properties\.colour is not an MQTT 5 property/);
    assert.equal(mqttDecoder.toEditableText!({ ...input, payload: hex('c0 00') }), undefined);
  });

  it('checks the composer form', () => {
    const form = { layer: 'mqtt', action: 'publish', topic: 'a/b', payload: '6869', format: 'hex', qos: 1, retain: true, properties: '{"messageExpiryInterval": 9}' } as const;
    const p = packetOfForm(form, 5);
    assert.deepEqual([p.topic, p.qos, p.retain, Buffer.from(p.payload!).toString()], ['a/b', 1, true, 'hi']);
    assert.throws(() => packetOfForm({ ...form, topic: 'a/+' }, 5), /cannot contain the wildcards/);
    assert.throws(() => packetOfForm(form, 4), /properties exist only in MQTT 5/);
    assert.throws(() => packetOfForm({ ...form, properties: '{"messageExpiryInterval": -1}' }, 5), /messageExpiryInterval must be a whole number/);
    assert.throws(() => packetOfForm({ layer: 'mqtt', action: 'subscribe', topic: 'a/#/b', qos: 0 }, 5), /# must be a whole level, and the last one/);
    assert.throws(() => packetOfForm({ layer: 'stomp', command: 'SEND' }, 5), /a stomp form cannot be sent/);
  });

  it('reads settings with defaults, and names a wrong field', () => {
    assert.deepEqual(parseMqttSettings({}, 'layer'), { version: '5', keepAliveSeconds: 60, cleanStart: true, autoKeepAlive: true });
    assert.throws(() => parseMqttSettings({ version: '4' }, 'layer'), /layer\.version must be "3\.1\.1" or "5"/);
    assert.throws(() => parseMqttSettings({ will: { topic: 'x', qos: 3 } }, 'layer'), /layer\.will\.qos must be 0, 1 or 2/);
    assert.throws(() => parseMqttSettings({ keepalive: 5 }, 'layer'), /layer\.keepalive is not an MQTT setting/);
    assert.deepEqual(layerFactory('mqtt')!.secretFields, ['password']);
    assert.equal(detectLayer({ subprotocol: 'mqtt' })?.id, 'mqtt');
    assert.equal(detectLayer({ subprotocol: 'mqttv3.1' })?.id, 'mqtt');
    assert.equal(detectLayer({ subprotocol: 'v12.stomp' })?.id === 'mqtt', false);
  });

  it('allocates packet ids round-robin and frees them', () => {
    const ids = new PacketIds();
    assert.deepEqual([ids.allocate(), ids.allocate(), ids.allocate()], [1, 2, 3]);
    ids.free(2);
    assert.equal(ids.allocate(), 4, 'a freed id is not reused at once');
    for (let i = 0; i < 0xffff - 3; i++) ids.allocate();
    assert.equal(ids.inUse, 0xffff);
    assert.equal(ids.allocate(), undefined);
  });
});
