// "Save payload to file…": the row preview of a huge message stays small, and saving hands the extension
// every byte of it, through the real protocol from the webview's side: the bytes of the entry the
// webview shows (the framed view when a framer is on), as they were when the user chose Save, however
// long the save dialog stays open while traffic recycles the log's memory.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeEntryBatch } from '../../shared/entryBatch';
import { RequestError } from '../../shared/messageHandler';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { LINES_LF } from '../../shared/framerSpec';
import { payloadFileName } from '../../src/panel/payloadFileName';
import { Direction, Kind } from '../../shared/logModel';
import { entries, waitForEntry } from '../support/logReading';
import { startTcpServer, startWsServer, type WsPeer } from '../support/nodePeers';
import { wirePanel } from '../support/panelWiring';

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

async function connected(retention?: { maxBytes: number }): Promise<Connection> {
  const c = createWebSocketConnection({ url: server.url('/big') }, retention);
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

  it('saves the framed message the webview shows, not the raw chunk of the same seq', async () => {
    // One write carries two lines, a later one the third: the raw log holds 2 chunks where the framed
    // view holds 3 messages, so the seqs of the two differ from the second message on.
    const peer = await startTcpServer((socket) => {
      socket.write('hello\nworld\n');
      setTimeout(() => socket.write('third\n'), 50);
    });
    const c = createTcpConnection({ host: '127.0.0.1', port: peer.port });
    connections.push(c);
    const saved: Array<{ text: string; name: string }> = [];
    const panel = wirePanel(c, { savePayload: (payload, name) => (saved.push({ text: Buffer.from(payload).toString(), name }), true) });
    try {
      await c.connect();
      await waitForEntry(c.log, 'the third line', (e) => e.text === 'third\n');
      await panel.webview.sendRequest('ready', {});
      panel.controller.setFraming(LINES_LF);
      const rows = await panel.rows(0, 10);
      const world = rows.find((r) => r.preview === 'world');
      assert.ok(world, `the framed view shows "world": ${JSON.stringify(rows)}`);
      assert.notEqual(c.log.payload(world.seq)?.toString(), 'world', 'the raw entry of that seq is something else');

      const result = await panel.webview.sendRequest('savePayload', { seq: world.seq });
      assert.deepEqual(result, { saved: true, bytes: 5 });
      assert.deepEqual(saved, [{ text: 'world', name: `entry-${world.seq}-in.bin` }]);
      assert.deepEqual(panel.problems, []);
    } finally {
      panel.dispose();
      await peer.close();
    }
  });

  it('writes the bytes shown when Save was chosen, though traffic recycles the log while the dialog is open', async () => {
    // A log of at most 2 MiB: the flood below evicts the saved entry and reuses its memory for new ones.
    const c = await connected({ maxBytes: 2 * MiB });
    const sender = await server.client(server.clients.length - 1);
    const KiB200 = 200 * 1024;
    sender.send(Buffer.alloc(KiB200, 'A'));
    const entry = await waitForEntry(c.log, 'the A message', (e) => e.direction === 'in' && e.payload[0] === 0x41);
    let written: Buffer | undefined;
    const panel = wirePanel(c, {
      // As the extension's callback does: ask where (the user takes a while), then write what it was given.
      savePayload: async (payload) => {
        const before = c.log.nextSeq;
        for (let i = 0; i < 40; i++) sender.send(Buffer.alloc(KiB200, 'B'));
        await waitForEntry(c.log, 'the 40th B message', (e) => e.seq >= before + 39 && e.payload[0] === 0x42);
        assert.ok(c.log.firstSeq > entry.seq, 'the saved entry was evicted while the dialog was open');
        written = Buffer.from(payload);
        return true;
      },
    });
    try {
      assert.deepEqual(await panel.webview.sendRequest('savePayload', { seq: entry.seq }), { saved: true, bytes: KiB200 });
      assert.ok(written, 'the callback wrote');
      assert.equal(written.length, KiB200);
      assert.ok(written.equals(Buffer.alloc(KiB200, 'A')), `every byte is an A (found ${written.indexOf(0x42) >= 0 ? 'B' : 'other'} bytes)`);
      assert.deepEqual(panel.problems, []);
    } finally {
      panel.dispose();
    }
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
