// The fast receive switch (src/core/receive/fastReceive.ts) with a stand-in self-test: the environment
// and the caller's option turn every path off, nothing is used before the self-test passed, a path that
// failed it stays off, and the output lines say which are on and why the others are not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFastReceive, FAST_RECEIVE_ENV, FastReceive } from '../../src/core/receive/fastReceive';
import type { SelfTestResult } from '../../src/core/receive/fastReceiveSelfTest';

/** A self-test that resolves when told to, counting its runs. */
function standIn(result: SelfTestResult = { failed: {}, ms: 12 }) {
  let runs = 0;
  let finish!: () => void;
  const runner = (): Promise<SelfTestResult> => {
    runs++;
    return new Promise((resolve) => (finish = () => resolve(result)));
  };
  return { runner, runs: () => runs, finish: () => finish() };
}

const allOff = { readIntoLog: false, plainFrameBypass: false, inPlaceReassembly: false };
const allOn = { readIntoLog: true, plainFrameBypass: true, inPlaceReassembly: true };

describe('the fast receive switch', () => {
  it('uses no fast path before the self-test passed, then every one, testing once', async () => {
    const test = standIn();
    const fast = new FastReceive({}, test.runner);
    assert.deepEqual(fast.allowed(), allOff, 'the first connection goes without');
    assert.equal(test.runs(), 1, 'and starts the self-test');
    assert.match(fast.states()[0]!.why, /has not finished yet/);
    const ready = fast.ready();
    test.finish();
    const states = await ready;
    assert.ok(states.every((s) => s.on && s.cause === 'selfTest'));
    assert.deepEqual(fast.allowed(), allOn);
    await fast.ready();
    assert.equal(test.runs(), 1, 'once per process');
  });

  it(`turns every fast path off with ${FAST_RECEIVE_ENV}=0, without running the self-test, and says so`, async () => {
    for (const value of ['0', 'false', 'off', 'NO']) {
      const test = standIn();
      const fast = new FastReceive({ [FAST_RECEIVE_ENV]: value }, test.runner);
      const states = await fast.ready();
      assert.deepEqual(fast.allowed(), allOff, value);
      assert.equal(test.runs(), 0, 'no sockets opened for nothing');
      for (const line of describeFastReceive(states)) assert.match(line, new RegExp(`is off: ${FAST_RECEIVE_ENV}=${value} is set in the environment`));
    }
    const test = standIn();
    const on = new FastReceive({ [FAST_RECEIVE_ENV]: '1' }, test.runner);
    const ready = on.ready();
    test.finish();
    assert.ok((await ready).every((s) => s.on), `${FAST_RECEIVE_ENV}=1 leaves them on`);
  });

  it("turns every fast path off by the caller's option (the setting), and on again", async () => {
    const test = standIn();
    const fast = new FastReceive({}, test.runner);
    fast.configure({ enabled: false, offReason: 'the setting socketInspector.advanced.fastReceive is off' });
    const off = await fast.ready();
    assert.deepEqual(fast.allowed(), allOff);
    assert.equal(test.runs(), 0);
    assert.ok(off.every((s) => !s.on && s.cause === 'switch'));
    assert.match(describeFastReceive(off)[1]!, /^Fast receive: plain-frame bypass \(plainFrameBypass\) is off: the setting socketInspector\.advanced\.fastReceive is off/);
    fast.configure({ enabled: true });
    const ready = fast.ready();
    test.finish();
    assert.ok((await ready).every((s) => s.on));
    assert.deepEqual(fast.allowed(), allOn);
  });

  it('keeps a path that failed the self-test off for the session, and says why', async () => {
    const test = standIn({ failed: { plainFrameBypass: "the plain-frame bypass did not engage: ws's Receiver _fragments is missing" }, ms: 30 });
    const fast = new FastReceive({}, test.runner);
    const ready = fast.ready();
    test.finish();
    const states = await ready;
    assert.deepEqual(fast.allowed(), { readIntoLog: true, plainFrameBypass: false, inPlaceReassembly: true });
    const lines = describeFastReceive(states);
    assert.match(lines[0]!, /reads into the log \(readIntoLog\) is on: the start-up self-test passed in 30 ms/);
    assert.match(lines[1]!, /plain-frame bypass \(plainFrameBypass\) is off: the start-up self-test failed: .*_fragments is missing/);
    fast.configure({ enabled: true });
    assert.equal(fast.allowed().plainFrameBypass, false, 'switching on again does not undo the verdict');
  });

  it('keeps every path off when the self-test itself throws', async () => {
    const fast = new FastReceive({}, () => Promise.reject(new Error('EMFILE: too many open files')));
    const states = await fast.ready();
    assert.deepEqual(fast.allowed(), allOff);
    assert.ok(states.every((s) => !s.on && /self-test itself failed: EMFILE/.test(s.why)));
  });
});
