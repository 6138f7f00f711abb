// The wire frame store: frames kept in order with their header fields, tied to log entries by order
// whichever comes first, control frames inside a fragmented message, anomalous frames left unlinked,
// eviction, clearing, and the memory a million frames take.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction } from '../../shared/logModel';
import { WireFrameHeaderParser, type WireFrameSender } from '../../src/core/wireFrames/wireFrameHeaderParser';
import { WireFrameStore } from '../../src/core/wireFrames/wireFrameStore';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** A store fed by one parser per direction, as the tap feeds it. */
function harness(options: { maxFrames?: number; deflate?: boolean } = {}) {
  const store = new WireFrameStore(options.maxFrames !== undefined ? { maxFrames: options.maxFrames } : {});
  const parsers = {
    in: parser('server', Direction.In),
    out: parser('client', Direction.Out),
  };
  function parser(sender: WireFrameSender, direction: typeof Direction.In | typeof Direction.Out) {
    return new WireFrameHeaderParser({ sender, rsv1Allowed: () => options.deflate ?? false, onHeader: (h) => store.add(direction, h) });
  }
  return {
    store,
    read: (s: string) => parsers.in.push(hex(s)),
    write: (s: string) => parsers.out.push(hex(s)),
  };
}

/** Each frame of an entry as "opcode/fin/length". */
function shapes(store: WireFrameStore, seq: number): string[] {
  return store.framesOf(seq).map((f) => `${f.opcode}/${f.fin ? 1 : 0}/${f.payloadLength}`);
}

describe('WireFrameStore', () => {
  it('keeps every header field, the direction and the time of each frame', () => {
    const { store, read, write } = harness();
    const before = Date.now();
    write('818537fa213d 7f9f4d5158');
    read('810548656c6c6f');
    assert.equal(store.size, 2);
    const out = store.get(0)!;
    assert.equal(out.direction, Direction.Out);
    assert.equal(out.masked, true);
    assert.equal(out.maskKey, 0x37fa213d);
    assert.equal(out.opcode, 1);
    assert.equal(out.fin, true);
    assert.equal(out.payloadLength, 5);
    assert.equal(out.payloadLengthExact, 5n);
    assert.equal(out.headerLength, 6);
    assert.equal(out.anomalies, 0);
    assert.ok(out.wallTime >= before - 1 && out.wallTime <= Date.now() + 1, String(out.wallTime));
    const inbound = store.get(1)!;
    assert.equal(inbound.direction, Direction.In);
    assert.equal(inbound.masked, false);
    assert.equal(inbound.maskKey, 0);
    assert.equal(inbound.headerLength, 2);
    assert.equal(store.get(2), undefined);
  });

  it('ties frames to entries by order, whether the entry or the frames come first', () => {
    const { store, read, write } = harness();
    // Sent: logged first, framed later (as ws does behind a compression).
    store.noteEntry(Direction.Out, 10);
    store.noteEntry(Direction.Out, 11);
    write('818000000000');
    // Received: framed first, logged once reassembled.
    read('810100');
    write('828000000000');
    store.noteEntry(Direction.In, 12);
    assert.deepEqual(shapes(store, 10), ['1/1/0']);
    assert.deepEqual(shapes(store, 11), ['2/1/0']);
    assert.deepEqual(shapes(store, 12), ['1/1/1']);
    assert.deepEqual([0, 1, 2].map((i) => store.get(i)!.seq), [10, 12, 11]);
    assert.deepEqual(store.framesOf(13), []);
  });

  it('gives a fragmented message all its frames and a ping inside it only the ping', () => {
    const { store, read } = harness();
    read('010348656c'); // text, FIN clear
    read('890178'); // ping inside the message
    read('00016c'); // continuation
    read('8a00'); // pong inside the message
    read('80016f'); // last continuation
    // ws logs the ping and the pong first, then the message once complete.
    store.noteEntry(Direction.In, 1);
    store.noteEntry(Direction.In, 2);
    store.noteEntry(Direction.In, 3);
    assert.deepEqual(shapes(store, 1), ['9/1/1']);
    assert.deepEqual(shapes(store, 2), ['10/1/0']);
    assert.deepEqual(shapes(store, 3), ['1/0/3', '0/0/1', '0/1/1']);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => store.get(i)!.seq), [3, 1, 3, 2, 3]);
    const { total, wireBytes, frames } = store.collect(3, 2);
    assert.equal(total, 3);
    assert.equal(wireBytes, 5);
    assert.equal(frames.length, 2);
  });

  it('leaves a message in progress unlinked until its last frame', () => {
    const { store, read } = harness();
    store.noteEntry(Direction.In, 7);
    read('0100');
    assert.equal(store.get(0)!.seq, -1);
    assert.deepEqual(store.framesOf(7), []);
    read('8000');
    assert.deepEqual(shapes(store, 7), ['1/0/0', '0/1/0']);
    assert.equal(store.get(0)!.seq, 7);
  });

  it('counts a compressed message as one, and its RSV1 is no anomaly with permessage-deflate', () => {
    const { store, read } = harness({ deflate: true });
    read('4103 f24805'); // compressed first frame
    read('8003 000000'); // last frame, not marked
    store.noteEntry(Direction.In, 4);
    const frames = store.framesOf(4);
    assert.deepEqual(
      frames.map((f) => [f.rsv1, f.fin, f.anomalies]),
      [
        [true, false, 0],
        [false, true, 0],
      ],
    );
  });

  it('links no message to a frame a conforming peer would fail the connection for', () => {
    const { store, read } = harness();
    read('8300'); // reserved opcode: ws logs no entry, it fails the connection
    read('c100'); // RSV1 without an extension
    read('810161'); // a good frame
    store.noteEntry(Direction.In, 20);
    assert.deepEqual(shapes(store, 20), ['1/1/1']);
    assert.equal(store.get(0)!.seq, -1);
    assert.equal(store.get(1)!.seq, -1);
    assert.equal(store.get(2)!.seq, 20);
  });

  it('evicts the oldest frames beyond maxFrames and forgets their messages', () => {
    const { store, read } = harness({ maxFrames: 4 });
    for (let i = 0; i < 6; i++) {
      read('810100');
      store.noteEntry(Direction.In, i);
    }
    assert.equal(store.size, 4);
    assert.equal(store.firstIndex, 2);
    assert.equal(store.nextIndex, 6);
    assert.deepEqual(store.framesOf(0), []);
    assert.deepEqual(store.framesOf(1), []);
    assert.deepEqual(shapes(store, 2), ['1/1/1']);
    assert.equal(store.get(1), undefined);
    assert.equal(store.get(5)!.seq, 5);
    // A fragmented message whose first frames were evicted keeps the frames that are left.
    read('0100 0000 0000 0000 0000');
    read('8000');
    store.noteEntry(Direction.In, 6);
    assert.deepEqual(shapes(store, 6), ['0/0/0', '0/0/0', '0/0/0', '0/1/0']);
  });

  it('keeps frames and links exact across many recycled segments and unit chunks', () => {
    // 20,000 frames per direction pass through a store of 5,000: full segments and chunks are released
    // and reused many times over.
    const { store, read, write } = harness({ maxFrames: 5_000 });
    for (let i = 0; i < 20_000; i++) {
      const len = (i % 100).toString(16).padStart(2, '0');
      read(`81${len}${'00'.repeat(i % 100)}`);
      store.noteEntry(Direction.In, 2 * i);
      store.noteEntry(Direction.Out, 2 * i + 1);
      write(`82${(0x80 | (i % 7)).toString(16)}01020304${'00'.repeat(i % 7)}`);
    }
    assert.equal(store.size, 5_000);
    assert.equal(store.firstIndex, 35_000);
    for (const i of [17_500, 18_000, 19_999]) {
      assert.deepEqual(shapes(store, 2 * i), [`1/1/${i % 100}`]);
      const [frame] = store.framesOf(2 * i + 1);
      assert.equal(frame!.opcode, 2);
      assert.equal(frame!.payloadLength, i % 7);
      assert.equal(frame!.maskKey, 0x01020304);
      assert.equal(frame!.seq, 2 * i + 1);
    }
    assert.deepEqual(store.framesOf(2 * 17_000), [], 'evicted');
  });

  it('forgets frames on clear but keeps linking later ones by order', () => {
    const { store, read, write } = harness();
    store.noteEntry(Direction.Out, 0);
    read('810100');
    store.clear();
    assert.equal(store.size, 0);
    write('818000000000');
    store.noteEntry(Direction.In, 1);
    read('810101');
    store.noteEntry(Direction.In, 2);
    assert.deepEqual(shapes(store, 0), ['1/1/0']);
    assert.deepEqual(store.framesOf(1), []);
    assert.deepEqual(shapes(store, 2), ['1/1/1']);
  });

  it('holds a million frames in typed arrays, about 25 bytes a frame plus 20 a message', () => {
    const store = new WireFrameStore({ maxFrames: 1_000_000 });
    const h = {
      b0: 0x82,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode: 2,
      masked: true,
      maskKey: 0,
      lengthHigh: 0,
      lengthLow: 0,
      headerLength: 6,
      anomalies: 0,
    };
    for (let i = 0; i < 1_200_000; i++) {
      h.maskKey = i;
      h.lengthLow = i & 0xffff;
      store.add(Direction.Out, h, i);
      store.noteEntry(Direction.Out, i * 2);
    }
    assert.equal(store.size, 1_000_000);
    assert.ok(store.memoryBytes < 1_000_000 * 50, `${store.memoryBytes} bytes`);
    const last = store.framesOf(2 * 1_199_999);
    assert.equal(last.length, 1);
    assert.equal(last[0]!.maskKey, 1_199_999);
    assert.equal(last[0]!.index, 1_199_999);
    assert.equal(store.framesOf(2 * 100_000).length, 0);
    assert.equal(store.get(700_000)!.seq, 1_400_000);
  });
});
