import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  BYTES_PER_ROW,
  formatHexDumpRow,
  hexDump,
  hexDumpRowCount,
  hexDumpRows,
  toHex,
} from '../../shared/codecs/hexDump';
import { parseHex } from '../../shared/codecs/hexInput';

const enc = new TextEncoder();
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(length: number, seed: number): Uint8Array {
  const next = rng(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

describe('hexDump (literal xxd output)', () => {
  it('prints nothing for empty input, like xxd', () => {
    assert.equal(hexDump(new Uint8Array(0)), '');
  });

  it('matches xxd for a short line', () => {
    assert.equal(hexDump(enc.encode('Hello\n')), '00000000: 4865 6c6c 6f0a                           Hello.\n');
  });

  it('matches xxd across a row boundary with non-printables', () => {
    const input = Uint8Array.from([...enc.encode('Hello, world!\n'), 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff]);
    assert.equal(
      hexDump(input),
      '00000000: 4865 6c6c 6f2c 2077 6f72 6c64 210a 0001  Hello, world!...\n' +
        '00000010: 7f80 feff                                ....\n',
    );
  });

  it('matches xxd for all 256 byte values (printable range 0x20..0x7e only)', () => {
    const lines = hexDump(ALL_BYTES).split('\n');
    assert.equal(lines.length, 17);
    assert.equal(lines[16], '', 'output ends with a newline');
    assert.equal(lines[0], '00000000: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................');
    assert.equal(lines[1], '00000010: 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f  ................');
    assert.equal(lines[2], '00000020: 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f   !"#$%&\'()*+,-./');
    assert.equal(lines[7], '00000070: 7071 7273 7475 7677 7879 7a7b 7c7d 7e7f  pqrstuvwxyz{|}~.');
    assert.equal(lines[8], '00000080: 8081 8283 8485 8687 8889 8a8b 8c8d 8e8f  ................');
    assert.equal(lines[15], '000000f0: f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd feff  ................');
  });

  it('adds a base offset like xxd -o, widening past 8 digits', () => {
    assert.equal(
      hexDump(ALL_BYTES, { baseOffset: 0x100 }).split('\n')[15],
      '000001f0: f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd feff  ................',
    );
    assert.equal(
      hexDump(new Uint8Array(20), { baseOffset: 4294967290 }),
      'fffffffa: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n' +
        '10000000a: 0000 0000                                ....\n',
    );
  });
});

describe('hexDump (compared with the real xxd)', () => {
  const probe = spawnSync('xxd', ['-v']);
  const haveXxd = !probe.error;
  if (!haveXxd && process.env.CI === 'true') {
    it('needs xxd in CI (apt-get install xxd)', () => {
      assert.fail(`xxd is not installed: ${String(probe.error)}`);
    });
    return;
  }
  const skip = haveXxd ? false : 'xxd is not installed (Debian package xxd); comparison skipped outside CI';
  const xxd = (input: Uint8Array, args: string[] = []): string => {
    const r = spawnSync('xxd', args, { input, encoding: 'latin1' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };

  it('matches xxd for every length 0..48 and all byte values', { skip }, () => {
    for (let len = 0; len <= 48; len++) {
      const input = randomBytes(len, len + 1);
      assert.equal(hexDump(input), xxd(input), `length ${len}`);
    }
    assert.equal(hexDump(ALL_BYTES), xxd(ALL_BYTES));
  });

  it('matches xxd for a large random buffer', { skip }, () => {
    const input = randomBytes(100_003, 42);
    assert.equal(hexDump(input), xxd(input));
  });

  it('matches xxd -o for a base offset', { skip }, () => {
    const input = randomBytes(77, 7);
    assert.equal(hexDump(input, { baseOffset: 0x1234 }), xxd(input, ['-o', String(0x1234)]));
  });
});

describe('hexDumpRows', () => {
  const input = randomBytes(100, 3);

  it('counts rows', () => {
    assert.equal(hexDumpRowCount(0), 0);
    assert.equal(hexDumpRowCount(1), 1);
    assert.equal(hexDumpRowCount(16), 1);
    assert.equal(hexDumpRowCount(17), 2);
    assert.equal(hexDumpRowCount(100), 7);
    assert.equal(BYTES_PER_ROW, 16);
  });

  it('returns only the requested rows, formatted exactly like the full dump', () => {
    const lines = hexDump(input).split('\n');
    const rows = hexDumpRows(input, 2, 3);
    assert.deepEqual(rows.map((r) => r.offset), [32, 48, 64]);
    assert.deepEqual(rows.map(formatHexDumpRow), lines.slice(2, 5));
  });

  it('gives the structured fields of a row', () => {
    const [row] = hexDumpRows(enc.encode('0123456789abcdefHello\n'), 1, 1);
    assert.ok(row);
    assert.equal(row.offset, 16);
    assert.equal(row.offsetText, '00000010');
    assert.equal(row.hex, '4865 6c6c 6f0a');
    assert.equal(row.ascii, 'Hello.');
    assert.deepEqual([...row.bytes], [...enc.encode('Hello\n')]);
  });

  it('gives row bytes as views, not copies', () => {
    const [row] = hexDumpRows(input, 1, 1);
    assert.ok(row);
    assert.equal(row.bytes.buffer, input.buffer);
    assert.equal(row.bytes.byteOffset, input.byteOffset + 16);
  });

  it('clamps to the data', () => {
    assert.equal(hexDumpRows(input, 6, 10).length, 1);
    assert.equal(hexDumpRows(input, 6, 10)[0]?.bytes.length, 4);
    assert.equal(hexDumpRows(input, 7, 10).length, 0);
    assert.equal(hexDumpRows(input, -5, 2).length, 2);
    assert.equal(hexDumpRows(input, -5, 2)[0]?.offset, 0);
    assert.equal(hexDumpRows(input, 0, -1).length, 0);
    assert.deepEqual(hexDumpRows(new Uint8Array(0), 0, 10), []);
  });

  it('applies a base offset', () => {
    assert.equal(hexDumpRows(input, 1, 1, { baseOffset: 0x1000 })[0]?.offsetText, '00001010');
  });
});

describe('toHex', () => {
  it('prints lowercase hex with an optional separator', () => {
    assert.equal(toHex(new Uint8Array(0)), '');
    assert.equal(toHex(Uint8Array.of(0x48, 0x65, 0x6c)), '48656c');
    assert.equal(toHex(Uint8Array.of(0x48, 0x65, 0x6c), ' '), '48 65 6c');
    assert.equal(toHex(Uint8Array.of(0x00, 0x0f, 0xff), ':'), '00:0f:ff');
  });

  it('round-trips all 256 byte values through parseHex', () => {
    const hex = toHex(ALL_BYTES);
    assert.equal(hex.length, 512);
    assert.deepEqual(parseHex(hex), ALL_BYTES);
    assert.deepEqual(parseHex(toHex(ALL_BYTES, ' ')), ALL_BYTES);
    assert.deepEqual(parseHex(hex.toUpperCase()), ALL_BYTES);
    for (let b = 0; b < 256; b++) {
      assert.deepEqual(parseHex(toHex(Uint8Array.of(b))), Uint8Array.of(b));
      assert.equal(toHex(Uint8Array.of(b)), b.toString(16).padStart(2, '0'));
    }
  });

  it('round-trips the hex column of a dump', () => {
    const input = randomBytes(333, 9);
    const hex = hexDumpRows(input, 0, hexDumpRowCount(input.length)).map((r) => r.hex).join('\n');
    assert.deepEqual(parseHex(hex), input);
  });
});
