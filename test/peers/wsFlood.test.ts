// A flood of megabytes, more than the connection handles in one event-loop turn when the reads come
// fast enough (src/core/receive/readBudget.ts pauses and resumes ws then; test/unit/readBudget.test.ts checks
// that it does): every message arrives, in order, with its frame, and the close after it completes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { fastPathsReady } from '../support/fastPathsReady';
import { entries, waitForEnd } from '../support/logReading';
import { startWsServer, type WsPeer } from '../support/nodePeers';

const MESSAGES = 6000;
const SIZE = 1024;

function message(i: number): Buffer {
  const b = Buffer.alloc(SIZE, 0x2e);
  b.write(`message ${i} `);
  return b;
}

describe('a flood of messages', () => {
  let peer: WsPeer;
  before(async () => {
    // The fast receive paths are what a flood exercises: they are on once the self-test passed.
    await fastPathsReady();
    peer = await startWsServer({ echo: false });
  });
  after(() => peer.close());

  it('is logged whole and in order, and the close after it completes', async () => {
    const c = createWebSocketConnection({ url: peer.url('/'), perMessageDeflate: false });
    try {
      await c.connect();
      const server = await peer.client(0);
      // All at once: the kernel holds megabytes, so one poll could read far beyond a turn's budget.
      for (let i = 0; i < MESSAGES; i++) server.send(message(i), { binary: true });
      server.close(4000, 'flood over');
      await waitForEnd(c);
      const received = entries(c.log).filter((e) => e.direction === 'in');
      const data = received.filter((e) => e.kind === 'binary');
      assert.equal(data.length, MESSAGES);
      data.forEach((e, i) => assert.ok(Buffer.from(e.payload).equals(message(i)), `message ${i}`));
      assert.equal(received.at(-1)!.kind, 'close');
      assert.equal(c.log.code(received.at(-1)!.seq), 4000);
      assert.equal(c.log.totals(Direction.In).entries, MESSAGES + 1);
      const frames = c.framesOf(data.at(-1)!.seq);
      assert.deepEqual(frames.map((f) => [f.opcode, f.fin, f.payloadLength, f.headerLength]), [[2, true, SIZE, 4]]);
      assert.equal(c.log.kind(data[0]!.seq), Kind.Binary);
    } finally {
      c.dispose();
    }
  });
});
