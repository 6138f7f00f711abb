// Large messages over a real socket: every payload that spans reads is reassembled by ws straight into
// the log (src/core/receive/inPlaceReassembly.ts). Whatever lands in place or is copied, each entry holds
// exactly what was sent, in order, with its frames, at the retention cap too, in both roles.
import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import type { WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { eventually } from '../support/eventually';
import { entries, waitForEnd } from '../support/logReading';
import { startWsServer } from '../support/nodePeers';
import { fastPathsReady } from '../support/fastPathsReady';
import { wsListenerWithClient } from '../support/receiveTraffic';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
// The fast receive paths are what these tests are about: they are on once the self-test passed.
before(fastPathsReady);

/** A payload whose bytes depend on its index, so a mix-up between messages shows. */
function payload(i: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let j = 0; j < size; j++) b[j] = (i * 131 + j * 7) & 0xff;
  if (size >= 4) b.writeUInt32BE(i, 0);
  return b;
}

/** Text of `size` bytes or a little more, with multi-byte characters to be split by reads. */
function text(i: number, size: number): string {
  return `${i}:` + 'ünïcödé ✓ 🚀 '.repeat(Math.ceil(size / 24));
}

type Sent = { kind: 'binary'; data: Buffer } | { kind: 'text'; data: string } | { kind: 'ping'; data: Buffer };

/** Sizes around read (64 KiB) and segment (1 MiB) boundaries, small ones between. */
function plan(): Sent[] {
  const sizes = [65536, 65536, 10, 65537, 4095, 4096, 200_000, 3, 1_500_000, 65536, 70_000];
  const out: Sent[] = [];
  for (let round = 0; round < 6; round++) {
    sizes.forEach((size, k) => {
      const i = round * sizes.length + k;
      if (k % 4 === 1) out.push({ kind: 'text', data: text(i, size) });
      else out.push({ kind: 'binary', data: payload(i, size) });
      if (k === 5) out.push({ kind: 'ping', data: Buffer.from(`ping ${i}`) });
    });
  }
  return out;
}

function assertLogged(c: WebSocketConnection, sent: Sent[], retainedFrom = 0): void {
  const received = entries(c.log).filter((e) => e.direction === 'in' && (e.kind === 'binary' || e.kind === 'text' || e.kind === 'ping'));
  const expected = sent.slice(sent.length - received.length);
  assert.ok(received.length >= sent.length - retainedFrom, `${received.length} of ${sent.length} retained`);
  received.forEach((e, k) => {
    const s = expected[k]!;
    assert.equal(e.kind, s.kind, `entry ${k}`);
    const bytes = typeof s.data === 'string' ? Buffer.from(s.data, 'utf8') : s.data;
    assert.ok(Buffer.from(e.payload).equals(bytes), `payload of entry ${k} (${s.kind}, ${bytes.length} bytes)`);
    const frames = c.framesOf(e.seq);
    assert.equal(frames.length, 1, `frames of entry ${k}`);
    if (frames[0]!.rsv1) assert.ok(frames[0]!.payloadLength > 0, 'a compressed frame');
    else assert.equal(frames[0]!.payloadLength, bytes.length);
  });
}

/** A ws server sends plan() and closes; our client records it all. */
async function received(deflate: boolean, retention?: { maxBytes?: number; maxEntries?: number }): Promise<{ c: WebSocketConnection; sent: Sent[] }> {
  const peer = await startWsServer({ echo: false, perMessageDeflate: deflate });
  cleanup.push(() => peer.close());
  const c = createWebSocketConnection({ url: peer.url('/'), perMessageDeflate: deflate }, retention);
  cleanup.push(() => c.dispose());
  await c.connect();
  const server = await peer.client(0);
  const sent = plan();
  for (const s of sent) {
    if (s.kind === 'ping') server.ping(s.data);
    else server.send(s.data, { binary: s.kind === 'binary' });
  }
  server.close(4000, 'done');
  await waitForEnd(c);
  return { c, sent };
}

describe('large WebSocket messages', () => {
  for (const deflate of [false, true]) {
    it(`are logged exactly and in order, pings between them${deflate ? ', compressed' : ''}`, async () => {
      const { c, sent } = await received(deflate);
      assert.equal(c.extensions.includes('permessage-deflate'), deflate);
      assertLogged(c, sent);
    });
  }

  it('are logged exactly while the retention cap evicts the oldest', async () => {
    const { c, sent } = await received(false, { maxBytes: 4 * 1024 * 1024 });
    assert.ok(c.log.dropped.entries > 0, 'the cap evicted entries');
    assertLogged(c, sent, sent.length);
  });

  it('are logged exactly with a cap of three entries, which recycles the slabs reads went into', async () => {
    const { c, sent } = await received(false, { maxEntries: 3 });
    assert.ok(c.log.dropped.entries > sent.length - 10, 'nearly all evicted');
    assertLogged(c, sent, sent.length);
  });

  it('are logged where the socket read them: a payload follows its frame header in the log', async () => {
    const { c, sent } = await received(false);
    assertLogged(c, sent);
    let inPlace = 0;
    let total = 0;
    for (const e of entries(c.log)) {
      if (e.direction !== 'in' || e.kind !== 'binary' || e.payload.length !== 65536) continue;
      total++;
      const p = c.log.payload(e.seq)!;
      const slab = new Uint8Array(p.buffer, 0, p.byteOffset);
      // 0x82, 127, then the 64-bit length 65536.
      const header = [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0];
      if (p.byteOffset >= 10 && header.every((b, i) => slab[p.byteOffset - 10 + i] === b)) inPlace++;
    }
    assert.ok(total >= 6, `${total} messages of 64 KiB`);
    // A payload that would straddle two slabs is read outside the log and joined by one copy instead.
    assert.ok(inPlace >= total / 2, `${inPlace} of ${total} logged where they were read`);
  });

  for (const how of ['fragmented', 'compressed'] as const) {
    it(`take no more of the log's memory than their payloads when ${how}`, async () => {
      // ws joins fragments, and inflates compressed payloads, into buffers of its own: what was read for
      // them must not stay in the log besides.
      const peer = await startWsServer({ echo: false, perMessageDeflate: how === 'compressed' });
      cleanup.push(() => peer.close());
      const c = createWebSocketConnection({ url: peer.url('/'), perMessageDeflate: how === 'compressed' });
      cleanup.push(() => c.dispose());
      await c.connect();
      const server = await peer.client(0);
      const messages: Buffer[] = [];
      for (let m = 0; m < 4; m++) {
        // Bytes that do not compress: the compressed frames are as large as the payload.
        const data = Buffer.alloc(2_000_000);
        let x = 2463534242 + m;
        for (let i = 0; i < data.length; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          data[i] = x & 0xff;
        }
        messages.push(data);
        if (how === 'compressed') server.send(data, { binary: true });
        else for (let at = 0; at < data.length; at += 50_000) server.send(data.subarray(at, at + 50_000), { binary: true, fin: at + 50_000 >= data.length });
      }
      server.close(4000, 'done');
      await waitForEnd(c);
      const received = entries(c.log).filter((e) => e.direction === 'in' && e.kind === 'binary');
      assert.equal(received.length, messages.length);
      received.forEach((e, k) => assert.ok(Buffer.from(e.payload).equals(messages[k]!), `message ${k}`));
      const payloads = messages.length * 2_000_000;
      assert.ok(c.log.memoryBytes < payloads * 1.25, `${c.log.memoryBytes} bytes held for ${payloads} bytes of payload`);
    });
  }

  it('from a client to our listener are logged unmasked and exact', async () => {
    const { client, peer: ws } = await wsListenerWithClient(cleanup);
    const sent = plan().filter((s) => s.kind !== 'ping');
    for (const s of sent) client.send(s.data, { binary: s.kind === 'binary' });
    const isData = (e: { direction: string; kind: string }) => e.direction === 'in' && (e.kind === 'binary' || e.kind === 'text');
    await eventually(() => entries(ws.log).filter(isData).length, (n) => n === sent.length, 'every message logged');
    assertLogged(ws, sent);
    assert.ok(ws.framesOf(entries(ws.log).find(isData)!.seq)[0]!.masked, 'client frames are masked on the wire');
  });
});
