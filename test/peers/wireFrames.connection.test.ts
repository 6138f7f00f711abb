// Wire frames of real WebSocket connections: each entry's frames (fragmented, compressed, control),
// frames that came in the same packet as the 101 response, anomalies of a misbehaving server, and the
// composer's testing options: fragments, automatic pong off, pong by hand, close with any code.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { WebSocket as ServerSocket } from 'ws';
import { Direction } from '../../shared/logModel';
import { anomalyNames } from '../../shared/wireFrames';
import type { WebSocketConnection, WebSocketOptions } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { fastPathsReady } from '../support/fastPathsReady';
import { frame, startHandRolledWsServer, switchingProtocols } from '../support/handRolledWsServer';
import { describeLog, entries, waitForEnd, waitForEntry, type Entry } from '../support/logReading';
import { startWsServer, type Peer, type WsPeer } from '../support/nodePeers';

const connections: WebSocketConnection[] = [];
const peers: Peer[] = [];
function open(options: WebSocketOptions): WebSocketConnection {
  const c = createWebSocketConnection(options);
  connections.push(c);
  return c;
}

async function peer<P extends Peer>(p: Promise<P>): Promise<P> {
  const started = await p;
  peers.push(started);
  return started;
}

after(async () => {
  for (const c of connections) c.dispose();
  for (const p of peers) await p.close();
});

/** An entry's frames as "opcode fin rsv1 masked length". */
function frameShapes(c: WebSocketConnection, e: Entry): string[] {
  return c.framesOf(e.seq).map((f) => `${f.opcode} ${f.fin ? 'fin' : '-'} ${f.rsv1 ? 'rsv1' : '-'} ${f.masked ? 'masked' : '-'} ${f.payloadLength}`);
}

function find(c: WebSocketConnection, direction: 'in' | 'out', kind: string, nth = 0): Entry {
  const found = entries(c.log).filter((e) => e.direction === direction && e.kind === kind)[nth];
  assert.ok(found, `no ${direction} ${kind} #${nth}:\n${describeLog(c.log)}`);
  return found;
}

/** Client frames as a server reads them: header fields and the unmasked payload (an independent decoder). */
function decodeClientFrames(bytes: Buffer): Array<{ b0: number; masked: boolean; key: Buffer; payload: Buffer }> {
  const out = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    let length = b1 & 0x7f;
    let p = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(p);
      p += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const key = masked ? bytes.subarray(p, p + 4) : Buffer.alloc(4);
    if (masked) p += 4;
    if (p + length > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(p, p + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i % 4]!;
    out.push({ b0, masked, key: Buffer.from(key), payload });
    at = p + length;
  }
  return out;
}

describe('wire frames of a WebSocket connection', () => {
  let plain: WsPeer;
  let deflate: WsPeer;
  // Frames must be recorded alike whichever receive path took them: with the fast paths on (once the self-test passed).
  before(fastPathsReady);
  before(async () => {
    plain = await peer(startWsServer());
    deflate = await peer(startWsServer({ perMessageDeflate: true }));
  });

  it('links every message to its frames: compressed, fragmented, control, both directions', async () => {
    const c = open({ url: deflate.url('/frames') });
    await c.connect();
    assert.equal(c.extensions, 'permessage-deflate');
    const long = 'a'.repeat(1000);
    c.sendText(long);
    c.sendFragmented(Buffer.from('0123456789'), { binary: true, fragments: 4 });
    c.ping(Buffer.from('p'));
    await waitForEntry(c.log, 'pong', (e) => e.direction === 'in' && e.kind === 'pong');
    await waitForEntry(c.log, 'binary echo', (e) => e.direction === 'in' && e.kind === 'binary');

    const outText = find(c, 'out', 'text');
    const [textFrame] = c.framesOf(outText.seq);
    assert.equal(c.framesOf(outText.seq).length, 1);
    assert.equal(textFrame!.rsv1, true, 'compressed');
    assert.ok(textFrame!.payloadLength < 100, `1000 "a"s deflate to a few bytes, not ${textFrame!.payloadLength}`);
    assert.equal(textFrame!.masked, true);
    assert.notEqual(textFrame!.maskKey, 0);
    assert.equal(textFrame!.direction, Direction.Out);
    assert.equal(textFrame!.seq, outText.seq);

    const outBinary = find(c, 'out', 'binary');
    assert.equal(outBinary.payload.toString(), '0123456789');
    const fragments = c.framesOf(outBinary.seq);
    assert.deepEqual(
      fragments.map((f) => [f.opcode, f.fin, f.rsv1]),
      [
        [2, false, true],
        [0, false, false],
        [0, false, false],
        [0, true, false],
      ],
    );
    // The server got one message, reassembled and inflated.
    const server = await deflate.client(deflate.clients.length - 1);
    assert.ok(server);
    assert.equal(find(c, 'in', 'binary').payload.toString(), '0123456789');

    assert.deepEqual(frameShapes(c, find(c, 'out', 'ping')), ['9 fin - masked 1']);
    assert.deepEqual(frameShapes(c, find(c, 'in', 'pong')), ['10 fin - - 1']);
    const inText = find(c, 'in', 'text');
    assert.equal(inText.text, long);
    const [inFrame] = c.framesOf(inText.seq);
    assert.equal(inFrame!.rsv1, true);
    assert.equal(inFrame!.masked, false);
    assert.equal(inFrame!.direction, Direction.In);
    for (const e of entries(c.log).filter((x) => x.direction === 'meta')) assert.deepEqual(c.framesOf(e.seq), []);
    for (let i = c.wireFrames.firstIndex; i < c.wireFrames.nextIndex; i++) assert.equal(c.wireFrames.get(i)!.anomalies, 0);

    c.close(1000, 'done');
    await waitForEnd(c);
    assert.deepEqual(frameShapes(c, find(c, 'out', 'close')), ['8 fin - masked 6']);
    assert.deepEqual(frameShapes(c, find(c, 'in', 'close')), ['8 fin - - 6']);
  });

  it('cuts a message into N frames as evenly as it can, empty ones when N exceeds its length', async () => {
    const c = open({ url: plain.url('/split'), perMessageDeflate: false });
    await c.connect();
    const server = await plain.client(plain.clients.length - 1);
    const received = new Promise<string>((r) => server.once('message', (data) => r(String(data))));
    c.sendFragmented(Buffer.from('abc'), { binary: false, fragments: 5 });
    assert.equal(await received, 'abc');
    const sent = find(c, 'out', 'text');
    assert.equal(sent.text, 'abc');
    assert.deepEqual(frameShapes(c, sent), ['1 - - masked 1', '0 - - masked 1', '0 - - masked 1', '0 - - masked 0', '0 fin - masked 0']);
    c.sendFragmented(Buffer.from('one frame'), { binary: false, fragments: 1 });
    const single = await waitForEntry(c.log, 'echo', (e) => e.direction === 'in' && e.text === 'one frame');
    assert.deepEqual(frameShapes(c, find(c, 'out', 'text', 1)), ['1 fin - masked 9']);
    assert.deepEqual(frameShapes(c, single), ['1 fin - - 9']);
    for (const n of [0, 10_001, 1.5]) {
      assert.throws(
        () => c.sendFragmented(Buffer.from('x'), { binary: true, fragments: n }),
        (e: SocketInspectorError) => e.code === 'PROTOCOL' && /1 to 10000 frames/.test(e.message),
      );
    }
    c.close();
    await waitForEnd(c);
    assert.throws(() => c.sendFragmented(Buffer.from('x'), { binary: true, fragments: 2 }), (e: SocketInspectorError) => e.code === 'NOT_OPEN');
  });

  it('answers pings unless automatic pong is off, and sends a pong by hand', async () => {
    const c = open({ url: plain.url('/pong') });
    await c.connect();
    assert.equal(c.autoPong, true);
    const server: ServerSocket = await plain.client(plain.clients.length - 1);
    const pongs: string[] = [];
    server.on('pong', (data) => pongs.push(String(data)));

    c.setAutoPong(false);
    assert.equal(c.autoPong, false);
    server.ping('unanswered');
    await waitForEntry(c.log, 'ping', (e) => e.direction === 'in' && e.kind === 'ping');
    // A pong would have been sent at once, before this message; the server reads in order.
    const marker = new Promise<void>((r) => server.once('message', () => r()));
    c.sendText('after the ping');
    await marker;
    assert.deepEqual(pongs, []);
    assert.equal(entries(c.log).filter((e) => e.kind === 'pong').length, 0, describeLog(c.log));

    const handPong = new Promise<void>((r) => server.once('pong', () => r()));
    c.pong(Buffer.from('by hand'));
    await handPong;
    assert.deepEqual(pongs, ['by hand']);

    c.setAutoPong(true);
    const autoPong = new Promise<void>((r) => server.once('pong', () => r()));
    server.ping('answered');
    await autoPong;
    assert.deepEqual(pongs, ['by hand', 'answered']);
    const outPongs = entries(c.log).filter((e) => e.direction === 'out' && e.kind === 'pong');
    assert.deepEqual(outPongs.map((e) => e.text), ['by hand', 'answered']);
    assert.deepEqual(frameShapes(c, outPongs[0]!), ['10 fin - masked 7']);
    assert.throws(() => c.pong(new Uint8Array(126)), /at most 125 bytes/);
  });

  it('starts with automatic pong off when the options say so', async () => {
    const c = open({ url: plain.url('/pong-off'), autoPong: false });
    await c.connect();
    assert.equal(c.autoPong, false);
  });

  for (const code of [999, 1005, 1006, 1015, 5000, 0, 65535, 1000, 1001]) {
    it(`closes with code ${code}: a masked close frame carrying it, logged like any close`, async () => {
      let received = Buffer.alloc(0);
      const p = await peer(
        startHandRolledWsServer(
          (s, key) => s.write(switchingProtocols(key)),
          (s: Socket, chunk) => {
            received = Buffer.concat([received, chunk]);
            if (decodeClientFrames(received).some((f) => (f.b0 & 0x0f) === 8)) {
              // Answer with a valid close, so ws finishes the closing handshake as it would with any code.
              s.end(frame(8, Buffer.from([0x03, 0xe8])));
            }
          },
        ),
      );
      const c = open({ url: `ws://127.0.0.1:${p.port}/` });
      await c.connect();
      c.close(code, 'testing ✓');
      await waitForEnd(c);
      const [close] = decodeClientFrames(received);
      assert.ok(close, 'the server received a frame');
      assert.equal(close.b0, 0x88, 'FIN and opcode close');
      assert.equal(close.masked, true);
      assert.equal(close.payload.readUInt16BE(0), code);
      assert.equal(close.payload.subarray(2).toString(), 'testing ✓');
      const sent = find(c, 'out', 'close');
      assert.equal(sent.code, code);
      assert.equal(sent.text, 'testing ✓');
      const [wire] = c.framesOf(sent.seq);
      assert.equal(wire!.maskKey, close.key.readUInt32BE(0));
      assert.equal(wire!.payloadLength, 2 + Buffer.byteLength('testing ✓'));
      assert.equal(find(c, 'in', 'close').code, 1000);
      assert.equal(entries(c.log).at(-1)!.text, 'Closed by us: 1000', describeLog(c.log));
    });
  }

  it('parses frames that came in the same packet as the 101 response', async () => {
    const p = await peer(
      startHandRolledWsServer((s, key) =>
        s.write(Buffer.concat([Buffer.from(switchingProtocols(key), 'latin1'), frame(1, 'first'), frame(9, 'p'), frame(2, Buffer.alloc(3))])),
      ),
    );
    const c = open({ url: `ws://127.0.0.1:${p.port}/`, perMessageDeflate: false });
    await c.connect();
    await waitForEntry(c.log, 'binary', (e) => e.direction === 'in' && e.kind === 'binary');
    assert.deepEqual(frameShapes(c, find(c, 'in', 'text')), ['1 fin - - 5']);
    assert.deepEqual(frameShapes(c, find(c, 'in', 'ping')), ['9 fin - - 1']);
    assert.deepEqual(frameShapes(c, find(c, 'in', 'binary')), ['2 fin - - 3']);
    assert.deepEqual(frameShapes(c, find(c, 'out', 'pong')), ['10 fin - masked 1']);
    assert.equal(c.wireFrames.size, 4, 'no byte of the 101 response parsed as a frame, none of the frames twice');
  });

  it('flags what a misbehaving server sends, and links no message to it', async () => {
    const p = await peer(
      startHandRolledWsServer((s, key) => {
        s.write(switchingProtocols(key));
        // A good text frame, then one with RSV2 set: ws fails the connection with 1002.
        s.write(Buffer.concat([frame(1, 'ok'), Buffer.from([0xa1, 0x00])]));
      }),
    );
    const c = open({ url: `ws://127.0.0.1:${p.port}/`, perMessageDeflate: false });
    await c.connect();
    await waitForEnd(c);
    const frames = [...Array(c.wireFrames.size).keys()].map((i) => c.wireFrames.get(c.wireFrames.firstIndex + i)!);
    const received = frames.filter((f) => f.direction === Direction.In);
    assert.deepEqual(
      received.map((f) => anomalyNames(f.anomalies)),
      [[], ['ReservedBits']],
    );
    assert.equal(received[0]!.seq, find(c, 'in', 'text').seq);
    assert.equal(received[1]!.seq, -1);
    const close = find(c, 'out', 'close');
    assert.equal(close.code, 1002, describeLog(c.log));
    assert.deepEqual(frameShapes(c, close), ['8 fin - masked 2']);
  });

  it('forgets frames when the log is cleared, and keeps linking new ones', async () => {
    const c = open({ url: plain.url('/clear'), perMessageDeflate: false });
    await c.connect();
    c.sendText('before');
    await waitForEntry(c.log, 'echo', (e) => e.direction === 'in' && e.text === 'before');
    assert.equal(c.wireFrames.size, 2);
    c.log.clear();
    assert.equal(c.wireFrames.size, 0);
    c.sendText('after');
    const echo = await waitForEntry(c.log, 'echo', (e) => e.direction === 'in' && e.text === 'after');
    assert.deepEqual(frameShapes(c, echo), ['1 fin - - 5']);
    assert.deepEqual(frameShapes(c, find(c, 'out', 'text')), ['1 fin - masked 5']);
  });
});
