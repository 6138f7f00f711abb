import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64, encodeBase64 } from '../../shared/codecs/base64';
import { SocketInspectorError } from '../../shared/errors';

const enc = new TextEncoder();

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Asserts decodeBase64 rejects `input` with exactly `message` and the position in it. */
function rejects(input: string, message: string, position: { offset: number; line: number; column: number },
  options?: Parameters<typeof decodeBase64>[1]): void {
  assert.throws(
    () => decodeBase64(input, options),
    (e: unknown) => {
      assert.ok(e instanceof SocketInspectorError, 'a SocketInspectorError');
      assert.equal(e.code, 'INVALID_BASE64');
      assert.equal(e.message, message);
      assert.deepEqual(e.details.position, position);
      return true;
    },
  );
}

describe('encodeBase64', () => {
  it('encodes the RFC 4648 test vectors', () => {
    const vectors: Array<[string, string]> = [
      ['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, b64] of vectors) {
      assert.equal(encodeBase64(enc.encode(plain)), b64);
      assert.equal(encodeBase64(enc.encode(plain), { pad: false }), b64.replace(/=+$/, ''));
      assert.deepEqual(decodeBase64(b64), enc.encode(plain));
    }
  });

  it('uses the URL-safe alphabet on request', () => {
    const input = Uint8Array.of(0xfb, 0xff, 0xbf);
    assert.equal(encodeBase64(input), '+/+/');
    assert.equal(encodeBase64(input, { urlSafe: true }), '-_-_');
  });

  it('matches Buffer for every length 0..300 of random bytes, both alphabets, and decodes back', () => {
    const next = rng(2024);
    for (let len = 0; len <= 300; len++) {
      const input = Uint8Array.from({ length: len }, () => Math.floor(next() * 256));
      const buf = Buffer.from(input);
      const standard = encodeBase64(input);
      const url = encodeBase64(input, { urlSafe: true, pad: false });
      assert.equal(standard, buf.toString('base64'), `standard, length ${len}`);
      assert.equal(url, buf.toString('base64url'), `url-safe, length ${len}`);
      assert.deepEqual(decodeBase64(standard), input);
      assert.deepEqual(decodeBase64(url), input);
      assert.deepEqual(decodeBase64(standard.replace(/=+$/, '')), input, 'padding is optional');
      assert.deepEqual(decodeBase64(encodeBase64(input, { urlSafe: true })), input, 'padded url-safe');
      // MIME-style line breaks every 76 characters are ignored.
      const wrapped = standard.replace(/.{1,76}/g, '$&\r\n');
      assert.deepEqual(decodeBase64(wrapped), input);
    }
  });

  it('encodes all 256 byte values like Buffer', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.equal(encodeBase64(all), Buffer.from(all).toString('base64'));
    assert.deepEqual(decodeBase64(encodeBase64(all)), all);
  });

  it('encodes a large buffer like Buffer', () => {
    const next = rng(5);
    const input = Uint8Array.from({ length: 1_000_001 }, () => Math.floor(next() * 256));
    const b64 = encodeBase64(input);
    assert.equal(b64, Buffer.from(input).toString('base64'));
    assert.deepEqual(decodeBase64(b64), input);
  });

  it('encodes a subarray view by its own bytes', () => {
    const backing = enc.encode('xxfooxx');
    assert.equal(encodeBase64(backing.subarray(2, 5)), 'Zm9v');
  });
});

describe('decodeBase64', () => {
  it('ignores whitespace anywhere, including inside padding', () => {
    assert.deepEqual(decodeBase64(' Zm9v\n YmE\t=\r\n'), enc.encode('fooba'));
    assert.deepEqual(decodeBase64('Zg = ='), enc.encode('f'));
    assert.deepEqual(decodeBase64('\f Zm8 '), enc.encode('fo'));
  });

  it('decodes empty and whitespace-only input to no bytes', () => {
    assert.deepEqual(decodeBase64(''), new Uint8Array(0));
    assert.deepEqual(decodeBase64(' \n\t'), new Uint8Array(0));
  });

  it('drops leftover bits below a byte, like atob and Buffer', () => {
    assert.deepEqual(decodeBase64('QR=='), Uint8Array.of(0x41));
    assert.deepEqual(decodeBase64('QR=='), new Uint8Array(Buffer.from('QR==', 'base64')));
    assert.deepEqual(decodeBase64('QUJ'), Uint8Array.of(0x41, 0x42));
  });

  it('accepts mixed alphabets by default and can be restricted', () => {
    assert.deepEqual(decodeBase64('+/-_'), Uint8Array.of(0xfb, 0xff, 0xbf));
    assert.deepEqual(decodeBase64('+/+/', { alphabet: 'standard' }), Uint8Array.of(0xfb, 0xff, 0xbf));
    assert.deepEqual(decodeBase64('-_-_', { alphabet: 'url' }), Uint8Array.of(0xfb, 0xff, 0xbf));
    rejects('ab-_', "Invalid base64: '-' at line 1, column 3 (URL-safe character in standard base64; expected '+' or '/')",
      { offset: 2, line: 1, column: 3 }, { alphabet: 'standard' });
    rejects('ab+/', "Invalid base64: '+' at line 1, column 3 (standard character in URL-safe base64; expected '-' or '_')",
      { offset: 2, line: 1, column: 3 }, { alphabet: 'url' });
  });

  it('names a character outside the alphabet and where it is', () => {
    rejects('Zm9v!', "Invalid base64: '!' at line 1, column 5 (not a base64 character)", { offset: 4, line: 1, column: 5 });
    rejects('Zm9v\nYm.E', "Invalid base64: '.' at line 2, column 3 (not a base64 character)", { offset: 7, line: 2, column: 3 });
    rejects('Zm9vé', "Invalid base64: 'é' at line 1, column 5 (not a base64 character)", { offset: 4, line: 1, column: 5 });
    rejects('Zm😀9v', "Invalid base64: '😀' at line 1, column 3 (not a base64 character)", { offset: 2, line: 1, column: 3 });
    rejects('Zm\u00a09v', 'Invalid base64: U+00A0 at line 1, column 3 (not a base64 character)', { offset: 2, line: 1, column: 3 });
    rejects('Zm\u00009v', 'Invalid base64: U+0000 at line 1, column 3 (not a base64 character)', { offset: 2, line: 1, column: 3 });
  });

  it('rejects a length of 4n+1 data characters at the dangling one', () => {
    rejects('Q', "Invalid base64: 'Q' at line 1, column 1 (1 data character; base64 of length 4n+1 is never valid, a character is missing or extra)",
      { offset: 0, line: 1, column: 1 });
    rejects('Zm9vY', "Invalid base64: 'Y' at line 1, column 5 (5 data characters; base64 of length 4n+1 is never valid, a character is missing or extra)",
      { offset: 4, line: 1, column: 5 });
    rejects('Zm9v\nY \n', "Invalid base64: 'Y' at line 2, column 1 (5 data characters; base64 of length 4n+1 is never valid, a character is missing or extra)",
      { offset: 5, line: 2, column: 1 });
  });

  it('rejects misplaced, excess and incomplete padding', () => {
    rejects('=Zm9', "Invalid base64: '=' at line 1, column 1 (padding where data was expected)", { offset: 0, line: 1, column: 1 });
    rejects('Zm9v=', "Invalid base64: '=' at line 1, column 5 (padding where data was expected)", { offset: 4, line: 1, column: 5 });
    rejects('Z===', "Invalid base64: '=' at line 1, column 2 (padding after a single character)", { offset: 1, line: 1, column: 2 });
    rejects('Zg===', "Invalid base64: '=' at line 1, column 5 (too much padding)", { offset: 4, line: 1, column: 5 });
    rejects('Zm8==', "Invalid base64: '=' at line 1, column 5 (too much padding)", { offset: 4, line: 1, column: 5 });
    rejects('Zg=', "Invalid base64: '=' at line 1, column 3 (incomplete padding; expected 2 '=' here)", { offset: 2, line: 1, column: 3 });
    rejects('Zg==Zg==', "Invalid base64: 'Z' at line 1, column 5 (data after padding)", { offset: 4, line: 1, column: 5 });
    rejects('Zm8=\nA', "Invalid base64: 'A' at line 2, column 1 (data after padding)", { offset: 5, line: 2, column: 1 });
  });

  it('rejects everything Buffer would silently skip', () => {
    // Buffer ignores bad characters; a person typing base64 deserves to hear about them.
    assert.equal(Buffer.from('Zm9v!!', 'base64').toString(), 'foo');
    assert.throws(() => decodeBase64('Zm9v!!'), { code: 'INVALID_BASE64' });
  });
});
