// The messages a test run reads: waits for the next message end when it arrives or at their own
// deadline, whichever wait armed the shared deadline timer; payloads are kept as copies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { TestMessages } from '../../src/core/testing/testMessages';

const bytes = (text: string) => new TextEncoder().encode(text);

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

  it('resolves a pending wait with false when disposed', async () => {
    const messages = new TestMessages(new EntryLog());
    const wait = messages.next(0, 10_000);
    messages.dispose();
    assert.equal(await wait, false);
  });
});
