// Acknowledgement round trips of a protocol layer (Socket.IO EVENT with an ack id ↔ ACK), read by the
// layer's header reader and paired by the timing tracker, on a real EntryLog with chosen monotonic times.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { socketIoAckKey } from '../../src/core/layers/socketio/ackKey';
import { EntryLog } from '../../src/core/log/entryLog';
import { entryTiming, TimingTracker } from '../../src/core/timing';

const enc = new TextEncoder();
const key = (direction: number, text: string, kind: number = Kind.Text) => {
  const bytes = enc.encode(`xx${text}yy`);
  return socketIoAckKey(direction, kind, bytes, 2, bytes.length - 2);
};

describe('socketIoAckKey', () => {
  it('reads EVENT and ACK headers, binary ones too, with namespace and ack id', () => {
    assert.deepEqual(key(Direction.Out, '42/chat,7["chat","hi"]'), { role: 'request', key: 'out /chat 7', label: '7 /chat' });
    assert.deepEqual(key(Direction.In, '43/chat,7["ok"]'), { role: 'response', key: 'out /chat 7', label: '7 /chat' });
    assert.deepEqual(key(Direction.In, '4212["ping"]'), { role: 'request', key: 'in / 12', label: '12' });
    assert.deepEqual(key(Direction.Out, '4312[]'), { role: 'response', key: 'in / 12', label: '12' });
    assert.deepEqual(key(Direction.Out, '451-/up,3["file",{"_placeholder":true,"num":0}]'), { role: 'request', key: 'out /up 3', label: '3 /up' });
    assert.deepEqual(key(Direction.In, '461-3[{"_placeholder":true,"num":0}]'), { role: 'response', key: 'out / 3', label: '3' });
  });

  it('ignores what takes no part: no ack id, other packets, binary attachments, malformed headers', () => {
    for (const text of ['42["chat"]', '42/chat,["x"]', '40/chat,{}', '2', '3probe', '41/chat,', '42/chat', '427', '45-1["a"]', '4x', '']) {
      assert.equal(key(Direction.Out, text), undefined, text);
    }
    assert.equal(key(Direction.Out, '421["a"]', Kind.Binary), undefined);
  });
});

describe('ack pairing in the timing tracker', () => {
  function setup() {
    const log = new EntryLog();
    const tracker = new TimingTracker(0);
    tracker.setAckKeys(socketIoAckKey, log.firstSeq);
    const at = (mono: number, direction: number, text: string) => log.append(direction as Direction, Kind.Text as Kind, enc.encode(text), 0, mono);
    return { log, tracker, at };
  }

  it('pairs each EVENT with the ACK of its id, both ways and out of order; the summary counts them', () => {
    const { log, tracker, at } = setup();
    at(100, Direction.Out, '42/chat,1["a"]');
    at(101, Direction.Out, '42/chat,2["b"]');
    at(102, Direction.In, '425["server asks"]');
    at(103, Direction.Out, '42["no ack"]');
    at(110.5, Direction.In, '43/chat,2["B"]');
    at(112, Direction.Out, '435["answered"]');
    at(130, Direction.In, '43/chat,1["A"]');
    at(131, Direction.In, '43/chat,9["nobody asked"]');
    tracker.advance(log);
    const t = (seq: number) => entryTiming(log, tracker, seq);
    assert.deepEqual(t(0).pairs, [{ role: 'request', otherSeq: 6, rttMs: 30, via: 'ack', key: '1 /chat' }]);
    assert.deepEqual(t(4).pairs, [{ role: 'response', otherSeq: 1, rttMs: 9.5, via: 'ack', key: '2 /chat' }]);
    assert.deepEqual(t(5).pairs, [{ role: 'response', otherSeq: 2, rttMs: 10, via: 'ack', key: '5' }]);
    assert.deepEqual(t(3).pairs, []);
    assert.deepEqual(t(7).pairs, []);
    const summary = tracker.summary();
    assert.deepEqual(summary.ack, { count: 3, unanswered: 0, minMs: 9.5, medianMs: 10, p95Ms: 30, maxMs: 30 });
    assert.equal(summary.json, undefined);

    at(140, Direction.Out, '42/chat,3["waits"]');
    tracker.advance(log);
    assert.deepEqual(t(8).awaiting, { via: 'ack', key: '3 /chat' });
    assert.equal(tracker.summary().ack?.unanswered, 1);
  });

  it('without a reader nothing is paired; a reader set later works out the retained log again', () => {
    const log = new EntryLog();
    const tracker = new TimingTracker(0);
    log.append(Direction.Out, Kind.Text, enc.encode('421["a"]'), 0, 10);
    log.append(Direction.In, Kind.Text, enc.encode('431["b"]'), 0, 14);
    tracker.advance(log);
    assert.equal(tracker.summary().ack, undefined);
    tracker.setAckKeys(socketIoAckKey, log.firstSeq);
    tracker.advance(log);
    assert.equal(tracker.summary().ack?.count, 1);
    assert.equal(entryTiming(log, tracker, 1).pairs[0]?.rttMs, 4);
  });

  it('JSON pairing by a field and ack pairing run side by side; a new field keeps the reader', () => {
    const { log, tracker, at } = setup();
    at(0, Direction.Out, '421["get"]');
    at(1, Direction.Out, '{"id":"x"}');
    at(2, Direction.In, '{"id":"x"}');
    at(5, Direction.In, '431["done"]');
    assert.equal(tracker.setField('id', log.firstSeq), undefined);
    tracker.advance(log);
    assert.deepEqual(entryTiming(log, tracker, 0).pairs.map((p) => `${p.via} ${p.otherSeq} ${p.rttMs}`), ['ack 3 5']);
    assert.deepEqual(entryTiming(log, tracker, 1).pairs.map((p) => `${p.via} ${p.otherSeq} ${p.rttMs}`), ['json 2 1']);
    assert.equal(tracker.summary().ack?.count, 1);
    assert.equal(tracker.summary().json?.count, 1);
  });
});
