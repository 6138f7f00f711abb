// The Decoded tab's tree as the lines on screen: the expanded part of one or more DecodedNode trees,
// flattened in reading order with each line's level and place among its siblings (what aria-level,
// aria-posinset and aria-setsize say). Only expanded nodes are walked, and the first walk goes in
// slices the caller times (buildSome), so a tree of 100,000 open nodes never holds the page for long;
// opening or closing a node later splices just its lines in or out. Pure: no DOM.
import type { DecodedNode } from '../shared/decode/decoded';

/** One top-level tree: the message, or the payload decoded inside it. */
export interface TreeSection {
  readonly root: DecodedNode;
  /** What the root line says instead of its (empty) key: "MQTT", "payload · MessagePack". */
  readonly title: string;
}

/** Containers up to this depth open by themselves when they have at most AUTO_OPEN_SIZE children. */
const AUTO_OPEN_DEPTH = 2;
const AUTO_OPEN_SIZE = 200;

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

const COLUMNS = ['nodes', 'parents', 'levels', 'positions', 'setSizes', 'sections'] as const;

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
  /** The container each container sits in (for key paths); leaves have theirs in `parents`. */
  private readonly parentOf = new Map<DecodedNode, DecodedNode | undefined>();
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
        continue;
      }
      const i = frame.index++;
      const node = frame.children[i]!;
      const section = frame.section < 0 ? i : frame.section;
      this.push(this, node, frame.level, i + 1, frame.children.length, section, frame.parent);
      const children = node.children;
      if (!children || children.length === 0) continue;
      const depth = frame.level - 1;
      // A section's root is always open; below it, small containers near the top.
      if (depth === 0 || (depth <= AUTO_OPEN_DEPTH && children.length <= AUTO_OPEN_SIZE)) this.expanded.add(node);
      if (this.expanded.has(node)) stack.push({ children, parent: node, level: frame.level + 1, section, index: 0 });
    }
    this.walk = undefined;
    return true;
  }

  /** Whether the line's node has children (can be opened). */
  isContainer(line: number): boolean {
    return (this.nodes[line]?.children?.length ?? 0) > 0;
  }

  isExpanded(line: number): boolean {
    const node = this.nodes[line];
    return node !== undefined && this.expanded.has(node);
  }

  /** Opens or closes a line's node, splicing its lines in or out; returns whether anything changed. */
  setExpanded(line: number, open: boolean): boolean {
    const node = this.nodes[line];
    if (node === undefined || !this.isContainer(line) || this.expanded.has(node) === open) return false;
    // The first walk would add lines after this one as they were: let it finish first (only a toggle in
    // a tree's first moments waits for it).
    while (!this.buildSome(Number.POSITIVE_INFINITY));
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

  private push(into: LineColumns, node: DecodedNode, level: number, position: number, setSize: number, section: number, parent: DecodedNode | undefined): void {
    into.nodes.push(node);
    into.parents.push(parent);
    into.levels.push(level);
    into.positions.push(position);
    into.setSizes.push(setSize);
    into.sections.push(section);
    if (node.children) this.parentOf.set(node, parent);
  }

  private addChildren(into: LineColumns, node: DecodedNode, level: number, section: number): void {
    const children = node.children ?? [];
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      this.push(into, child, level, i + 1, children.length, section, node);
      if (child.children && this.expanded.has(child)) this.addChildren(into, child, level + 1, section);
    }
  }

  /** Replaces `remove` lines at `at` by `add` (by copying: splice's arguments cannot hold 100,000 lines). */
  private splice(at: number, remove: number, add: LineColumns): void {
    for (const c of COLUMNS) {
      const column = this[c] as unknown[];
      (this as Record<string, unknown>)[c] = column.slice(0, at).concat(add[c] as unknown[], column.slice(at + remove));
    }
  }
}
