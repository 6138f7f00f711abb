// The Text tab's rows: a row per line, long lines wrapped at the row width without cutting a character,
// and an index of a few numbers per block from which any row is found again by chaining from its block.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockOfRow, indexTextRows, textRowEnd, TEXT_INDEX_BLOCK } from '../../shared/codecs/textRows';
import { escapeControls, splitControls, unescapeControls } from '../../shared/codecs/controlEscapes';

/** Every row of `bytes` as [start, end), chained from 0. */
function rowsOf(bytes: Uint8Array, width?: number): [number, number][] {
  const rows: [number, number][] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = textRowEnd(bytes, at, width);
    rows.push([at, end]);
    at = end;
  }
  return rows;
}

describe('text rows', () => {
  it('ends a row after each LF, keeps CR LF together and has no empty last row', () => {
    const bytes = Buffer.from('ab\r\ncd\n\nlast');
    assert.deepEqual(rowsOf(bytes, 8), [[0, 4], [4, 7], [7, 8], [8, 12]]);
    assert.deepEqual(rowsOf(Buffer.from('x\n'), 8), [[0, 2]]);
    // A CR LF straddling the width stays in one row (width + 1 bytes).
    assert.deepEqual(rowsOf(Buffer.from('abc\r\nz'), 4), [[0, 5], [5, 6]]);
  });

  it('wraps a long line at the width, moved back so a character is not cut', () => {
    assert.deepEqual(rowsOf(Buffer.from('abcdefghij'), 4), [[0, 4], [4, 8], [8, 10]]);
    // 'é' is C3 A9: at width 4 the cut would fall between them.
    assert.deepEqual(rowsOf(Buffer.from('abcé de'), 4), [[0, 3], [3, 7], [7, 8]]);
    // Bytes that are no character at all are cut at the width.
    assert.deepEqual(rowsOf(new Uint8Array([0xa9, 0xa9, 0xa9, 0xa9, 0xa9, 0xa9]), 4), [[0, 4], [4, 6]]);
  });

  it('indexes rows per block and finds any row from its block, single-line or many-line', () => {
    const oneLine = new Uint8Array(5 * TEXT_INDEX_BLOCK + 77).fill(0x61);
    const lines = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i}${i % 7 ? '' : ' '.repeat(i % 3000)}\n`).join(''));
    const random = new Uint8Array(3 * TEXT_INDEX_BLOCK + 5);
    for (let i = 0, x = 0x9e3779b9; i < random.length; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      random[i] = x & 0xff;
    }
    for (const bytes of [oneLine, lines, random]) {
      const rows = rowsOf(bytes);
      const index = indexTextRows(bytes);
      assert.equal(index.rows, rows.length);
      assert.equal(index.rowsBefore.length, Math.ceil(bytes.length / TEXT_INDEX_BLOCK));
      for (const row of [0, 1, rows.length >> 1, rows.length - 2, rows.length - 1]) {
        const block = blockOfRow(index, row);
        let at = index.firstStart[block]!;
        for (let r = index.rowsBefore[block]!; r < row; r++) at = textRowEnd(bytes, at);
        assert.equal(at, rows[row]![0], `row ${row} found from block ${block}`);
      }
    }
    assert.equal(indexTextRows(new Uint8Array(0)).rows, 0);
  });
});

describe('control escapes', () => {
  it('spells control and invisible characters as ASCII escapes and reads them back', () => {
    const text = 'a\r\n\t\0\x01\x7f\u0085\u202e\ufeffz';
    assert.deepEqual(splitControls(text), [
      { text: 'a', control: false },
      { text: '\\r\\n\\t\\0\\x01\\x7F\\u0085\\u202E\\uFEFF', control: true },
      { text: 'z', control: false },
    ]);
    assert.equal(unescapeControls(escapeControls(text.slice(1, -1))), text.slice(1, -1));
    assert.deepEqual(splitControls('plain'), [{ text: 'plain', control: false }]);
  });
});
