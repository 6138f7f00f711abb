// A decoded tree sent to the webview in pages (issue 20). A 1 MiB message's tree of 10,000 nodes is
// 1.5–2 MB of answer, 40–55 ms from posted to read in the page, for a tab that shows 30 lines at
// first. So the host answers getDecoded with the first screens of the tree (the lines the Decoded tab
// opens on, in the order it shows them) and the rest through getDecodedChildren as lines come into
// view or nodes are opened. Which containers open by themselves is decided here, for both sides: the
// host pages what the tab will show, the tab opens what the host paged.
import type { DecodedNode } from './decoded';

/** Containers down to this depth (a section's root is depth 0) open by themselves ... */
export const AUTO_OPEN_DEPTH = 2;
/** ... when they have at most this many children. */
export const AUTO_OPEN_SIZE = 200;
/** Nodes in the first answer: about ten screens of the tab, open as it opens them. */
export const FIRST_PAGE_NODES = 300;
/** Nodes in one answer to getDecodedChildren. */
export const CHILD_PAGE_NODES = 2000;
/** Most child indices in a node's path (deeper trees are not paged below it). */
export const MAX_PAGE_PATH = 1000;

/** How many children a node has, whether all of them came (`children`) or only the first (`childCount`). */
export function childCountOf(node: DecodedNode): number {
  return node.childCount ?? node.children?.length ?? 0;
}

/** Whether a container at `depth` with `count` children opens by itself when its parent is shown open by itself. */
export function opensByItself(depth: number, count: number): boolean {
  return depth === 0 || (depth <= AUTO_OPEN_DEPTH && count <= AUTO_OPEN_SIZE);
}

/** What is left of a page's node budget, shared down the walk. */
interface Budget {
  left: number;
}

/**
 * The page of `children` from index `from`: nodes in the order the tab shows them, until the budget is
 * spent. `depth` is the children's; `auto` says whether they open by themselves (their parent did, or
 * is a section's root). A node whose children did not all come has them cut to the first and its
 * `childCount` set; a closed container comes with none of its children (they come when it is opened).
 */
export function pageChildren(children: readonly DecodedNode[], from: number, depth: number, auto: boolean, budget: number): DecodedNode[] {
  return take(children, from, depth, auto, { left: budget });
}

/** A section's root as the first answer has it, with at most `budget` nodes below it (at least its root). */
export function pageRoot(root: DecodedNode, budget: number): DecodedNode {
  return pageNode(root, 0, true, { left: Math.max(0, budget - 1) });
}

function take(children: readonly DecodedNode[], from: number, depth: number, auto: boolean, budget: Budget): DecodedNode[] {
  const out: DecodedNode[] = [];
  for (let i = from; i < children.length && budget.left > 0; i++) {
    budget.left--;
    out.push(pageNode(children[i]!, depth, auto, budget));
  }
  return out;
}

function pageNode(node: DecodedNode, depth: number, auto: boolean, budget: Budget): DecodedNode {
  const kids = node.children;
  if (!kids || kids.length === 0) return node;
  const shown = auto && opensByItself(depth, kids.length) ? take(kids, 0, depth + 1, true, budget) : [];
  if (shown.length === kids.length && shown.every((c, i) => c === kids[i])) return node;
  return shown.length === kids.length ? { ...node, children: shown } : { ...node, children: shown, childCount: kids.length };
}

/** The node at `path` (child indices) below `root`, or undefined when the tree has none there. */
export function nodeAt(root: DecodedNode, path: readonly number[]): DecodedNode | undefined {
  let node: DecodedNode | undefined = root;
  for (const i of path) node = node?.children?.[i];
  return node;
}
