// Every framer on hex-literal streams, each fed whole, split at every byte boundary, one byte at a time
// and in seeded random cuts: the messages, errors and remainder must never depend on the cuts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../shared/codecs/hexDump';
import { SocketInspectorError } from '../../shared/errors';
import { createFramerDecoder } from '../../src/core/framing/framerDecoder';
import { LINES_CRLF, LINES_LF, NUL_TERMINATED, type FramerSpec } from '../../shared/framerSpec';
import { assertEverySplit, decode, hex, splits } from '../support/framingSplits';
import { forAll, type SeededRandom } from '../support/seededRandom';

const delimiter = (h: string): FramerSpec => ({ type: 'delimiter', delimiter: hex(h) });
const prefix = (width: 1 | 2 | 4, littleEndian = false, includesHeader = false): FramerSpec => ({ type: 'lengthPrefix', width, littleEndian, includesHeader });

describe('delimiter framing', () => {
  it('splits lines at \\n, keeps empty lines, holds the unterminated tail', () => {
    assertEverySplit(LINES_LF, hex('68 69 0a 0a 61 62 63 0a 7a'), { events: ['68 69', '', '61 62 63'], remainder: '7a' });
  });

  it('reads nothing from nothing', () => {
    assertEverySplit(LINES_LF, hex(''), { events: [] });
    assertEverySplit(LINES_CRLF, hex(''), { events: [] });
  });

  it('splits at \\r\\n and keeps a lone \\r inside a message', () => {
    assertEverySplit(LINES_CRLF, hex('2b 4f 4b 0d 0a 24 33 0d 0a 66 6f 6f 0d 0a 61 0d 62 0d 0a 0d'), {
      events: ['2b 4f 4b', '24 33', '66 6f 6f', '61 0d 62'],
      remainder: '0d',
    });
  });

  it('finds \\r\\n after a \\r that starts no delimiter', () => {
    assertEverySplit(LINES_CRLF, hex('0d 0d 0a 0d 0d 0d 0a'), { events: ['0d', '0d 0d'] });
  });

  it('splits at \\0', () => {
    assertEverySplit(NUL_TERMINATED, hex('61 00 00 62 00 63'), { events: ['61', '', '62'], remainder: '63' });
  });

  it('takes the leftmost delimiter and never overlaps two (delimiter 61 61)', () => {
    assertEverySplit(delimiter('61 61'), hex('61 61 61 62 61 61 61'), { events: ['', '61 62'], remainder: '61' });
  });

  it('finds a four-byte delimiter after a false start (\\r\\n\\r\\n)', () => {
    assertEverySplit(delimiter('0d 0a 0d 0a'), hex('48 0d 0a 58 0d 0a 0d 0a 0d 0a 0d 0d 0a 0d 0a 42'), {
      events: ['48 0d 0a 58', '0d 0a 0d'],
      remainder: '42',
    });
  });

  it('finds a three-byte delimiter whose first byte repeats (END after E)', () => {
    assertEverySplit(delimiter('45 4e 44'), hex('45 45 4e 44 45 4e 45 4e 44 45 4e'), { events: ['45', '45 4e'], remainder: '45 4e' });
  });

  it('passes a message inside one chunk as a view of that chunk, without copying', () => {
    const chunk = hex('61 62 0a 63 0a');
    const buffers: ArrayBufferLike[] = [];
    const d = createFramerDecoder(LINES_LF, (m) => buffers.push(m.buffer));
    d.push(chunk);
    assert.deepEqual(buffers, [chunk.buffer, chunk.buffer]);
  });

  it('with onSpan, passes in-chunk messages as offsets, in order with assembled ones, whatever the cuts', () => {
    const bytes = hex('61 62 0a 0a 63 64 65 66 0a 78 79 0a 7a');
    for (const [name, chunks] of splits(bytes, 0x5a5)) {
      const events: string[] = [];
      let spans = 0;
      const d = createFramerDecoder(LINES_LF, (m) => events.push(toHex(m, ' ')), {
        maxMessageBytes: 3,
        onError: (e) => events.push(`error ${e.code}`),
        onSpan: (chunk, start, end) => {
          spans++;
          events.push(toHex(chunk.subarray(start, end), ' '));
        },
      });
      for (const c of chunks) d.push(c);
      assert.deepEqual(events, ['61 62', '', 'error PAYLOAD_TOO_LARGE', '78 79'], name);
      if (name === 'whole') assert.equal(spans, 3, 'every message of a single chunk comes as a span');
    }
  });

  it('reports a message longer than the limit once, skips to the next \\n, and reads on', () => {
    assertEverySplit(LINES_LF, hex('61 62 63 0a 61 62 63 64 0a 78 0a'), { events: ['61 62 63', 'error PAYLOAD_TOO_LARGE', '78'] }, { maxMessageBytes: 3 });
    // Unterminated and too long: reported, nothing is left to take at close.
    assertEverySplit(LINES_LF, hex('78 0a 61 62 63 64 65'), { events: ['78', 'error PAYLOAD_TOO_LARGE'] }, { maxMessageBytes: 3 });
    // Exactly at the limit is fine, terminated or not.
    assertEverySplit(LINES_LF, hex('61 62 63 0a 64 65 66'), { events: ['61 62 63'], remainder: '64 65 66' }, { maxMessageBytes: 3 });
  });

  it('reports an over-long message with a multi-byte delimiter, even when the delimiter straddles chunks', () => {
    const limit = { maxMessageBytes: 3 };
    assertEverySplit(LINES_CRLF, hex('61 62 63 64 0d 0a 78 0d 0a'), { events: ['error PAYLOAD_TOO_LARGE', '78'] }, limit);
    assertEverySplit(LINES_CRLF, hex('61 62 63 0d 0a 61 62 63 0d 0d 0a 79 0d 0a'), { events: ['61 62 63', 'error PAYLOAD_TOO_LARGE', '79'] }, limit);
    assertEverySplit(LINES_CRLF, hex('61 62 63 64 65 66 67 0d 0a 0d 0a'), { events: ['error PAYLOAD_TOO_LARGE', ''] }, limit);
    // Four bytes held, the last may start a delimiter: the limit counts only what is surely message.
    assertEverySplit(LINES_CRLF, hex('61 62 63 0d'), { events: [], remainder: '61 62 63 0d' }, limit);
    assertEverySplit(delimiter('2d 2d 2d'), hex('61 62 2d 2d 61 62 63 64 2d 2d 2d 7a 2d 2d 2d'), { events: ['error PAYLOAD_TOO_LARGE', '7a'] }, limit);
  });

  it('names the framer and the limit in the error', () => {
    const { errorMessages } = decode(LINES_CRLF, [hex('61 62 63 64 0d 0a')], { maxMessageBytes: 3 });
    assert.deepEqual(errorMessages, [
      'No delimiter within 3 bytes (the message limit) while framing as Lines (\\r\\n); the bytes up to the next delimiter were skipped.',
    ]);
  });
});

describe('length-prefix framing', () => {
  it('reads 1-byte prefixes, empty messages included', () => {
    assertEverySplit(prefix(1), hex('03 61 62 63 00 02 78 79 05 31'), { events: ['61 62 63', '', '78 79'], remainder: '05 31' });
  });

  it('reads 2-byte prefixes big- and little-endian', () => {
    assertEverySplit(prefix(2), hex('00 02 68 69 00 00 01 00'), { events: ['68 69', ''], remainder: '01 00' });
    assertEverySplit(prefix(2, true), hex('02 00 68 69 00 00 01'), { events: ['68 69', ''], remainder: '01' });
    const long = new Uint8Array(2 + 300).fill(0x41);
    long.set([0x01, 0x2c], 0);
    assertEverySplit(prefix(2), long, { events: [toHex(long.subarray(2), ' ')] });
  });

  it('reads 4-byte prefixes big- and little-endian', () => {
    assertEverySplit(prefix(4), hex('00 00 00 02 61 62 00 00 00 00 00 00'), { events: ['61 62', ''], remainder: '00 00' });
    assertEverySplit(prefix(4, true), hex('02 00 00 00 61 62 01 00 00'), { events: ['61 62'], remainder: '01 00 00' });
  });

  it('reads prefixes whose length includes the prefix itself', () => {
    assertEverySplit(prefix(1, false, true), hex('03 61 62 01 04 78 79'), { events: ['61 62', ''], remainder: '04 78 79' });
    assertEverySplit(prefix(2, false, true), hex('00 04 68 69 00 02'), { events: ['68 69', ''] });
    assertEverySplit(prefix(4, true, true), hex('06 00 00 00 61 62 04 00 00 00'), { events: ['61 62', ''] });
  });

  it('reports a prefix smaller than itself and reads the next bytes as a new prefix', () => {
    assertEverySplit(prefix(2, false, true), hex('00 01 00 03 7a 00 00 00 02'), { events: ['error PROTOCOL', '7a', 'error PROTOCOL', ''] });
    const { errorMessages } = decode(prefix(2, false, true), [hex('00 01')]);
    assert.deepEqual(errorMessages, ['A length prefix of 1 is smaller than the 2-byte prefix it includes; the prefix was skipped and the next bytes read as a new prefix.']);
  });

  it('skips the payload of a prefix announcing more than the limit, without holding it', () => {
    assertEverySplit(prefix(1), hex('05 61 62 63 64 65 02 78 79 03 31'), { events: ['error PAYLOAD_TOO_LARGE', '78 79'], remainder: '03 31' }, { maxMessageBytes: 4 });
    assertEverySplit(prefix(4), hex('ff ff ff ff 61 62 63'), { events: ['error PAYLOAD_TOO_LARGE'] }, { maxMessageBytes: 16 });
    const { errorMessages } = decode(prefix(4), [hex('ff ff ff ff')], { maxMessageBytes: 1024 });
    assert.deepEqual(errorMessages, ['A length prefix announces 4,294,967,295 bytes, more than the message limit of 1,024 bytes; those bytes were skipped.']);
  });

  it('holds a partial header and payload as the remainder, header first', () => {
    const d = createFramerDecoder(prefix(2), () => assert.fail('no message is complete'));
    d.push(hex('00'));
    assert.equal(d.pending, 1);
    d.push(hex('05 61'));
    assert.equal(d.pending, 3);
    assert.equal(toHex(d.takeRemainder(), ' '), '00 05 61');
    assert.equal(d.pending, 0);
  });
});

describe('fixed-size framing', () => {
  it('cuts every N bytes', () => {
    assertEverySplit({ type: 'fixed', size: 3 }, hex('61 62 63 64 65 66 67'), { events: ['61 62 63', '64 65 66'], remainder: '67' });
    assertEverySplit({ type: 'fixed', size: 1 }, hex('00 ff'), { events: ['00', 'ff'] });
  });

  it('refuses a size above the message limit', () => {
    assert.throws(
      () => createFramerDecoder({ type: 'fixed', size: 100 }, () => {}, { maxMessageBytes: 99 }),
      (e: unknown) => e instanceof SocketInspectorError && e.code === 'BAD_FRAMER' && /100 bytes are above the message limit of 99 bytes/.test(e.message),
    );
  });
});

describe('decoder contract', () => {
  it('without onError, consumes the whole chunk, then throws the first error, and reads on', () => {
    const got: string[] = [];
    const d = createFramerDecoder(LINES_LF, (m) => got.push(toHex(m, ' ')), { maxMessageBytes: 2 });
    assert.throws(() => d.push(hex('61 0a 61 62 63 0a 62 0a')), (e: unknown) => e instanceof SocketInspectorError && e.code === 'PAYLOAD_TOO_LARGE');
    assert.deepEqual(got, ['61', '62']);
    d.push(hex('63 0a'));
    assert.deepEqual(got, ['61', '62', '63']);
  });

  it('refuses bad specs and limits with BAD_FRAMER', () => {
    const refuses = (spec: unknown, options = {}) =>
      assert.throws(() => createFramerDecoder(spec as FramerSpec, () => {}, options), (e: unknown) => e instanceof SocketInspectorError && e.code === 'BAD_FRAMER');
    refuses({ type: 'delimiter', delimiter: new Uint8Array(0) });
    refuses({ type: 'lengthPrefix', width: 3, littleEndian: false, includesHeader: false });
    refuses({ type: 'fixed', size: 0 });
    refuses({ type: 'nonsense' });
    refuses(LINES_LF, { maxMessageBytes: 0 });
  });
});

// --- properties against a plain whole-stream reading --------------------------------------------------

function indexOfNaive(hay: Uint8Array, d: Uint8Array, from: number): number {
  outer: for (let i = from; i + d.length <= hay.length; i++) {
    for (let j = 0; j < d.length; j++) if (hay[i + j] !== d[j]) continue outer;
    return i;
  }
  return -1;
}

/** The delimiter rules stated plainly over the whole stream. */
function referenceDelimiter(stream: Uint8Array, d: Uint8Array, max: number): { events: string[]; remainder: string } {
  const events: string[] = [];
  let pos = 0;
  for (;;) {
    const i = indexOfNaive(stream, d, pos);
    if (i === -1) {
      const tail = stream.subarray(pos);
      // Held bytes may end with the start of a delimiter; only what surely is message counts.
      if (tail.length > max + d.length - 1) {
        events.push('error PAYLOAD_TOO_LARGE');
        return { events, remainder: '' };
      }
      return { events, remainder: toHex(tail, ' ') };
    }
    events.push(i - pos > max ? 'error PAYLOAD_TOO_LARGE' : toHex(stream.subarray(pos, i), ' '));
    pos = i + d.length;
  }
}

/** The length-prefix rules stated plainly over the whole stream. */
function referencePrefix(stream: Uint8Array, spec: FramerSpec & { type: 'lengthPrefix' }, max: number): { events: string[]; remainder: string } {
  const events: string[] = [];
  const w = spec.width;
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  let pos = 0;
  for (;;) {
    if (stream.length - pos < w) return { events, remainder: toHex(stream.subarray(pos), ' ') };
    const value = w === 1 ? view.getUint8(pos) : w === 2 ? view.getUint16(pos, spec.littleEndian) : view.getUint32(pos, spec.littleEndian);
    const length = spec.includesHeader ? value - w : value;
    if (length < 0) {
      events.push('error PROTOCOL');
      pos += w;
      continue;
    }
    if (length > max) {
      events.push('error PAYLOAD_TOO_LARGE');
      pos += w + length;
      if (pos >= stream.length) return { events, remainder: '' };
      continue;
    }
    if (stream.length - pos - w < length) return { events, remainder: toHex(stream.subarray(pos), ' ') };
    events.push(toHex(stream.subarray(pos + w, pos + w + length), ' '));
    pos += w + length;
  }
}

/** Bytes from a tiny alphabet, so delimiters and their false starts are frequent. */
function smallAlphabet(rng: SeededRandom, length: number, alphabet: number): Uint8Array {
  return Uint8Array.from({ length }, () => rng.int(alphabet));
}

function assertSplitsMatch(spec: FramerSpec, stream: Uint8Array, want: { events: string[]; remainder: string }, max: number, seed: number): void {
  for (const [name, chunks] of splits(stream, seed, 6)) {
    const got = decode(spec, chunks, { maxMessageBytes: max });
    assert.deepEqual({ events: got.events, remainder: got.remainder }, want, `stream ${toHex(stream, ' ')}, cut: ${name}`);
  }
}

describe('framing properties (seeded)', () => {
  it('delimiters of 1 to 4 bytes read every stream as the plain reading does', () => {
    forAll('delimiter decoder = reference', 0xde11, 300, (rng) => {
      const d = smallAlphabet(rng, rng.range(1, 4), 3);
      const stream = smallAlphabet(rng, rng.range(0, 48), 3);
      const max = rng.chance(0.5) ? 1_000 : rng.range(1, 6);
      assertSplitsMatch({ type: 'delimiter', delimiter: d }, stream, referenceDelimiter(stream, d, max), max, rng.nextUint32());
    });
  });

  it('length prefixes of every width, order and header rule read every stream as the plain reading does', () => {
    forAll('length-prefix decoder = reference', 0x1e17, 300, (rng) => {
      const spec = prefix(rng.pick([1, 2, 4] as const), rng.chance(0.5), rng.chance(0.5)) as FramerSpec & { type: 'lengthPrefix' };
      // Mostly small lengths (zeros in the high bytes), so messages complete; sometimes anything.
      const stream = rng.chance(0.7) ? smallAlphabet(rng, rng.range(0, 40), 5) : rng.bytes(rng.range(0, 40));
      const max = rng.chance(0.5) ? 1_000 : rng.range(1, 6);
      assertSplitsMatch(spec, stream, referencePrefix(stream, spec, max), max, rng.nextUint32());
    });
  });

  it('fixed sizes cut every stream every N bytes', () => {
    forAll('fixed decoder = reference', 0xf1ed, 100, (rng) => {
      const size = rng.range(1, 7);
      const stream = rng.bytes(rng.range(0, 40));
      const events: string[] = [];
      let pos = 0;
      for (; stream.length - pos >= size; pos += size) events.push(toHex(stream.subarray(pos, pos + size), ' '));
      assertSplitsMatch({ type: 'fixed', size }, stream, { events, remainder: toHex(stream.subarray(pos), ' ') }, 1_000, rng.nextUint32());
    });
  });
});
