// The Hex tab: offset | hex | ASCII in three columns, so a selection inside one column copies only that
// column (select the hex to get just the bytes). A range of bytes can be marked in both the hex and the
// ASCII column and scrolled to (a decoded node's bytes, where decoding stopped).
import { hexDumpRows } from '../shared/codecs/hexDump';
import { clear, h } from './domBuilder';
import { formatBytes } from './entryFormat';

/** Most bytes dumped into the view; the rest is reachable through Copy as hex. */
export const HEX_VIEW_LIMIT = 256 * 1024;

/** Row widths the view picks from, widest first: the first whose dump fits the pane is used. */
const ROW_WIDTHS = [16, 8, 4] as const;
/** Space around and between the three columns (payload-view padding, two 12 px gaps), in px. */
const DUMP_CHROME_PX = 20 + 24;

/** Characters of a row of `n` bytes in the hex column, with its newline: n/2 groups of 4 digits. */
const hexRowChars = (n: number) => n * 2 + n / 2;

/** A rendered hex dump and a way to mark bytes in it. */
export interface HexView {
  readonly element: HTMLElement;
  /**
   * Marks bytes [offset, offset + length) (length 0 marks the one byte at `offset`, a position) and
   * scrolls them into view; undefined takes the mark away. Returns false when the bytes are not in the
   * dump (past its end, or past what the view shows).
   */
  highlight(range: { offset: number; length: number } | undefined, scroll?: boolean): boolean;
  /** Re-lays the rows (16, 8 or 4 bytes) so the dump fits `width` px; the pane calls it when it resizes. */
  fit(width: number): void;
}

/** Where byte `i` of the dump starts in the hex column's text, at `n` bytes a row. */
function hexChar(i: number, n: number): number {
  const inRow = i % n;
  return Math.floor(i / n) * hexRowChars(n) + inRow * 2 + (inRow >> 1);
}

/** Where byte `i` starts in the ASCII column's text, at `n` bytes a row. */
function asciiChar(i: number, n: number): number {
  return Math.floor(i / n) * (n + 1) + (i % n);
}

/** Fills `pre` with `text`, the characters [from, to) inside a <mark>. */
function markText(pre: HTMLElement, text: string, from: number, to: number, testId: string): HTMLElement {
  const mark = h('mark', { className: 'hex-mark', testId, text: text.slice(from, to) });
  clear(pre);
  pre.append(text.slice(0, from), mark, text.slice(to));
  return mark;
}

/** The three columns' text at `n` bytes a row. */
function dumpText(shown: Uint8Array, n: number): { offsets: string; hex: string; ascii: string } {
  const rows = hexDumpRows(shown, 0, Math.ceil(shown.length / n), { bytesPerRow: n });
  return { offsets: rows.map((r) => r.offsetText).join('\n'), hex: rows.map((r) => r.hex).join('\n'), ascii: rows.map((r) => r.ascii).join('\n') };
}

/** Renders the hex dump of `bytes` (a prefix of `length` bytes). */
export function renderHex(bytes: Uint8Array, length: number): HexView {
  const shown = bytes.subarray(0, HEX_VIEW_LIMIT);
  let perRow: number = ROW_WIDTHS[0];
  let text = dumpText(shown, perRow);
  const offsetsPre = h('pre', { className: 'hex-offsets', text: text.offsets, attrs: { 'aria-label': 'Offsets' } });
  const hexPre = h('pre', { className: 'hex-bytes', text: text.hex, attrs: { 'aria-label': 'Hex' } });
  const asciiPre = h('pre', { className: 'hex-ascii', text: text.ascii, attrs: { 'aria-label': 'ASCII' } });
  const dump = h('div', { className: 'hex-dump', testId: 'detail-hex', attrs: { 'data-bytes-per-row': String(perRow) } }, [offsetsPre, hexPre, asciiPre]);
  const note =
    length > shown.length
      ? h('div', { className: 'payload-note', text: `showing the first ${formatBytes(shown.length)} of ${formatBytes(length)} — Copy hex or Save takes everything` })
      : length === 0
        ? h('div', { className: 'payload-note', text: 'empty payload' })
        : undefined;
  const marked = h('div', { className: 'payload-note hex-marked', testId: 'hex-marked' });
  marked.hidden = true;
  let mark: { offset: number; length: number } | undefined;

  const highlight = (range: { offset: number; length: number } | undefined, scroll = true): boolean => {
    if (mark) {
      hexPre.textContent = text.hex;
      asciiPre.textContent = text.ascii;
      marked.hidden = true;
      mark = undefined;
    }
    if (range === undefined) return true;
    const first = range.offset;
    const last = range.offset + Math.max(1, range.length) - 1;
    if (first < 0 || first >= shown.length) return false;
    const end = Math.min(last, shown.length - 1);
    const hexMark = markText(hexPre, text.hex, hexChar(first, perRow), hexChar(end, perRow) + 2, 'hex-mark');
    markText(asciiPre, text.ascii, asciiChar(first, perRow), asciiChar(end, perRow) + 1, 'hex-mark-ascii');
    marked.textContent =
      range.length === 0
        ? `Marked: offset ${first} (0x${first.toString(16)})`
        : `Marked: ${formatBytes(range.length)} at offset ${first} (0x${first.toString(16)})${end < last ? ', cut at the end of the view' : ''}`;
    marked.hidden = false;
    mark = range;
    if (scroll) hexMark.scrollIntoView({ block: 'center', inline: 'nearest' });
    return true;
  };

  return {
    element: h('div', { className: 'payload-view' }, [note, marked, dump]),
    highlight,
    fit(width) {
      // Every offset is 8 characters of the monospace font: the width of one character follows.
      const charPx = offsetsPre.getBoundingClientRect().width / 8;
      if (width <= 0 || charPx <= 0) return;
      const fits = ROW_WIDTHS.find((n) => (8 + hexRowChars(n) + n) * charPx + DUMP_CHROME_PX <= width) ?? ROW_WIDTHS[2];
      if (fits === perRow) return;
      perRow = fits;
      text = dumpText(shown, perRow);
      const kept = mark;
      mark = undefined;
      offsetsPre.textContent = text.offsets;
      hexPre.textContent = text.hex;
      asciiPre.textContent = text.ascii;
      dump.dataset.bytesPerRow = String(perRow);
      if (kept) highlight(kept, false);
    },
  };
}
