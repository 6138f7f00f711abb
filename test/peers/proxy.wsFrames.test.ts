// The Frames tab's data for a WebSocket proxy pair: both legs' wire frames, each tagged with its leg.
// Upstream: Debian's python3-websockets echo server; downstream: our WebSocket client, which records its
// own wire frames, so the client leg's frames can be compared with the ones the client really sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { framesResult } from '../../src/panel/wireFrameQueries';
import { entries, waitForEntry, waitForState } from '../support/logReading';
import { useWsProxyPeers } from '../support/wsProxyPeers';

const { python, needsPython, proxyTo, clientOf, pairOf } = useWsProxyPeers();

/**
 * A frame as "leg dir opcode masked payloadLength"; a compressed frame (python-websockets and ws agree on
 * permessage-deflate upstream, the client offers none) shows "deflated" for its length.
 */
const describeFrame = (f: { leg?: string; direction: number; opcode: number; masked: boolean; rsv1: boolean; payloadLength: number }) =>
  `${f.leg ?? '-'} ${f.direction === 1 ? 'out' : 'in'} ${f.opcode} ${f.masked ? 'masked' : 'plain'} ${f.rsv1 ? 'deflated' : f.payloadLength}`;

describe('WebSocket proxy: both legs wire frames (python3-websockets upstream, ws client)', () => {
  it('records the client leg and the upstream leg of each message, tagged with their leg', async (t) => {
    if (!needsPython(t)) return;
    const session = await proxyTo(python().url(''));
    const c = clientOf(session, '/echo', { perMessageDeflate: false });
    await c.connect();
    const pair = await pairOf(session);
    await waitForState(pair, 'open');

    // The client cuts its message into three frames; the proxy forwards the message upstream in one.
    c.sendFragmented(new TextEncoder().encode('fragmented hello'), { binary: false, fragments: 3 });
    await waitForEntry(c.log, 'the echo', (e) => e.direction === 'in' && e.kind === 'text');
    const pairLog = entries(pair.log);
    const sent = pairLog.find((e) => e.direction === 'out' && e.kind === 'text')!;
    const echoed = pairLog.find((e) => e.direction === 'in' && e.kind === 'text')!;

    const out = framesResult(pair, sent.seq);
    assert.equal(out.available, true);
    assert.deepEqual(out.frames.map(describeFrame), [
      'client out 1 masked 6',
      'client out 0 masked 5',
      'client out 0 masked 5',
      'upstream out 1 masked deflated',
    ]);
    assert.equal(out.total, 4);
    // The client leg's frames are the ones the client wrote: the same masking keys, in order.
    const clientOwn = [...Array(c.wireFrames.size).keys()].map((i) => c.wireFrames.get(c.wireFrames.firstIndex + i)!).filter((f) => f.direction === 1);
    assert.deepEqual(
      out.frames.filter((f) => f.leg === 'client').map((f) => f.maskKey),
      clientOwn.map((f) => f.maskKey.toString(16).padStart(8, '0')),
    );

    const back = framesResult(pair, echoed.seq);
    assert.deepEqual(back.frames.map(describeFrame), ['upstream in 1 plain deflated', 'client in 1 plain 16']);
  });
  it('lists both legs as one timeline in wire order: what the proxy received before what it forwarded', async (t) => {
    if (!needsPython(t)) return;
    // No permessage-deflate upstream: the proxy writes the message upstream as soon as ws hands it over,
    // inside the read that brought the client's last fragment.
    const session = await proxyTo(python().url(''), { perMessageDeflate: false });
    const c = clientOf(session, '/echo', { perMessageDeflate: false });
    await c.connect();
    const pair = await pairOf(session);
    await waitForState(pair, 'open');

    c.sendFragmented(new TextEncoder().encode('four parts, one timeline'), { binary: false, fragments: 4 });
    await waitForEntry(c.log, 'the echo', (e) => e.direction === 'in' && e.kind === 'text');
    const pairLog = entries(pair.log);
    const sent = pairLog.find((e) => e.direction === 'out' && e.kind === 'text')!;
    const echoed = pairLog.find((e) => e.direction === 'in' && e.kind === 'text')!;

    // Client → server: the client leg's four frames arrived, then the proxy sent the message upstream.
    const out = framesResult(pair, sent.seq);
    assert.deepEqual(out.frames.map(describeFrame), [
      'client out 1 masked 6',
      'client out 0 masked 6',
      'client out 0 masked 6',
      'client out 0 masked 6',
      'upstream out 1 masked 24',
    ]);
    // `#` is a frame's place in the message on its leg, whatever else crossed the connection before.
    assert.deepEqual(out.frames.map((f) => f.position), [0, 1, 2, 3, 0]);
    // The Time column reads as the rows do: never earlier than the row above.
    const times = out.frames.map((f) => f.wallTime);
    assert.deepEqual(times, times.slice().sort((a, b) => a - b), `times in row order: ${times.join(', ')}`);
    // Server → client: the echo came in upstream, then went out to the client.
    const back = framesResult(pair, echoed.seq);
    assert.deepEqual(back.frames.map(describeFrame), ['upstream in 1 plain 24', 'client in 1 plain 24']);
    assert.deepEqual(back.frames.map((f) => f.position), [0, 0]);
    const backTimes = back.frames.map((f) => f.wallTime);
    assert.ok(backTimes[0]! <= backTimes[1]!, `times in row order: ${backTimes.join(', ')}`);
  });
});
