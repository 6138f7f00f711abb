// The fast receive paths (src/core/receive/) change how bytes reach the log, never which bytes: the same
// traffic recorded with every fast path on and with every one off gives the same entries, the same wire
// frames and byte-identical NDJSON and pcapng exports (times fixed: see support/receiveTraffic.ts). The
// run with them on must really have used them, or the comparison would prove nothing.
import assert from 'node:assert/strict';
import { afterEach, after, before, describe, it } from 'node:test';
import { fastReceive } from '../../src/core/receive/fastReceive';
import { FAST_PATHS } from '../../src/core/receive/fastPaths';
import { expectedPaths, record, SCENARIOS, type Recording } from '../support/receiveTraffic';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const engagedCounts = (): number[] => FAST_PATHS.map((p) => fastReceive.engagedConnections(p));

/** Records `scenario` with the fast paths on or off, checking which paths its connection engaged. */
async function recordWith(on: boolean, scenario: (typeof SCENARIOS)[number]): Promise<Recording> {
  fastReceive.configure({ enabled: on, offReason: 'off for the parity test' });
  const before = engagedCounts();
  const recording = await record(scenario, cleanup);
  const engaged = FAST_PATHS.filter((_, i) => engagedCounts()[i]! > before[i]!);
  assert.deepEqual(engaged, on ? expectedPaths(scenario) : [], `fast paths engaged with the switch ${on ? 'on' : 'off'}`);
  return recording;
}

describe('the fast receive paths on and off', () => {
  before(async () => {
    const states = await fastReceive.ready();
    assert.ok(
      states.every((s) => s.on),
      `the self-test must pass for the comparison to mean anything: ${states.map((s) => `${s.path}: ${s.why}`).join('; ')}`,
    );
  });
  after(() => fastReceive.configure({ enabled: true }));

  for (const scenario of SCENARIOS) {
    it(`record the same log, frames and exports: ${scenario}`, async () => {
      const on = await recordWith(true, scenario);
      const off = await recordWith(false, scenario);
      assert.deepEqual(on.received, on.sent, 'with the fast paths on, every message arrived as sent');
      assert.deepEqual(off.received, off.sent, 'with them off, too');
      assert.deepEqual(on.entries, off.entries, 'the logs');
      assert.deepEqual(on.frames, off.frames, 'the wire frames of every received message');
      assert.equal(on.ndjson, off.ndjson, 'the NDJSON export');
      assert.equal(on.pcapng, off.pcapng, 'the pcapng export');
    });
  }
});
