// Hex views of a payload: an `xxd`-identical text dump (for copy/export) and the same rows in
// structured form for a virtualized view that renders only what is on screen.

/** Bytes shown on one hex dump row, as in xxd's default. */
export const BYTES_PER_ROW = 16;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
// xxd prints 0x20..0x7E as themselves and everything else as '.'.
const ASCII: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.',
);
/** Width of a full row's hex column: 8 groups of 4 digits with 7 spaces between them. */
const HEX_COLUMN_WIDTH = 39;

/** One row of a hex dump, ready to render. */
export interface HexDumpRow {
  /** Offset of the row's first byte (including any base offset). */
  readonly offset: number;
  /** The offset as xxd prints it: at least 8 lowercase hex digits. */
  readonly offsetText: string;
  /** Hex of the row's bytes grouped by two bytes like xxd (`4865 6c6c 6f0a`), not padded. */
  readonly hex: string;
  /** The row's bytes as printable ASCII, '.' for anything else. */
  readonly ascii: string;
  /** The row's bytes (a view, not a copy). */
  readonly bytes: Uint8Array;
}

/** Options for hex dumps. */
export interface HexDumpOptions {
  /** Added to every printed offset, like `xxd -o`. */
  readonly baseOffset?: number;
  /** Bytes per row (default BYTES_PER_ROW); a narrow view shows fewer. */
  readonly bytesPerRow?: number;
}

/** Lowercase hex of `bytes`, with `sep` between bytes (`toHex(b, ' ')` → `48 65 6c`). */
export function toHex(bytes: Uint8Array, sep = ''): string {
  if (bytes.length === 0) return '';
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX[bytes[i]!]!;
  return parts.join(sep);
}

/** Number of rows a hex dump of `byteLength` bytes has. */
export function hexDumpRowCount(byteLength: number, bytesPerRow = BYTES_PER_ROW): number {
  return Math.ceil(byteLength / bytesPerRow);
}

/** Rows `start` ..< `start + count` (row indices, clamped to the data) of the hex dump of `bytes`. */
export function hexDumpRows(
  bytes: Uint8Array,
  start: number,
  count: number,
  options: HexDumpOptions = {},
): HexDumpRow[] {
  const perRow = options.bytesPerRow ?? BYTES_PER_ROW;
  const total = hexDumpRowCount(bytes.length, perRow);
  const first = Math.max(0, Math.floor(start));
  const last = Math.min(total, first + Math.max(0, Math.floor(count)));
  const rows: HexDumpRow[] = [];
  for (let r = first; r < last; r++) rows.push(makeRow(bytes, r, options.baseOffset ?? 0, perRow));
  return rows;
}

function makeRow(bytes: Uint8Array, row: number, baseOffset: number, perRow: number): HexDumpRow {
  const from = row * perRow;
  const slice = bytes.subarray(from, Math.min(bytes.length, from + perRow));
  let hex = '';
  let ascii = '';
  for (let i = 0; i < slice.length; i++) {
    const b = slice[i]!;
    if (i > 0 && i % 2 === 0) hex += ' ';
    hex += HEX[b];
    ascii += ASCII[b];
  }
  const offset = baseOffset + from;
  return { offset, offsetText: offset.toString(16).padStart(8, '0'), hex, ascii, bytes: slice };
}

/** One row as xxd prints it (without the newline). */
export function formatHexDumpRow(row: HexDumpRow): string {
  return `${row.offsetText}: ${row.hex.padEnd(HEX_COLUMN_WIDTH)}  ${row.ascii}`;
}

/** The whole buffer as `xxd` prints it by default: every line ends with '\n'; empty input gives ''. */
export function hexDump(bytes: Uint8Array, options: HexDumpOptions = {}): string {
  const rows = hexDumpRowCount(bytes.length);
  const lines = new Array<string>(rows);
  const baseOffset = options.baseOffset ?? 0;
  for (let r = 0; r < rows; r++) lines[r] = formatHexDumpRow(makeRow(bytes, r, baseOffset, BYTES_PER_ROW)) + '\n';
  return lines.join('');
}
