import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitControls } from '../../shared/codecs/controlEscapes';
import { decodeUtf8, escapeBytes, previewText, type Utf8Decoded } from '../../shared/codecs/utf8Decode';

const reference = new TextDecoder('utf-8', { ignoreBOM: true });
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const enc = new TextEncoder();
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks every invariant of a decode result against the platform decoder. */
function checkInvariants(input: Uint8Array, d: Utf8Decoded): void {
  assert.equal(d.text, reference.decode(input), 'text equals TextDecoder output');
  let offset = 0;
  let subparts = 0;
  let invalidBytes = 0;
  let previousInvalid: boolean | undefined;
  for (const seg of d.segments) {
    assert.equal(seg.byteOffset, offset, 'segments are contiguous');
    assert.ok(seg.byteLength > 0, 'no empty segments');
    assert.notEqual(seg.invalid, previousInvalid, 'valid and invalid segments alternate');
    previousInvalid = seg.invalid;
    const slice = input.subarray(seg.byteOffset, seg.byteOffset + seg.byteLength);
    if (seg.invalid) {
      assert.equal(seg.text, escapeBytes(slice));
      const replaced = reference.decode(slice);
      assert.match(replaced, /^\uFFFD+$/, 'an invalid segment decodes to replacement characters only');
      subparts += replaced.length;
      invalidBytes += seg.byteLength;
    } else {
      assert.equal(seg.text, strict.decode(slice));
    }
    offset += seg.byteLength;
  }
  assert.equal(offset, input.length, 'segments cover every byte');
  assert.equal(d.invalidCount, subparts);
  assert.equal(d.invalidBytes, invalidBytes);
}

describe('decodeUtf8', () => {
  it('decodes empty input to no segments', () => {
    assert.deepEqual(decodeUtf8(new Uint8Array(0)), { text: '', segments: [], invalidCount: 0, invalidBytes: 0 });
  });

  it('decodes valid text as one valid segment, keeping a BOM', () => {
    const text = '\uFEFFhé €😀\u0000\n';
    const d = decodeUtf8(enc.encode(text));
    assert.equal(d.text, text);
    assert.deepEqual(d.segments, [{ text, invalid: false, byteOffset: 0, byteLength: enc.encode(text).length }]);
    assert.equal(d.invalidCount, 0);
  });

  it('decodes a valid U+FFFD as valid, not as an error', () => {
    const d = decodeUtf8(bytes(0xef, 0xbf, 0xbd));
    assert.equal(d.text, '\uFFFD');
    assert.equal(d.invalidCount, 0);
    assert.equal(d.segments[0]?.invalid, false);
  });

  it('decodes the boundaries of every sequence length', () => {
    for (const cp of [0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff]) {
      const s = String.fromCodePoint(cp);
      const d = decodeUtf8(enc.encode(s));
      assert.equal(d.text, s, `U+${cp.toString(16)}`);
      assert.equal(d.invalidCount, 0);
    }
  });

  // Each class of ill-formed input, with the maximal subparts TextDecoder (and Unicode §3.9) use.
  const cases: Array<[string, Uint8Array, string, Array<[number, number, boolean]>]> = [
    ['lone continuation byte', bytes(0x41, 0x80, 0x42), 'A\uFFFDB', [[0, 1, false], [1, 1, true], [2, 1, false]]],
    ['run of continuation bytes', bytes(0x80, 0xbf, 0x80), '\uFFFD\uFFFD\uFFFD', [[0, 3, true]]],
    ['overlong 2-byte C0 80', bytes(0xc0, 0x80), '\uFFFD\uFFFD', [[0, 2, true]]],
    ['overlong 2-byte C1 BF', bytes(0xc1, 0xbf), '\uFFFD\uFFFD', [[0, 2, true]]],
    ['overlong 3-byte E0 80 80', bytes(0xe0, 0x80, 0x80), '\uFFFD\uFFFD\uFFFD', [[0, 3, true]]],
    ['overlong 3-byte E0 9F BF', bytes(0xe0, 0x9f, 0xbf), '\uFFFD\uFFFD\uFFFD', [[0, 3, true]]],
    ['overlong 4-byte F0 8F BF BF', bytes(0xf0, 0x8f, 0xbf, 0xbf), '\uFFFD'.repeat(4), [[0, 4, true]]],
    ['surrogate ED A0 80', bytes(0xed, 0xa0, 0x80), '\uFFFD\uFFFD\uFFFD', [[0, 3, true]]],
    ['surrogate ED BF BF', bytes(0xed, 0xbf, 0xbf), '\uFFFD\uFFFD\uFFFD', [[0, 3, true]]],
    ['above U+10FFFF F4 90 80 80', bytes(0xf4, 0x90, 0x80, 0x80), '\uFFFD'.repeat(4), [[0, 4, true]]],
    ['lead byte F5', bytes(0xf5, 0x80, 0x80, 0x80), '\uFFFD'.repeat(4), [[0, 4, true]]],
    ['byte FF', bytes(0x61, 0xff), 'a\uFFFD', [[0, 1, false], [1, 1, true]]],
    ['byte FE', bytes(0xfe), '\uFFFD', [[0, 1, true]]],
    ['truncated 2-byte at end', bytes(0x61, 0xc3), 'a\uFFFD', [[0, 1, false], [1, 1, true]]],
    ['truncated 3-byte at end', bytes(0xe2, 0x82), '\uFFFD', [[0, 2, true]]],
    ['truncated 4-byte at end', bytes(0xf0, 0x9f, 0x98), '\uFFFD', [[0, 3, true]]],
    ['truncated 3-byte before ASCII', bytes(0xe2, 0x82, 0x41), '\uFFFDA', [[0, 2, true], [2, 1, false]]],
    ['truncated 4-byte before a lead byte', bytes(0xf0, 0x9f, 0xc3, 0xa9), '\uFFFDé', [[0, 2, true], [2, 2, false]]],
    [
      'Unicode Table 3-8 example',
      bytes(0x61, 0xf1, 0x80, 0x80, 0xe1, 0x80, 0xc2, 0x62, 0x80, 0x63, 0x80, 0xbf, 0x64),
      'a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd',
      [[0, 1, false], [1, 6, true], [7, 1, false], [8, 1, true], [9, 1, false], [10, 2, true], [12, 1, false]],
    ],
  ];
  for (const [name, input, text, shape] of cases) {
    it(`marks ${name}`, () => {
      const d = decodeUtf8(input);
      assert.equal(d.text, text);
      assert.deepEqual(
        d.segments.map((s) => [s.byteOffset, s.byteLength, s.invalid]),
        shape,
      );
      assert.equal(d.invalidCount, [...text].filter((c) => c === '\uFFFD').length);
      checkInvariants(input, d);
    });
  }

  it('renders invalid bytes as \\xHH in the invalid segment', () => {
    const d = decodeUtf8(bytes(0x68, 0x69, 0xc0, 0xaf, 0x21));
    assert.deepEqual(d.segments, [
      { text: 'hi', invalid: false, byteOffset: 0, byteLength: 2 },
      { text: '\\xC0\\xAF', invalid: true, byteOffset: 2, byteLength: 2 },
      { text: '!', invalid: false, byteOffset: 4, byteLength: 1 },
    ]);
    assert.equal(d.invalidCount, 2);
    assert.equal(d.invalidBytes, 2);
  });

  it('decodes a subarray view by its own offsets', () => {
    const backing = bytes(0xff, 0x41, 0xc3, 0xa9, 0xff);
    const d = decodeUtf8(backing.subarray(1, 4));
    assert.equal(d.text, 'Aé');
    assert.equal(d.invalidCount, 0);
    const e = decodeUtf8(backing.subarray(2, 5));
    assert.deepEqual(e.segments.map((s) => [s.byteOffset, s.byteLength, s.invalid]), [[0, 2, false], [2, 1, true]]);
  });

  it('agrees with TextDecoder on every two-byte input', () => {
    const input = new Uint8Array(2);
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        input[0] = a;
        input[1] = b;
        const d = decodeUtf8(input);
        if (d.text !== reference.decode(input)) assert.fail(`mismatch for ${escapeBytes(input)}`);
      }
    }
  });

  it('agrees with TextDecoder on every lead byte with every second byte, then end/ASCII/continuation', () => {
    for (let a = 0xc0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        for (const tail of [[], [0x41], [0x80], [0xbf, 0x80], [0x80, 0xbf, 0x41]]) {
          const input = bytes(a, b, ...tail);
          checkInvariants(input, decodeUtf8(input));
        }
      }
    }
  });

  it('agrees with TextDecoder on random mixes of valid and broken sequences', () => {
    const next = rng(0xc0dec);
    const pieces = [
      [0x41], [0x0a], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf],
      [0x80], [0xbf], [0xc0], [0xc2], [0xe0], [0xe0, 0xa0], [0xed], [0xed, 0xa0], [0xf0], [0xf0, 0x90],
      [0xf0, 0x90, 0x80], [0xf4], [0xf4, 0x90], [0xf5], [0xff],
    ];
    for (let round = 0; round < 3000; round++) {
      const parts: number[] = [];
      const count = Math.floor(next() * 12);
      for (let k = 0; k < count; k++) parts.push(...pieces[Math.floor(next() * pieces.length)]!);
      if (next() < 0.3) for (let k = 0; k < 4; k++) parts.push(Math.floor(next() * 256));
      const input = Uint8Array.from(parts);
      checkInvariants(input, decodeUtf8(input));
    }
  });
});

describe('previewText', () => {
  const p = (s: string, max: number): string => previewText(enc.encode(s), max);

  it('returns short text unchanged', () => {
    assert.equal(p('hello', 80), 'hello');
    assert.equal(p('héllo 😀 €', 80), 'héllo 😀 €');
    assert.equal(p('', 10), '');
  });

  it('keeps control characters as they are: the row draws them as escapes (splitControls)', () => {
    assert.equal(p('a\nb\r\nc\td\u0000e\u007f\u001b', 80), 'a\nb\r\nc\td\u0000e\u007f\u001b');
    assert.equal(p('a\u2028b\u202Ey\u0085\uFEFF', 80), 'a\u2028b\u202Ey\u0085\uFEFF');
  });

  it('shows invalid UTF-8 as U+FFFD', () => {
    assert.equal(previewText(bytes(0x61, 0xff, 0x62), 80), 'a\uFFFDb');
  });

  it('truncates to maxChars including the ellipsis', () => {
    assert.equal(p('hello', 5), 'hello');
    assert.equal(p('hello!', 5), 'hell…');
    assert.equal(p('hello!', 1), '…');
    assert.equal(p('hello!', 0), '');
    assert.equal(p('hello!', -3), '');
    assert.equal(p('😀😀😀😀', 3), '😀😀…', 'counts code points, never splits a surrogate pair');
  });

  it('counts a control character by the width of its escape when truncating', () => {
    assert.equal(p('\u0085\u0085', 8), '\u0085…');
    assert.equal(p('\u0085\u0085', 12), '\u0085\u0085');
    assert.equal(p('ab\u0085', 7), 'ab…');
    assert.equal(p('PING\r\n', 8), 'PING\r\n', '\\r\\n is 4 wide');
    assert.equal(p('PING\r\n', 7), 'PING\r…');
    assert.equal(p('\x1b[0m', 3), '…', '\\x1B is 4 wide');
  });

  it('fits the escaped preview in maxChars whatever the text', () => {
    const alphabet = ['a', 'é', '😀', '\n', '\r', '\0', '\x1b', '\u0085', '\u202e', '\ufeff'];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join('');
      const max = 1 + (next() % 30);
      const out = p(text, max);
      const shown = splitControls(out).map((piece) => piece.text).join('');
      assert.ok([...shown].length <= max, `${JSON.stringify(text)} in ${max}: ${JSON.stringify(shown)}`);
      assert.ok(text.startsWith(out.endsWith('…') ? out.slice(0, -1) : out), 'a prefix of the text');
    }
  });

  it('never shows a spurious U+FFFD where the decoded prefix ends inside a character', () => {
    for (const ch of ['é', '€', '😀']) {
      for (let max = 1; max < 30; max++) {
        const s = ch.repeat(200);
        const out = p(s, max);
        assert.ok(!out.includes('\uFFFD'), `${ch} × ${max}: ${out}`);
        assert.equal([...out].length, max);
        assert.ok(out.endsWith('…'));
      }
    }
  });

  it('previews only the start of a huge payload', () => {
    const huge = new Uint8Array(8 * 1024 * 1024).fill(0x61);
    huge[huge.length - 1] = 0xff; // never looked at
    const out = previewText(huge, 100);
    assert.equal(out, 'a'.repeat(99) + '…');
  });

  it('keeps a payload of exactly maxChars multi-byte characters intact', () => {
    const max = 10;
    assert.equal(p('é'.repeat(max), max), 'é'.repeat(max));
    assert.equal(p('😀'.repeat(max), max), '😀'.repeat(max));
    assert.equal(p('😀'.repeat(max + 1), max), '😀'.repeat(max - 1) + '…');
    assert.equal(p('😀'.repeat(max) + 'a', max), '😀'.repeat(max - 1) + '…');
  });
});
