// Our frame view checked against an independent dissector: the same loopback sessions with a
// python3-websockets server, captured by tshark, must show the same frames in both directions, frame
// for frame: opcode, FIN, RSV bits, mask bit and key, and payload length. One session without
// compression (7-, 16- and 64-bit lengths, fragmented messages both ways, pings and pongs both ways,
// close), one with permessage-deflate (compressed and compressed-fragmented messages, a close code ws
// itself would refuse to send).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Direction } from '../../shared/logModel';
import type { WebSocketConnection } from '../../src/core/connection/connectionTypes';
import type { WireFrame } from '../../src/core/wireFrames/wireFrameStore';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { SeededRandom } from '../support/seededRandom';
import { describeLog, entries, waitForEnd, waitForEntry } from '../support/logReading';
import { freePort, startPythonWsServer } from '../support/processPeers';
import { pythonWebsocketsMissing, requirePeer } from '../support/requirePeer';
import { readWebSocketFrames, startCapture, tsharkMissing, type TsharkFrame } from '../support/tsharkCapture';

/** The fields both sides report, as one comparable line. */
function line(f: { direction: 'in' | 'out'; fin: boolean; rsv: number; opcode: number; masked: boolean; maskKey: string; payloadLength: number }): string {
  return `${f.direction} op=${f.opcode} fin=${f.fin ? 1 : 0} rsv=${f.rsv} mask=${f.masked ? f.maskKey : '-'} len=${f.payloadLength}`;
}

function ours(c: WebSocketConnection): string[] {
  const out: string[] = [];
  for (let i = c.wireFrames.firstIndex; i < c.wireFrames.nextIndex; i++) {
    const f: WireFrame = c.wireFrames.get(i)!;
    out.push(
      line({
        direction: f.direction === Direction.In ? 'in' : 'out',
        fin: f.fin,
        rsv: (f.rsv1 ? 4 : 0) | (f.rsv2 ? 2 : 0) | (f.rsv3 ? 1 : 0),
        opcode: f.opcode,
        masked: f.masked,
        maskKey: f.maskKey.toString(16).padStart(8, '0'),
        payloadLength: f.payloadLength,
      }),
    );
  }
  return out;
}

function theirs(frames: readonly TsharkFrame[], stream: number): string[] {
  return frames.filter((f) => f.stream === stream).map(line);
}

/** The frames of one direction only: each direction's order is fixed, their interleaving is not. */
const only = (dir: 'in' | 'out', lines: string[]) => lines.filter((l) => l.startsWith(`${dir} `));

function noise(length: number, seed: number): Buffer {
  const random = new SeededRandom(seed);
  return Buffer.from(Array.from({ length }, () => random.int(256)));
}

describe('wire frames against tshark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-tshark-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('match tshark frame for frame, both directions, fragmented and compressed messages included', async (t) => {
    if (!requirePeer(t, 'tshark (capturing on lo)', tsharkMissing())) return;
    if (!requirePeer(t, 'python3-websockets (/usr/bin/python3)', pythonWebsocketsMissing())) return;
    const server = await startPythonWsServer();
    const file = join(dir, 'session.pcapng');
    const connections: WebSocketConnection[] = [];
    let plain: WebSocketConnection;
    let compressed: WebSocketConnection;
    try {
      const capture = await startCapture(server.port, await freePort(), file);
      try {
        // Session 1, TCP stream 0: no compression.
        plain = createWebSocketConnection({ url: server.url('/frames'), perMessageDeflate: false });
        connections.push(plain);
        await plain.connect();
        plain.sendText('hello tshark');
        plain.sendBytes(noise(300, 1));
        plain.sendBytes(noise(70_000, 2));
        plain.sendFragmented(Buffer.from('fragmented in three'), { binary: false, fragments: 3 });
        plain.sendText('fragments');
        plain.ping(Buffer.from('from node'));
        plain.sendText('ping');
        await waitForEntry(plain.log, 'fragmented reply', (e) => e.direction === 'in' && e.text === 'one two three');
        await waitForEntry(plain.log, 'pong', (e) => e.direction === 'in' && e.kind === 'pong');
        await waitForEntry(plain.log, 'our pong', (e) => e.direction === 'out' && e.kind === 'pong');
        await waitForEntry(plain.log, 'echo of the fragments', (e) => e.direction === 'in' && e.text === 'fragmented in three');
        await waitForEntry(plain.log, '64-bit echo', (e) => e.direction === 'in' && e.payload.length === 70_000);
        plain.close(1000, 'bye');
        await waitForEnd(plain);

        // Session 2, TCP stream 1: permessage-deflate.
        compressed = createWebSocketConnection({ url: server.url('/frames') });
        connections.push(compressed);
        await compressed.connect();
        assert.match(compressed.extensions, /permessage-deflate/);
        compressed.sendText('compress me '.repeat(50));
        compressed.sendFragmented(Buffer.from('squeezed '.repeat(30)), { binary: true, fragments: 3 });
        compressed.sendText('fragments');
        await waitForEntry(compressed.log, 'fragmented reply', (e) => e.direction === 'in' && e.text === 'one two three');
        await waitForEntry(compressed.log, 'binary echo', (e) => e.direction === 'in' && e.kind === 'binary');
        await waitForEntry(compressed.log, 'text echo', (e) => e.direction === 'in' && e.text.startsWith('compress me'));
        // A code RFC 6455 reserves and ws refuses; the server fails the connection over it, which is fine.
        compressed.close(999, 'any code');
        await waitForEnd(compressed);
      } finally {
        await capture.stop();
      }
    } finally {
      for (const c of connections) c.dispose();
      await server.close();
    }

    const dissected = readWebSocketFrames(file, server.port);
    for (const [stream, c] of [
      [0, plain!],
      [1, compressed!],
    ] as const) {
      const mine = ours(c);
      const wire = theirs(dissected, stream);
      for (const d of ['out', 'in'] as const) {
        assert.deepEqual(only(d, mine), only(d, wire), `stream ${stream}, ${d}: ours vs tshark\nLog:\n${describeLog(c.log)}`);
      }
      assert.equal(mine.length, wire.length);
    }

    // The sessions covered what they were meant to; checked on tshark's side, where it is independent.
    const plainWire = theirs(dissected, 0);
    const has = (lines: string[], pattern: RegExp) => assert.ok(lines.some((l) => pattern.test(l)), `${pattern}\n${lines.join('\n')}`);
    has(plainWire, /^out op=2 .* len=300$/);
    has(plainWire, /^out op=2 .* len=70000$/);
    has(plainWire, /^in op=2 .* len=70000$/);
    const dataFrames = (d: 'in' | 'out') =>
      dissected.filter((f) => f.stream === 0 && f.direction === d && f.opcode <= 2).map((f) => `${f.opcode}/${f.fin ? 1 : 0}/${f.payloadLength}`);
    const fragmentsFrom = (frames: string[], first: string, n = 3) => frames.slice(frames.indexOf(first), frames.indexOf(first) + n);
    assert.deepEqual(fragmentsFrom(dataFrames('out'), '1/0/7'), ['1/0/7', '0/0/6', '0/1/6'], 'our message in three frames');
    assert.deepEqual(fragmentsFrom(dataFrames('in'), '1/0/4', 4), ['1/0/4', '0/0/4', '0/0/5', '0/1/0'], 'the server\'s "one ", "two ", "three" and an empty last frame');
    has(plainWire, /^out op=9 .* len=9$/);
    has(plainWire, /^in op=10 .* len=9$/);
    has(plainWire, /^in op=9 .* len=11$/);
    has(plainWire, /^out op=10 .* len=11$/);
    has(plainWire, /^out op=8 fin=1 rsv=0 mask=[0-9a-f]{8} len=5$/);
    const compressedWire = theirs(dissected, 1);
    has(compressedWire, /^out op=1 fin=1 rsv=4 /);
    has(compressedWire, /^in op=1 fin=1 rsv=4 /);
    has(compressedWire, /^out op=2 fin=0 rsv=4 /);
    has(compressedWire, /^in op=1 fin=0 rsv=4 /);
    has(compressedWire, /^out op=8 fin=1 rsv=0 mask=[0-9a-f]{8} len=10$/);

    // And each entry gets its own frames.
    const fragmented = entries(plain!.log).find((e) => e.direction === 'out' && e.text === 'fragmented in three')!;
    assert.deepEqual(
      plain!.framesOf(fragmented.seq).map((f) => [f.opcode, f.fin, f.payloadLength]),
      [
        [1, false, 7],
        [0, false, 6],
        [0, true, 6],
      ],
    );
    const big = entries(compressed!.log).find((e) => e.direction === 'out' && e.kind === 'text')!;
    const [bigFrame] = compressed!.framesOf(big.seq);
    assert.equal(bigFrame!.rsv1, true);
    assert.ok(bigFrame!.payloadLength < big.payload.length, `${bigFrame!.payloadLength} compressed vs ${big.payload.length}`);
    const close = entries(compressed!.log).find((e) => e.direction === 'out' && e.kind === 'close')!;
    assert.equal(close.code, 999);
  });
});
