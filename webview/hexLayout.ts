// The paged Hex view's pure parts: row geometry (where a byte sits in a row's text, how wide the offset
// column is), the rows' text for a window of bytes, and parsing what the user types into its toolbar
// (an offset to go to, bytes to find). No DOM here, so all of it is unit-tested.
import * as l10n from './l10n';

/** Row widths the view picks from, widest first: the first whose dump fits the pane is used. */
export const ROW_WIDTHS = [16, 8, 4] as const;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
// As xxd: 0x20..0x7E as themselves, everything else '.'.
const ASCII: readonly string[] = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.'));

/** Characters of a row of `n` bytes in the hex column, with its newline: n/2 groups of 4 digits. */
export const hexRowChars = (n: number): number => n * 2 + n / 2;

/** Hex digits of the offset column for a payload of `total` bytes: 8, more when its last offset needs them. */
export function offsetDigits(total: number): number {
  return Math.max(8, Math.max(0, total - 1).toString(16).length);
}

/** Rows of a payload of `total` bytes at `perRow` bytes a row. */
export function rowCount(total: number, perRow: number): number {
  return Math.ceil(total / perRow);
}

/** Where byte `inRow` of a row starts in the row's hex text. */
export function hexCharInRow(inRow: number): number {
  return inRow * 2 + (inRow >> 1);
}

/** The byte of a row under character `ch` of its hex text (a space between groups counts to the byte before it). */
export function byteAtHexChar(ch: number, perRow: number): number {
  const group = Math.floor(ch / 5);
  const inGroup = ch % 5;
  return Math.min(perRow - 1, Math.max(0, group * 2 + (inGroup >= 2 ? 1 : 0)));
}

/** Where a key moves the cursor (Ctrl+Home/End: the payload's ends), clamped to the payload; undefined for other keys. */
export function cursorMove(key: string, ctrl: boolean, cursor: number, perRow: number, pageRows: number, total: number): number | undefined {
  const rowStart = cursor - (cursor % perRow);
  const moves: Record<string, number> = {
    ArrowLeft: cursor - 1,
    ArrowRight: cursor + 1,
    ArrowUp: cursor - perRow,
    ArrowDown: cursor + perRow,
    PageUp: cursor - pageRows * perRow,
    PageDown: cursor + pageRows * perRow,
    Home: ctrl ? 0 : rowStart,
    End: ctrl ? total - 1 : rowStart + perRow - 1,
  };
  const to = moves[key];
  return to === undefined ? undefined : Math.min(total - 1, Math.max(0, to));
}

/** The text of rows [first, end) of the window `bytes`, which starts at payload offset `base` (a row's start). */
export interface RowsText {
  readonly offsets: string;
  readonly hex: string;
  readonly ascii: string;
}

/**
 * The three columns' text for rows [first, end): `bytes` holds the payload from offset first*perRow,
 * or is undefined where its pages have not arrived (the rows then read as placeholders of the same width).
 */
export function rowsText(bytes: Uint8Array | undefined, first: number, end: number, perRow: number, total: number): RowsText {
  const digits = offsetDigits(total);
  const offsets: string[] = [];
  const hex: string[] = [];
  const ascii: string[] = [];
  for (let r = first; r < end; r++) {
    const start = r * perRow;
    const n = Math.min(perRow, total - start);
    offsets.push(start.toString(16).padStart(digits, '0'));
    let h = '';
    let a = '';
    for (let i = 0; i < n; i++) {
      if (i > 0 && i % 2 === 0) h += ' ';
      const b = bytes ? bytes[start - first * perRow + i] : undefined;
      h += b === undefined ? '··' : HEX[b];
      a += b === undefined ? '·' : ASCII[b];
    }
    hex.push(h);
    ascii.push(a);
  }
  return { offsets: offsets.join('\n'), hex: hex.join('\n'), ascii: ascii.join('\n') };
}

/** Character range [from, to) of bytes [first, last] (inclusive) in the hex text of rows from `firstRow`, clipped to rows [firstRow, endRow). */
export function hexTextRange(first: number, last: number, firstRow: number, endRow: number, perRow: number): [number, number] | undefined {
  const clip = clipToRows(first, last, firstRow, endRow, perRow);
  if (!clip) return undefined;
  const at = (i: number) => (Math.floor(i / perRow) - firstRow) * hexRowChars(perRow) + hexCharInRow(i % perRow);
  return [at(clip[0]), at(clip[1]) + 2];
}

/** Character range [from, to) of bytes [first, last] in the ASCII text of rows from `firstRow`, clipped to rows [firstRow, endRow). */
export function asciiTextRange(first: number, last: number, firstRow: number, endRow: number, perRow: number): [number, number] | undefined {
  const clip = clipToRows(first, last, firstRow, endRow, perRow);
  if (!clip) return undefined;
  const at = (i: number) => (Math.floor(i / perRow) - firstRow) * (perRow + 1) + (i % perRow);
  return [at(clip[0]), at(clip[1]) + 1];
}

function clipToRows(first: number, last: number, firstRow: number, endRow: number, perRow: number): [number, number] | undefined {
  const lo = Math.max(first, firstRow * perRow);
  const hi = Math.min(last, endRow * perRow - 1);
  return lo > hi ? undefined : [lo, hi];
}

/** An offset typed by the user, or why it cannot be gone to. */
export type Parsed<T> = { readonly value: T } | { readonly error: string };

/** Parses an offset to go to: decimal (`4096`) or hex (`0x1000`), within a payload of `total` bytes. */
export function parseOffset(text: string, total: number): Parsed<number> {
  const t = text.trim().replace(/[_\s]/g, '');
  if (t === '') return { error: l10n.t('Type an offset: decimal (4096) or hex (0x1000).') };
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(t)) value = parseInt(t.slice(2), 16);
  else if (/^[0-9]+$/.test(t)) value = parseInt(t, 10);
  else return { error: l10n.t('"{0}" is not an offset: use decimal (4096) or hex with 0x (0x1000).', text.trim()) };
  if (!Number.isSafeInteger(value) || value >= total) {
    return { error: l10n.t('Offset {0} is past the end: the payload has {1} bytes (last offset {2}, 0x{3}).', t, total, Math.max(0, total - 1), Math.max(0, total - 1).toString(16)) };
  }
  return { value };
}

/** Parses bytes to find: hex pairs (`de ad be ef`, `0xdeadbeef`, spaces optional) or, in text mode, the UTF-8 of the text. */
export function parseNeedle(text: string, mode: 'hex' | 'text', maxBytes: number): Parsed<Uint8Array> {
  if (text === '') return { error: mode === 'hex' ? l10n.t('Type the bytes to find, as hex (de ad be ef).') : l10n.t('Type the text to find.') };
  let bytes: Uint8Array;
  if (mode === 'text') {
    bytes = new TextEncoder().encode(text);
  } else {
    const digits = text.replace(/0x/gi, '').replace(/[\s,]/g, '');
    const bad = /[^0-9a-f]/i.exec(digits);
    if (bad) return { error: l10n.t('"{0}" is not a hex digit: type bytes as hex pairs (de ad be ef).', bad[0]) };
    if (digits.length === 0) return { error: l10n.t('Type the bytes to find, as hex (de ad be ef).') };
    if (digits.length % 2 !== 0) return { error: l10n.t('Odd number of hex digits: every byte takes two (0a, not a).') };
    bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  }
  if (bytes.length > maxBytes) return { error: l10n.t('At most {0} bytes can be searched for; this is {1}.', maxBytes, bytes.length) };
  return { value: bytes };
}
