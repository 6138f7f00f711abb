// Request/response pairing by a JSON field and ping/pong, on a real EntryLog with chosen monotonic
// times, so every RTT is known exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { entryTiming, TimingTracker, type TimingLimits } from '../../src/core/timing';

const enc = new TextEncoder();

/** A log plus a tracker; `at` appends with a given monotonic time. */
function setup(field: string, limits: TimingLimits = {}, maxEntries?: number) {
  const log = new EntryLog(maxEntries ? { maxEntries } : {});
  const tracker = new TimingTracker(0, limits);
  assert.equal(tracker.setField(field, log.firstSeq), undefined);
  const at = (mono: number, direction: number, kind: number, payload: string | Uint8Array) =>
    log.append(direction as Direction, kind as Kind, typeof payload === 'string' ? enc.encode(payload) : payload, 0, mono);
  const out = (mono: number, text: string, kind: number = Kind.Text) => at(mono, Direction.Out, kind, text);
  const inn = (mono: number, text: string, kind: number = Kind.Text) => at(mono, Direction.In, kind, text);
  const pairs = () => {
    tracker.advance(log);
    const seen: string[] = [];
    for (let s = log.firstSeq; s < log.nextSeq; s++) {
      for (const p of tracker.pairsOf(s)) if (p.request === s) seen.push(`${p.request}→${p.response} ${p.rttMs}ms ${p.via}${p.key ? ` ${p.key}` : ''}`);
    }
    return seen;
  };
  return { log, tracker, at, out, inn, pairs };
}

describe('JSON pairing', () => {
  it('pairs an outgoing request with the next incoming message carrying the same id, out of order', () => {
    const { out, inn, pairs, tracker } = setup('id');
    out(100, '{"jsonrpc":"2.0","id":1,"method":"a"}');
    out(101, '{"jsonrpc":"2.0","id":2,"method":"b"}');
    out(102, '{"jsonrpc":"2.0","id":3,"method":"c"}');
    inn(105.5, '{"jsonrpc":"2.0","id":2,"result":true}');
    inn(110, '{"jsonrpc":"2.0","method":"notify"}');
    inn(130, '{"jsonrpc":"2.0","id":1,"result":true}');
    assert.deepEqual(pairs(), ['0→5 30ms json 1', '1→3 4.5ms json 2']);
    assert.deepEqual(tracker.summary(), { field: 'id', json: { count: 2, unanswered: 1, minMs: 4.5, medianMs: 4.5, p95Ms: 30, maxMs: 30 } });
    assert.deepEqual(tracker.awaiting(2), { via: 'json', key: '3' });
    assert.equal(tracker.awaiting(0), undefined);
  });

  it('answers duplicate ids first come, first served; an answer nobody asked for pairs with nothing', () => {
    const { out, inn, pairs } = setup('id');
    inn(1, '{"id":7}');
    out(10, '{"id":7,"n":"first"}');
    out(20, '{"id":7,"n":"second"}');
    inn(25, '{"id":7}');
    inn(40, '{"id":7}');
    inn(50, '{"id":7}');
    assert.deepEqual(pairs(), ['1→3 15ms json 7', '2→4 20ms json 7']);
  });

  it('ignores what is not JSON or has no usable value, and keeps 7 and "7" apart', () => {
    const { log, out, inn, pairs, tracker, at } = setup('id');
    out(1, 'id=1');
    out(2, '42');
    out(3, '{"id":null}');
    out(4, '{"id":{"nested":1}}');
    out(5, '{"id": 7');
    out(6, '{"other":1}');
    at(7, Direction.Meta, Kind.Open, '{"id":"7"}');
    out(8, '{"id":"7"}');
    inn(9, '{"id":7}');
    inn(10, '{"id":null}');
    inn(11, '{"id":"7"}');
    assert.deepEqual(pairs(), ['7→10 3ms json "7"']);
    assert.equal(tracker.summary().json!.unanswered, 0);
    assert.equal(log.size, 11);
  });

  it('follows nested paths: params.requestId, data[0].id, params.0.id', () => {
    for (const [field, request, response] of [
      ['params.requestId', '{"params":{"requestId":"r-1"}}', '{"params":{"requestId":"r-1"},"ok":1}'],
      ['data[0].id', '{"data":[{"id":5},{"id":6}]}', '{"data":[{"id":5}]}'],
      ['params.0.id', '{"params":[{"id":"x"}]}', '{"params":[{"id":"x"}]}'],
    ] as const) {
      const { out, inn, pairs } = setup(field);
      out(0, request);
      inn(2, '{"params":{"requestId":"other"},"data":[{"id":6}]}');
      inn(3, response);
      assert.deepEqual(pairs().map((p) => p.split(' ').slice(0, 2).join(' ')), ['0→2 3ms'], field);
    }
  });

  it('reads JSON-RPC batches and newline-delimited JSON over TCP', () => {
    const { out, inn, pairs } = setup('id');
    out(0, '[{"id":1,"method":"a"},{"id":2,"method":"b"}]');
    out(1, '{"id":3}\n{"id":4}\n', Kind.Data);
    inn(5, '{"id":2}\n{"id":3}\nnot json\n{"id":1}', Kind.Data);
    inn(9, '[{"id":4}]');
    // In the order the answering chunk carries them.
    assert.deepEqual(pairs(), ['0→2 5ms json 2', '0→2 5ms json 1', '1→2 4ms json 3', '1→3 8ms json 4']);
  });

  it('gives up the oldest waiting requests beyond the cap and counts them unanswered', () => {
    const { out, inn, pairs, tracker } = setup('id', { maxPendingJson: 3 });
    for (let i = 1; i <= 5; i++) out(i, `{"id":${i}}`);
    tracker.advance({ firstSeq: 0, nextSeq: 0, forEachRun: () => {} });
    inn(10, '{"id":1}');
    inn(11, '{"id":5}');
    assert.deepEqual(pairs(), ['4→6 6ms json 5']);
    assert.deepEqual(tracker.summary().json, { count: 1, unanswered: 4, minMs: 6, medianMs: 6, p95Ms: 6, maxMs: 6 });
    assert.equal(tracker.awaiting(0), undefined, 'given up');
    assert.deepEqual(tracker.awaiting(2), { via: 'json', key: '3' });
  });

  it('keeps pairing across retention eviction: a request evicted from the log still gets its RTT', () => {
    const { log, out, inn, at, pairs, tracker } = setup('id', {}, 3);
    out(0, '{"id":"a"}');
    tracker.advance(log);
    for (let i = 1; i <= 5; i++) at(i, Direction.Meta, Kind.Open, 'noise');
    inn(42, '{"id":"a"}');
    assert.equal(log.firstSeq, 4);
    tracker.advance(log);
    const p = tracker.pairsOf(6);
    assert.deepEqual(p.map((x) => [x.request, x.response, x.rttMs]), [[0, 6, 42]]);
    // Once both entries are gone, so is the pair (its RTT stays in the summary).
    for (let i = 0; i < 3; i++) at(50 + i, Direction.Meta, Kind.Open, 'noise');
    assert.deepEqual(pairs(), []);
    assert.deepEqual(tracker.pairsOf(6), []);
    assert.equal(tracker.summary().json!.count, 1);
  });

  it('skips entries evicted before they were read', () => {
    const { log, out, inn, tracker } = setup('id', {}, 2);
    out(0, '{"id":1}');
    inn(1, '{"id":1}');
    out(2, '{"id":2}');
    inn(3, '{"id":2}');
    tracker.advance(log);
    assert.deepEqual(tracker.pairsOf(3).map((p) => p.request), [2]);
    assert.equal(tracker.summary().json!.count, 1);
  });

  it('forgets the oldest pairs beyond the pair cap', () => {
    const { log, out, inn, tracker } = setup('id', { maxPairs: 2 });
    for (let i = 0; i < 3; i++) {
      out(i * 10, `{"id":${i}}`);
      inn(i * 10 + 1, `{"id":${i}}`);
    }
    tracker.advance(log);
    assert.deepEqual(tracker.pairsOf(0), []);
    assert.deepEqual(tracker.pairsOf(2).map((p) => p.response), [3]);
    assert.equal(tracker.summary().json!.count, 3);
  });

  it('changing the field works the retained log out again; an empty field turns JSON pairing off', () => {
    const { log, out, inn, tracker } = setup('');
    out(0, '{"id":1,"tag":"x"}');
    inn(5, '{"id":9,"tag":"x"}');
    tracker.advance(log);
    assert.deepEqual(tracker.summary(), { field: '' });
    assert.equal(tracker.setField(' tag ', log.firstSeq), undefined);
    assert.equal(tracker.advance(log), true);
    assert.deepEqual(tracker.pairsOf(1).map((p) => [p.request, p.key]), [[0, '"x"']]);
    assert.equal(tracker.summary().field, 'tag');
    assert.match(tracker.setField('a..b', log.firstSeq)!, /a field name is missing before the dot/);
    assert.equal(tracker.field, 'tag', 'a bad path changes nothing');
    tracker.setField('', log.firstSeq);
    tracker.advance(log);
    assert.deepEqual(tracker.pairsOf(1), []);
  });

  it('reads a long log in slices with the same result as all at once', () => {
    const a = setup('id');
    const b = setup('id');
    for (const s of [a, b]) {
      for (let i = 0; i < 3000; i++) {
        s.out(i * 2, `{"id":${i % 700}}`);
        s.inn(i * 2 + 1 + (i % 5), `{"id":${i % 700}}`);
      }
    }
    a.tracker.advance(a.log);
    let slices = 0;
    while (!b.tracker.advance(b.log, 0)) slices++;
    assert.ok(slices > 1, `${slices} slices`);
    assert.deepEqual(b.tracker.summary(), a.tracker.summary());
    assert.deepEqual(b.pairs(), a.pairs());
  });
});

describe('ping pairing', () => {
  it('pairs a ping with the pong that echoes its payload, and an empty ping with the next pong', () => {
    const { out, inn, pairs, tracker, at } = setup('');
    at(0, Direction.Out, Kind.Ping, 'a');
    at(1, Direction.Out, Kind.Ping, 'b');
    at(2, Direction.In, Kind.Pong, 'b');
    at(3, Direction.In, Kind.Pong, 'unsolicited');
    at(4, Direction.Out, Kind.Ping, '');
    at(5, Direction.In, Kind.Ping, 'theirs');
    at(6, Direction.Out, Kind.Pong, 'theirs');
    at(7.25, Direction.In, Kind.Pong, 'anything');
    at(9, Direction.In, Kind.Pong, 'a');
    void out;
    void inn;
    assert.deepEqual(pairs(), ['0→8 9ms ping', '1→2 1ms ping', '4→7 3.25ms ping']);
    assert.deepEqual(tracker.summary(), { field: '', ping: { count: 3, unanswered: 0, minMs: 1, medianMs: 3.25, p95Ms: 9, maxMs: 9 } });
  });

  it('counts pings without a pong, and gives up beyond the cap', () => {
    const { log, at, tracker } = setup('', { maxPendingPings: 2 });
    for (let i = 0; i < 4; i++) at(i, Direction.Out, Kind.Ping, String(i));
    tracker.advance(log);
    assert.deepEqual(tracker.summary().ping, { count: 0, unanswered: 4 });
    assert.deepEqual(tracker.awaiting(3), { via: 'ping' });
    assert.equal(tracker.awaiting(0), undefined);
  });
});

describe('time since the previous entry', () => {
  it('is measured against the previous entry of the log, also when that one was evicted or cleared', () => {
    const { log, at, tracker } = setup('', {}, 3);
    at(10, Direction.Out, Kind.Text, 'a');
    at(12.5, Direction.In, Kind.Text, 'b');
    tracker.advance(log);
    assert.equal(entryTiming(log, tracker, 0).sincePreviousMs, undefined);
    assert.equal(entryTiming(log, tracker, 1).sincePreviousMs, 2.5);
    at(20, Direction.Meta, Kind.Open, 'c');
    at(21, Direction.In, Kind.Text, 'd');
    assert.equal(log.firstSeq, 1);
    assert.equal(entryTiming(log, tracker, 1).sincePreviousMs, 2.5, 'the evicted #0 still counts');
    log.clear();
    at(30, Direction.In, Kind.Text, 'e');
    assert.equal(entryTiming(log, tracker, 4).sincePreviousMs, 9, 'the cleared #3 still counts');
  });
});
