// The packets a layer session passes over unread on the ingest path (issue 19): exactly those it would
// do nothing with, and nothing it must answer, pair or report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isQuietPublish } from '../../src/core/layers/mqtt/quietPublish';
import { isQuietEvent } from '../../src/core/layers/socketio/quietEvent';
import { isQuietMessage } from '../../src/core/layers/stomp/quietMessage';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

test('Socket.IO: an EVENT without an ack id is quiet, on any namespace', () => {
  assert.equal(isQuietEvent(text('42["tick",{"a":1}]')), true);
  assert.equal(isQuietEvent(text('42/chat,["msg","hi"]')), true);
});

test('Socket.IO: what the session acts on is not quiet', () => {
  for (const packet of ['427["tick"]', '42/chat,12["msg"]', '43["ok"]', '431["ok"]', '451-["up",{"_placeholder":true,"num":0}]', '40', '40/chat,{"sid":"x"}', '41', '44{"message":"no"}', '2', '3', '0{"sid":"a"}', '1', '4', '42', '42/chat', ''])
    assert.equal(isQuietEvent(text(packet)), false, packet);
  // A namespace too long to look through is decoded as any other packet.
  assert.equal(isQuietEvent(text(`42/${'n'.repeat(300)},["x"]`)), false);
});

test('MQTT: a whole QoS 0 PUBLISH is quiet, retained or not, with a one- or two-byte remaining length', () => {
  assert.equal(isQuietPublish(hex('30 07 0003 612f62 6869')), true);
  assert.equal(isQuietPublish(hex('31 07 0003 612f62 6869')), true);
  // Remaining length 200 = c8 01: topic "t", 197 bytes of payload.
  const long = new Uint8Array(3 + 200);
  long.set([0x30, 0xc8, 0x01, 0x00, 0x01, 0x74]);
  assert.equal(isQuietPublish(long), true);
});

test('MQTT: QoS 1 and 2, DUP, other packets, cut or joined packets are not quiet', () => {
  assert.equal(isQuietPublish(hex('32 09 0003 612f62 0001 6869')), false, 'QoS 1: PUBACK owed');
  assert.equal(isQuietPublish(hex('34 09 0003 612f62 0001 6869')), false, 'QoS 2: PUBREC owed');
  assert.equal(isQuietPublish(hex('38 07 0003 612f62 6869')), false, 'DUP at QoS 0 is malformed');
  assert.equal(isQuietPublish(hex('20 02 0000')), false, 'CONNACK');
  assert.equal(isQuietPublish(hex('d0 00')), false, 'PINGRESP');
  assert.equal(isQuietPublish(hex('30 07 0003 612f62 68')), false, 'cut short');
  assert.equal(isQuietPublish(hex('30 07 0003 612f62 6869 d000')), false, 'another packet after it');
  assert.equal(isQuietPublish(hex('30 03 0009 61')), false, 'topic longer than the packet');
  assert.equal(isQuietPublish(hex('30 ff ff ff ff 01')), false, 'a five-byte remaining length');
  assert.equal(isQuietPublish(new Uint8Array(0)), false);
});

test('STOMP: one whole MESSAGE frame is quiet', () => {
  assert.equal(isQuietMessage(text('MESSAGE\ndestination:/t\nmessage-id:1\nsubscription:0\n\nhello\0')), true);
  assert.equal(isQuietMessage(text('MESSAGE\r\ndestination:/t\r\n\r\n\0')), true);
});

test('STOMP: other frames, several frames, a NUL in the body or a cut frame are not quiet', () => {
  for (const frame of [
    'CONNECTED\nversion:1.2\n\n\0',
    'RECEIPT\nreceipt-id:7\n\n\0',
    'ERROR\nmessage:bad\n\n\0',
    'MESSAGE\ndestination:/t\n\nhi\0MESSAGE\ndestination:/t\n\nho\0',
    'MESSAGE\ncontent-length:3\n\na\0b\0',
    'MESSAGE\ndestination:/t\n\nhi',
    'MESSAGES\n\n\0',
    '\n',
  ])
    assert.equal(isQuietMessage(text(frame)), false, JSON.stringify(frame));
});
