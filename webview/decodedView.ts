// The Decoded tab's content for one entry: what decoded it and its summary, where decoding stopped (in
// words, with a link to that byte in Hex), the tree of the message and of the payload decoded inside
// it, and a line about the selected node with its bytes. Everything from the host goes in as text.
import type { DecodedMessage, DecodedNode } from '../shared/decode/decoded';
import type { DecodeRequests } from '../shared/protocol/decode';
import { formatName } from './decodeNames';
import { DecodedTree, type ChildLoader, type TreeSection } from './decodedTree';
import { h, icon } from './domBuilder';
import { escapedElement, escapedNodes, PREVIEW_ESCAPE_RUNS } from './escapedText';
import { formatBytes } from './entryFormat';
import { t, tParts } from './l10n';

/** A run of bytes in the entry's payload. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** What the view asks of the detail pane. */
export interface DecodedViewDeps {
  /** Marks bytes in the Hex tab without going there (undefined: none). */
  markBytes(range: ByteRange | undefined): void;
  /** Goes to the Hex tab with the bytes marked and in view. */
  showBytes(range: ByteRange): void;
}

/** A decoded entry as the page has it: a paged one (getDecoded's `tree`) brings where its missing children come from. */
export type PagedDecoded = DecodedMessage & { readonly loadChildren?: ChildLoader };

/**
 * getDecoded's answer as the page keeps it. A paged message (`tree` set: its trees hold their first
 * screens, shared/decode/treePaging.ts) asks `children` (getDecodedChildren) for what they left out.
 */
export function pagedDecoded(
  answer: { readonly decoded?: DecodedMessage; readonly tree?: number },
  children: (params: DecodeRequests['getDecodedChildren']['params']) => Promise<{ readonly children: readonly DecodedNode[] }>,
): PagedDecoded | undefined {
  const { decoded, tree } = answer;
  if (!decoded || tree === undefined) return decoded;
  return { ...decoded, loadChildren: (section, path, from, auto) => children({ tree, section, path, from, auto }).then((r) => r.children) };
}

/** The rendered tab: its element, and the tree to focus and dispose. */
export interface DecodedView {
  readonly element: HTMLElement;
  readonly tree: DecodedTree;
}

/** Where a node's bytes are: "5 B at byte 3 (0x3)", said to be in the payload inside when they are. */
function bytesText(range: ByteRange, inEntry: boolean): string {
  const at = range.length > 0 ? t('{0} at {1}', formatBytes(range.length), offsetText(range.offset)) : offsetText(range.offset);
  return inEntry ? at : t('{0} of the payload', at);
}

function offsetText(offset: number): string {
  return t('byte {0} (0x{1})', offset, offset.toString(16));
}

function linkButton(text: string, testId: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', { className: 'link-button', testId, text, attrs: { type: 'button' } });
  b.addEventListener('click', onClick);
  return b;
}

/** Where the message's decoding stopped, with a way to the byte; for the payload inside, in words only. */
function errorLine(decoded: DecodedMessage, deps: DecodedViewDeps): HTMLElement | undefined {
  const outer = decoded.error;
  const inner = decoded.inner?.error;
  if (!outer && !inner) return undefined;
  const parts: Node[] = [];
  if (outer) {
    parts.push(
      h('div', { className: 'decoded-error-line' }, [
        icon('error'),
        ' ',
        ...tParts('{0} decoding stopped at {1}: {2}', formatName(decoded.format), offsetText(outer.offset), escapedElement('span', {}, outer.message)),
        ' ',
        linkButton(t('Show byte {0} in Hex', outer.offset), 'decoded-error-offset', () => deps.showBytes({ offset: outer.offset, length: 0 })),
      ]),
    );
  }
  if (inner && decoded.inner) {
    // Offsets of the payload inside count from the payload's first byte, whose place in the entry the
    // decoded message does not say: told in words, not linked.
    parts.push(
      h('div', { className: 'decoded-error-line' }, [
        icon('error'),
        ' ',
        ...tParts("The payload's {0} decoding stopped at {1} of the payload: {2}", formatName(decoded.inner.format), offsetText(inner.offset), escapedElement('span', {}, inner.message)),
      ]),
    );
  }
  return h('div', { className: 'decoded-error', testId: 'decoded-error' }, parts);
}

/** Renders a decoded entry for the Decoded tab. */
export function renderDecoded(decoded: PagedDecoded, deps: DecodedViewDeps): DecodedView {
  const sections: TreeSection[] = [{ root: decoded.tree, title: formatName(decoded.format) }];
  if (decoded.inner) sections.push({ root: decoded.inner.tree, title: t('payload · {0}', formatName(decoded.inner.format)) });
  const info = h('div', { className: 'decoded-node-info', testId: 'decoded-node-info' });
  info.hidden = true;
  const describe = (node: DecodedNode, section: number, path: string): void => {
    const where = path === '' ? node.type : `${path} · ${node.type}`;
    const hasBytes = node.offset !== undefined;
    const range: ByteRange | undefined = hasBytes ? { offset: node.offset!, length: node.length ?? 0 } : undefined;
    // A node of the payload inside has offsets within that payload: said, not marked in the entry's bytes.
    const inEntry = section === 0 && range !== undefined;
    deps.markBytes(inEntry ? range : undefined);
    const bytes =
      range === undefined
        ? ''
        : ` · ${bytesText(range, section === 0)}`;
    info.replaceChildren(
      h('span', { className: 'decoded-node-where' }, [...escapedNodes(where, PREVIEW_ESCAPE_RUNS), bytes]),
      ...(inEntry ? [' ', linkButton(t('Show in Hex'), 'decoded-show-hex', () => deps.showBytes(range))] : []),
    );
    info.hidden = false;
  };
  const tree = new DecodedTree(sections, { onSelect: describe, ...(decoded.loadChildren ? { loadChildren: decoded.loadChildren } : {}) });
  const element = h('div', { className: 'decoded-view', testId: 'detail-decoded' }, [
    h('div', { className: 'decoded-summary', testId: 'decoded-summary' }, [
      h('span', { className: 'decoded-format', text: formatName(decoded.format) }),
      decoded.inner ? h('span', { className: 'decoded-format', text: formatName(decoded.inner.format) }) : undefined,
      escapedElement('span', { className: 'decoded-summary-text' }, decoded.summary, PREVIEW_ESCAPE_RUNS),
    ]),
    errorLine(decoded, deps),
    tree.element,
    info,
  ]);
  return { element, tree };
}
