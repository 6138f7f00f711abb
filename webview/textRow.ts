// One row of the Text tab as DOM. Valid text goes in as text nodes; a run of control characters is one
// muted escape (`\r\n`, escapedText.ts, whose selectedText gives Copy the characters back), a run of
// invalid UTF-8 bytes one marked `\xHH` span, so a row of random bytes is a few dozen nodes, not one per byte.
import { decodeUtf8 } from '../shared/codecs/utf8Decode';
import { escapedNodes } from './escapedText';
import { h } from './domBuilder';
import { t } from './l10n';

/** The nodes of a row holding `bytes`, which start at payload offset `offset`. */
export function rowNodes(bytes: Uint8Array, offset: number): (Node | string)[] {
  const nodes: (Node | string)[] = [];
  for (const segment of decodeUtf8(bytes).segments) {
    if (segment.invalid) {
      const at = offset + segment.byteOffset;
      const n = segment.byteLength;
      nodes.push(h('span', { className: 'invalid-bytes', text: segment.text, title: n === 1 ? t('1 byte of invalid UTF-8 at offset {0}', at) : t('{0} bytes of invalid UTF-8 at offset {1}', n, at) }));
      continue;
    }
    nodes.push(...escapedNodes(segment.text));
  }
  return nodes;
}
