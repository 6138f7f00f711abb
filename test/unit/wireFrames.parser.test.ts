// The frame header parser on hex-literal frames (the style of ws's own receiver tests), cut at every
// byte boundary, with 16- and 64-bit lengths (absurd ones included), masks, and every anomaly it names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameAnomaly, anomalyNames } from '../../shared/wireFrames';
import { WireFrameHeaderParser, type WireFrameSender, type ParsedWireFrameHeader } from '../../src/core/wireFrames/wireFrameHeaderParser';
import { SeededRandom } from '../support/seededRandom';

/** A parsed header as a plain, comparable object. */
interface Seen {
  fin: boolean;
  rsv: [boolean, boolean, boolean];
  opcode: number;
  masked: boolean;
  maskKey: number;
  length: bigint;
  headerLength: number;
  anomalies: string[];
}

function snapshot(h: ParsedWireFrameHeader): Seen {
  return {
    fin: h.fin,
    rsv: [h.rsv1, h.rsv2, h.rsv3],
    opcode: h.opcode,
    masked: h.masked,
    maskKey: h.maskKey,
    length: (BigInt(h.lengthHigh) << 32n) | BigInt(h.lengthLow),
    headerLength: h.headerLength,
    anomalies: anomalyNames(h.anomalies),
  };
}

function parserFor(sender: WireFrameSender, deflate = false): { parser: WireFrameHeaderParser; seen: Seen[] } {
  const seen: Seen[] = [];
  const parser = new WireFrameHeaderParser({ sender, rsv1Allowed: () => deflate, onHeader: (h) => seen.push(snapshot(h)) });
  return { parser, seen };
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function parseAll(sender: WireFrameSender, bytes: Uint8Array, deflate = false): Seen[] {
  const { parser, seen } = parserFor(sender, deflate);
  parser.push(bytes);
  return seen;
}

function frame(fields: Partial<Omit<Seen, 'length'>> & { opcode: number; length: bigint | number; headerLength: number }): Seen {
  return {
    fin: true,
    rsv: [false, false, false],
    masked: false,
    maskKey: 0,
    anomalies: [],
    ...fields,
    length: BigInt(fields.length),
  };
}

/** A server stream of several frames: short, 16-bit and 64-bit lengths, a fragmented message, control frames. */
const serverStream = Buffer.concat([
  hex('810548656c6c6f'), // text "Hello"
  hex('010348656c'), // text "Hel", FIN clear
  hex('890548656c6c6f'), // ping "Hello" in the middle of the fragmented message
  hex('80026c6f'), // continuation "lo", FIN
  hex('827e0100'),
  Buffer.alloc(256, 0xab), // binary, 16-bit length 256
  hex('827f0000000000010000'),
  Buffer.alloc(65536, 0xcd), // binary, 64-bit length 65536
  hex('8a00'), // empty pong
  hex('880703e8627965'), // close 1000 "bye"
]);

const serverFrames: Seen[] = [
  frame({ opcode: 1, length: 5, headerLength: 2 }),
  frame({ opcode: 1, fin: false, length: 3, headerLength: 2 }),
  frame({ opcode: 9, length: 5, headerLength: 2 }),
  frame({ opcode: 0, length: 2, headerLength: 2 }),
  frame({ opcode: 2, length: 256, headerLength: 4 }),
  frame({ opcode: 2, length: 65536, headerLength: 10 }),
  frame({ opcode: 10, length: 0, headerLength: 2 }),
  frame({ opcode: 8, length: 7, headerLength: 2 }),
];

/** The RFC 6455 §5.7 masked "Hello", a masked 16-bit binary, a masked empty close. */
const clientStream = Buffer.concat([
  hex('818537fa213d7f9f4d5158'),
  hex('82fe007e 01020304'),
  Buffer.alloc(126, 0x11),
  hex('8880 a0b0c0d0'),
]);

const clientFrames: Seen[] = [
  frame({ opcode: 1, length: 5, headerLength: 6, masked: true, maskKey: 0x37fa213d }),
  frame({ opcode: 2, length: 126, headerLength: 8, masked: true, maskKey: 0x01020304 }),
  frame({ opcode: 8, length: 0, headerLength: 6, masked: true, maskKey: 0xa0b0c0d0 }),
];

describe('WireFrameHeaderParser', () => {
  it('parses the classic unmasked "Hello" text frame', () => {
    assert.deepEqual(parseAll('server', hex('810548656c6c6f')), [frame({ opcode: 1, length: 5, headerLength: 2 })]);
  });

  it('parses a stream of server frames with 7-, 16- and 64-bit lengths and interleaved control frames', () => {
    assert.deepEqual(parseAll('server', serverStream), serverFrames);
  });

  it('parses masked client frames and reads the masking key', () => {
    assert.deepEqual(parseAll('client', clientStream), clientFrames);
  });

  it('gives the same frames whatever two pieces the stream is cut into, at every byte boundary', () => {
    for (const [sender, stream, expected] of [
      ['server', serverStream, serverFrames],
      ['client', clientStream, clientFrames],
    ] as const) {
      for (let cut = 0; cut <= stream.length; cut++) {
        // Cutting inside the 64 KiB payload at every byte is slow and proves nothing more than its ends.
        if (sender === 'server' && cut > 400 && cut < stream.length - 100) cut = stream.length - 100;
        const { parser, seen } = parserFor(sender);
        parser.push(stream.subarray(0, cut));
        parser.push(stream.subarray(cut));
        assert.deepEqual(seen, expected, `${sender} stream cut at ${cut}`);
      }
    }
  });

  it('gives the same frames fed one byte at a time', () => {
    const { parser, seen } = parserFor('client');
    for (let i = 0; i < clientStream.length; i++) parser.push(clientStream.subarray(i, i + 1));
    assert.deepEqual(seen, clientFrames);
    const server = parserFor('server');
    const headers = serverStream.subarray(0, 40);
    for (let i = 0; i < headers.length; i++) server.parser.push(headers.subarray(i, i + 1));
    server.parser.push(serverStream.subarray(40));
    assert.deepEqual(server.seen, serverFrames);
  });

  it('gives the same frames for random chunkings, including empty chunks', () => {
    const random = new SeededRandom(0x5eed);
    for (let round = 0; round < 200; round++) {
      const { parser, seen } = parserFor('server');
      let at = 0;
      while (at < serverStream.length) {
        const size = random.chance(0.1) ? 0 : random.range(1, random.chance(0.5) ? 20 : 70_000);
        parser.push(serverStream.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(seen, serverFrames, `round ${round}`);
    }
  });

  it('reports a header as soon as it is complete, before any payload byte', () => {
    const { parser, seen } = parserFor('server');
    parser.push(hex('827e01'));
    assert.equal(seen.length, 0);
    assert.equal(parser.atBoundary, false);
    parser.push(hex('00'));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.length, 256n);
    parser.push(Buffer.alloc(255));
    assert.equal(parser.atBoundary, false);
    parser.push(Buffer.alloc(1));
    assert.equal(parser.atBoundary, true);
  });

  it('survives a 64-bit length of 2^63 without buffering: later bytes are all payload', () => {
    const { parser, seen } = parserFor('server');
    parser.push(hex('827f8000000000000000'));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.length, 2n ** 63n);
    assert.deepEqual(seen[0]!.anomalies, ['LengthHighBit']);
    // What looks like more frames is payload of the endless one.
    for (let i = 0; i < 100; i++) parser.push(hex('810548656c6c6f'));
    parser.push(Buffer.alloc(1 << 20));
    assert.equal(seen.length, 1);
  });

  it('keeps exact lengths up to 2^64 - 1 and beyond 2^53', () => {
    const max = parseAll('server', hex('827fffffffffffffffff'));
    assert.equal(max[0]!.length, 2n ** 64n - 1n);
    const justOver = parseAll('server', hex('827f0020000000000001'));
    assert.equal(justOver[0]!.length, 2n ** 53n + 1n);
    assert.deepEqual(justOver[0]!.anomalies, []);
    // 2^32 + 5: a high word that is not zero, counted down exactly.
    const { parser, seen } = parserFor('server');
    parser.push(hex('827f0000000100000005'));
    let left = 2 ** 32 + 5;
    const chunk = Buffer.alloc(1 << 24);
    while (left > chunk.length) {
      parser.push(chunk);
      left -= chunk.length;
    }
    parser.push(Buffer.concat([chunk.subarray(0, left), hex('8100')]));
    assert.deepEqual(
      seen.map((f) => f.length),
      [2n ** 32n + 5n, 0n],
    );
  });

  describe('anomalies', () => {
    const cases: Array<[string, WireFrameSender, string, string[], boolean?]> = [
      ['reserved opcode 0x3', 'server', '8300', ['BadOpcode']],
      ['reserved control opcode 0xB', 'server', '8b00', ['BadOpcode']],
      ['RSV1 without permessage-deflate', 'server', 'c100', ['ReservedBits']],
      ['RSV2', 'server', 'a100', ['ReservedBits'], true],
      ['RSV3', 'server', '9100', ['ReservedBits'], true],
      ['RSV1 on a ping with permessage-deflate', 'server', 'c900', ['MisplacedRsv1'], true],
      ['a ping without FIN', 'server', '0900', ['FragmentedControl']],
      ['a ping of 126 bytes', 'server', '897e007e' + '00'.repeat(126), ['ControlTooLong']],
      ['a close of 1 byte', 'server', '880103', ['CloseLengthOne']],
      ['an unmasked client frame', 'client', '8100', ['UnmaskedClientFrame']],
      ['a masked server frame', 'server', '818000000000', ['MaskedServerFrame']],
      ['a continuation out of nowhere', 'server', '8000', ['UnexpectedContinuation']],
      ['5 bytes with a 16-bit length', 'server', '827e0005' + '00'.repeat(5), ['NonMinimalLength']],
      ['5 bytes with a 64-bit length', 'server', '827f0000000000000005' + '00'.repeat(5), ['NonMinimalLength']],
      ['65535 bytes with a 64-bit length', 'server', '827f000000000000ffff', ['NonMinimalLength']],
    ];
    for (const [name, sender, bytes, expected, deflate] of cases) {
      it(`flags ${name}`, () => {
        const seen = parseAll(sender, hex(bytes), deflate ?? false);
        assert.equal(seen.length, 1);
        assert.deepEqual(seen[0]!.anomalies, expected);
      });
    }

    it('accepts RSV1 on the first frame of a message when permessage-deflate is on, not on its continuation', () => {
      const seen = parseAll('server', hex('41024142 c0024344'), true);
      assert.deepEqual(
        seen.map((f) => [f.rsv[0], f.anomalies]),
        [
          [true, []],
          [true, ['MisplacedRsv1']],
        ],
      );
    });

    it('flags a new message started before the fragmented one ended, and carries on', () => {
      const seen = parseAll('server', hex('0100 8100 8000 8100'));
      assert.deepEqual(
        seen.map((f) => f.anomalies),
        [[], ['MissingContinuation'], ['UnexpectedContinuation'], []],
      );
    });

    it('sums several anomalies on one frame', () => {
      const seen = parseAll('client', hex('7e7e007e' + '00'.repeat(126)));
      // FIN clear, RSV1-3 set, opcode 0xE (reserved, and a control opcode), unmasked, 126 bytes.
      assert.deepEqual(seen[0]!.anomalies, ['BadOpcode', 'ReservedBits', 'FragmentedControl', 'ControlTooLong', 'UnmaskedClientFrame']);
      const data = parseAll('client', hex('737e007e' + '00'.repeat(126)));
      assert.deepEqual(data[0]!.anomalies, ['BadOpcode', 'ReservedBits', 'UnmaskedClientFrame']);
      const control = parseAll('client', hex('097e007e' + '00'.repeat(126)));
      assert.deepEqual(control[0]!.anomalies, ['FragmentedControl', 'ControlTooLong', 'UnmaskedClientFrame']);
      assert.equal(FrameAnomaly.ControlTooLong, 1 << 4);
    });
  });
});
