// A session file's panel on the host side: a PanelController showing a RecordedConnection, driven through
// the real protocol; Connect swaps in a live connection to a real WebSocket server.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { decodeEntryBatch } from '../../shared/entryBatch';
import { MessageHandler } from '../../shared/messageHandler';
import { webviewIncoming } from '../../shared/messageSchema';
import type { HostEvents, HostRequests, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { parseSession } from '../../src/core/session';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { PanelController, type PanelCallbacks } from '../../src/panel/panelController';
import { RecordedConnection } from '../../src/core/session/recordedConnection';
import { applySessionView, sessionViewOf } from '../../src/panel/sessionView';
import { serializeSession } from '../../src/core/session';
import { eventually } from '../support/eventually';
import { startWsPeer, type WsPeer } from '../browser/harness/wsPeer';
import { hostEventHandlers, ignoreEvent } from '../support/panelWiring';

const session = parseSession(
  JSON.stringify({
    version: 1,
    connection: { type: 'websocket', url: 'ws://127.0.0.1:1/' },
    log: {
      savedAt: '2024-05-01T12:00:01.000Z',
      entries: [
        { seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'out', kind: 'text', text: 'hello' },
        { seq: 1, time: '2024-05-01T12:00:00.010Z', mono: 10, direction: 'in', kind: 'text', text: 'hello' },
      ],
    },
  }),
);

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function wire(connection: Connection, callbacks: Partial<PanelCallbacks>) {
  const snapshots: HostEvents['snapshot'][] = [];
  const controller = new PanelController(
    connection,
    (m) => queueMicrotask(() => webview.handleMessage(m)),
    { connect: () => undefined, disconnect: () => undefined, writeClipboard: () => undefined, ...callbacks },
    {
      settings: { defaultFormat: 'hex', autoscroll: false },
      session: () => ({ fileName: 'x.socket-session.json', canReplay: true, readOnly: false }),
      log: () => {},
    },
  );
  const webview = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
    post: (m) => queueMicrotask(() => controller.handleMessage(m)),
    schemas: webviewIncoming,
    requests: {},
    events: hostEventHandlers(ignoreEvent, {
      snapshot: (e) => void snapshots.push(e),
    }),
  });
  cleanup.push(() => controller.dispose(), () => webview.dispose());
  return { controller, webview, snapshots };
}

describe('A session panel', () => {
  it('serves the recorded log, the settings and the session details', async () => {
    const recorded = new RecordedConnection(session);
    cleanup.push(() => recorded.dispose());
    const { webview } = wire(recorded, {});
    const snapshot = await webview.sendRequest('ready', {});
    assert.equal(snapshot.state, 'closed');
    assert.equal(snapshot.target, 'ws://127.0.0.1:1/');
    assert.deepEqual(snapshot.settings, { defaultFormat: 'hex', autoscroll: false });
    assert.deepEqual(snapshot.session, { fileName: 'x.socket-session.json', canReplay: true, readOnly: false });
    assert.equal(snapshot.stats.nextSeq - snapshot.stats.firstSeq, 2);
    const { batch } = await webview.sendRequest('getRange', { fromSeq: snapshot.stats.firstSeq, count: 10 });
    const decoded = decodeEntryBatch(batch);
    assert.equal(decoded.count, 2);
    await assert.rejects(webview.sendRequest('send', { format: 'text', input: 'x', escapes: false }), /recorded session|not/i);
  });

  it('connects from the file: the panel switches to a live connection to the server', async () => {
    const peer: WsPeer = await startWsPeer();
    cleanup.push(() => peer.close());
    const recorded = new RecordedConnection(session);
    cleanup.push(() => recorded.dispose());
    let live: Connection | undefined;
    const { webview, snapshots, controller } = wire(recorded, {
      connect: () => {
        live = createWebSocketConnection({ url: peer.url });
        cleanup.push(() => live?.dispose());
        void live.connect();
        return live;
      },
    });
    await webview.sendRequest('ready', {});
    await webview.sendRequest('connect', {});
    assert.equal(controller.connection, live);
    await eventually(() => snapshots.length, (n) => n >= 1, 'a snapshot of the live connection');
    await eventually(() => live!.state, (s) => s === 'open', 'the live connection to open');
    await webview.sendRequest('send', { format: 'text', input: 'again', escapes: false });
    await eventually(() => peer.received.map((r) => r.data.toString()).join(), (t) => t === 'again', 'the server to receive it');
  });

  it('forwards Save and Replay to the extension, and refuses them where sessions are not available', async () => {
    const recorded = new RecordedConnection(session);
    cleanup.push(() => recorded.dispose());
    const asked: string[] = [];
    const { webview } = wire(recorded, { sessionCommand: (c) => void asked.push(c) });
    await webview.sendRequest('ready', {});
    await webview.sendRequest('sessionCommand', { command: 'save' });
    await webview.sendRequest('sessionCommand', { command: 'replay' });
    assert.deepEqual(asked, ['save', 'replay']);
    await assert.rejects(webview.sendRequest('sessionCommand', { command: 'delete' as 'save' }));
    assert.deepEqual(asked, ['save', 'replay'], 'an unknown session command is refused before it reaches the extension');

    const other = new RecordedConnection(session);
    cleanup.push(() => other.dispose());
    const bare = wire(other, {});
    await bare.webview.sendRequest('ready', {});
    await assert.rejects(bare.webview.sendRequest('sessionCommand', { command: 'save' }), /not available/);
  });

  it("opens a TCP session as its file's view says (framing, pairing field) and saves the view the panel shows", async () => {
    const tcpSession = parseSession(
      JSON.stringify({
        version: 1,
        connection: { type: 'tcp', host: '127.0.0.1', port: 1 },
        view: { framing: { type: 'delimiter', delimiter: '0d0a' }, pairing: 'id', futureOption: 3 },
        log: {
          savedAt: '2024-05-01T12:00:01.000Z',
          entries: [
            { seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'out', kind: 'data', text: '{"id":1}\r\n{"id":2}\r\n' },
            { seq: 1, time: '2024-05-01T12:00:00.010Z', mono: 10, direction: 'in', kind: 'data', text: '{"id":2}\r\n{"id"' },
            { seq: 2, time: '2024-05-01T12:00:00.020Z', mono: 20, direction: 'in', kind: 'data', text: ':1}\r\n' },
          ],
        },
      }),
    );
    const recorded = new RecordedConnection(tcpSession);
    cleanup.push(() => recorded.dispose());
    const { webview, controller } = wire(recorded, {});
    const warnings: string[] = [];
    applySessionView(controller, tcpSession.view, (w) => warnings.push(w));
    assert.equal(warnings.length, 0, warnings.join('\n'));
    const snapshot = await webview.sendRequest('ready', {});
    assert.deepEqual(snapshot.framing, { type: 'delimiter', delimiter: '0d0a' });
    // Framed by \r\n, the three chunks are four messages, and the replies pair with their requests by id.
    assert.equal(snapshot.stats.nextSeq - snapshot.stats.firstSeq, 4);
    assert.equal(controller.pairingField, 'id');
    const first = snapshot.stats.firstSeq;
    const replyTo2 = await webview.sendRequest('getTiming', { seq: first + 2 });
    const replyTo1 = await webview.sendRequest('getTiming', { seq: first + 3 });
    assert.deepEqual(
      [replyTo2, replyTo1].map((t) => t.pairs.map((p) => `${p.role} to #${p.otherSeq - first} by ${p.key}`)),
      [['response to #1 by 2'], ['response to #0 by 1']],
    );

    // Saved again: the view the panel shows, the unknown field kept, in the format's order.
    controller.setPairingField('');
    const view = sessionViewOf(controller, tcpSession.view);
    assert.deepEqual(view as unknown, { framing: { type: 'delimiter', delimiter: '0d0a' }, futureOption: 3 });
    const text = serializeSession({ ...tcpSession, view });
    assert.match(text, /"connection": \{[^}]*\},\n {2}"view": \{\n {4}"framing": \{\n {6}"type": "delimiter",\n {6}"delimiter": "0d0a"\n {4}\},\n {4}"futureOption": 3\n {2}\},\n {2}"log"/);
    assert.deepEqual(parseSession(text).view, view);

    // A view that does not fit the panel is reported and leaves the panel as it was.
    const ws = new RecordedConnection(session);
    cleanup.push(() => ws.dispose());
    const wsPanel = wire(ws, {});
    applySessionView(wsPanel.controller, { framing: { type: 'fixed', size: 4 } }, (w) => warnings.push(w));
    assert.equal(wsPanel.controller.framing, undefined);
    assert.match(warnings.join('\n'), /^view\.framing: Framing applies to TCP connections/);
  });
});
