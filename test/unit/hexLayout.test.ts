import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asciiTextRange,
  byteAtHexChar,
  cursorMove,
  hexRowChars,
  hexTextRange,
  offsetDigits,
  parseNeedle,
  parseOffset,
  rowCount,
  rowsText,
} from '../../webview/hexLayout';
import { contentHeight, isScaled } from '../../webview/scrollScale';

const MiB = 1024 * 1024;

describe('hex layout: row geometry', () => {
  it('widens the offset column only when the last offset needs more than 8 digits', () => {
    assert.equal(offsetDigits(0), 8);
    assert.equal(offsetDigits(256 * MiB), 8); // last offset 0x0fffffff
    assert.equal(offsetDigits(0x1_0000_0000), 8); // last offset 0xffffffff
    assert.equal(offsetDigits(0x1_0000_0001), 9);
  });

  it('counts rows, the last one partial', () => {
    assert.equal(rowCount(0, 16), 0);
    assert.equal(rowCount(16, 16), 1);
    assert.equal(rowCount(17, 16), 2);
    assert.equal(rowCount(256 * MiB, 16), 16 * MiB);
  });

  it('needs a scaled scroll for 256 MiB at 16 bytes and 18 px a row', () => {
    const g = { rowHeight: 18, rowCount: rowCount(256 * MiB, 16), viewportHeight: 400 };
    assert.equal(contentHeight(g), 301_989_888);
    assert.equal(isScaled(g), true);
  });

  it('maps characters of the hex text to bytes and back', () => {
    assert.equal(hexRowChars(16), 40);
    // "0011 2233 ...": chars 0-1 byte 0, 2-3 byte 1, 4 (space) byte 1, 5-6 byte 2.
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 9, 10].map((c) => byteAtHexChar(c, 16)), [0, 0, 1, 1, 1, 2, 2, 3, 4]);
    assert.equal(byteAtHexChar(500, 16), 15, 'past the row: its last byte');
  });

  it('gives the character ranges of a byte range in the rows drawn, clipped to them', () => {
    // Rows 10..12 at 16 bytes: bytes 160..207. Bytes 161..163 → hex chars 2..9 ("22 3344" without the first).
    assert.deepEqual(hexTextRange(161, 163, 10, 13, 16), [2, 9]);
    assert.deepEqual(asciiTextRange(161, 163, 10, 13, 16), [1, 4]);
    // From row 11's byte 15 into row 12: across the newline.
    assert.deepEqual(hexTextRange(191, 192, 10, 13, 16), [40 + 37, 80 + 2]);
    assert.deepEqual(asciiTextRange(191, 192, 10, 13, 16), [17 + 15, 34 + 1]);
    // Starting above the rows drawn: clipped to the first of them.
    assert.deepEqual(hexTextRange(0, 165, 10, 13, 16), [0, 14]);
    assert.equal(hexTextRange(0, 100, 10, 13, 16), undefined, 'all above');
    assert.equal(asciiTextRange(300, 400, 10, 13, 16), undefined, 'all below');
  });
});

describe('hex layout: keys', () => {
  it('moves the cursor by byte, row, page and to the ends, clamped to the payload', () => {
    const move = (key: string, cursor: number, ctrl = false) => cursorMove(key, ctrl, cursor, 16, 10, 1000);
    assert.equal(move('ArrowRight', 5), 6);
    assert.equal(move('ArrowLeft', 0), 0);
    assert.equal(move('ArrowDown', 5), 21);
    assert.equal(move('ArrowDown', 990), 999, 'below the last row: the last byte');
    assert.equal(move('PageDown', 5), 165);
    assert.equal(move('PageUp', 100), 0);
    assert.equal(move('Home', 37), 32);
    assert.equal(move('End', 37), 47);
    assert.equal(move('End', 37, true), 999);
    assert.equal(move('Home', 37, true), 0);
    assert.equal(move('End', 995), 999, 'the short last row ends at the last byte');
    assert.equal(move('x', 5), undefined);
  });
});

describe('hex layout: rows text', () => {
  it('draws a window of rows with their offsets, the last row short', () => {
    const bytes = Uint8Array.from([0x48, 0x69, 0x00, 0xff, 0x7e, 0x20]);
    const t = rowsText(bytes, 0, 2, 4, 6);
    assert.equal(t.offsets, '00000000\n00000004');
    assert.equal(t.hex, '4869 00ff\n7e20');
    assert.equal(t.ascii, 'Hi..\n~ ');
  });

  it('reads the window from its first row, wherever that is in the payload', () => {
    const window = Uint8Array.from([0xde, 0xad, 0xbe, 0xef]);
    const t = rowsText(window, 0x4000_0000 / 4, 0x4000_0000 / 4 + 1, 4, 0x1_0000_0004);
    assert.equal(t.offsets, '040000000');
    assert.equal(t.hex, 'dead beef');
  });

  it('draws rows whose bytes have not arrived as placeholders of the same width', () => {
    const t = rowsText(undefined, 1, 2, 4, 8);
    assert.equal(t.offsets, '00000004');
    assert.equal(t.hex, '···· ····');
    assert.equal(t.ascii, '····');
  });
});

describe('hex layout: what the user types', () => {
  it('reads offsets in decimal or 0x hex', () => {
    assert.deepEqual(parseOffset('4096', 8192), { value: 4096 });
    assert.deepEqual(parseOffset(' 0x1000 ', 8192), { value: 4096 });
    assert.deepEqual(parseOffset('0X1f', 8192), { value: 31 });
    assert.deepEqual(parseOffset('1_000', 8192), { value: 1000 });
  });

  it('refuses offsets that are not numbers or past the end, saying why', () => {
    assert.match((parseOffset('', 10) as { error: string }).error, /Type an offset/);
    assert.match((parseOffset('12ab', 10) as { error: string }).error, /"12ab" is not an offset/);
    assert.match((parseOffset('-1', 10) as { error: string }).error, /not an offset/);
    assert.match((parseOffset('10', 10) as { error: string }).error, /past the end: the payload has 10 bytes \(last offset 9, 0x9\)/);
    assert.match((parseOffset('0xffffffffffffffffff', 10) as { error: string }).error, /past the end/);
  });

  it('reads hex needles with or without spaces and 0x', () => {
    assert.deepEqual(parseNeedle('de ad BE ef', 'hex', 16), { value: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) });
    assert.deepEqual(parseNeedle('0xdead,0xbeef', 'hex', 16), { value: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) });
  });

  it('refuses bad hex needles, saying why', () => {
    assert.match((parseNeedle('de ag', 'hex', 16) as { error: string }).error, /"g" is not a hex digit/);
    assert.match((parseNeedle('abc', 'hex', 16) as { error: string }).error, /Odd number of hex digits/);
    assert.match((parseNeedle('', 'hex', 16) as { error: string }).error, /Type the bytes/);
    assert.match((parseNeedle('0x', 'hex', 16) as { error: string }).error, /Type the bytes/);
    assert.match((parseNeedle('00'.repeat(17), 'hex', 16) as { error: string }).error, /At most 16 bytes/);
  });

  it('finds text as its UTF-8 bytes', () => {
    assert.deepEqual(parseNeedle('hé', 'text', 16), { value: Uint8Array.from([0x68, 0xc3, 0xa9]) });
    assert.match((parseNeedle('', 'text', 16) as { error: string }).error, /Type the text/);
  });
});
