// "Save payload to file…": the row preview of a huge message stays small, and saving hands the extension
// every byte of it, through the real protocol from the webview's side.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeEntryBatch } from '../../shared/entryBatch';
import { RequestError } from '../../shared/messageHandler';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { payloadFileName } from '../../src/panel/payloadFileName';
import { Direction, Kind } from '../../shared/logModel';
import { entries, waitForEntry } from './support/logReading';
import { startWsServer, type WsPeer } from './support/nodePeers';
import { wirePanel } from './support/panelWiring';

const MiB = 1024 * 1024;
let server: WsPeer;
const connections: Connection[] = [];
before(async () => {
  server = await startWsServer({ echo: false });
});
after(async () => {
  for (const c of connections) c.dispose();
  await server.close();
});

async function connected(): Promise<Connection> {
  const c = createWebSocketConnection({ url: server.url('/big') });
  connections.push(c);
  await c.connect();
  return c;
}

describe('Save payload to file', () => {
  it('hands the extension the full bytes of a multi-MiB message whose preview is 256 bytes', async () => {
    const c = await connected();
    const big = randomBytes(6 * MiB);
    (await server.client(server.clients.length - 1)).send(big);
    const entry = await waitForEntry(c.log, 'the 6 MiB message', (e) => e.direction === 'in' && e.kind === 'binary');
    const saved: Array<{ bytes: Buffer; name: string }> = [];
    const panel = wirePanel(c, { savePayload: (payload, name) => (saved.push({ bytes: Buffer.from(payload), name }), true) });
    try {
      await panel.webview.sendRequest('ready', {});
      const { batch } = await panel.webview.sendRequest('getRange', { fromSeq: entry.seq, count: 1 });
      const page = decodeEntryBatch(batch);
      assert.equal(page.length[0], 6 * MiB, 'the row knows the true length');
      assert.equal(page.end[0], 256, 'and carries a 256-byte preview');
      assert.ok(batch.byteLength < 4096, `a page carries the preview only (${batch.byteLength} bytes)`);

      const result = await panel.webview.sendRequest('savePayload', { seq: entry.seq });
      assert.deepEqual(result, { saved: true, bytes: 6 * MiB });
      assert.equal(saved.length, 1);
      assert.equal(saved[0]!.name, `entry-${entry.seq}-in.bin`);
      assert.ok(saved[0]!.bytes.equals(big), 'every byte, in order');
      assert.deepEqual(panel.problems, []);
    } finally {
      panel.dispose();
    }
  });

  it('says so when the user cancels, when saving is not available, and when the entry is gone', async () => {
    const c = await connected();
    (await server.client(server.clients.length - 1)).send('{"small":true}');
    const entry = await waitForEntry(c.log, 'the JSON message', (e) => e.direction === 'in' && e.kind === 'text');
    const cancelled = wirePanel(c, { savePayload: () => false });
    const unavailable = wirePanel(c);
    try {
      assert.deepEqual(await cancelled.webview.sendRequest('savePayload', { seq: entry.seq }), { saved: false, bytes: 14 });
      await assert.rejects(unavailable.webview.sendRequest('savePayload', { seq: entry.seq }), (e: unknown) => e instanceof RequestError && e.code === 'UNSUPPORTED');
      c.log.clear();
      await assert.rejects(cancelled.webview.sendRequest('savePayload', { seq: entry.seq }), (e: unknown) => e instanceof RequestError && e.code === 'GONE' && /no longer in the log/.test(e.message));
      // A malformed request never reaches the callback.
      await assert.rejects(cancelled.webview.sendRequest('savePayload', { seq: -1 }), (e: unknown) => e instanceof RequestError && e.code === 'BAD_REQUEST');
      await assert.rejects(cancelled.webview.sendRequest('savePayload', { seq: '1' as unknown as number }), /seq must be an integer/);
    } finally {
      cancelled.dispose();
      unavailable.dispose();
    }
    assert.equal(entries(c.log).length, 0);
  });

  it('names the file after the entry, its direction, and what it holds', () => {
    const json = new TextEncoder().encode('  {"a":1}');
    assert.equal(payloadFileName(3, Direction.In, Kind.Text, json), 'entry-3-in.json');
    assert.equal(payloadFileName(4, Direction.Out, Kind.Text, new TextEncoder().encode('hello')), 'entry-4-out.txt');
    assert.equal(payloadFileName(5, Direction.In, Kind.Binary, json), 'entry-5-in.bin');
    assert.equal(payloadFileName(6, Direction.In, Kind.Data, json), 'entry-6-in.bin');
    assert.equal(payloadFileName(7, Direction.Meta, Kind.Error, new Uint8Array()), 'entry-7-meta.txt');
  });
});
