// Socket.IO ack round trips in the Timing panel, through a proxy panel (the layer only decoded, not
// spoken): python-socketio's client emits chat with an ack through the WebSocket proxy to python-socketio's
// server; the panel pairs the EVENT with the server's ACK, with the RTT the log's times give.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { PanelStats } from '../../shared/protocol';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import { createWsProxy } from '../../src/core/proxy';
import { eventually } from '../support/eventually';
import { entries } from '../support/logReading';
import { wirePanel, type WiredPanel } from '../support/panelWiring';
import { pythonSocketIoMissing, runPythonSocketIoClient, startPythonSocketIoServer, type PythonSocketIoServer } from '../support/pythonSocketIo';
import { requirePeer } from '../support/requirePeer';

let sio: PythonSocketIoServer | undefined;
before(async () => {
  if (!pythonSocketIoMissing(true)) sio = await startPythonSocketIoServer();
});
after(() => sio?.close());

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function latestStats(panel: WiredPanel): PanelStats | undefined {
  for (let i = panel.events.length - 1; i >= 0; i--) {
    const e = panel.events[i]!;
    if (e.type === 'stats' || e.type === 'entries' || e.type === 'cleared') return e.stats;
  }
  return undefined;
}

describe('Socket.IO acks in the Timing panel', () => {
  it('pairs a proxied EVENT with its ACK: the detail pane pair, the RTT from the log, the Ack summary', async (t) => {
    if (!requirePeer(t, 'python3-socketio with python3-websocket', pythonSocketIoMissing(true))) return;
    const upstream = `127.0.0.1:${sio!.port}`;
    const server = createServerConnection(createWsProxy({ listen: '127.0.0.1:0', upstream: `ws://${upstream}`, headers: { Origin: `http://${upstream}` } }));
    cleanups.push(() => server.dispose());
    await server.connect();
    const panel = wirePanel(server);
    cleanups.push(() => panel.dispose());
    await panel.webview.sendRequest('ready', {});
    await panel.webview.sendRequest('setDecodeSettings', { layer: 'socketio' });

    const client = runPythonSocketIoClient(`http://127.0.0.1:${server.server.address!.port}`);
    await eventually(() => server.server.peers.length, (n) => n === 1, 'the client reaching the proxy');
    await panel.webview.sendRequest('selectPeer', { peer: 1 });
    assert.deepEqual(await client, { ack: ['ok', 'hello from python', 1] });

    const log = server.server.peers[0]!.connection.log;
    const text = (e: { payload: Uint8Array }) => Buffer.from(e.payload).toString();
    const event = entries(log).find((e) => e.direction === 'out' && text(e).startsWith('42/chat,1['));
    const ack = entries(log).find((e) => e.direction === 'in' && text(e).startsWith('43/chat,1['));
    assert.ok(event && ack, 'the EVENT and its ACK logged');
    const rttMs = log.monoTime(ack.seq) - log.monoTime(event.seq);
    assert.ok(rttMs > 0);

    const asked = await eventually(() => panel.webview.sendRequest('getTiming', { seq: event.seq }), (x) => x.pairs.length > 0, 'the EVENT paired');
    assert.deepEqual(asked.pairs, [{ role: 'request', otherSeq: ack.seq, rttMs, via: 'ack', key: '1 /chat' }]);
    const answered = await panel.webview.sendRequest('getTiming', { seq: ack.seq });
    assert.deepEqual(answered.pairs, [{ role: 'response', otherSeq: event.seq, rttMs, via: 'ack', key: '1 /chat' }]);
    const stats = await eventually(() => latestStats(panel), (s) => s?.timing?.ack !== undefined, 'the Ack summary');
    assert.deepEqual(stats!.timing!.ack, { count: 1, unanswered: 0, minMs: rttMs, medianMs: rttMs, p95Ms: rttMs, maxMs: rttMs });
  });
});
