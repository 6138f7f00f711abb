// The Decoded tab's tree as the lines on screen: the expanded part of one or more DecodedNode trees,
// flattened in reading order with each line's level and place among its siblings (what aria-level,
// aria-posinset and aria-setsize say). Only expanded nodes are walked, and the first walk goes in
// slices the caller times (buildSome), so a tree of 100,000 open nodes never holds the page for long;
// opening or closing a node later splices just its lines in or out. A paged tree (shared/decode/
// treePaging.ts) has nodes whose children did not all come: their lines end in a gap line, which the
// caller fills (fill) once the host sent the next children. Pure: no DOM.
import type { DecodedNode } from '../shared/decode/decoded';
import { childCountOf, opensByItself } from '../shared/decode/treePaging';
import { t } from './l10n';

/** One top-level tree: the message, or the payload decoded inside it. */
export interface TreeSection {
  readonly root: DecodedNode;
  /** What the root line says instead of its (empty) key: "MQTT", "payload · MessagePack". */
  readonly title: string;
}

/** The children of `parent` not here yet, shown as one line until they come. */
export interface TreeGap {
  readonly parent: DecodedNode;
  readonly section: number;
  /** The level of the lines it stands for. */
  readonly level: number;
  /** Asked for and not answered yet. */
  loading: boolean;
  /** Why they could not be had: the line says so and they are not asked for again. */
  problem?: string;
}

/** A node the lines make (a gap's line), whose text changes with the gap. */
type LineNode = { -readonly [K in keyof DecodedNode]: DecodedNode[K] };

/** Where the walk stands in one container's children. */
interface WalkFrame {
  readonly children: readonly DecodedNode[];
  readonly parent: DecodedNode | undefined;
  readonly level: number;
  readonly section: number;
  index: number;
}

/** Lines in the order they are shown, a column per property. */
interface LineColumns {
  nodes: DecodedNode[];
  /** The container each line's node sits in; undefined for a section's root. */
  parents: (DecodedNode | undefined)[];
  levels: number[];
  positions: number[];
  setSizes: number[];
  sections: number[];
}

const COLUMNS: readonly (keyof LineColumns)[] = ['nodes', 'parents', 'levels', 'positions', 'setSizes', 'sections'];

function columns(): LineColumns {
  return { nodes: [], parents: [], levels: [], positions: [], setSizes: [], sections: [] };
}

/** The expanded part of the sections, line by line. */
export class DecodedLines implements LineColumns {
  nodes: DecodedNode[] = [];
  parents: (DecodedNode | undefined)[] = [];
  /** 1-based depth (top-level lines are 1). */
  levels: number[] = [];
  /** 1-based place among siblings, and their number. */
  positions: number[] = [];
  setSizes: number[] = [];
  /** Which section the line belongs to. */
  sections: number[] = [];
  private readonly expanded = new Set<DecodedNode>();
  /** Containers opened by the rule (treePaging's opensByItself): their children that come later follow it too. */
  private readonly autoOpened = new Set<DecodedNode>();
  /** The container each container sits in (for key paths); leaves have theirs in `parents`. */
  private readonly parentOf = new Map<DecodedNode, DecodedNode | undefined>();
  /** The gap line of each partly sent container, and what each gap line stands for. */
  private readonly gapLines = new Map<DecodedNode, LineNode>();
  private readonly gaps = new Map<DecodedNode, TreeGap>();
  /** The first walk, until it is done. */
  private walk: WalkFrame[] | undefined;

  constructor(readonly trees: readonly TreeSection[]) {
    this.walk = [{ children: trees.map((t) => t.root), parent: undefined, level: 1, section: -1, index: 0 }];
  }

  get length(): number {
    return this.nodes.length;
  }

  /** Whether every line is known (the first walk is over). */
  get complete(): boolean {
    return this.walk === undefined;
  }

  /** Continues the first walk until `deadline` (performance.now() ms); returns whether it is done. */
  buildSome(deadline: number, now: () => number = () => performance.now()): boolean {
    const stack = this.walk;
    if (!stack) return true;
    let steps = 0;
    while (stack.length > 0) {
      // The clock is read every 128 lines: cheap, and a slice overruns by at most that many.
      if ((++steps & 127) === 0 && now() >= deadline) return false;
      const frame = stack[stack.length - 1]!;
      if (frame.index >= frame.children.length) {
        stack.pop();
        if (frame.parent && childCountOf(frame.parent) > frame.children.length) this.pushGap(this, frame.parent, frame.level, frame.section);
        continue;
      }
      const i = frame.index++;
      const node = frame.children[i]!;
      const section = frame.section < 0 ? i : frame.section;
      const setSize = frame.parent ? childCountOf(frame.parent) : frame.children.length;
      this.push(this, node, frame.level, i + 1, setSize, section, frame.parent);
      const count = childCountOf(node);
      if (count === 0) continue;
      // A section's root is always open; below it, small containers near the top.
      if (opensByItself(frame.level - 1, count)) {
        this.expanded.add(node);
        this.autoOpened.add(node);
      }
      if (this.expanded.has(node)) stack.push({ children: node.children ?? [], parent: node, level: frame.level + 1, section, index: 0 });
    }
    this.walk = undefined;
    return true;
  }

  /** Whether the line's node has children (can be opened); a gap's line has none. */
  isContainer(line: number): boolean {
    const node = this.nodes[line];
    return node !== undefined && childCountOf(node) > 0 && !this.gaps.has(node);
  }

  isExpanded(line: number): boolean {
    const node = this.nodes[line];
    return node !== undefined && this.expanded.has(node);
  }

  /** What the line stands for when it is a gap's. */
  gapAt(line: number): TreeGap | undefined {
    const node = this.nodes[line];
    return node === undefined ? undefined : this.gaps.get(node);
  }

  /** Whether the gap's children open as the rule says (their container opened by it). */
  opensByRule(gap: TreeGap): boolean {
    return this.autoOpened.has(gap.parent);
  }

  /** The child indices from its section's root to a shown container (what getDecodedChildren names it by). */
  indexPath(node: DecodedNode): number[] {
    const path: number[] = [];
    let n = node;
    for (let p = this.parentOf.get(n); p !== undefined; n = p, p = this.parentOf.get(n)) path.push(p.children!.indexOf(n));
    return path.reverse();
  }

  /** Opens or closes a line's node, splicing its lines in or out; returns whether anything changed. */
  setExpanded(line: number, open: boolean): boolean {
    const node = this.nodes[line];
    if (node === undefined || !this.isContainer(line) || this.expanded.has(node) === open) return false;
    // The first walk would add lines after this one as they were: let it finish first (only a toggle in
    // a tree's first moments waits for it).
    this.finishWalk();
    const level = this.levels[line]!;
    if (open) {
      this.expanded.add(node);
      const added = columns();
      this.addChildren(added, node, level + 1, this.sections[line]!);
      this.splice(line + 1, 0, added);
    } else {
      this.expanded.delete(node);
      let end = line + 1;
      while (end < this.levels.length && this.levels[end]! > level) end++;
      this.splice(line + 1, end - line - 1, columns());
    }
    return true;
  }

  /**
   * Adds the children the host sent for a gap (`from`: how many its container had when they were asked
   * for); the gap's line, when shown, becomes theirs (and a gap again for any still missing). Returns
   * where the lines changed (`added` lines in place of one), or undefined when none did.
   */
  fill(gap: TreeGap, from: number, nodes: readonly DecodedNode[]): { at: number; added: number } | undefined {
    const parent = gap.parent;
    const children = (parent.children ?? []) as DecodedNode[];
    const line = this.gapLines.get(parent);
    if (!line || this.gaps.get(line) !== gap || children.length !== from || nodes.length === 0) return undefined;
    this.finishWalk();
    this.gapLines.delete(parent);
    this.gaps.delete(line);
    for (const n of nodes) children.push(n);
    // Under a container that opened by itself, its children open as they would have in the first walk.
    if (this.autoOpened.has(parent)) for (const n of nodes) this.openByRule(n, gap.level - 1);
    const at = this.nodes.indexOf(line);
    if (at < 0) return undefined; // not shown (its container was closed): its lines are made when opened
    const added = columns();
    const count = childCountOf(parent);
    for (let i = from; i < children.length; i++) {
      const child = children[i]!;
      this.push(added, child, gap.level, i + 1, count, gap.section, parent);
      if (this.expanded.has(child)) this.addChildren(added, child, gap.level + 1, gap.section);
    }
    if (count > children.length) this.pushGap(added, parent, gap.level, gap.section);
    this.splice(at, 1, added);
    return { at, added: added.nodes.length };
  }

  /** Marks a gap as not to be had, with why; its line says so. */
  fail(gap: TreeGap, problem: string): void {
    gap.loading = false;
    gap.problem = problem;
    const line = this.gapLines.get(gap.parent);
    if (line) line.value = `${this.missingText(gap.parent)} not loaded: ${problem}`;
  }

  /** The line of the container `line` sits in, -1 for a top-level line. */
  parentLine(line: number): number {
    const parent = this.parents[line];
    if (parent === undefined) return -1;
    for (let k = line - 1; k >= 0; k--) if (this.nodes[k] === parent) return k;
    return -1;
  }

  /** The path of keys from the section's root to a line: `args[0].to`. */
  path(line: number): string {
    const node = this.nodes[line];
    if (node === undefined || this.parents[line] === undefined) return '';
    const keys: string[] = [node.key];
    let p = this.parents[line];
    while (p !== undefined) {
      const up = this.parentOf.get(p);
      if (up === undefined) break; // p is the section's root, whose key is not part of the path
      keys.push(p.key);
      p = up;
    }
    let out = '';
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
    }
    return out;
  }

  private finishWalk(): void {
    while (!this.buildSome(Number.POSITIVE_INFINITY));
  }

  private openByRule(node: DecodedNode, depth: number): void {
    const count = childCountOf(node);
    if (count === 0 || !opensByItself(depth, count)) return;
    this.expanded.add(node);
    this.autoOpened.add(node);
    for (const child of node.children ?? []) this.openByRule(child, depth + 1);
  }

  private push(into: LineColumns, node: DecodedNode, level: number, position: number, setSize: number, section: number, parent: DecodedNode | undefined): void {
    into.nodes.push(node);
    into.parents.push(parent);
    into.levels.push(level);
    into.positions.push(position);
    into.setSizes.push(setSize);
    into.sections.push(section);
    if (node.children) this.parentOf.set(node, parent);
  }

  /** The line for the children of `parent` not here yet (one per container, kept until they come). */
  private pushGap(into: LineColumns, parent: DecodedNode, level: number, section: number): void {
    let line = this.gapLines.get(parent);
    if (!line) {
      line = { key: '…', type: 'more', value: `${this.missingText(parent)}, loading…` };
      this.gapLines.set(parent, line);
      this.gaps.set(line, { parent, section, level, loading: false });
    }
    const count = childCountOf(parent);
    this.push(into, line, level, (parent.children?.length ?? 0) + 1, count, section, parent);
  }

  private missingText(parent: DecodedNode): string {
    const n = childCountOf(parent) - (parent.children?.length ?? 0);
    return n === 1 ? t('1 more item') : t('{0} more items', n);
  }

  private addChildren(into: LineColumns, node: DecodedNode, level: number, section: number): void {
    const children = node.children ?? [];
    const count = childCountOf(node);
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      this.push(into, child, level, i + 1, count, section, node);
      if (this.expanded.has(child)) this.addChildren(into, child, level + 1, section);
    }
    if (count > children.length) this.pushGap(into, node, level, section);
  }

  /** Replaces `remove` lines at `at` by `add` (by copying: splice's arguments cannot hold 100,000 lines). */
  private splice(at: number, remove: number, add: LineColumns): void {
    for (const c of COLUMNS) {
      const column = this[c] as unknown[];
      (this as Record<string, unknown>)[c] = column.slice(0, at).concat(add[c] as unknown[], column.slice(at + remove));
    }
  }
}
