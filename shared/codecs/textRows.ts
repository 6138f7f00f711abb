// Rows of a payload as the Text tab lays them out: a row ends after each LF, and a line longer than the
// row width wraps at that many bytes (moved back so no UTF-8 character is cut), so every row is short and
// of one height whatever the payload. Rows chain forward from offset 0: where a row starts fixes where it
// ends, so the host indexes them once and the webview finds any row from a nearby known start.

/** Bytes in a row at most (one more when that byte is its LF, so a CR LF pair is not split). */
export const TEXT_ROW_WIDTH = 128;

/** Bytes per block of a row index: one row count and one row start are kept per block. */
export const TEXT_INDEX_BLOCK = 64 * 1024;

/**
 * Where the row starting at `start` ends (exclusive). `bytes` must reach the payload's end or hold at
 * least `width + 1` bytes from `start`: the row is then the same as in the whole payload.
 */
export function textRowEnd(bytes: Uint8Array, start: number, width = TEXT_ROW_WIDTH): number {
  const limit = Math.min(bytes.length, start + width + 1);
  // Bounded search: an unbounded indexOf on a line of 256 MiB would scan to its end for every row.
  const newline = bytes.subarray(start, limit).indexOf(0x0a);
  return rowEndBefore(bytes, start, width, newline >= 0 ? start + newline : -1);
}

/** textRowEnd's rule, given `newline`: the offset of the first LF at or after `start` (any distance), or -1. */
function rowEndBefore(bytes: Uint8Array, start: number, width: number, newline: number): number {
  if (newline >= 0 && newline <= start + width) return newline + 1;
  if (start + width >= bytes.length) return bytes.length;
  const cut = start + width;
  // Back over continuation bytes to the lead of a character that would cross the cut.
  for (let i = cut - 1; i > start && i >= cut - 3; i--) {
    const b = bytes[i]!;
    if (b >= 0x80 && b <= 0xbf) continue;
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + len > cut ? i : cut;
  }
  return cut;
}

/** Where the rows are: per block of TEXT_INDEX_BLOCK bytes, the rows before it and the first row starting in it. */
export interface TextRowIndex {
  /** Rows in the whole payload. */
  readonly rows: number;
  /** rowsBefore[b]: rows that start before byte b × TEXT_INDEX_BLOCK. */
  readonly rowsBefore: Float64Array;
  /** firstStart[b]: the first row start at or after byte b × TEXT_INDEX_BLOCK (the payload's length if none). */
  readonly firstStart: Float64Array;
}

/** Indexes the rows of a whole payload; one pass, one native LF search per row. */
export function indexTextRows(bytes: Uint8Array, width = TEXT_ROW_WIDTH): TextRowIndex {
  const blocks = Math.ceil(bytes.length / TEXT_INDEX_BLOCK);
  const rowsBefore = new Float64Array(blocks);
  const firstStart = new Float64Array(blocks);
  let rows = 0;
  let next = 0;
  // The next LF is searched for once and kept until a row passes it: one pass over the bytes, where a
  // bounded search per row cost 1.1 s for 256 MiB of random bytes on the extension host.
  let newline = bytes.indexOf(0x0a);
  for (let start = 0; start < bytes.length; rows++) {
    while (next < blocks && next * TEXT_INDEX_BLOCK <= start) {
      rowsBefore[next] = rows;
      firstStart[next] = start;
      next++;
    }
    if (newline >= 0 && newline < start) newline = bytes.indexOf(0x0a, start);
    start = rowEndBefore(bytes, start, width, newline);
  }
  for (; next < blocks; next++) {
    rowsBefore[next] = rows;
    firstStart[next] = bytes.length;
  }
  return { rows, rowsBefore, firstStart };
}

/** A block to count `row` from: the last with rowsBefore ≤ row (its first start is row number rowsBefore). */
export function blockOfRow(index: TextRowIndex, row: number): number {
  let lo = 0;
  let hi = index.rowsBefore.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (index.rowsBefore[mid]! <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
