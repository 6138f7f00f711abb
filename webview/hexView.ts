// The Hex tab: offset | hex | ASCII in three columns, so a selection inside one column copies only that
// column (select the hex to get just the bytes). A range of bytes can be marked in both the hex and the
// ASCII column and scrolled to (a decoded node's bytes, where decoding stopped).
import { BYTES_PER_ROW, hexDumpRows } from '../shared/codecs/hexDump';
import { clear, h } from './domBuilder';
import { formatBytes } from './entryFormat';

/** Most bytes dumped into the view; the rest is reachable through Copy as hex. */
export const HEX_VIEW_LIMIT = 256 * 1024;

/** Characters of a full row in the hex column, with its newline: 8 groups of 4 digits and 7 spaces. */
const HEX_ROW_CHARS = 40;
/** Characters of a full row in the ASCII column, with its newline. */
const ASCII_ROW_CHARS = BYTES_PER_ROW + 1;

/** A rendered hex dump and a way to mark bytes in it. */
export interface HexView {
  readonly element: HTMLElement;
  /**
   * Marks bytes [offset, offset + length) (length 0 marks the one byte at `offset`, a position) and
   * scrolls them into view; undefined takes the mark away. Returns false when the bytes are not in the
   * dump (past its end, or past what the view shows).
   */
  highlight(range: { offset: number; length: number } | undefined, scroll?: boolean): boolean;
}

/** Where byte `i` of the dump starts in the hex column's text. */
function hexChar(i: number): number {
  const inRow = i % BYTES_PER_ROW;
  return Math.floor(i / BYTES_PER_ROW) * HEX_ROW_CHARS + inRow * 2 + (inRow >> 1);
}

/** Where byte `i` starts in the ASCII column's text. */
function asciiChar(i: number): number {
  return Math.floor(i / BYTES_PER_ROW) * ASCII_ROW_CHARS + (i % BYTES_PER_ROW);
}

/** Fills `pre` with `text`, the characters [from, to) inside a <mark>. */
function markText(pre: HTMLElement, text: string, from: number, to: number, testId: string): HTMLElement {
  const mark = h('mark', { className: 'hex-mark', testId, text: text.slice(from, to) });
  clear(pre);
  pre.append(text.slice(0, from), mark, text.slice(to));
  return mark;
}

/** Renders the hex dump of `bytes` (a prefix of `length` bytes). */
export function renderHex(bytes: Uint8Array, length: number): HexView {
  const shown = bytes.subarray(0, HEX_VIEW_LIMIT);
  const rows = hexDumpRows(shown, 0, Math.ceil(shown.length / 16));
  const offsets: string[] = [];
  const hex: string[] = [];
  const ascii: string[] = [];
  for (const row of rows) {
    offsets.push(row.offsetText);
    hex.push(row.hex);
    ascii.push(row.ascii);
  }
  const hexText = hex.join('\n');
  const asciiText = ascii.join('\n');
  const hexPre = h('pre', { className: 'hex-bytes', text: hexText, attrs: { 'aria-label': 'Hex' } });
  const asciiPre = h('pre', { className: 'hex-ascii', text: asciiText, attrs: { 'aria-label': 'ASCII' } });
  const dump = h('div', { className: 'hex-dump', testId: 'detail-hex' }, [
    h('pre', { className: 'hex-offsets', text: offsets.join('\n'), attrs: { 'aria-label': 'Offsets' } }),
    hexPre,
    asciiPre,
  ]);
  const note =
    length > shown.length
      ? h('div', { className: 'payload-note', text: `showing the first ${formatBytes(shown.length)} of ${formatBytes(length)} — Copy hex or Save takes everything` })
      : length === 0
        ? h('div', { className: 'payload-note', text: 'empty payload' })
        : undefined;
  const marked = h('div', { className: 'payload-note hex-marked', testId: 'hex-marked' });
  marked.hidden = true;
  let isMarked = false;
  return {
    element: h('div', { className: 'payload-view' }, [note, marked, dump]),
    highlight(range, scroll = true) {
      if (isMarked) {
        hexPre.textContent = hexText;
        asciiPre.textContent = asciiText;
        marked.hidden = true;
        isMarked = false;
      }
      if (range === undefined) return true;
      const first = range.offset;
      const last = range.offset + Math.max(1, range.length) - 1;
      if (first < 0 || first >= shown.length) return false;
      const end = Math.min(last, shown.length - 1);
      const hexMark = markText(hexPre, hexText, hexChar(first), hexChar(end) + 2, 'hex-mark');
      markText(asciiPre, asciiText, asciiChar(first), asciiChar(end) + 1, 'hex-mark-ascii');
      marked.textContent =
        range.length === 0
          ? `Marked: offset ${first} (0x${first.toString(16)})`
          : `Marked: ${formatBytes(range.length)} at offset ${first} (0x${first.toString(16)})${end < last ? ', cut at the end of the view' : ''}`;
      marked.hidden = false;
      isMarked = true;
      if (scroll) hexMark.scrollIntoView({ block: 'center', inline: 'nearest' });
      return true;
    },
  };
}
