// The Hex tab: offset | hex | ASCII in three columns, so a selection inside one column copies only that
// column (select the hex to get just the bytes).
import { hexDumpRows } from '../shared/codecs/hexDump';
import { h } from './domBuilder';
import { formatBytes } from './entryFormat';

/** Most bytes dumped into the view; the rest is reachable through Copy as hex. */
export const HEX_VIEW_LIMIT = 256 * 1024;

/** Renders the hex dump of `bytes` (a prefix of `length` bytes). */
export function renderHex(bytes: Uint8Array, length: number): HTMLElement {
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
  const dump = h('div', { className: 'hex-dump', testId: 'detail-hex' }, [
    h('pre', { className: 'hex-offsets', text: offsets.join('\n'), attrs: { 'aria-label': 'Offsets' } }),
    h('pre', { className: 'hex-bytes', text: hex.join('\n'), attrs: { 'aria-label': 'Hex' } }),
    h('pre', { className: 'hex-ascii', text: ascii.join('\n'), attrs: { 'aria-label': 'ASCII' } }),
  ]);
  const note =
    length > shown.length
      ? h('div', { className: 'payload-note', text: `showing the first ${formatBytes(shown.length)} of ${formatBytes(length)} — Copy hex or Save takes everything` })
      : length === 0
        ? h('div', { className: 'payload-note', text: 'empty payload' })
        : undefined;
  return h('div', { className: 'payload-view' }, [note, dump]);
}
