// Framer specs as people write them (a typed delimiter, a short text form, JSON from the webview), how
// they are described, and the messages that explain a bad one; and the encoder that frames on send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../shared/codecs/hexDump';
import { SocketInspectorError } from '../../shared/errors';
import { encodeFramed } from '../../src/core/framing/framerEncoder';
import {
  describeFramer,
  formatFramerSpec,
  framerSpecFromJson,
  framerSpecToJson,
  LINES_CRLF,
  LINES_LF,
  NUL_TERMINATED,
  parseDelimiter,
  parseFramerSpec,
  sameFramer,
  validateFramerSpec,
  type FramerSpec,
} from '../../shared/framerSpec';
import { decode, hex, splits } from '../support/framingSplits';
import { forAll } from '../support/seededRandom';

function refused(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SocketInspectorError, `a SocketInspectorError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

describe('parseDelimiter', () => {
  it('reads escapes, hex and plain text', () => {
    const cases: Array<[string, string]> = [
      ['\\n', '0a'],
      ['\\r\\n', '0d 0a'],
      ['\\0', '00'],
      ['\\x1e', '1e'],
      ['0d0a', '0d 0a'],
      ['0d 0a', '0d 0a'],
      ['0x0d,0x0a', '0d 0a'],
      ['FF', 'ff'],
      ['END', '45 4e 44'],
      ['"BAD"', '42 41 44'],
      ["'\\r\\n'", '0d 0a'],
      ['\n', '0a'],
    ];
    for (const [text, want] of cases) assert.equal(toHex(parseDelimiter(text), ' '), want, JSON.stringify(text));
  });

  it('explains what is wrong', () => {
    refused(() => parseDelimiter(''), 'BAD_FRAMER', /The delimiter is empty; give at least one byte/);
    refused(() => parseDelimiter('""'), 'BAD_FRAMER', /The delimiter is empty/);
    refused(() => parseDelimiter('0d0'), 'INVALID_HEX', /odd number of hex digits in '0d0'/);
    refused(() => parseDelimiter('\\q'), 'INVALID_ESCAPE', /Invalid escape: '\\q' at line 1, column 1/);
    refused(() => parseDelimiter('ab'.repeat(257)), 'BAD_FRAMER', /The delimiter is 257 bytes long; at most 256 are allowed/);
  });

  it('reads a long run of hex-looking text in linear time (no regex backtracking)', () => {
    // A run of hex digits then '!' would hang a regex that can split the run many ways.
    refused(() => parseDelimiter(`${'a'.repeat(50_000)}!`), 'BAD_FRAMER', /at most 256 are allowed/);
  });
});

describe('parseFramerSpec', () => {
  it('reads the short forms', () => {
    const cases: Array<[string, FramerSpec]> = [
      ['lines', LINES_LF],
      ['LF', LINES_LF],
      ['crlf', LINES_CRLF],
      ['nul', NUL_TERMINATED],
      ['delimiter:0d0a', LINES_CRLF],
      ['delimiter:\\r\\n', LINES_CRLF],
      ['length:1', { type: 'lengthPrefix', width: 1, littleEndian: false, includesHeader: false }],
      ['length:2be', { type: 'lengthPrefix', width: 2, littleEndian: false, includesHeader: false }],
      ['length:4le+header', { type: 'lengthPrefix', width: 4, littleEndian: true, includesHeader: true }],
      [' fixed:16 ', { type: 'fixed', size: 16 }],
    ];
    for (const [text, want] of cases) assert.ok(sameFramer(parseFramerSpec(text), want), text);
  });

  it('reads back what formatFramerSpec writes', () => {
    const specs: FramerSpec[] = [
      LINES_LF,
      LINES_CRLF,
      NUL_TERMINATED,
      { type: 'delimiter', delimiter: hex('30 31') },
      { type: 'lengthPrefix', width: 1, littleEndian: true, includesHeader: true },
      { type: 'lengthPrefix', width: 2, littleEndian: true, includesHeader: false },
      { type: 'lengthPrefix', width: 4, littleEndian: false, includesHeader: true },
      { type: 'fixed', size: 12 },
    ];
    assert.deepEqual(specs.map(formatFramerSpec), ['lines', 'crlf', 'nul', 'delimiter:3031', 'length:1+header', 'length:2le', 'length:4be+header', 'fixed:12']);
    for (const spec of specs) assert.ok(sameFramer(parseFramerSpec(formatFramerSpec(spec)), spec), formatFramerSpec(spec));
  });

  it('explains what is wrong', () => {
    refused(() => parseFramerSpec('length:3'), 'BAD_FRAMER', /Cannot read the length prefix '3': write e\.g\. length:2be/);
    refused(() => parseFramerSpec('fixed:0'), 'BAD_FRAMER', /whole number of bytes from 1 to 16777216, not 0/);
    refused(() => parseFramerSpec('fixed:abc'), 'BAD_FRAMER', /Cannot read the fixed size 'abc'/);
    refused(() => parseFramerSpec('json'), 'BAD_FRAMER', /Unknown framer 'json': use lines, crlf, nul/);
    refused(() => parseFramerSpec('delimiter:'), 'BAD_FRAMER', /The delimiter is empty/);
  });
});

describe('validateFramerSpec and JSON', () => {
  it('refuses malformed specs with a message naming the field', () => {
    refused(() => validateFramerSpec(null), 'BAD_FRAMER', /must be an object with a type/);
    refused(() => validateFramerSpec({ type: 'delimiter', delimiter: '0a' }), 'BAD_FRAMER', /delimiter as bytes/);
    refused(() => validateFramerSpec({ type: 'lengthPrefix', width: 8, littleEndian: false, includesHeader: false }), 'BAD_FRAMER', /1, 2 or 4 bytes wide, not 8/);
    refused(() => validateFramerSpec({ type: 'lengthPrefix', width: 2, includesHeader: false }), 'BAD_FRAMER', /littleEndian: true or false/);
    refused(() => validateFramerSpec({ type: 'fixed', size: 1.5 }), 'BAD_FRAMER', /not 1\.5/);
    refused(() => validateFramerSpec({ type: 'regex' }), 'BAD_FRAMER', /Unknown framer type "regex"/);
  });

  it('round-trips through JSON with the delimiter as hex', () => {
    const specs: FramerSpec[] = [
      LINES_CRLF,
      { type: 'delimiter', delimiter: hex('00 ff 7e') },
      { type: 'lengthPrefix', width: 2, littleEndian: true, includesHeader: true },
      { type: 'fixed', size: 9 },
    ];
    for (const spec of specs) {
      const json = JSON.parse(JSON.stringify(framerSpecToJson(spec)));
      assert.ok(sameFramer(framerSpecFromJson(json), spec), JSON.stringify(json));
    }
    assert.deepEqual(framerSpecToJson(LINES_CRLF), { type: 'delimiter', delimiter: '0d0a' });
    refused(() => framerSpecFromJson({ type: 'delimiter', delimiter: 'zz' }), 'INVALID_HEX', /'z'/);
    refused(() => framerSpecFromJson({ type: 'delimiter' }), 'BAD_FRAMER', /string of hex digits/);
  });
});

describe('describeFramer', () => {
  it('labels each framer as the panel shows it', () => {
    assert.equal(describeFramer(LINES_LF), 'Lines (\\n)');
    assert.equal(describeFramer(LINES_CRLF), 'Lines (\\r\\n)');
    assert.equal(describeFramer(NUL_TERMINATED), 'NUL-terminated (\\0)');
    assert.equal(describeFramer({ type: 'delimiter', delimiter: hex('45 4e 44 0a') }), 'Delimiter "END\\n" (45 4e 44 0a)');
    assert.equal(describeFramer({ type: 'delimiter', delimiter: hex('ff fe') }), 'Delimiter ff fe');
    assert.equal(describeFramer({ type: 'lengthPrefix', width: 1, littleEndian: false, includesHeader: false }), 'Length prefix: 1 byte');
    assert.equal(describeFramer({ type: 'lengthPrefix', width: 4, littleEndian: true, includesHeader: true }), 'Length prefix: 4 bytes, little-endian, length includes the prefix');
    assert.equal(describeFramer({ type: 'lengthPrefix', width: 2, littleEndian: false, includesHeader: false }), 'Length prefix: 2 bytes, big-endian');
    assert.equal(describeFramer({ type: 'fixed', size: 1 }), 'Fixed size: 1 byte');
  });
});

describe('encodeFramed', () => {
  it('frames a payload as the decoder reads it', () => {
    const hi = hex('68 69');
    assert.equal(toHex(encodeFramed(LINES_CRLF, hi), ' '), '68 69 0d 0a');
    assert.equal(toHex(encodeFramed({ type: 'lengthPrefix', width: 1, littleEndian: false, includesHeader: false }, hi), ' '), '02 68 69');
    assert.equal(toHex(encodeFramed({ type: 'lengthPrefix', width: 2, littleEndian: false, includesHeader: false }, hi), ' '), '00 02 68 69');
    assert.equal(toHex(encodeFramed({ type: 'lengthPrefix', width: 2, littleEndian: true, includesHeader: true }, hi), ' '), '04 00 68 69');
    assert.equal(toHex(encodeFramed({ type: 'lengthPrefix', width: 4, littleEndian: false, includesHeader: true }, hi), ' '), '00 00 00 06 68 69');
    assert.equal(toHex(encodeFramed({ type: 'lengthPrefix', width: 4, littleEndian: true, includesHeader: false }, hi), ' '), '02 00 00 00 68 69');
    assert.equal(toHex(encodeFramed({ type: 'fixed', size: 2 }, hi), ' '), '68 69');
  });

  it('refuses what cannot be framed, saying why', () => {
    const one = { type: 'lengthPrefix', width: 1, littleEndian: false, includesHeader: false } as const;
    assert.equal(encodeFramed(one, new Uint8Array(255)).length, 256);
    refused(() => encodeFramed(one, new Uint8Array(256)), 'PAYLOAD_TOO_LARGE', /This message is 256 bytes; a 1-byte length prefix can frame at most 255\./);
    const oneWithHeader = { ...one, includesHeader: true };
    assert.equal(encodeFramed(oneWithHeader, new Uint8Array(254)).length, 255);
    refused(() => encodeFramed(oneWithHeader, new Uint8Array(255)), 'PAYLOAD_TOO_LARGE', /a 1-byte length prefix that includes itself can frame at most 254/);
    refused(() => encodeFramed({ type: 'fixed', size: 4 }, hex('68 69')), 'BAD_FRAMER', /sends exactly 4 bytes per message; this message is 2 bytes/);
  });

  it('round-trips random messages through the decoder, however the stream is cut', () => {
    const specs: FramerSpec[] = [
      LINES_LF,
      LINES_CRLF,
      { type: 'delimiter', delimiter: hex('7c 7c 7c') },
      { type: 'lengthPrefix', width: 1, littleEndian: false, includesHeader: true },
      { type: 'lengthPrefix', width: 2, littleEndian: true, includesHeader: false },
      { type: 'lengthPrefix', width: 4, littleEndian: false, includesHeader: true },
      { type: 'fixed', size: 5 },
    ];
    forAll('decode(encode(messages)) = messages', 0xe4c0, 200, (rng) => {
      const spec = rng.pick(specs);
      const messages: Uint8Array[] = [];
      for (let k = rng.range(0, 6); k > 0; k--) {
        if (spec.type === 'fixed') messages.push(rng.bytes(spec.size));
        // Delimiter payloads avoid the delimiter's bytes, so each is one message.
        else if (spec.type === 'delimiter') messages.push(Uint8Array.from({ length: rng.range(0, 12) }, () => 0x20 + rng.int(0x5b)));
        else messages.push(rng.bytes(rng.range(0, 20)));
      }
      const framed = messages.map((m) => encodeFramed(spec, m));
      const stream = new Uint8Array(framed.reduce((n, f) => n + f.length, 0));
      framed.reduce((o, f) => (stream.set(f, o), o + f.length), 0);
      const want = messages.map((m) => toHex(m, ' '));
      for (const [name, chunks] of splits(stream, rng.nextUint32(), 4)) {
        const got = decode(spec, chunks);
        assert.deepEqual({ events: got.events, remainder: got.remainder }, { events: want, remainder: '' }, `${describeFramer(spec)}, cut: ${name}`);
      }
    });
  });
});
