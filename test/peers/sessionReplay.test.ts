// Replaying a session's recorded sent messages to a real WebSocket server: order, kinds, and cancel.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseSession, replaySteps } from '../../src/core/session';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { ReplayRun } from '../../src/core/session/replayRunner';
import { eventually } from '../support/eventually';
import { startWsPeer, type WsPeer } from '../browser/harness/wsPeer';

const recorded = parseSession(
  JSON.stringify({
    version: 1,
    connection: { type: 'websocket', url: 'ws://127.0.0.1:1/' },
    log: {
      savedAt: '2024-05-01T12:00:01.000Z',
      entries: [
        { seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'out', kind: 'text', text: 'one' },
        { seq: 1, time: '2024-05-01T12:00:00.010Z', mono: 10, direction: 'in', kind: 'text', text: 'not replayed' },
        { seq: 2, time: '2024-05-01T12:00:00.020Z', mono: 20, direction: 'out', kind: 'binary', base64: 'AAEC' },
        { seq: 3, time: '2024-05-01T12:00:00.030Z', mono: 30, direction: 'out', kind: 'ping', text: 'p' },
        { seq: 4, time: '2024-05-01T12:00:00.040Z', mono: 40, direction: 'out', kind: 'text', text: 'two' },
      ],
    },
  }),
);

describe('ReplayRun against a real WebSocket server', () => {
  let peer: WsPeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it('sends the recorded outgoing messages in order with their kinds', async () => {
    peer = await startWsPeer();
    const connection = createWebSocketConnection({ url: peer.url });
    await connection.connect();
    const run = new ReplayRun(connection, replaySteps(recorded.log!, { originalTiming: true }));
    assert.equal(await run.done, 4);
    await eventually(() => peer!.received.length, (n) => n === 3, 'three messages');
    assert.deepEqual(
      peer.received.map((r) => [r.binary, r.binary ? r.data.toString('hex') : r.data.toString('utf8')]),
      [
        [false, 'one'],
        [true, '000102'],
        [false, 'two'],
      ],
    );
    await eventually(() => peer!.pings.map((p) => p.toString()).join(), (p) => p === 'p', 'the ping');
    connection.dispose();
  });

  it('stops when cancelled and resolves with what it sent', async () => {
    peer = await startWsPeer();
    const connection = createWebSocketConnection({ url: peer.url });
    await connection.connect();
    const steps = replaySteps(recorded.log!).map((s, i) => ({ ...s, delayMs: i === 0 ? 0 : 60_000 }));
    const run = new ReplayRun(connection, steps);
    await eventually(() => peer!.received.length, (n) => n === 1, 'the first message');
    run.cancel();
    assert.equal(await run.done, 1);
    connection.dispose();
  });

  it('rejects with the engine error when the connection is not open', async () => {
    peer = await startWsPeer();
    const connection = createWebSocketConnection({ url: peer.url });
    const run = new ReplayRun(connection, replaySteps(recorded.log!));
    await assert.rejects(run.done, /not connected/);
    connection.dispose();
  });
});
