import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMPOSER_FORMATS,
  formatJson,
  parseComposerInput,
  validateComposerInput,
  type ComposerFormat,
} from '../../shared/codecs/composerInput';
import { parseHex } from '../../shared/codecs/hexInput';
import { encodeTextWithEscapes } from '../../shared/codecs/textEscapes';
import { findJsonSyntaxError } from '../../shared/codecs/jsonSyntax';
import { SocketInspectorError, type ErrorCode } from '../../shared/errors';

const enc = new TextEncoder();
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Asserts `fn` throws a SocketInspectorError with this code, exact message and position. */
function throwsAt(fn: () => unknown, code: ErrorCode, message: string, line: number, column: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SocketInspectorError, `a SocketInspectorError, got ${String(e)}`);
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    assert.equal(e.details.position?.line, line, 'line');
    assert.equal(e.details.position?.column, column, 'column');
    return true;
  });
}

describe('composer text', () => {
  it('sends the UTF-8 of the text, backslashes literal without escapes', () => {
    assert.deepEqual(parseComposerInput('hé😀', 'text'), enc.encode('hé😀'));
    assert.deepEqual(parseComposerInput('a\\nb\\x', 'text'), enc.encode('a\\nb\\x'));
    assert.deepEqual(parseComposerInput('', 'text'), new Uint8Array(0));
    assert.deepEqual(parseComposerInput('line1\nline2', 'text', { escapes: false }), enc.encode('line1\nline2'));
  });

  it('interprets every simple escape', () => {
    const cases: Array<[string, number]> = [
      ['\\n', 0x0a], ['\\r', 0x0d], ['\\t', 0x09], ['\\0', 0x00], ['\\\\', 0x5c], ['\\a', 0x07], ['\\b', 0x08],
      ['\\e', 0x1b], ['\\f', 0x0c], ['\\v', 0x0b], ['\\"', 0x22], ["\\'", 0x27],
    ];
    for (const [escape, byte] of cases) {
      assert.deepEqual(parseComposerInput(escape, 'text', { escapes: true }), bytes(byte), escape);
    }
    assert.deepEqual(
      parseComposerInput('GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n', 'text', { escapes: true }),
      enc.encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
  });

  it('sends \\xHH as a raw byte, even one that is not valid UTF-8 on its own', () => {
    assert.deepEqual(encodeTextWithEscapes('\\xff\\x00\\x7F'), bytes(0xff, 0x00, 0x7f));
    assert.deepEqual(encodeTextWithEscapes('a\\xC3\\xA9b'), enc.encode('aéb'));
    for (let b = 0; b < 256; b++) {
      assert.deepEqual(encodeTextWithEscapes(`\\x${b.toString(16).padStart(2, '0')}`), bytes(b));
    }
  });

  it('sends \\uHHHH and \\u{H…} as the UTF-8 of the code point', () => {
    assert.deepEqual(encodeTextWithEscapes('\\u00e9'), enc.encode('é'));
    assert.deepEqual(encodeTextWithEscapes('\\u20AC'), enc.encode('€'));
    assert.deepEqual(encodeTextWithEscapes('\\u{1F600}'), enc.encode('😀'));
    assert.deepEqual(encodeTextWithEscapes('\\u{41}\\u{0}'), bytes(0x41, 0));
    assert.deepEqual(encodeTextWithEscapes('\\u{10FFFF}'), enc.encode('\u{10FFFF}'));
    assert.deepEqual(encodeTextWithEscapes('\\uD83D\\uDE00'), enc.encode('😀'), 'a surrogate pair joins');
  });

  it('keeps literal text around escapes, including non-ASCII', () => {
    assert.deepEqual(encodeTextWithEscapes('héllo\\tw😀rld\\n'), enc.encode('héllo\tw😀rld\n'));
    assert.deepEqual(encodeTextWithEscapes('no escapes at all'), enc.encode('no escapes at all'));
  });

  it('rejects bad escapes at the backslash, naming the escape', () => {
    const t = (input: string, message: string, line: number, column: number): void =>
      throwsAt(() => parseComposerInput(input, 'text', { escapes: true }), 'INVALID_ESCAPE', message, line, column);
    t('ab\\q', "Invalid escape: '\\q' at line 1, column 3 (unknown escape; write \\\\ for a backslash)", 1, 3);
    t('ok\nC:\\dir', "Invalid escape: '\\d' at line 2, column 3 (unknown escape; write \\\\ for a backslash)", 2, 3);
    t('end\\', "Invalid escape: '\\' at line 1, column 4 (backslash at the end; write \\\\ for a backslash)", 1, 4);
    t('\\x4', "Invalid escape: '\\x4' at line 1, column 1 (\\x needs exactly two hex digits)", 1, 1);
    t('\\x4g', "Invalid escape: '\\x4g' at line 1, column 1 (\\x needs exactly two hex digits)", 1, 1);
    t('a\\x\nb', "Invalid escape: '\\x' at line 1, column 2 (\\x needs exactly two hex digits)", 1, 2);
    t('\\u12', "Invalid escape: '\\u12' at line 1, column 1 (\\u needs exactly four hex digits (or \\u{…}))", 1, 1);
    t('\\u{}', "Invalid escape: '\\u{}' at line 1, column 1 (\\u{…} needs 1 to 6 hex digits and a closing })", 1, 1);
    t('\\u{1F600', "Invalid escape: '\\u{1F600' at line 1, column 1 (\\u{…} needs 1 to 6 hex digits and a closing })", 1, 1);
    t('\\u{1234567}', "Invalid escape: '\\u{1234567}' at line 1, column 1 (\\u{…} needs 1 to 6 hex digits and a closing })", 1, 1);
    t('\\u{110000}', "Invalid escape: '\\u{110000}' at line 1, column 1 (code point above U+10FFFF)", 1, 1);
    t('\\u{D800}', "Invalid escape: '\\u{D800}' at line 1, column 1 (a surrogate cannot be encoded as UTF-8)", 1, 1);
    t('x\\uD83D', "Invalid escape: '\\uD83D' at line 1, column 2 (high surrogate not followed by a \\u low surrogate)", 1, 2);
    t('\\uD83Dx', "Invalid escape: '\\uD83D' at line 1, column 1 (high surrogate not followed by a \\u low surrogate)", 1, 1);
    t('\\uD83D\\u0041', "Invalid escape: '\\uD83D' at line 1, column 1 (high surrogate not followed by a \\u low surrogate)", 1, 1);
    t('\\uDE00', "Invalid escape: '\\uDE00' at line 1, column 1 (low surrogate without a high surrogate before it)", 1, 1);
  });
});

describe('composer JSON', () => {
  it('sends the text as typed, not re-serialized', () => {
    const typed = '{ "n": 1.0,\n  "big": 12345678901234567890, "e": "\\u00e9" }';
    assert.deepEqual(parseComposerInput(typed, 'json'), enc.encode(typed));
    assert.deepEqual(parseComposerInput(' [ ] ', 'json'), enc.encode(' [ ] '));
    assert.deepEqual(parseComposerInput('"é"', 'json'), enc.encode('"é"'));
  });

  it('reports line and column of the first error', () => {
    const j = (input: string, message: string, line: number, column: number): void =>
      throwsAt(() => parseComposerInput(input, 'json'), 'INVALID_JSON', message, line, column);
    j('', 'Invalid JSON: unexpected end of input at line 1, column 1 (empty input; expected a JSON value)', 1, 1);
    j(' \n ', 'Invalid JSON: unexpected end of input at line 2, column 2 (empty input; expected a JSON value)', 2, 2);
    j('{"a":}', "Invalid JSON: '}' at line 1, column 6 (expected a value)", 1, 6);
    j('{\n  "a": 1,\n  "b": tru\n}', "Invalid JSON: U+000A at line 3, column 11 (expected 'true')", 3, 11);
    j('[1,\n 2,]', "Invalid JSON: ']' at line 2, column 4 (expected a value; a trailing ',' is not allowed)", 2, 4);
    j('{"a": 1,\n}', "Invalid JSON: '}' at line 2, column 1 (expected a property name; a trailing ',' is not allowed)", 2, 1);
    j("{'a': 1}", "Invalid JSON: ''' at line 1, column 2 (expected a property name in double quotes or '}')", 1, 2);
    j('{"a" 1}', "Invalid JSON: '1' at line 1, column 6 (expected ':' after the property name)", 1, 6);
    j('[1 2]', "Invalid JSON: '2' at line 1, column 4 (expected ',' or ']' after an array element)", 1, 4);
    j('{"a":1 "b":2}', "Invalid JSON: '\"' at line 1, column 8 (expected ',' or '}' after a property value)", 1, 8);
    j('{} x', "Invalid JSON: 'x' at line 1, column 4 (unexpected text after the JSON value)", 1, 4);
    j('"abc', 'Invalid JSON: unexpected end of input at line 1, column 5 (unterminated string)', 1, 5);
    j('"a\tb"', 'Invalid JSON: U+0009 at line 1, column 3 (control characters in strings must be escaped (\\n, \\t, \\u0000…))', 1, 3);
    j('"\\q"', "Invalid JSON: 'q' at line 1, column 3 (invalid escape; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", 1, 3);
    j('"\\u12g4"', "Invalid JSON: 'g' at line 1, column 6 (\\u needs four hex digits)", 1, 6);
    j('01', "Invalid JSON: '1' at line 1, column 2 (numbers cannot have leading zeros)", 1, 2);
    j('-', "Invalid JSON: unexpected end of input at line 1, column 2 (expected a digit after '-')", 1, 2);
    j('1.', "Invalid JSON: unexpected end of input at line 1, column 3 (expected a digit after '.')", 1, 3);
    j('1e+x', "Invalid JSON: 'x' at line 1, column 4 (expected a digit in the exponent)", 1, 4);
    j('\uFEFF{}', 'Invalid JSON: U+FEFF at line 1, column 1 (expected a value)', 1, 1);
    j('[NaN]', "Invalid JSON: 'N' at line 1, column 2 (expected a value)", 1, 2);
    j('// c\n{}', "Invalid JSON: '/' at line 1, column 1 (expected a value)", 1, 1);
    j('[[[', 'Invalid JSON: unexpected end of input at line 1, column 4 (expected a value)', 1, 4);
    j('{"a":[1,{"b":2]}', "Invalid JSON: ']' at line 1, column 15 (expected ',' or '}' after a property value)", 1, 15);
  });

  it('agrees with JSON.parse on what is valid, and with V8 on where the error is', () => {
    const corpus = [
      '{"a":[1,2.5e-3,-0,true,false,null,"x\\n\\u00e9\\"",{}],"b":{"c":[]}}',
      '[0, -1.25E+10, 1e5, "\\/\\b\\f\\r\\t\\\\", [[[]]], {"":""}]',
      ' {"nested": {"deep": [1, {"k": "v"}]}, "s": "😀 é"} ',
      '"just a string"',
      '123',
      'null',
    ];
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', '0', '1', '-', '.', 'e', '+', 't', 'n', 'f', ' ', '\n', 'u', 'x', '\u0001'];
    const next = rng(77);
    let checkedPositions = 0;
    for (let round = 0; round < 20000; round++) {
      let text = corpus[round % corpus.length]!;
      const edits = 1 + Math.floor(next() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(next() * (text.length + 1));
        const ch = alphabet[Math.floor(next() * alphabet.length)]!;
        const op = Math.floor(next() * 3);
        if (op === 0) text = text.slice(0, at) + ch + text.slice(at);
        else if (op === 1) text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + ch + text.slice(at + 1);
      }
      let engineError: Error | undefined;
      try {
        JSON.parse(text);
      } catch (e) {
        engineError = e as Error;
      }
      const ours = findJsonSyntaxError(text);
      assert.equal(ours === undefined, engineError === undefined, `validity of ${JSON.stringify(text)}: ${engineError?.message}`);
      if (!engineError || !ours) continue;
      const m = /at position (\d+)/.exec(engineError.message);
      if (m) {
        assert.equal(ours.offset, Number(m[1]), `offset for ${JSON.stringify(text)}: ${engineError.message}`);
        checkedPositions++;
      } else if (/Unexpected end of JSON input/.test(engineError.message)) {
        assert.equal(ours.offset, text.length, `end for ${JSON.stringify(text)}`);
        checkedPositions++;
      }
    }
    assert.ok(checkedPositions > 5000, `compared ${checkedPositions} positions`);
  });

  it('handles deep nesting without overflowing the stack', () => {
    const depth = 200_000;
    assert.equal(findJsonSyntaxError('['.repeat(depth) + ']'.repeat(depth)), undefined);
    assert.deepEqual(findJsonSyntaxError('['.repeat(depth)), { offset: depth, reason: 'expected a value' });
    assert.deepEqual(findJsonSyntaxError('{"a":'.repeat(depth) + '1' + '}'.repeat(depth - 1)), {
      offset: depth * 5 + depth,
      reason: "expected ',' or '}' after a property value",
    });
  });
});

describe('formatJson', () => {
  it('indents like JSON.stringify(JSON.parse(x), null, 2) for ordinary JSON', () => {
    const samples = [
      '{"a":[1,2,{}],"b":{"c":"d","e":[]},"f":null}',
      '[]',
      '{}',
      ' [ 1 , [ ] , { } , [ [ 2 ] ] ] ',
      '"str"',
      '42',
      '{"s":"with , : { } [ ] inside","t":"esc \\" quote"}',
      '[true,false,null,-1500,0.25]',
    ];
    for (const s of samples) assert.equal(formatJson(s), JSON.stringify(JSON.parse(s), null, 2), s);
    for (const s of samples) assert.equal(formatJson(s, '\t'), JSON.stringify(JSON.parse(s), null, '\t'), s);
    for (const s of samples) assert.equal(formatJson(s, 4), JSON.stringify(JSON.parse(s), null, 4), s);
  });

  it('keeps every token as written', () => {
    assert.equal(
      formatJson('{"big":12345678901234567890,"n":1.0,"e":1E3,"u":"\\u00e9","a":1,"a":2}'),
      '{\n  "big": 12345678901234567890,\n  "n": 1.0,\n  "e": 1E3,\n  "u": "\\u00e9",\n  "a": 1,\n  "a": 2\n}',
    );
  });

  it('compacts with an indent of 0', () => {
    assert.equal(formatJson('{ "a" : [ 1 , 2 ] ,\n "b" : { } }', 0), '{"a":[1,2],"b":{}}');
  });

  it('throws INVALID_JSON for invalid input', () => {
    throwsAt(() => formatJson('{"a":1,}'), 'INVALID_JSON',
      "Invalid JSON: '}' at line 1, column 8 (expected a property name; a trailing ',' is not allowed)", 1, 8);
  });
});

describe('composer hex', () => {
  it('accepts the shapes people paste', () => {
    const hello = enc.encode('Hel');
    for (const input of [
      '48 65 6c', '48656c', '0x48,0x65,0x6c', '0x48, 0x65, 0x6C', '48:65:6c', '\\x48\\x65\\x6c', '48-65-6C',
      '  48\n65\r\n\t6c  ', '0X48656C', '4865 6c', '48;65;6c', '\\X48\\X65\\X6c', '0x4865\n0x6c', '48\u00a065\u00a06c',
    ]) {
      assert.deepEqual(parseComposerInput(input, 'hex'), hello, JSON.stringify(input));
    }
    assert.deepEqual(parseHex(''), new Uint8Array(0));
    assert.deepEqual(parseHex(' \n, '), new Uint8Array(0));
    assert.deepEqual(parseHex('00 ff FF aB'), bytes(0, 255, 255, 0xab));
  });

  it('names a non-hex character and where it is', () => {
    const h = (input: string, message: string, line: number, column: number): void =>
      throwsAt(() => parseComposerInput(input, 'hex'), 'INVALID_HEX', message, line, column);
    h('48 g5', "Invalid hex: 'g' at line 1, column 4 (not a hex digit)", 1, 4);
    h('48 65\n6c zz', "Invalid hex: 'z' at line 2, column 4 (not a hex digit)", 2, 4);
    h('48656x', "Invalid hex: 'x' at line 1, column 6 (not a hex digit)", 1, 6);
    h('480x65', "Invalid hex: 'x' at line 1, column 4 (not a hex digit)", 1, 4);
    h('48 é', "Invalid hex: 'é' at line 1, column 4 (not a hex digit)", 1, 4);
    h('48\u200b65', 'Invalid hex: U+200B at line 1, column 3 (not a hex digit)', 1, 3);
    h('0x', "Invalid hex: 'x' at line 1, column 2 (0x must be followed by hex digits)", 1, 2);
    h('0x 48', "Invalid hex: ' ' at line 1, column 3 (0x must be followed by hex digits)", 1, 3);
    h('\\x', "Invalid hex: 'x' at line 1, column 2 (\\x must be followed by hex digits)", 1, 2);
    h('\\48', "Invalid hex: '\\' at line 1, column 1 (a backslash must start '\\x')", 1, 1);
  });

  it('rejects an odd number of digits in a group at its last digit', () => {
    const h = (input: string, message: string, line: number, column: number): void =>
      throwsAt(() => parseComposerInput(input, 'hex'), 'INVALID_HEX', message, line, column);
    h('123', "Invalid hex: '3' at line 1, column 3 (odd number of hex digits in '123'; each byte needs two)", 1, 3);
    h('48 6 6c', "Invalid hex: '6' at line 1, column 4 (odd number of hex digits in '6'; each byte needs two)", 1, 4);
    h('0x486', "Invalid hex: '6' at line 1, column 5 (odd number of hex digits in '486'; each byte needs two)", 1, 5);
    h('48\n656', "Invalid hex: '6' at line 2, column 3 (odd number of hex digits in '656'; each byte needs two)", 2, 3);
    h('\\x4\\x65', "Invalid hex: '4' at line 1, column 3 (odd number of hex digits in '4'; each byte needs two)", 1, 3);
    h('a'.repeat(31), `Invalid hex: 'a' at line 1, column 31 (odd number of hex digits in '${'a'.repeat(24)}…'; each byte needs two)`, 1, 31);
  });
});

describe('composer base64', () => {
  it('decodes through base64.ts', () => {
    assert.deepEqual(parseComposerInput('SGVs\nbG8=', 'base64'), enc.encode('Hello'));
    assert.deepEqual(parseComposerInput('SGVsbG8', 'base64'), enc.encode('Hello'));
    throwsAt(() => parseComposerInput('SGV*', 'base64'), 'INVALID_BASE64',
      "Invalid base64: '*' at line 1, column 4 (not a base64 character)", 1, 4);
  });
});

describe('validateComposerInput', () => {
  it('returns the bytes for valid input', () => {
    assert.deepEqual(validateComposerInput('48 69', 'hex'), { ok: true, bytes: enc.encode('Hi') });
    assert.deepEqual(validateComposerInput('hi\\n', 'text', { escapes: true }), { ok: true, bytes: enc.encode('hi\n') });
  });

  it('returns the error instead of throwing, for every format', () => {
    const bad: Record<ComposerFormat, [string, ErrorCode]> = {
      text: ['\\z', 'INVALID_ESCAPE'],
      json: ['{', 'INVALID_JSON'],
      hex: ['4', 'INVALID_HEX'],
      base64: ['@', 'INVALID_BASE64'],
    };
    for (const format of COMPOSER_FORMATS) {
      const [input, code] = bad[format];
      const r = validateComposerInput(input, format, { escapes: true });
      assert.equal(r.ok, false, format);
      if (r.ok) continue;
      assert.ok(r.error instanceof SocketInspectorError);
      assert.equal(r.error.code, code);
      assert.ok(r.error.details.position, 'has a position');
    }
  });

  it('treats everything as valid text without escapes', () => {
    assert.equal(validateComposerInput('\\z {', 'text').ok, true);
  });
});
