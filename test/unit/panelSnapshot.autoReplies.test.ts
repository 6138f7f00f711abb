// A panel's snapshot says when the log shown holds auto-replies, so the filter strip offers to pick them
// out even where no listener sends any now: a session file of a listener's peer. Real session parsing,
// the real PanelController, answered through the webview protocol.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PanelSnapshot } from '../../shared/protocol';
import { parseSession } from '../../src/core/session';
import { RecordedConnection } from '../../src/core/session/recordedConnection';
import { PanelController } from '../../src/panel/panelController';

const TIME = '2024-05-01T12:00:00.000Z';

/** The snapshot a panel on a session file with these entries answers `ready` with. */
async function snapshotOf(entries: object[]): Promise<PanelSnapshot> {
  const session = parseSession(
    JSON.stringify({ version: 1, connection: { type: 'websocket', url: 'ws://127.0.0.1:1/' }, log: { savedAt: TIME, entries } }),
  );
  const connection = new RecordedConnection(session);
  const posted: Array<{ type: string; requestId?: number; ok?: boolean; result?: unknown }> = [];
  const controller = new PanelController(
    connection,
    (m) => void posted.push(m as (typeof posted)[number]),
    { connect: () => undefined, disconnect: () => undefined, writeClipboard: () => undefined, savePayload: () => true },
    { statsIntervalMs: 0 },
  );
  try {
    controller.handleMessage({ type: 'ready', requestId: 1 });
    for (let i = 0; i < 10 && !posted.some((p) => p.requestId === 1); i++) await new Promise((r) => setImmediate(r));
    const answer = posted.find((p) => p.type === 'response' && p.requestId === 1);
    assert.equal(answer?.ok, true);
    return answer!.result as PanelSnapshot;
  } finally {
    controller.dispose();
    connection.dispose();
  }
}

const ping = { seq: 0, time: TIME, mono: 0, direction: 'in', kind: 'text', text: 'ping' };

describe('panel snapshot: auto-replies in the log', () => {
  it('says so for a session file whose log holds an auto-reply', async () => {
    const reply = { seq: 1, time: TIME, mono: 1, direction: 'out', kind: 'text', text: 'pong', autoReply: { rule: 1, match: 'ping' } };
    const snapshot = await snapshotOf([ping, reply]);
    assert.equal(snapshot.autoReplyMarks, true);
  });

  it('says nothing for a log without any', async () => {
    const typed = { seq: 1, time: TIME, mono: 1, direction: 'out', kind: 'text', text: 'pong' };
    const snapshot = await snapshotOf([ping, typed]);
    assert.equal('autoReplyMarks' in snapshot, false);
  });
});
