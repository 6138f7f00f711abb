// getFrames for a WebSocket proxy pair: its two legs' frames as one timeline, merged by capture time with
// the leg the message came in on first at the same time, `position` counting on each leg, and every
// row's wall time on the entry's clock. The frames are fed with chosen times, as the tap would time them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { MAX_FRAMES_PER_ENTRY } from '../../shared/wireFrames';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { EntryLog } from '../../src/core/log/entryLog';
import { WireFrameHeaderParser, type WireFrameSender } from '../../src/core/wireFrames/wireFrameHeaderParser';
import { WireFrameStore } from '../../src/core/wireFrames/wireFrameStore';
import { framesResult } from '../../src/panel/wireFrameQueries';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
type Dir = typeof Direction.In | typeof Direction.Out;

/** A proxy pair's log and two frame stores, as wsProxyRelay.ts has them, behind the fields framesResult reads. */
function pair() {
  const log = new EntryLog();
  const wireFrames = new WireFrameStore({ entries: log });
  const clientWireFrames = new WireFrameStore({ entries: log });
  const connection = { kind: 'ws', log, wireFrames, clientWireFrames, extensions: '' } as unknown as Connection;
  // One parser per store, as one tap direction has: a continuation follows its message's first frame.
  let now = 0;
  const parsers = new Map<WireFrameStore, WireFrameHeaderParser>();
  /** Feeds `bytes` to `store` as frames in `direction`, sent by `sender`, all timed `mono`. */
  function feed(store: WireFrameStore, direction: Dir, sender: WireFrameSender, bytes: string, mono: number): void {
    let parser = parsers.get(store);
    if (!parser) {
      parser = new WireFrameHeaderParser({ sender, rsv1Allowed: () => false, onHeader: (h) => store.add(direction, h, now) });
      parsers.set(store, parser);
    }
    now = mono;
    parser.push(hex(bytes));
  }
  return { log, wireFrames, clientWireFrames, connection, feed };
}

const rows = (connection: Connection, seq: number) =>
  framesResult(connection, seq).frames.map((f) => `${f.position} ${f.leg} ${f.opcode}/${f.fin ? 1 : 0}`);

// A client's 'abcd' in two masked frames, and as one masked frame.
const CLIENT_TWO_FRAMES = '0182 00000000 6162  8082 00000000 6364';
const MASKED_WHOLE = '8184 00000000 61626364';
const UNMASKED_WHOLE = '8104 61626364';

describe('getFrames of a proxy pair: both legs as one timeline', () => {
  it('puts the client leg first for a client message timed alike on both legs', () => {
    const { log, wireFrames, clientWireFrames, connection, feed } = pair();
    feed(clientWireFrames, Direction.Out, 'client', CLIENT_TWO_FRAMES, 10);
    const seq = log.append(Direction.Out, Kind.Text, Buffer.from('abcd'), 0, 10);
    clientWireFrames.noteEntry(Direction.Out, seq);
    wireFrames.noteEntry(Direction.Out, seq);
    feed(wireFrames, Direction.Out, 'client', MASKED_WHOLE, 10);
    assert.deepEqual(rows(connection, seq), ['0 client 1/0', '1 client 0/1', '0 upstream 1/1']);
    assert.equal(framesResult(connection, seq).total, 3);
  });

  it('puts the upstream leg first for a server message timed alike on both legs', () => {
    const { log, wireFrames, clientWireFrames, connection, feed } = pair();
    feed(wireFrames, Direction.In, 'server', UNMASKED_WHOLE, 10);
    const seq = log.append(Direction.In, Kind.Text, Buffer.from('abcd'), 0, 10);
    wireFrames.noteEntry(Direction.In, seq);
    clientWireFrames.noteEntry(Direction.In, seq);
    feed(clientWireFrames, Direction.In, 'server', UNMASKED_WHOLE, 10);
    assert.deepEqual(rows(connection, seq), ['0 upstream 1/1', '0 client 1/1']);
  });

  it('interleaves the legs by capture time, whatever leg came in first', () => {
    const { log, wireFrames, clientWireFrames, connection, feed } = pair();
    // A relay that forwards each frame as it comes: client 0 at 10, upstream 0 at 11, client 1 at 12.
    feed(clientWireFrames, Direction.Out, 'client', '0182 00000000 6162', 10);
    feed(wireFrames, Direction.Out, 'client', '0182 00000000 6162', 11);
    feed(clientWireFrames, Direction.Out, 'client', '8082 00000000 6364', 12);
    feed(wireFrames, Direction.Out, 'client', '8082 00000000 6364', 13);
    const seq = log.append(Direction.Out, Kind.Text, Buffer.from('abcd'), 0, 12);
    clientWireFrames.noteEntry(Direction.Out, seq);
    wireFrames.noteEntry(Direction.Out, seq);
    assert.deepEqual(rows(connection, seq), ['0 client 1/0', '0 upstream 1/0', '1 client 0/1', '1 upstream 0/1']);
    // Wall times on the entry's clock: its wall time, plus how far each frame is from it.
    const entryWall = log.wallTime(seq);
    assert.deepEqual(
      framesResult(connection, seq).frames.map((f) => f.wallTime - entryWall),
      [-2, -1, 0, 1],
    );
  });
  it('lists at most MAX_FRAMES_PER_ENTRY rows, the earliest, and counts every frame of both legs', () => {
    const { log, wireFrames, clientWireFrames, connection, feed } = pair();
    const parts = MAX_FRAMES_PER_ENTRY + 1;
    const frames = ['0181 00000000 61', ...Array.from({ length: parts - 2 }, () => '0081 00000000 61'), '8081 00000000 61'];
    feed(clientWireFrames, Direction.Out, 'client', frames.join(''), 10);
    const seq = log.append(Direction.Out, Kind.Text, Buffer.alloc(parts, 0x61), 0, 10);
    clientWireFrames.noteEntry(Direction.Out, seq);
    wireFrames.noteEntry(Direction.Out, seq);
    feed(wireFrames, Direction.Out, 'client', `81fe${parts.toString(16).padStart(4, '0')} 00000000 ${'61'.repeat(parts)}`, 11);
    const r = framesResult(connection, seq);
    assert.equal(r.frames.length, MAX_FRAMES_PER_ENTRY);
    assert.equal(r.total, parts + 1);
    assert.ok(r.frames.every((f, i) => f.leg === 'client' && f.position === i));
  });
});
