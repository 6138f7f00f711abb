// The Decoded tab's tree: a DecodedNode tree (and the payload decoded inside it) as an ARIA tree with
// types beside the keys. It is virtualized like the log: only the lines in view exist, as a pool of
// rows recycled on scroll, and the tree is walked in slices of a few milliseconds (aria-busy until
// done), so a tree of 100,000 nodes never holds the page for long and scrolls without building rows
// for the rest. Keys as in the ARIA tree pattern: Up/Down, Left/Right close/open or go to the
// parent/first child, Home/End, PageUp/PageDown, Enter/Space open and close. A paged tree's missing
// children (shared/decode/treePaging.ts) are asked for when their gap line comes near the view.
import type { DecodedNode } from '../shared/decode/decoded';
import { DecodedLines, type TreeGap, type TreeSection } from './decodedLines';
import { h } from './domBuilder';
import { PREVIEW_ESCAPE_RUNS, setEscapedText } from './escapedText';
import { t } from './l10n';

export type { TreeSection } from './decodedLines';

/** Pixel height of one line; fixed so positions are arithmetic. */
export const TREE_LINE_HEIGHT = 20;
/** Longest one slice of walking the tree runs before the page gets a turn, ms. */
const BUILD_SLICE_MS = 4;
/** The view's height until the ResizeObserver has measured it (reading it would force a layout). */
const ASSUMED_VIEW_HEIGHT = 600;
/** Lines drawn above and below the view, so a short scroll shows no blank. */
const OVERSCAN = 8;
/** Characters of a value drawn in a line (the line ends in an ellipsis anyway). */
const VALUE_CHARS = 300;
/** A gap line this many lines below the view is asked for already, so a steady scroll meets lines. */
const GAP_LOOKAHEAD = 60;

/** Asks the host for the next children of a paged tree's node (getDecodedChildren). */
export type ChildLoader = (section: number, path: readonly number[], from: number, auto: boolean) => Promise<readonly DecodedNode[]>;

/** What the tree tells its owner. */
export interface DecodedTreeEvents {
  /** The active (selected) line changed: its node, its section (0: the message, 1: its payload) and key path. */
  onSelect(node: DecodedNode, section: number, path: string): void;
  /** Where a paged tree's missing children come from (absent: the tree came whole). */
  readonly loadChildren?: ChildLoader;
}

interface LineElements {
  readonly root: HTMLDivElement;
  readonly twisty: HTMLSpanElement;
  readonly key: HTMLSpanElement;
  readonly type: HTMLSpanElement;
  readonly value: HTMLSpanElement;
  /** The line drawn, -1 for none; and the state drawn, to skip redundant updates. */
  line: number;
  drawn: string;
}

/** The number of children as words: "3 items", "1 item". */
function childCount(node: DecodedNode): string {
  const n = node.childCount ?? node.children?.length ?? 0;
  return n === 1 ? t('1 item') : t('{0} items', n);
}

/**
 * A value for one line, at most VALUE_CHARS. Its control and bidi characters (from the network) are drawn
 * as muted escapes by setEscapedText, line breaks too, so the line is one line and reads as it is.
 */
function shortValue(value: string): string {
  return value.length > VALUE_CHARS ? `${value.slice(0, VALUE_CHARS)}…` : value;
}

/** The tree of one decoded message. */
export class DecodedTree {
  readonly element: HTMLDivElement;
  private readonly sizer: HTMLDivElement;
  private readonly lines: DecodedLines;
  private readonly pool: LineElements[] = [];
  private active = 0;
  private frame = 0;
  private viewHeight = 0;
  private shownActive = '';
  private readonly resizeObserver: ResizeObserver;
  private static instances = 0;
  private readonly idPrefix: string;
  private buildTimer: ReturnType<typeof setTimeout> | undefined;
  /** scrollTop as last seen or set: reading the element's would force a layout in every frame. */
  private scrollTop = 0;
  /** Gaps asked for and not answered yet. */
  private loading = 0;
  private disposed = false;

  constructor(
    trees: readonly TreeSection[],
    private readonly events: DecodedTreeEvents,
  ) {
    this.idPrefix = `decoded-line-${DecodedTree.instances++}-`;
    this.lines = new DecodedLines(trees);
    this.sizer = h('div', { className: 'decoded-sizer', attrs: { role: 'presentation' } });
    this.element = h('div', {
      className: 'decoded-tree',
      testId: 'decoded-tree',
      attrs: { role: 'tree', tabindex: '0', 'aria-label': t('Decoded message') },
    }, [this.sizer]);
    this.element.addEventListener(
      'scroll',
      () => {
        this.scrollTop = this.element.scrollTop;
        this.invalidate();
      },
      { passive: true },
    );
    this.element.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.sizer.addEventListener('mousedown', (e) => this.onMouseDown(e));
    this.sizer.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    this.resizeObserver = new ResizeObserver((entries) => {
      this.viewHeight = entries[0]?.contentRect.height ?? this.viewHeight;
      this.invalidate();
    });
    this.resizeObserver.observe(this.element);
    this.element.setAttribute('aria-busy', 'true');
    // The first slice once the task that made the tree is over (it is in the page by then: a paged tree's
    // first screens are small), its lines drawn at once so the next frame paints them.
    queueMicrotask(() => this.buildSlice(true));
  }

  /** Walks the tree for one slice of time and draws what is known; the rest follows in later tasks. */
  private buildSlice(first = false): void {
    this.buildTimer = undefined;
    if (this.disposed) return;
    const done = this.lines.buildSome(performance.now() + BUILD_SLICE_MS);
    if (first) {
      if (this.frame !== 0) cancelAnimationFrame(this.frame);
      this.render();
    } else this.invalidate();
    if (done) this.updateBusy();
    else this.buildTimer = setTimeout(() => this.buildSlice(), 0);
  }

  /** Busy while the first walk or a gap's children are on their way. */
  private updateBusy(): void {
    if (this.lines.complete && this.loading === 0) this.element.removeAttribute('aria-busy');
    else this.element.setAttribute('aria-busy', 'true');
  }

  /** Asks for the children of gaps in or near the lines drawn. */
  private loadGaps(first: number, end: number): void {
    if (!this.events.loadChildren) return;
    const stop = Math.min(this.lines.length, end + GAP_LOOKAHEAD);
    for (let line = first; line < stop; line++) {
      const gap = this.lines.gapAt(line);
      if (gap && !gap.loading && gap.problem === undefined) this.load(gap);
    }
  }

  private load(gap: TreeGap): void {
    const lines = this.lines;
    const from = gap.parent.children?.length ?? 0;
    gap.loading = true;
    this.loading++;
    this.updateBusy();
    const settle = (): void => {
      this.loading--;
      if (this.disposed) return;
      this.updateBusy();
      this.redrawAll();
    };
    this.events.loadChildren!(gap.section, lines.indexPath(gap.parent), from, lines.opensByRule(gap)).then(
      (nodes) => {
        if (this.disposed) return settle();
        if (nodes.length === 0) lines.fail(gap, t('the host sent none'));
        const changed = lines.fill(gap, from, nodes);
        if (changed) {
          // Lines put in above the active one move it (and the view, when they are above it).
          const grown = changed.added - 1;
          if (changed.at < this.active) this.active += grown;
          if (changed.at * TREE_LINE_HEIGHT < this.scrollTop) this.scrollTo(this.scrollTop + grown * TREE_LINE_HEIGHT);
        }
        settle();
      },
      (e: unknown) => {
        if (!this.disposed) lines.fail(gap, e instanceof Error ? e.message : String(e));
        settle();
      },
    );
  }

  /** Lines shown (the expanded part of the tree). */
  get lineCount(): number {
    return this.lines.length;
  }

  focus(): void {
    this.element.focus({ preventScroll: true });
  }

  /** Stops observing the element; the tree is not drawn again. */
  dispose(): void {
    this.disposed = true;
    this.resizeObserver.disconnect();
    if (this.buildTimer !== undefined) clearTimeout(this.buildTimer);
    this.buildTimer = undefined;
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  // ------------------------------------------------------------------------------------------------

  private invalidate(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    if (!this.element.isConnected) return;
    const count = this.lines.length;
    this.fitSizer();
    const top = this.scrollTop;
    const first = Math.max(0, Math.floor(top / TREE_LINE_HEIGHT) - OVERSCAN);
    const end = Math.min(count, Math.ceil((top + (this.viewHeight || ASSUMED_VIEW_HEIGHT)) / TREE_LINE_HEIGHT) + OVERSCAN);
    const needed = Math.max(0, end - first);
    while (this.pool.length < needed) this.pool.push(this.createLine());
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i]!;
      if (i >= needed) {
        if (row.root.isConnected) row.root.remove();
        row.line = -1;
        continue;
      }
      if (!row.root.isConnected) this.sizer.append(row.root);
      this.drawLine(row, first + i);
    }
    this.loadGaps(first, end);
    const activeRow = this.pool.find((r) => r.line === this.active && r.root.isConnected);
    const id = activeRow?.root.id ?? '';
    if (id !== this.shownActive) {
      this.shownActive = id;
      if (id) this.element.setAttribute('aria-activedescendant', id);
      else this.element.removeAttribute('aria-activedescendant');
    }
  }

  private createLine(): LineElements {
    const twisty = h('span', { className: 'codicon codicon-blank decoded-twisty', attrs: { 'aria-hidden': 'true' } });
    const key = h('span', { className: 'decoded-key' });
    const type = h('span', { className: 'decoded-type' });
    const value = h('span', { className: 'decoded-value' });
    const root = h('div', {
      className: 'decoded-line',
      testId: 'decoded-node',
      attrs: { role: 'treeitem', id: `${this.idPrefix}${this.pool.length}`, 'aria-selected': 'false' },
    }, [twisty, key, type, value]);
    return { root, twisty, key, type, value, line: -1, drawn: '' };
  }

  private drawLine(row: LineElements, line: number): void {
    const lines = this.lines;
    const node = lines.nodes[line]!;
    const container = lines.isContainer(line);
    const open = container && lines.isExpanded(line);
    const selected = line === this.active;
    const state = `${open ? 'o' : container ? 'c' : 'l'}${selected ? 's' : ''}`;
    if (row.line === line && row.drawn === state) return;
    row.line = line;
    row.drawn = state;
    const el = row.root;
    el.style.transform = `translateY(${line * TREE_LINE_HEIGHT}px)`;
    const level = lines.levels[line]!;
    el.style.paddingLeft = `${4 + (level - 1) * 14}px`;
    el.setAttribute('aria-level', String(level));
    el.setAttribute('aria-posinset', String(lines.positions[line]));
    el.setAttribute('aria-setsize', String(lines.setSizes[line]));
    el.setAttribute('aria-selected', String(selected));
    el.classList.toggle('selected', selected);
    el.classList.toggle('section-root', level === 1);
    el.dataset.line = String(line);
    el.dataset.path = lines.path(line);
    if (node.offset !== undefined) el.dataset.offset = String(node.offset);
    else delete el.dataset.offset;
    if (container) el.setAttribute('aria-expanded', String(open));
    else el.removeAttribute('aria-expanded');
    row.twisty.className = `codicon codicon-${container ? (open ? 'chevron-down' : 'chevron-right') : 'blank'} decoded-twisty`;
    // Keys, types and values are from the network: control and bidi characters drawn as muted escapes.
    const title = level === 1 ? lines.trees[lines.sections[line]!]!.title : node.key;
    setEscapedText(row.key, title, PREVIEW_ESCAPE_RUNS);
    row.key.hidden = title === '';
    setEscapedText(row.type, node.type, PREVIEW_ESCAPE_RUNS);
    const value = node.value !== undefined ? shortValue(node.value) : container ? childCount(node) : '';
    setEscapedText(row.value, value, PREVIEW_ESCAPE_RUNS);
    // A gap's line (children on their way) reads as a count does.
    row.value.classList.toggle('decoded-count', node.value === undefined || lines.gapAt(line) !== undefined);
    row.value.title = node.value !== undefined && node.value.length > VALUE_CHARS ? t('{0} characters; the line shows the first {1}', node.value.length, VALUE_CHARS) : '';
  }

  private setActive(line: number, reveal = true): void {
    const target = Math.min(this.lines.length - 1, Math.max(0, line));
    if (target < 0) return;
    const changed = target !== this.active;
    this.active = target;
    if (reveal) this.reveal(target);
    this.redrawAll();
    if (changed) this.select();
  }

  /** Tells the owner which node is selected now. */
  select(): void {
    const node = this.lines.nodes[this.active];
    if (node) this.events.onSelect(node, this.lines.sections[this.active]!, this.lines.path(this.active));
  }

  private reveal(line: number): void {
    const top = line * TREE_LINE_HEIGHT;
    const view = this.viewHeight || ASSUMED_VIEW_HEIGHT;
    if (top < this.scrollTop) this.scrollTo(top);
    else if (top + TREE_LINE_HEIGHT > this.scrollTop + view) this.scrollTo(top + TREE_LINE_HEIGHT - view);
  }

  private scrollTo(top: number): void {
    // Lines added since the last frame are not in the sizer's height yet: without them the browser would
    // stop the scroll at the old end, short of the line revealed (End right after the walk's last slice).
    this.fitSizer();
    this.element.scrollTop = top;
    this.scrollTop = top;
  }

  /** The sizer a line's height per line, so every line can be scrolled to. */
  private fitSizer(): void {
    const height = `${this.lines.length * TREE_LINE_HEIGHT}px`;
    if (this.sizer.style.height !== height) this.sizer.style.height = height;
  }

  private redrawAll(): void {
    for (const row of this.pool) row.drawn = '';
    this.invalidate();
  }

  private toggle(line: number, open = !this.lines.isExpanded(line)): void {
    if (!this.lines.setExpanded(line, open)) return;
    this.redrawAll();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const lines = this.lines;
    const line = this.active;
    const page = Math.max(1, Math.floor((this.viewHeight || ASSUMED_VIEW_HEIGHT) / TREE_LINE_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        this.setActive(line + 1);
        break;
      case 'ArrowUp':
        this.setActive(line - 1);
        break;
      case 'PageDown':
        this.setActive(line + page);
        break;
      case 'PageUp':
        this.setActive(line - page);
        break;
      case 'Home':
        this.setActive(0);
        break;
      case 'End':
        this.setActive(lines.length - 1);
        break;
      case 'ArrowRight':
        if (!lines.isContainer(line)) return;
        if (!lines.isExpanded(line)) this.toggle(line, true);
        else this.setActive(line + 1);
        break;
      case 'ArrowLeft':
        if (lines.isExpanded(line)) this.toggle(line, false);
        else if (lines.parentLine(line) >= 0) this.setActive(lines.parentLine(line));
        else return;
        break;
      case 'Enter':
      case ' ':
        if (!lines.isContainer(line)) return;
        this.toggle(line);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  private lineAt(e: MouseEvent): number | undefined {
    const el = (e.target as HTMLElement).closest<HTMLElement>('.decoded-line');
    const line = el?.dataset.line === undefined ? NaN : Number(el.dataset.line);
    return Number.isInteger(line) ? line : undefined;
  }

  private onMouseDown(e: MouseEvent): void {
    if (e.button !== 0) return;
    const line = this.lineAt(e);
    if (line === undefined) return;
    if ((e.target as HTMLElement).classList.contains('decoded-twisty')) this.toggle(line);
    this.setActive(line, false);
  }

  private onDoubleClick(e: MouseEvent): void {
    const line = this.lineAt(e);
    if (line !== undefined && this.lines.isContainer(line)) this.toggle(line);
  }
}
