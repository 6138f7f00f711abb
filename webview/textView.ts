// The Text tab: the payload decoded as UTF-8, with invalid bytes shown as marked \xHH runs instead of
// silently turning into U+FFFD.
import { decodeUtf8 } from '../shared/codecs/utf8Decode';
import { h } from './domBuilder';
import { formatBytes } from './entryFormat';

/** Most bytes decoded into the view; the rest is reachable through Copy. */
export const TEXT_VIEW_LIMIT = 1024 * 1024;

/** Renders `bytes` (a prefix of `length` bytes) as marked-up text. */
export function renderText(bytes: Uint8Array, length: number): HTMLElement {
  const shown = bytes.subarray(0, TEXT_VIEW_LIMIT);
  const decoded = decodeUtf8(shown);
  const pre = h('pre', { className: 'payload-text', testId: 'detail-text' });
  for (const segment of decoded.segments) {
    if (segment.invalid) {
      pre.append(
        h('span', {
          className: 'invalid-bytes',
          text: segment.text,
          title: `${segment.byteLength} byte${segment.byteLength === 1 ? '' : 's'} of invalid UTF-8 at offset ${segment.byteOffset}`,
        }),
      );
    } else {
      pre.append(document.createTextNode(segment.text));
    }
  }
  const notes: string[] = [];
  if (decoded.invalidCount > 0) notes.push(`${decoded.invalidBytes} invalid UTF-8 byte${decoded.invalidBytes === 1 ? '' : 's'} marked`);
  if (length > shown.length) notes.push(`showing the first ${formatBytes(shown.length)} of ${formatBytes(length)} — Copy or Save takes everything`);
  if (length === 0) notes.push('empty payload');
  return h('div', { className: 'payload-view' }, [
    notes.length ? h('div', { className: 'payload-note', text: notes.join(' · ') }) : undefined,
    pre,
  ]);
}
