// The WebSocket proxy in front of python-socketio, with a python-socketio client (python3-websocket)
// through it: both legs decode with the Socket.IO decoder, and a held client→server EVENT is edited
// as JSON, encoded back by the decoder and forwarded; the server handles the edited arguments.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { layerFactory } from '../../src/core/layers';
import { createWsProxy, type ProxySession } from '../../src/core/proxy';
import { describeLog, entries } from '../support/logReading';
import { closeSession, peerAt } from '../support/proxyReading';
import { pythonSocketIoMissing, runPythonSocketIoClient, startPythonSocketIoServer, type PythonSocketIoServer } from '../support/pythonSocketIo';
import { requirePeer } from '../support/requirePeer';

let server: PythonSocketIoServer | undefined;
before(async () => {
  if (!pythonSocketIoMissing(true)) server = await startPythonSocketIoServer();
});
after(() => server?.close());

const sessions: ProxySession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await closeSession(s);
});

const decoder = layerFactory('socketio')!.decoder;

describe('Socket.IO through the WebSocket proxy', () => {
  it('decodes both legs, and a held EVENT edited as JSON reaches the server re-encoded', async (t) => {
    if (!requirePeer(t, 'python3-socketio with python3-websocket', pythonSocketIoMissing(true))) return;
    const from = server!.reports.length;
    // python-socketio accepts only its own origin: the proxy sends the server's instead of the client's.
    const upstream = `127.0.0.1:${server!.port}`;
    const proxy = createWsProxy({ listen: '127.0.0.1:0', upstream: `ws://${upstream}`, headers: { Origin: `http://${upstream}` }, startPaused: { toServer: true } });
    sessions.push(proxy);
    await proxy.start();
    const client = runPythonSocketIoClient(`http://127.0.0.1:${proxy.address!.port}`);
    const peer = await peerAt(proxy, 0);
    const pair = peer.connection;
    const controls = peer.controls;

    // Everything the client sends is held; the EVENT is edited, the rest (CONNECT, pongs) goes on as is.
    const originals: Uint8Array[] = [];
    const editedTexts: string[] = [];
    const releaseHeld = () => {
      for (const held of controls.held) {
        const input = { payload: held.payload, direction: Direction.Out, kind: held.kind };
        const d = decoder.decode(input);
        if (d?.fields.type === 'EVENT' && d.fields.event === 'chat') {
          originals.push(Uint8Array.from(held.payload));
          const editable = JSON.parse(decoder.toEditableText!(input)!) as { args: unknown[] };
          editable.args = ['edited ✓', 2];
          const bytes = decoder.fromEditableText!(JSON.stringify(editable, null, 2), input);
          editedTexts.push(Buffer.from(bytes).toString());
          controls.release(held.id, { text: Buffer.from(bytes).toString() });
        } else {
          controls.release(held.id);
        }
      }
    };
    const sub = controls.onDidChangeHeld(() => queueMicrotask(releaseHeld));
    try {
      releaseHeld();
      const result = await client;
      assert.deepEqual(result, { ack: ['ok', 'edited ✓', 2] }, describeLog(pair.log));
    } finally {
      sub.dispose();
    }
    const got = await server!.waitForReport('chat event', (r) => r.got !== undefined, from);
    assert.deepEqual(got.got, { namespace: '/chat', event: 'chat', args: ['edited ✓', 2] });

    // The python client's ack ids start at 1; the edit kept it.
    assert.equal(Buffer.from(originals[0]!).toString(), '42/chat,1["chat","hello from python",1]');
    assert.deepEqual(editedTexts, ['42/chat,1["chat","edited ✓",2]']);
    // Unedited, the editable text encodes back to the very bytes received.
    const input = { payload: originals[0]!, direction: Direction.Out, kind: Kind.Text };
    assert.deepEqual(Buffer.from(decoder.fromEditableText!(decoder.toEditableText!(input)!, input)), Buffer.from(originals[0]!));

    // Both legs, decoded: client→server (out) and server→client (in).
    const decoded = entries(pair.log)
      .filter((e) => e.kind === 'text' || e.kind === 'binary')
      .map((e) => ({ e, d: decoder.decode({ payload: e.payload, direction: e.direction === 'in' ? Direction.In : Direction.Out, kind: e.kind === 'text' ? Kind.Text : Kind.Binary })! }));
    assert.deepEqual(decoded.filter(({ d }) => d.error).map(({ e, d }) => `#${e.seq} ${d.summary}`), []);
    const s = decoded.map(({ e, d }) => `${e.direction} ${d.summary}`);
    const has = (re: RegExp) => assert.ok(s.some((x) => re.test(x)), `${re} in:\n${s.join('\n')}`);
    has(/^in open sid=\S+ pingInterval 25000 pingTimeout 20000$/);
    has(/^out CONNECT \/chat \{"token":…\}$/);
    has(/^in CONNECT \/chat sid=\S+$/);
    has(/^out EVENT \/chat chat \["hello from python",1\] · ack 1$/);
    has(/^out EVENT \/chat chat \["edited ✓",2\] · ack 1$/);
    // python-socketio writes non-ASCII as \u escapes; the summary shows the JSON as sent.
    has(/^in ACK \/chat 1 \["ok","edited \\u2713",2\]$/);
    const ack = decoded.find(({ d }) => d.fields.type === 'ACK')!.d;
    assert.deepEqual(ack.fields, { type: 'ACK', namespace: '/chat', ackId: '1' });
    assert.equal(ack.tree.children!.find((n) => n.key === 'args')!.children![1]!.value, '"edited ✓"');
  });
});
