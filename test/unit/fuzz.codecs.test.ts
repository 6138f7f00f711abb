// Seeded property tests for the composer codecs: random input never escapes as anything but a
// SocketInspectorError with a position inside the input, and every encoding round-trips.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ComposerFormat,
  decodeBase64,
  decodeUtf8,
  encodeBase64,
  encodeTextWithEscapes,
  escapeBytes,
  findJsonSyntaxError,
  hexDumpRows,
  hexDumpRowCount,
  parseComposerInput,
  parseHex,
  toHex,
  validateComposerInput,
} from '../../shared/codecs';
import { positionOf, SocketInspectorError } from '../../shared/errors';
import { forAll, type SeededRandom } from '../support/seededRandom';

const CASES = 3000;

/** Pieces that hit every branch of the parsers: digits, prefixes, separators, escapes, JSON tokens, odd unicode. */
const ATOMS: readonly string[] = [
  ...'0123456789abcdefABCDEFgxXuU',
  ...' \t\n\r\f\v\u00a0,:;-_+/=',
  '\\', '\\x', '\\u', '\\u{', '}', '{', '[', ']', '"', "'", '\\n', '\\0', '0x', '0X',
  'true', 'false', 'null', '-0', '1e5', '.5', '1.', '\\"', '\\uD83D', '\\uDE00', '\\u{110000}',
  '\u0000', '\u0001', '\u001f', '\u007f', '\u2028', '\ufeff', 'é', '😀', '\ud83d', '\ude00', '\uffff',
];

function randomInput(rng: SeededRandom): string {
  const n = rng.int(rng.chance(0.1) ? 200 : 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += rng.chance(0.05) ? String.fromCharCode(rng.int(0x10000)) : rng.pick(ATOMS);
  }
  return s;
}

/** Mostly-JSON text with random damage, so the scanner sees near-misses rather than just noise. */
function randomJsonish(rng: SeededRandom): string {
  const value = (depth: number): string => {
    switch (rng.int(depth > 3 ? 4 : 6)) {
      case 0: return String(rng.range(-1000, 1000) / rng.pick([1, 10, 1000]));
      case 1: return JSON.stringify(randomInput(rng).slice(0, 8));
      case 2: return rng.pick(['true', 'false', 'null']);
      case 3: return rng.pick(['1e-7', '-0.0', '0', '123456789012345678901234567890']);
      case 4: return `[${Array.from({ length: rng.int(4) }, () => value(depth + 1)).join(rng.pick([',', ', ', ' ,\n']))}]`;
      default:
        return `{${Array.from({ length: rng.int(4) }, () => `${JSON.stringify(randomInput(rng).slice(0, 5))}:${value(depth + 1)}`).join(',')}}`;
    }
  };
  let s = value(0);
  const edits = rng.int(3);
  for (let e = 0; e < edits && s.length > 0; e++) {
    const at = rng.int(s.length + 1);
    const op = rng.int(3);
    if (op === 0) s = s.slice(0, at) + s.slice(at + 1);
    else if (op === 1) s = s.slice(0, at) + rng.pick(ATOMS) + s.slice(at);
    else s = s.slice(0, at);
  }
  return s;
}

const EXPECTED_CODE: Record<ComposerFormat, string> = {
  text: 'INVALID_ESCAPE',
  json: 'INVALID_JSON',
  hex: 'INVALID_HEX',
  base64: 'INVALID_BASE64',
};

/** Parses and checks that a failure is a SocketInspectorError of the format's code at a valid position. */
function checkParse(input: string, format: ComposerFormat, escapes: boolean): Uint8Array | undefined {
  let result: Uint8Array | undefined;
  let error: unknown;
  try {
    result = parseComposerInput(input, format, { escapes });
  } catch (e) {
    error = e;
  }
  const validation = validateComposerInput(input, format, { escapes });
  if (error === undefined) {
    assert.ok(result instanceof Uint8Array);
    assert.ok(validation.ok, 'validateComposerInput disagrees with parseComposerInput');
    assert.deepEqual(validation.bytes, result);
    return result;
  }
  assert.ok(error instanceof SocketInspectorError, `${format}: non-SocketInspectorError escaped: ${String(error)}`);
  assert.equal(error.code, EXPECTED_CODE[format], `${format}: ${error.message}`);
  const position = error.details.position;
  assert.ok(position, `${format}: error without position: ${error.message}`);
  assert.ok(Number.isInteger(position.offset) && position.offset >= 0 && position.offset <= input.length,
    `${format}: position ${position.offset} outside input of length ${input.length}`);
  assert.deepEqual(position, positionOf(input, position.offset));
  assert.match(error.message, new RegExp(`line ${position.line}, column ${position.column}`));
  assert.ok(!validation.ok, 'validateComposerInput accepted what parseComposerInput rejected');
  assert.equal(validation.error.code, error.code);
  return undefined;
}

describe('fuzz: composer input parsers', () => {
  it('random strings: only positioned SocketInspectorErrors escape, for every format', () => {
    forAll('parsers reject cleanly', 0xc0dec5, CASES, (rng) => {
      const input = randomInput(rng);
      assert.deepEqual(checkParse(input, 'text', false), new TextEncoder().encode(input));
      checkParse(input, 'text', true);
      checkParse(input, 'hex', false);
      checkParse(input, 'base64', false);
      checkParse(input, 'json', false);
    });
  });

  it('JSON: accepted exactly when JSON.parse accepts, and the scanner agrees with the engine', () => {
    forAll('json agrees with JSON.parse', 0x150e, CASES, (rng) => {
      const input = rng.chance(0.7) ? randomJsonish(rng) : randomInput(rng);
      let parses = true;
      try {
        JSON.parse(input);
      } catch {
        parses = false;
      }
      const bytes = checkParse(input, 'json', false);
      assert.equal(bytes !== undefined, parses, `input ${JSON.stringify(input)}`);
      const found = findJsonSyntaxError(input);
      assert.equal(found === undefined, parses, `scanner disagrees on ${JSON.stringify(input)}`);
      if (found) assert.ok(found.offset >= 0 && found.offset <= input.length);
    });
  });

  it('base64 of random standard-alphabet strings: same verdict and bytes as atob', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    forAll('base64 agrees with atob', 0xb64, CASES, (rng) => {
      const n = rng.int(24);
      let s = '';
      for (let i = 0; i < n; i++) {
        const r = rng.int(10);
        s += r < 7 ? alphabet[rng.int(64)] : r < 9 ? '=' : rng.pick([' ', '\n', '\r', '\t', '\f']);
      }
      let expected: Uint8Array | undefined;
      try {
        expected = Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      } catch {
        expected = undefined;
      }
      const got = checkParse(s, 'base64', false);
      assert.deepEqual(got, expected, `input ${JSON.stringify(s)}`);
    });
  });
});

describe('fuzz: round trips', () => {
  it('bytes → hex in the shapes people paste → parseHex gives the bytes back', () => {
    forAll('hex round trip', 0x4e3, CASES, (rng) => {
      const bytes = rng.bytes(rng.int(rng.chance(0.1) ? 300 : 40));
      const upper = rng.chance(0.3);
      const style = rng.int(5);
      let text: string;
      if (style === 0) text = toHex(bytes, rng.pick(['', ' ', ':', ',', '-', ';', '\n', ', ', '\r\n', '\u00a0']));
      else if (style === 1) {
        // `0x` only starts a group, so unseparated bytes need the `\x` form (`\x48\x65`); `0x480x65` is not hex.
        const sep = rng.pick([' ', ',', '', ', ']);
        const prefixes = sep === '' ? ['\\x', '\\X'] : ['0x', '0X', '\\x', '\\X'];
        text = Array.from(bytes, (b) => rng.pick(prefixes) + toHex(Uint8Array.of(b))).join(sep);
      }
      else if (style === 2) {
        // Groups of random even length, each optionally prefixed, separated by random separators.
        text = '';
        let i = 0;
        while (i < bytes.length) {
          const len = rng.range(1, 6);
          if (text !== '') text += rng.pick([' ', ':', '\t', '\n', ' - ']);
          text += rng.pick(['', '', '0x', '\\x']) + toHex(bytes.subarray(i, i + len));
          i += len;
        }
      } else if (style === 3) {
        // The hex column of the hex dump rows.
        text = hexDumpRows(bytes, 0, hexDumpRowCount(bytes.length)).map((r) => r.hex).join('\n');
      } else {
        text = `${rng.pick(['', ' ', '\n'])}${toHex(bytes, ' ')}${rng.pick(['', ' ', '\n', '\r\n'])}`;
      }
      if (upper) text = text.toUpperCase();
      assert.deepEqual(parseHex(text), bytes, `text ${JSON.stringify(text)}`);
      assert.deepEqual(parseComposerInput(text, 'hex'), bytes);
    });
  });

  it('hex dump rows hold exactly the bytes, in order, with consecutive offsets', () => {
    forAll('hex dump rows', 0xd0e, 500, (rng) => {
      const bytes = rng.bytes(rng.int(200));
      const rows = hexDumpRows(bytes, 0, hexDumpRowCount(bytes.length));
      assert.deepEqual(parseHex(rows.map((r) => r.hex).join(' ')), bytes);
      rows.forEach((r, i) => assert.equal(r.offset, i * 16));
    });
  });

  it('bytes → base64 (both alphabets, padded or not, with whitespace) → decodeBase64 gives the bytes back', () => {
    forAll('base64 round trip', 0xba5e, CASES, (rng) => {
      const bytes = rng.bytes(rng.int(rng.chance(0.1) ? 300 : 40));
      const urlSafe = rng.chance(0.5);
      const pad = rng.chance(0.5);
      let text = encodeBase64(bytes, { urlSafe, pad });
      if (!urlSafe && pad) assert.equal(text, Buffer.from(bytes).toString('base64'));
      if (urlSafe && !pad) assert.equal(text, Buffer.from(bytes).toString('base64url'));
      const inserts = rng.int(6);
      for (let k = 0; k < inserts; k++) {
        const at = rng.int(text.length + 1);
        text = text.slice(0, at) + rng.pick([' ', '\n', '\r\n', '\t', '\f', '  ']) + text.slice(at);
      }
      assert.deepEqual(decodeBase64(text), bytes, `text ${JSON.stringify(text)}`);
      assert.deepEqual(decodeBase64(text, { alphabet: urlSafe ? 'url' : 'standard' }), bytes);
      assert.deepEqual(parseComposerInput(text, 'base64'), bytes);
    });
  });
});

/** Random bytes biased towards UTF-8 structure: ASCII, lead bytes, continuations, whole characters. */
function utf8ishBytes(rng: SeededRandom): Uint8Array {
  const parts: number[] = [];
  const n = rng.int(rng.chance(0.1) ? 200 : 30);
  const encoder = new TextEncoder();
  for (let i = 0; i < n; i++) {
    switch (rng.int(6)) {
      case 0: parts.push(rng.int(0x80)); break;
      case 1: parts.push(rng.range(0x80, 0xbf)); break;
      case 2: parts.push(rng.range(0xc0, 0xff)); break;
      case 3: parts.push(rng.pick([0xe0, 0xed, 0xf0, 0xf4, 0xc2, 0xef, 0xbb, 0xbf])); break;
      default: {
        const cp = rng.pick([rng.range(0x80, 0x7ff), rng.range(0x800, 0xd7ff), rng.range(0xe000, 0xffff), rng.range(0x10000, 0x10ffff)]);
        parts.push(...encoder.encode(String.fromCodePoint(cp)));
      }
    }
  }
  return Uint8Array.from(parts);
}

describe('fuzz: UTF-8 decoding', () => {
  const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  it('segments cover the bytes exactly, in order; text equals TextDecoder', () => {
    forAll('decodeUtf8 segments', 0x07f8, CASES, (rng) => {
      const bytes = rng.chance(0.2) ? rng.bytes(rng.int(40)) : utf8ishBytes(rng);
      const decoded = decodeUtf8(bytes);
      assert.equal(decoded.text, lenient.decode(bytes));
      let offset = 0;
      let invalidBytes = 0;
      let fffdInValid = 0;
      let previousInvalid: boolean | undefined;
      for (const seg of decoded.segments) {
        assert.equal(seg.byteOffset, offset, 'segments must be contiguous');
        assert.ok(seg.byteLength > 0, 'empty segment');
        assert.notEqual(seg.invalid, previousInvalid, 'adjacent segments of the same validity');
        const slice = bytes.subarray(seg.byteOffset, seg.byteOffset + seg.byteLength);
        if (seg.invalid) {
          assert.equal(seg.text, escapeBytes(slice));
          invalidBytes += seg.byteLength;
        } else {
          assert.equal(seg.text, fatal.decode(slice));
          fffdInValid += seg.text.split('\uFFFD').length - 1;
        }
        previousInvalid = seg.invalid;
        offset += seg.byteLength;
      }
      assert.equal(offset, bytes.length, 'segments must end at the last byte');
      assert.equal(decoded.invalidBytes, invalidBytes);
      assert.equal(decoded.invalidCount, decoded.text.split('\uFFFD').length - 1 - fffdInValid);
      let valid = true;
      try {
        fatal.decode(bytes);
      } catch {
        valid = false;
      }
      assert.equal(decoded.invalidCount === 0, valid);
    });
  });
});

describe('fuzz: text escapes', () => {
  it('bytes written as \\xHH escapes (mixed with literal text) parse back to the same bytes', () => {
    forAll('\\xHH round trip', 0x5c78, CASES, (rng) => {
      const bytes = rng.bytes(rng.int(rng.chance(0.1) ? 300 : 40));
      let text = '';
      const expected: number[] = [];
      for (const b of bytes) {
        if (b >= 0x20 && b < 0x7f && b !== 0x5c && rng.chance(0.3)) text += String.fromCharCode(b);
        else {
          const hex = b.toString(16).padStart(2, '0');
          text += `\\x${rng.chance(0.5) ? hex.toUpperCase() : hex}`;
        }
        expected.push(b);
      }
      assert.deepEqual(encodeTextWithEscapes(text), Uint8Array.from(expected), `text ${JSON.stringify(text)}`);
      assert.deepEqual(parseComposerInput(text, 'text', { escapes: true }), bytes);
      // The way the log shows invalid bytes is itself valid composer input for those bytes.
      assert.deepEqual(encodeTextWithEscapes(escapeBytes(bytes)), bytes);
    });
  });

  it('code points written as \\u{…} or \\uHHHH (surrogate pairs) encode as their UTF-8', () => {
    forAll('\\u round trip', 0x5c75, CASES, (rng) => {
      const cps: number[] = [];
      let text = '';
      const n = rng.int(20);
      for (let i = 0; i < n; i++) {
        const cp = rng.pick([rng.range(0, 0x7f), rng.range(0x80, 0xd7ff), rng.range(0xe000, 0xffff), rng.range(0x10000, 0x10ffff)]);
        cps.push(cp);
        if (rng.chance(0.5)) text += `\\u{${cp.toString(16)}}`;
        else if (cp <= 0xffff) text += `\\u${cp.toString(16).padStart(4, '0')}`;
        else {
          const s = String.fromCodePoint(cp);
          text += `\\u${s.charCodeAt(0).toString(16)}\\u${s.charCodeAt(1).toString(16)}`;
        }
      }
      const expected = new TextEncoder().encode(String.fromCodePoint(...cps));
      assert.deepEqual(encodeTextWithEscapes(text), expected, `text ${JSON.stringify(text)}`);
    });
  });
});
