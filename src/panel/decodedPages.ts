// The decoded messages whose trees a panel's webview has in pages (shared/decode/treePaging.ts): the
// first answer names the message by a number, and getDecodedChildren reads the rest from the message
// kept here. A few are kept, the most recently paged: the tab shows one entry at a time, and an entry
// shown again is paged anew. The objects are EntryDecoding's cached ones, so keeping them costs no copy.
import type { DecodedMessage, DecodedNode } from '../../shared/decode/decoded';
import { CHILD_PAGE_NODES, FIRST_PAGE_NODES, nodeAt, pageChildren, pageRoot } from '../../shared/decode/treePaging';
import { RequestError } from '../../shared/messageHandler';
import { RecentlyUsed } from '../core/base/recentlyUsed';

/** Paged messages kept per panel. */
const KEPT_TREES = 4;

/** A panel's paged decoded messages. */
export class DecodedPages {
  private readonly trees = new RecentlyUsed<number, DecodedMessage>(KEPT_TREES);
  private nextId = 1;

  /** The message with its trees' first screens, and the number naming it (undefined when nothing was left out). */
  first(decoded: DecodedMessage): { decoded: DecodedMessage; tree?: number } {
    const tree = pageRoot(decoded.tree, FIRST_PAGE_NODES);
    // The payload inside gets what the message's tree left, and its first screen at least.
    const innerTree = decoded.inner ? pageRoot(decoded.inner.tree, Math.max(40, FIRST_PAGE_NODES - countNodes(tree))) : undefined;
    if (tree === decoded.tree && innerTree === decoded.inner?.tree) return { decoded };
    const paged: DecodedMessage = { ...decoded, tree, ...(decoded.inner ? { inner: { ...decoded.inner, tree: innerTree! } } : {}) };
    const id = this.nextId++;
    this.trees.add(id, decoded);
    return { decoded: paged, tree: id };
  }

  /** The next children of the node at `path` of a paged message, from `from`; throws a RequestError when it is not kept or has no such node. */
  children(tree: number, section: number, path: readonly number[], from: number, auto: boolean): DecodedNode[] {
    // Paging a message's children leaves its place: the most recently paged are those shown last.
    const decoded = this.trees.peek(tree);
    if (!decoded) throw new RequestError({ message: 'This decoded message is no longer kept: select its entry again.', code: 'NOT_FOUND' });
    const root = section === 0 ? decoded.tree : decoded.inner?.tree;
    const node = root && nodeAt(root, path);
    if (!node?.children) throw new RequestError({ message: 'The decoded message has no container there.', code: 'BAD_REQUEST' });
    return pageChildren(node.children, from, path.length + 1, auto, CHILD_PAGE_NODES);
  }
}

/** Nodes in a (paged) tree. */
function countNodes(node: DecodedNode): number {
  let n = 1;
  for (const c of node.children ?? []) n += countNodes(c);
  return n;
}
