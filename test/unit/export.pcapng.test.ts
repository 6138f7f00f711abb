// The pcapng export read back with a reader written from the specifications (support/captureReading):
// block structure, both checksums of every packet, sequence and acknowledgment numbers, segment sizes,
// and the WebSocket frames carried, compared with the log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind, type LogEntry } from '../../shared/logModel';
import { pcapngChunks } from '../../src/core/export/pcapngExport';
import { encodeTcpPacket, internetChecksum, MAX_SEGMENT_PAYLOAD, TcpConversation } from '../../src/core/export/tcpSynthesis';
import { encodeWebSocketFrame, maskKeyFor, Opcode } from '../../src/core/export/wsFrameEncoding';
import type { ExportSource } from '../../src/core/export/exportSource';
import { EntryLog } from '../../src/core/log/entryLog';
import { exportSourceOf } from '../../src/core/export/exportSource';
import {
  followTcp,
  parseTcpPacket,
  parseWsFrames,
  pcapngBlocks,
  readPcapng,
  splitHttpHead,
  type TcpPacket,
} from '../support/captureReading';
import { LogBuilder, REQUEST_HEAD, RESPONSE_HEAD, T0, webSocketLog } from '../support/exportLogs';

function exportBytes(source: ExportSource): Buffer {
  return Buffer.concat([...pcapngChunks(source)]);
}

function packetsOf(source: ExportSource): TcpPacket[] {
  return readPcapng(exportBytes(source)).packets.map(parseTcpPacket);
}

const OPCODES: Partial<Record<Kind, number>> = { [Kind.Text]: 1, [Kind.Binary]: 2, [Kind.Close]: 8, [Kind.Ping]: 9, [Kind.Pong]: 10 };

/** The frame a wire entry should have become. */
function expectedFrame(e: LogEntry): { opcode: number; payload: Buffer } {
  const payload = Buffer.from(e.payload);
  if (e.kind !== Kind.Close) return { opcode: OPCODES[e.kind]!, payload };
  const code = Buffer.alloc(2);
  code.writeUInt16BE(e.code);
  return { opcode: 8, payload: Buffer.concat([code, payload]) };
}

describe('pcapng export: file structure', () => {
  const source = webSocketLog().source('ws', 'ws://127.0.0.1:8765/chat?room=1');
  const file = exportBytes(source);

  it('is a Section Header Block, one Ethernet interface with microsecond timestamps, then packet blocks', () => {
    const capture = readPcapng(file);
    assert.equal(capture.linkType, 1);
    assert.equal(capture.tsresol, 6);
    assert.equal(capture.userAppl, 'Socket Inspector');
    assert.ok(capture.packets.length > 20);
    const types = pcapngBlocks(file).map((b) => b.type);
    assert.deepEqual(types.slice(0, 2), [0x0a0d0d0a, 1]);
    assert.ok(types.slice(2).every((t) => t === 6));
  });

  it('stamps packets with the log’s wall times in microseconds, never going back', () => {
    const { packets } = readPcapng(file);
    // The first packet is the SYN, sent when the request head was logged (T0 + 1.25 ms).
    assert.equal(packets[0]!.timeUs, BigInt(Math.round((T0 + 1.25) * 1000)));
    for (let i = 1; i < packets.length; i++) assert.ok(packets[i]!.timeUs >= packets[i - 1]!.timeUs, `packet ${i} goes back in time`);
  });

  it('exports the same log to the same bytes', () => {
    assert.deepEqual(exportBytes(webSocketLog().source('ws', 'ws://127.0.0.1:8765/chat?room=1')), file);
  });
});

describe('pcapng export: TCP', () => {
  it('computes IPv4 and TCP checksums that verify, and keeps seq/ack numbers continuous', () => {
    // parseTcpPacket verifies both checksums; followTcp checks every seq and ack.
    const packets = packetsOf(webSocketLog().source('ws', 'ws://127.0.0.1:8765/chat?room=1'));
    const stream = followTcp(packets);
    assert.ok(stream.clientFin && stream.serverFin, 'both sides close');
    assert.equal(stream.reset, false);
  });

  it('uses the addresses of the Open entry', () => {
    const [syn] = packetsOf(webSocketLog().source('ws', 'ws://127.0.0.1:8765/chat?room=1'));
    assert.deepEqual([syn!.src, syn!.srcPort, syn!.dst, syn!.dstPort], ['127.0.0.1', 50412, '127.0.0.1', 8765]);
  });

  it('falls back to 127.0.0.1 and the target’s port when the log has no Open entry', () => {
    const b = new LogBuilder();
    b.add(Direction.Out, Kind.Data, 'PING\r\n');
    const [syn] = packetsOf(b.source('tcp', 'tcp://example.com:6379'));
    assert.deepEqual([syn!.src, syn!.dst, syn!.dstPort], ['127.0.0.1', '127.0.0.1', 6379]);
    assert.notEqual(syn!.srcPort, 6379);
  });

  it('splits a write into segments of at most 65495 bytes, each acknowledged', () => {
    const packets = packetsOf(webSocketLog({ bigPayload: 200_000 }).source('ws', 'ws://127.0.0.1:8765/chat?room=1'));
    const stream = followTcp(packets);
    const big = stream.segments.filter((s) => s.payload.length > 60_000);
    assert.ok(big.length >= 3, `expected the 200 kB message in several segments, got ${big.length}`);
    for (const s of stream.segments) assert.ok(s.payload.length <= MAX_SEGMENT_PAYLOAD);
    assert.equal(big[0]!.payload.length, MAX_SEGMENT_PAYLOAD);
    // Every data segment is followed by the peer's ACK of it.
    for (let i = 0; i < packets.length; i++) {
      if (packets[i]!.payload.length === 0) continue;
      const ack = packets[i + 1]!;
      assert.equal(ack.payload.length, 0);
      assert.equal(ack.ack, (packets[i]!.seq + packets[i]!.payload.length) >>> 0);
    }
  });

  it('carries a TCP log’s chunks as they were, and maps FIN and RST entries', () => {
    const b = new LogBuilder();
    b.meta(Kind.Connecting, 'Connecting to tcp://127.0.0.1:6379');
    b.meta(Kind.Open, 'Connected 127.0.0.1:40000 → 127.0.0.1:6379');
    b.add(Direction.Out, Kind.Data, '*1\r\n$4\r\nPING\r\n');
    b.add(Direction.In, Kind.Data, '+PONG\r\n');
    b.add(Direction.Out, Kind.Data, new Uint8Array([0, 255, 13, 10]));
    b.meta(Kind.Closed, 'Closing (FIN sent), waiting for the peer');
    b.meta(Kind.Closed, 'Peer closed its side too (FIN received)');
    b.meta(Kind.Closed, 'Closed by us — 7 bytes in, 18 bytes out');
    const packets = packetsOf(b.source('tcp', 'tcp://127.0.0.1:6379'));
    const stream = followTcp(packets);
    assert.deepEqual(stream.client, Buffer.concat([Buffer.from('*1\r\n$4\r\nPING\r\n'), Buffer.from([0, 255, 13, 10])]));
    assert.deepEqual(stream.server, Buffer.from('+PONG\r\n'));
    const fins = packets.filter((p) => p.flags.fin).map((p) => p.srcPort);
    assert.deepEqual(fins, [40000, 6379], 'our FIN first, then the peer’s');

    const r = new LogBuilder();
    r.meta(Kind.Open, 'Connected 127.0.0.1:40001 → 127.0.0.1:6379');
    r.add(Direction.Out, Kind.Data, 'x');
    r.meta(Kind.Closed, 'Closed by us with a reset (RST) — 0 bytes in, 1 bytes out');
    const reset = followTcp(packetsOf(r.source('tcp', 'tcp://127.0.0.1:6379')));
    assert.equal(reset.reset, true);
    assert.equal(reset.clientFin || reset.serverFin, false);
  });

  it('leaves a connection that is still open without FIN', () => {
    const b = new LogBuilder();
    b.meta(Kind.Open, 'Connected 127.0.0.1:40000 → 127.0.0.1:6379');
    b.add(Direction.Out, Kind.Data, 'x');
    const packets = packetsOf(b.source('tcp', 'tcp://127.0.0.1:6379'));
    assert.equal(packets.some((p) => p.flags.fin || p.flags.rst), false);
  });

  it('wraps sequence numbers around 2^32', () => {
    const ep = (port: number, last: number) => ({ ip: new Uint8Array([127, 0, 0, 1]), port, mac: new Uint8Array([2, 0, 0, 0, 0, last]) });
    const tcp = new TcpConversation(ep(50000, 1), ep(80, 2), { client: 0xffff_fff0, server: 5 });
    const packets = [...tcp.open(T0), ...tcp.send('client', new Uint8Array(100), T0)].map((bytes) =>
      parseTcpPacket({ timeUs: 0n, data: Buffer.from(bytes.bytes) }),
    );
    followTcp(packets);
    assert.equal(tcp.nextSeq('client'), (0xffff_fff0 + 1 + 100) % 2 ** 32);
  });

  it('computes the Internet checksum of RFC 1071’s example', () => {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, so the checksum is its complement.
    assert.equal(internetChecksum(new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])), ~0xddf2 & 0xffff);
    assert.throws(() =>
      encodeTcpPacket({
        from: { ip: new Uint8Array(4), port: 1, mac: new Uint8Array(6) },
        to: { ip: new Uint8Array(4), port: 2, mac: new Uint8Array(6) },
        seq: 0,
        ack: 0,
        flags: 0x18,
        id: 0,
        payload: new Uint8Array(65_536),
      }),
    );
  });
});

describe('pcapng export: WebSocket', () => {
  it('carries the recorded upgrade heads, then every message as one frame, masked from the client only', () => {
    const log = webSocketLog();
    const stream = followTcp(packetsOf(log.source('ws', 'ws://127.0.0.1:8765/chat?room=1')));
    const client = splitHttpHead(stream.client);
    const server = splitHttpHead(stream.server);
    assert.equal(client.head, REQUEST_HEAD);
    assert.equal(server.head, RESPONSE_HEAD);
    const wire = log.entries.filter((e) => e.direction !== Direction.Meta);
    for (const [side, direction, frames] of [
      ['client', Direction.Out, parseWsFrames(client.rest)],
      ['server', Direction.In, parseWsFrames(server.rest)],
    ] as const) {
      const expected = wire.filter((e) => e.direction === direction);
      assert.equal(frames.length, expected.length, `${side} frame count`);
      frames.forEach((f, i) => {
        const want = expectedFrame(expected[i]!);
        assert.equal(f.fin, true);
        assert.equal(f.rsv, 0, 'never compressed');
        assert.equal(f.masked, side === 'client', `${side} frame ${i} masking`);
        assert.equal(f.opcode, want.opcode);
        assert.deepEqual(f.payload, want.payload, `${side} frame ${i} payload`);
      });
    }
    const lengths = parseWsFrames(splitHttpHead(stream.server).rest).map((f) => f.lengthBits);
    assert.ok(lengths.includes(64), 'the 200 kB message uses a 64-bit length');
    assert.ok(parseWsFrames(client.rest).some((f) => f.lengthBits === 16), 'the 300-byte message uses a 16-bit length');
  });

  it('encodes lengths at the 125/126 and 65535/65536 boundaries as RFC 6455 says', () => {
    for (const [n, bits] of [[125, 7], [126, 16], [65_535, 16], [65_536, 64]] as const) {
      const payload = new Uint8Array(n).fill(0x61);
      const [frame] = parseWsFrames(Buffer.from(encodeWebSocketFrame(Opcode.Binary, payload, maskKeyFor(n))));
      assert.equal(frame!.lengthBits, bits, `length ${n}`);
      assert.deepEqual(frame!.payload, Buffer.from(payload));
    }
  });

  it('rebuilds the heads from the HandshakeInfo when the log lost them', () => {
    const b = new LogBuilder();
    b.add(Direction.Out, Kind.Text, 'after eviction');
    const source = b.source('ws', 'ws://127.0.0.1:8765/chat', {
      handshake: {
        requestLine: 'GET /chat HTTP/1.1',
        requestHeaders: [['Host', '127.0.0.1:8765'], ['Upgrade', 'websocket']],
        statusLine: 'HTTP/1.1 101 Switching Protocols',
        status: 101,
        responseHeaders: [['Upgrade', 'websocket']],
      },
    });
    const stream = followTcp(packetsOf(source));
    assert.equal(splitHttpHead(stream.client).head, 'GET /chat HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nUpgrade: websocket\r\n\r\n');
    assert.equal(splitHttpHead(stream.server).head, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n');
    assert.deepEqual(parseWsFrames(splitHttpHead(stream.client).rest)[0]!.payload, Buffer.from('after eviction'));
  });

  it('makes up a minimal valid upgrade when nothing of the handshake is known', () => {
    const b = new LogBuilder();
    b.add(Direction.In, Kind.Text, 'hi');
    const stream = followTcp(packetsOf(b.source('ws', 'wss://example.com/feed?x=1')));
    const request = splitHttpHead(stream.client).head;
    assert.match(request, /^GET \/feed\?x=1 HTTP\/1\.1\r\n/);
    assert.match(request, /\r\nUpgrade: websocket\r\n/);
    // RFC 6455 §1.3's sample key and its accept value.
    assert.match(splitHttpHead(stream.server).head, /^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
  });

  it('replaces redacted values in the heads', () => {
    const source = webSocketLog().source('ws', 'ws://127.0.0.1:8765/chat?room=1', { redact: ['s3cret-token'] });
    const head = splitHttpHead(followTcp(packetsOf(source)).client).head;
    assert.match(head, /\r\nAuthorization: Bearer <redacted>\r\n/);
    assert.doesNotMatch(head, /s3cret/);
  });

  it('exports a refused upgrade as request, response with body, and the close of the connection', () => {
    const b = new LogBuilder();
    b.meta(Kind.Connecting, 'Connecting to ws://127.0.0.1:8765/401');
    b.meta(Kind.Handshake, 'GET /401 HTTP/1.1\r\nHost: 127.0.0.1:8765\r\n\r\n');
    b.meta(Kind.Handshake, 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 15\r\n\r\ntoken required\n');
    b.meta(Kind.Error, 'Server refused the WebSocket upgrade: 401 Unauthorized');
    b.meta(Kind.Closed, 'Not connected');
    const stream = followTcp(packetsOf(b.source('ws', 'ws://127.0.0.1:8765/401')));
    assert.equal(stream.server.toString('latin1'), 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 15\r\n\r\ntoken required\n');
    assert.ok(stream.clientFin && stream.serverFin);
  });

  it('reads a EntryLog through exportSourceOf', () => {
    const log = new EntryLog();
    log.appendText(Direction.Meta, Kind.Connecting, 'Connecting to ws://127.0.0.1:1/');
    log.append(Direction.Out, Kind.Text, Buffer.from('one'));
    log.append(Direction.In, Kind.Binary, Buffer.from([1, 2, 3]));
    const source = exportSourceOf({ kind: 'ws', target: 'ws://127.0.0.1:1/', log, handshake: undefined } as never);
    assert.equal(source.count, 3);
    const stream = followTcp(packetsOf(source));
    assert.deepEqual(parseWsFrames(splitHttpHead(stream.client).rest)[0]!.payload, Buffer.from('one'));
    assert.deepEqual(parseWsFrames(splitHttpHead(stream.server).rest)[0]!.payload, Buffer.from([1, 2, 3]));
  });
});
