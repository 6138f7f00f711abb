// The mqtt framer: a TCP stream cut into MQTT packets at the fixed header's remaining length, whatever
// the chunking; oversized and malformed headers reported; the spec's text and JSON forms; and mqtt://
// and mqtts:// targets with their default ports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFramer, formatFramerSpec, framerSpecFromJson, framerSpecToJson, MQTT_PACKETS, parseFramerSpec, sameFramer } from '../../shared/framerSpec';
import { checkMessage, hostIncoming } from '../../shared/messageSchema';
import type { SocketInspectorError } from '../../shared/errors';
import { parseTcpTarget } from '../../src/core/connection/connectionTarget';
import { createFramerDecoder } from '../../src/core/framing/framerDecoder';
import { encodeFramed } from '../../src/core/framing/framerEncoder';

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** Frames the stream pushed in the given chunk sizes; returns the packets as hex and the errors. */
function frame(stream: Uint8Array, cuts: number[], max?: number): { packets: string[]; errors: string[]; pending: number } {
  const packets: string[] = [];
  const errors: string[] = [];
  const d = createFramerDecoder(MQTT_PACKETS, (m) => packets.push(Buffer.from(m).toString('hex')), {
    onError: (e: SocketInspectorError) => errors.push(e.message),
    ...(max ? { maxMessageBytes: max } : {}),
  });
  let at = 0;
  for (const n of cuts) {
    d.push(stream.subarray(at, at + n));
    at += n;
  }
  d.push(stream.subarray(at));
  return { packets, errors, pending: d.pending };
}

// CONNACK, PINGRESP, a PUBLISH of 200 bytes (two-byte remaining length), SUBACK.
const big = `30 c801 0001 61 ${'78'.repeat(197)}`;
const STREAM = hex(`20 02 00 00  d0 00  ${big}  90 03 0001 01`);
const EXPECTED = ['20020000', 'd000', hex(big).reduce((s, b) => s + b.toString(16).padStart(2, '0'), ''), '9003000101'];

describe('mqtt framer', () => {
  it('cuts a stream into whole packets, fixed header included, however it is chunked', () => {
    assert.deepEqual(frame(STREAM, []).packets, EXPECTED);
    assert.deepEqual(frame(STREAM, Array(STREAM.length).fill(1)).packets, EXPECTED, 'one byte at a time');
    for (let cut = 1; cut < STREAM.length; cut++) assert.deepEqual(frame(STREAM, [cut]).packets, EXPECTED, `cut at ${cut}`);
    assert.deepEqual(frame(STREAM, [5, 1, 2]).packets, EXPECTED);
  });

  it('holds an incomplete packet and hands it back at the end', () => {
    const r = frame(hex('20 02 00 00 30 05 0001'), []);
    assert.deepEqual(r.packets, ['20020000']);
    assert.equal(r.pending, 4);
  });

  it('skips a packet above the message limit and keeps reading after it', () => {
    const r = frame(hex(`${big} c0 00`), [3, 50], 100);
    assert.deepEqual(r.packets, ['c000']);
    assert.match(r.errors[0]!, /announces 203 bytes, more than the message limit of 100 bytes/);
  });

  it('reports a remaining length longer than 4 bytes', () => {
    const r = frame(hex('30 ff ff ff ff c0 00'), [2]);
    assert.match(r.errors[0]!, /longer than 4 bytes/);
    assert.deepEqual(r.packets, ['c000'], 'the byte after the 5 dropped is read as a new packet');
  });

  it('has a name, a text form and a JSON form', () => {
    assert.equal(describeFramer(MQTT_PACKETS), 'MQTT packets');
    assert.equal(formatFramerSpec(MQTT_PACKETS), 'mqtt');
    assert.ok(sameFramer(parseFramerSpec('MQTT'), MQTT_PACKETS));
    assert.ok(sameFramer(framerSpecFromJson(framerSpecToJson(MQTT_PACKETS)), MQTT_PACKETS));
    assert.equal(sameFramer(MQTT_PACKETS, { type: 'fixed', size: 2 }), false);
    assert.equal(checkMessage({ type: 'setFraming', requestId: 1, spec: { type: 'mqtt' } }, hostIncoming).kind, 'request');
    assert.equal(checkMessage({ type: 'setFraming', requestId: 1, spec: { type: 'mqtt', size: 1 } }, hostIncoming).kind, 'invalid');
  });

  it('sends only whole packets when framing on send', () => {
    assert.deepEqual(encodeFramed(MQTT_PACKETS, hex('c0 00')), hex('c0 00'));
    assert.throws(() => encodeFramed(MQTT_PACKETS, hex('c0 01')), /not one packet/);
    assert.throws(() => encodeFramed(MQTT_PACKETS, new TextEncoder().encode('hello')), /not one packet/);
  });
});

describe('mqtt:// and mqtts:// targets', () => {
  it('are TCP and TLS with the default ports 1883 and 8883', () => {
    assert.deepEqual(parseTcpTarget('mqtt://broker.local'), { host: 'broker.local', port: 1883, tls: false });
    assert.deepEqual(parseTcpTarget('mqtts://broker.local'), { host: 'broker.local', port: 8883, tls: true });
    assert.deepEqual(parseTcpTarget('MQTT://127.0.0.1:11883/'), { host: '127.0.0.1', port: 11883, tls: false });
    assert.deepEqual(parseTcpTarget('mqtts://[::1]:9'), { host: '::1', port: 9, tls: true });
    assert.throws(() => parseTcpTarget('tcp://broker.local'), /Add a port/);
  });
});
