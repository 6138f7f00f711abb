// A session file's panel on the host side: a PanelController showing a RecordedConnection, driven through
// the real protocol; Connect swaps in a live connection to a real WebSocket server.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { decodeEntryBatch } from '../../shared/entryBatch';
import { MessageHandler } from '../../shared/messageHandler';
import { webviewIncoming } from '../../shared/messageSchema';
import type { HostEvents, HostRequests, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import type { Connection } from '../../src/core/connectionTypes';
import { parseSession } from '../../src/core/session';
import { createWebSocketConnection } from '../../src/core/wsConnection';
import { PanelController, type PanelCallbacks } from '../../src/panel/panelController';
import { RecordedConnection } from '../../src/session/recordedConnection';
import { eventually } from '../browser/harness/eventually';
import { startWsPeer, type WsPeer } from '../browser/harness/wsPeer';
import { hostEventHandlers, ignoreEvent } from './support/panelWiring';

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
});
