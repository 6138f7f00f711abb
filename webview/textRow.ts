// One row of the Text tab as DOM, and the text Copy takes from a selection of rows. Valid text goes in as
// text nodes; a run of control characters is one muted escape (`\r\n`), a run of invalid UTF-8 bytes one
// marked `\xHH` span, so a row of random bytes is a few dozen nodes, not one per byte.
import { decodeUtf8 } from '../shared/codecs/utf8Decode';
import { splitControls, unescapeControls } from '../shared/codecs/controlEscapes';
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
    for (const piece of splitControls(segment.text)) {
      nodes.push(piece.control ? h('span', { className: 'text-escape', text: piece.text }) : piece.text);
    }
  }
  return nodes;
}

/**
 * The text of a selection inside rows: control escapes become the characters they stand for (the row's
 * `\n` is its line break), invalid bytes stay `\xHH` (the clipboard holds text, not bytes).
 */
export function selectedText(range: Range): string {
  const root = range.commonAncestorContainer;
  let out = '';
  let escape: Element | undefined;
  const take = (node: Node): void => {
    const parent = node.parentElement;
    if (parent?.classList.contains('text-escape')) {
      // Part of an escape selected stands for the whole run: `\r\n` half selected is still a line break.
      if (parent !== escape) out += unescapeControls(parent.textContent ?? '');
      escape = parent;
      return;
    }
    const text = node.nodeValue ?? '';
    const from = node === range.startContainer ? range.startOffset : 0;
    const to = node === range.endContainer ? range.endOffset : text.length;
    out += text.slice(from, to);
  };
  if (root.nodeType === Node.TEXT_NODE) {
    take(root);
    return out;
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (range.intersectsNode(node)) take(node);
  }
  return out;
}
