// The messages a test run reads: waits for the next message end when it arrives or at their own
// deadline, whichever wait armed the shared deadline timer; payloads are kept as copies, and the memory
// those copies keep alive (the shared slabs small ones are copied into, whole) stays within the bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { MAX_KEPT_BYTES, TestMessages } from '../../src/core/testing/testMessages';

const bytes = (text: string) => new TextEncoder().encode(text);

/** The bytes the kept messages' payloads keep alive: each ArrayBuffer they are views of, whole, once. */
function aliveBytes(messages: TestMessages): number {
  const buffers = new Set<ArrayBufferLike>();
  let first = messages.end;
  while (first > 0 && messages.at(first - 1)) first--;
  for (let i = first; i < messages.end; i++) buffers.add(messages.at(i)!.payload.buffer);
  let total = 0;
  for (const b of buffers) total += b.byteLength;
  return total;
}

/** Appends messages of the sizes in `cycle`, over and over, until `total` payload bytes went in. */
function fill(log: EntryLog, cycle: readonly number[], total: number): void {
  const payloads = cycle.map((n) => new Uint8Array(n).fill(0x61));
  for (let sent = 0, i = 0; sent < total; i++) {
    const p = payloads[i % payloads.length]!;
    log.append(Direction.In, Kind.Binary, p);
    sent += p.length;
  }
}

describe('TestMessages', () => {
  // A wait left to the 10 s timer of the other would outlast the test's timeout.
  it('ends a short wait at its deadline while a longer wait is pending, and the longer one when its message comes', { timeout: 5_000 }, async () => {
    const log = new EntryLog();
    const messages = new TestMessages(log);
    let longEnded = false;
    const long = messages.next(0, 10_000).then((arrived) => ((longEnded = true), arrived));
    assert.equal(await messages.next(0, 50), false);
    assert.equal(longEnded, false);
    log.append(Direction.In, Kind.Text, bytes('hi'));
    assert.equal(await long, true);
    messages.dispose();
  });

  it('ends a wait at its deadline after an earlier wait ended by a message left the timer armed', { timeout: 5_000 }, async () => {
    const log = new EntryLog();
    const messages = new TestMessages(log);
    const first = messages.next(0, 10_000);
    log.append(Direction.In, Kind.Text, bytes('one'));
    assert.equal(await first, true);
    assert.equal(await messages.next(1, 50), false);
    messages.dispose();
  });

  it('keeps copies of the payloads, not views of the log', () => {
    const log = new EntryLog();
    const messages = new TestMessages(log);
    const payload = bytes('abc');
    log.append(Direction.Out, Kind.Text, payload);
    log.append(Direction.In, Kind.Binary, bytes('defg'));
    const a = messages.at(0)!;
    assert.deepEqual([...a.payload], [...bytes('abc')]);
    assert.notEqual(a.payload.buffer, log.payload(0)!.buffer);
    assert.deepEqual([...messages.at(1)!.payload], [...bytes('defg')]);
    messages.dispose();
  });

  // 17 payloads of 3,856 bytes fill a 64 KiB slab but for 3,840 bytes: counting only the payloads' bytes
  // let the slabs they keep alive grow 6 % past the bound.
  it('keeps the slabs that small payloads are copied into within the bound, counted whole', () => {
    const log = new EntryLog();
    const messages = new TestMessages(log);
    fill(log, [3856], MAX_KEPT_BYTES + 16 * 1024 * 1024);
    const alive = aliveBytes(messages);
    assert.ok(alive <= MAX_KEPT_BYTES, `${alive} bytes alive for a bound of ${MAX_KEPT_BYTES}`);
    // The oldest go only as far as needed: at most a slab (and a payload) under the bound.
    assert.ok(alive > MAX_KEPT_BYTES - 64 * 1024 - 3856, `${alive} bytes alive: too many let go`);
    messages.dispose();
  });

  it('counts large payloads, empty ones and slabs alike when they are mixed', () => {
    const log = new EntryLog();
    const messages = new TestMessages(log);
    fill(log, [3856, 0, 5000, 3856, 3856, 70_000, 1], MAX_KEPT_BYTES + 16 * 1024 * 1024);
    const alive = aliveBytes(messages);
    assert.ok(alive <= MAX_KEPT_BYTES, `${alive} bytes alive for a bound of ${MAX_KEPT_BYTES}`);
    assert.ok(alive > MAX_KEPT_BYTES - 70_000 - 64 * 1024, `${alive} bytes alive: too many let go`);
    messages.dispose();
  });

  it('resolves a pending wait with false when disposed', async () => {
    const messages = new TestMessages(new EntryLog());
    const wait = messages.next(0, 10_000);
    messages.dispose();
    assert.equal(await wait, false);
  });
});
