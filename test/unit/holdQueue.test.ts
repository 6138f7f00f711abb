import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import { DEFAULT_HOLD_LIMITS, HoldQueue } from '../../src/core/proxy/holdQueue';
import { formatIds, notes } from '../../src/core/proxy/proxyNotes';
import { Kind } from '../../shared/logModel';

describe('HoldQueue', () => {
  it('holds nothing and forwards while no direction is paused', () => {
    const q = new HoldQueue<string>();
    assert.equal(q.shouldHold('toServer'), false);
    assert.equal(q.shouldHold('toClient'), false);
    assert.deepEqual(q.limits, DEFAULT_HOLD_LIMITS);
    assert.equal(q.count(), 0);
  });

  it('holds a paused direction only, with ids 1, 2, 3… in arrival order across directions', () => {
    const q = new HoldQueue<string>();
    q.setPaused('toServer', true);
    assert.equal(q.shouldHold('toServer'), true);
    assert.equal(q.shouldHold('toClient'), false);
    const a = q.hold('toServer', 3, 'a');
    q.setPaused('toClient', true);
    const b = q.hold('toClient', 5, 'b');
    const c = q.hold('toServer', 7, 'c');
    assert.deepEqual([a.id, b.id, c.id], [1, 2, 3]);
    assert.deepEqual(q.list().map((i) => i.value), ['a', 'b', 'c']);
    assert.equal(q.count('toServer'), 2);
    assert.equal(q.bytes('toServer'), 10);
    assert.equal(q.count('toClient'), 1);
    assert.equal(q.bytes(), 15);
  });

  it('keeps holding after resume while older messages of that direction are still held (no reordering)', () => {
    const q = new HoldQueue<string>();
    q.setPaused('toServer', true);
    q.hold('toServer', 1, 'a');
    q.setPaused('toServer', false);
    assert.equal(q.shouldHold('toServer'), true, 'a new message must queue behind the held one');
    assert.deepEqual(q.takeAll('toServer').map((i) => i.value), ['a']);
    assert.equal(q.shouldHold('toServer'), false);
  });

  it('takes one item by id, or all of a direction oldest first, and never reuses ids', () => {
    const q = new HoldQueue<string>();
    q.setPaused('toServer', true);
    q.setPaused('toClient', true);
    q.hold('toServer', 1, 'a');
    q.hold('toClient', 1, 'b');
    q.hold('toServer', 1, 'c');
    assert.equal(q.take(99), undefined);
    assert.equal(q.take(1)!.value, 'a');
    assert.equal(q.take(1), undefined, 'an id is taken once');
    assert.equal(q.find(3)!.value, 'c');
    assert.equal(q.count('toServer'), 1, 'find leaves the item held');
    assert.deepEqual(q.takeAll('toClient').map((i) => i.id), [2]);
    const d = q.hold('toServer', 1, 'd');
    assert.equal(d.id, 4);
    assert.deepEqual(q.takeAll().map((i) => i.value), ['c', 'd']);
    assert.equal(q.count(), 0);
    assert.equal(q.bytes(), 0);
  });

  it('reports a direction full at its message or byte cap, and not the other direction', () => {
    const q = new HoldQueue<string>({ maxMessages: 2, maxBytes: 10 });
    q.setPaused('toServer', true);
    q.setPaused('toClient', true);
    q.hold('toServer', 1, 'a');
    assert.equal(q.isFull('toServer'), false);
    q.hold('toServer', 1, 'b');
    assert.equal(q.isFull('toServer'), true, 'two messages reach maxMessages');
    assert.equal(q.isFull('toClient'), false);
    q.hold('toClient', 10, 'big');
    assert.equal(q.isFull('toClient'), true, 'ten bytes reach maxBytes');
    q.take(1);
    assert.equal(q.isFull('toServer'), false);
    // The queue never refuses: a message already read has to go somewhere.
    const over = q.hold('toClient', 4, 'more');
    assert.equal(over.id, 4);
    assert.equal(q.bytes('toClient'), 14);
  });

  it('rejects limits that are not whole numbers ≥ 1 with a message naming the limit', () => {
    assert.throws(() => new HoldQueue({ maxMessages: 0 }), (e: SocketInspectorError) => /"maxMessages".*found 0/.test(e.message));
    assert.throws(() => new HoldQueue({ maxBytes: 1.5 }), (e: SocketInspectorError) => /"maxBytes".*found 1\.5/.test(e.message));
  });
});

describe('proxy notes', () => {
  it('formats ids as ranges', () => {
    assert.equal(formatIds([1]), '#1');
    assert.equal(formatIds([3, 1, 2, 5, 7, 8]), '#1–#3, #5, #7–#8');
    assert.equal(formatIds([]), '');
  });

  it('names directions and what happened to a message', () => {
    assert.equal(notes.held(3, 'toServer'), '↑ Held #3 (client→server): not forwarded until you release or drop it');
    assert.equal(
      notes.edited(3, 'toClient', { kind: Kind.Binary, size: 1 }),
      '↑ Edited #3 (server→client): forwarded this instead of the held binary message of 1 byte',
    );
    assert.equal(notes.dropped(4, 'toServer', 6), 'Dropped #4 (client→server, 6 bytes): never forwarded');
    assert.equal(notes.injected('toClient'), '↑ Injected by you toward the client: the server did not send this');
    assert.equal(notes.full('toServer', 2, 10, true), 'The hold queue client→server is full (2 chunks, 10 bytes): not reading from the client until you release or drop some');
  });
});
