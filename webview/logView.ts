// The virtualized log: only the rows in view exist, as a pool of plain divs recycled as the view
// scrolls. The scroll area's height is capped and positions are scaled (scrollScale.ts), so a million
// entries scroll end to end. The content position is the truth; scrollTop is derived from it, except
// when the user drags the scrollbar.
import { GRID_LABEL, gridRowCount, gridRowIndex, gridKeyTarget, HEADER_ROWS, spokenDirection } from './ariaGrid';
import { h, setText } from './domBuilder';
import { directionIcon, directionLabel, legLabel, formatBytes, formatTime, kindLabel, rowPreview } from './entryFormat';
import { dirKindDirection, dirKindKind, isAutoReplyDirKind } from '../shared/logModel';
import { t } from './l10n';
import type { LogStore } from './logStore';
import { copyRows, createRow, drawAutoMark, drawSummary, setPreview, type RowElements } from './logRow';
import type { RowSummary, SummaryCache } from './summaryCache';
import { ScrollPosition } from './scrollPosition';
import { maxContentTop, revealRow, type ScrollGeometry, visibleRows } from './scrollScale';

/** Pixel height of one row; fixed so positions are arithmetic. */
export const ROW_HEIGHT = 22;

/** Callbacks of the log view. */
export interface LogViewEvents {
  /** The selected entry changed (undefined: nothing selected). */
  onSelect(seq: number | undefined): void;
  /** Following the tail started or stopped (the user scrolled away from or back to the end). */
  onFollowChange(following: boolean): void;
  /** Enter on the active row: show its details (the pane takes the keyboard). */
  onOpen?(seq: number): void;
}

/** The scrolling list of log rows. */
export class LogView {
  readonly element: HTMLDivElement;
  private proxy = false;
  private readonly scroller: HTMLDivElement;
  private readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly rows: RowElements[] = [];
  private viewportHeight = 0;
  /** Moved by the user (scrollbar, wheel), it also starts or stops following the tail. */
  private readonly position = new ScrollPosition(
    () => this.geometry(),
    () => {
      this.setFollowing(this.isAtEnd());
      this.invalidate();
    },
  );
  private lastRenderedTop = 0;
  private following = true;
  private paused = false;
  private selected: number | undefined;
  /** Where a Shift+click range starts (the selected row then ends it); undefined: one row. */
  private anchor: number | undefined;
  private frame = 0;
  private readonly resizeObserver: ResizeObserver;
  /** The scroller changed size since the last render. */
  private resized = false;
  /** aria-rowcount and aria-activedescendant as last set, to touch the DOM only on change. */
  private shownRowCount = -1;
  private shownActive = '';

  constructor(
    private readonly store: LogStore,
    private readonly events: LogViewEvents,
    /** One-line summaries of decoded messages, shown instead of the raw preview while enabled. */
    private readonly summaries?: SummaryCache,
  ) {
    this.spacer = h('div', { className: 'log-spacer' });
    this.viewport = h('div', { className: 'log-viewport', attrs: { role: 'presentation' } });
    this.empty = h('div', { className: 'log-empty', text: t('No entries yet.'), attrs: { id: 'log-empty' } });
    // The grid is the one tab stop and holds the keyboard; rows are its aria-activedescendant. The
    // scroller only scrolls: focusable by click (tabindex -1, so Chrome does not add it to the tab
    // order as a scroll container) and handing focus straight on to the grid.
    this.scroller = h('div', {
      className: 'log-scroller',
      testId: 'log',
      attrs: { tabindex: '-1', role: 'rowgroup' },
    }, [this.viewport, this.spacer]);
    const header = h('div', { className: 'log-header', attrs: { role: 'row', 'aria-rowindex': String(HEADER_ROWS) } }, [
      h('span', { className: 'c-time', text: t('Time'), attrs: { role: 'columnheader' } }),
      h('span', { className: 'c-dir', attrs: { role: 'columnheader', 'aria-label': t('Direction') } }),
      h('span', { className: 'c-kind', text: t('Kind'), attrs: { role: 'columnheader' } }),
      h('span', { className: 'c-len', text: t('Length'), attrs: { role: 'columnheader' } }),
      h('span', { className: 'c-preview', text: t('Payload'), attrs: { role: 'columnheader' } }),
    ]);
    this.element = h('div', {
      className: 'log',
      testId: 'log-grid',
      attrs: { tabindex: '0', role: 'grid', 'aria-label': GRID_LABEL, 'aria-readonly': 'true', 'aria-colcount': String(header.children.length) },
    }, [header, this.scroller, this.empty]);

    this.scroller.addEventListener('scroll', () => this.position.onScroll(this.scroller.scrollTop), { passive: true });
    this.scroller.addEventListener('wheel', (e) => this.position.onWheel(e), { passive: false });
    this.element.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.scroller.addEventListener('focus', () => this.element.focus({ preventScroll: true }));
    this.viewport.addEventListener('mousedown', (e) => this.onMouseDown(e));
    // Selected previews copy as the characters their escapes stand for (\r\n as CR LF).
    this.viewport.addEventListener('copy', (e) => copyRows(e));
    // Measured in the next frame: sizing the viewport inside the callback re-lays the observed scroller
    // after the observers ran ("ResizeObserver loop completed with undelivered notifications").
    this.resizeObserver = new ResizeObserver(() => {
      this.resized = true;
      this.invalidate();
    });
    this.resizeObserver.observe(this.scroller);
  }

  /** The selected seq, if any. */
  get selectedSeq(): number | undefined {
    return this.selected;
  }

  /** Whether the view sticks to the newest entry. */
  get isFollowing(): boolean {
    return this.following && !this.paused;
  }

  /** Rows of a proxy pair name their leg (client → server, server → client) instead of in/out. */
  setProxy(proxy: boolean): void {
    if (this.proxy === proxy) return;
    this.proxy = proxy;
    this.invalidate();
  }

  /** Redraws on the next animation frame. */
  invalidate(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.render());
  }

  /** Pauses (or resumes) following new entries, from the toolbar. */
  setPaused(paused: boolean): void {
    const was = this.isFollowing;
    this.paused = paused;
    if (!paused) this.scrollToEnd();
    else if (was) this.events.onFollowChange(false);
  }

  /** Scrolls to the newest entry and follows it. */
  scrollToEnd(): void {
    this.setFollowing(true);
    this.position.contentTop = maxContentTop(this.geometry());
    this.invalidate();
  }

  /** Scrolls to the first row. */
  scrollToStart(): void {
    this.position.contentTop = 0;
    this.setFollowing(this.isAtEnd());
    this.invalidate();
  }

  /** The selected rows, first and last seq (Shift+click extends a selection); undefined when none. */
  get selectedRange(): { from: number; to: number } | undefined {
    if (this.selected === undefined) return undefined;
    const other = this.anchor ?? this.selected;
    return { from: Math.min(other, this.selected), to: Math.max(other, this.selected) };
  }

  /** Selects an entry and scrolls it into view; `extend` keeps the range's first row (Shift). */
  select(seq: number | undefined, reveal = true, extend = false): void {
    this.anchor = extend && seq !== undefined ? (this.anchor ?? this.selected) : undefined;
    if (seq !== this.selected) {
      this.selected = seq;
      this.events.onSelect(seq);
    }
    if (seq !== undefined && reveal) {
      const row = this.store.rowOf(seq);
      if (row >= 0) this.position.contentTop = revealRow(this.geometry(), this.position.contentTop, row);
      this.setFollowing(this.isAtEnd());
    }
    this.invalidate();
  }

  /** Moves keyboard focus into the list. */
  focus(): void {
    this.element.focus({ preventScroll: true });
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
  }

  // ------------------------------------------------------------------------------------------------

  private geometry(): ScrollGeometry {
    return { rowHeight: ROW_HEIGHT, rowCount: this.store.rowCount, viewportHeight: this.viewportHeight };
  }

  private isAtEnd(): boolean {
    return this.position.contentTop >= maxContentTop(this.geometry()) - ROW_HEIGHT / 2;
  }

  private setFollowing(following: boolean): void {
    const was = this.isFollowing;
    this.following = following;
    if (this.isFollowing !== was) this.events.onFollowChange(this.isFollowing);
  }

  private measure(): void {
    this.resized = false;
    const height = this.scroller.clientHeight;
    if (height === this.viewportHeight) return;
    this.viewportHeight = height;
    this.viewport.style.height = `${height}px`;
    this.invalidate();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.target !== this.element || e.altKey || e.metaKey) return;
    if (e.key === 'Escape') {
      this.select(undefined);
      return;
    }
    if (e.key === 'Enter') {
      if (this.selected === undefined || !this.events.onOpen) return;
      e.preventDefault();
      this.events.onOpen(this.selected);
      return;
    }
    const current = this.selected === undefined ? -1 : this.store.rowOf(this.selected);
    const row = gridKeyTarget(e.key, {
      count: this.store.rowCount,
      active: current < 0 ? undefined : current,
      firstVisible: this.firstVisibleRow(),
      pageRows: Math.floor(this.viewportHeight / ROW_HEIGHT) - 1,
    });
    if (row === undefined) return;
    e.preventDefault();
    const seq = this.store.seqAt(row);
    // Shift with a move extends the selection, as Shift+click does.
    if (seq !== undefined) this.select(seq, true, e.shiftKey);
  }

  private firstVisibleRow(): number {
    return Math.floor(this.position.contentTop / ROW_HEIGHT);
  }

  private onMouseDown(e: MouseEvent): void {
    if (e.button !== 0) return;
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.log-row');
    const seq = rowEl?.dataset.id === undefined ? undefined : Number(rowEl.dataset.id);
    if (seq === undefined || !Number.isFinite(seq)) return;
    // The click also focuses the scroller (tabindex), so arrow keys continue from here.
    this.select(seq, false, e.shiftKey);
  }

  private render(): void {
    this.frame = 0;
    if (this.resized || this.viewportHeight === 0) this.measure();
    if (this.isFollowing) this.position.contentTop = maxContentTop(this.geometry());
    const g = this.position.size(this.scroller, this.spacer);

    const { first, end, offsetY } = visibleRows(g, this.position.contentTop);
    const needed = end - first;
    while (this.rows.length < needed) this.rows.push(createRow(this.rows.length));
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      if (i >= needed) {
        // Unused rows leave the DOM, so every [data-testid=log-row] present is a row in view.
        if (row.root.isConnected) row.root.remove();
        row.seq = -1;
        continue;
      }
      if (!row.root.isConnected) this.viewport.append(row.root);
      this.drawRow(row, first + i, offsetY + i * ROW_HEIGHT);
    }
    this.updateGridState(g.rowCount);
    this.empty.hidden = g.rowCount > 0;
    setText(this.empty, this.store.filter.active ? (this.store.filter.done ? t('No entries match the filter.') : t('Filtering…')) : t('No entries yet.'));

    // Fetch what is in view first, then a screen above and below for smooth scrolling — unless the view
    // moved more than a screen since the last frame (a fling or a drag), where neighbours go stale unseen.
    this.store.ensureRows(first, end);
    const moved = Math.abs(this.position.contentTop - this.lastRenderedTop);
    this.lastRenderedTop = this.position.contentTop;
    if (moved <= this.viewportHeight) this.store.ensureRows(first - needed, end + needed);
  }

  /** aria-rowcount, and the active row for assistive technology while it is in view. */
  private updateGridState(rowCount: number): void {
    if (rowCount !== this.shownRowCount) {
      this.shownRowCount = rowCount;
      this.element.setAttribute('aria-rowcount', String(gridRowCount(rowCount)));
      // An empty grid says why ("No entries yet.", "No entries match the filter.").
      if (rowCount === 0) this.element.setAttribute('aria-describedby', this.empty.id);
      else this.element.removeAttribute('aria-describedby');
    }
    const active = this.selected === undefined ? undefined : this.rows.find((r) => r.seq === this.selected && r.root.isConnected);
    const id = active?.root.id ?? '';
    if (id === this.shownActive) return;
    this.shownActive = id;
    if (id) this.element.setAttribute('aria-activedescendant', id);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private drawRow(row: RowElements, index: number, y: number): void {
    if (y !== row.y) {
      row.y = y;
      row.root.style.transform = `translateY(${y}px)`;
    }
    const seq = this.store.seqAt(index)!;
    const range = this.anchor === undefined ? undefined : this.selectedRange;
    const selected = seq === this.selected || (range !== undefined && seq >= range.from && seq <= range.to);
    if (selected !== row.selected) {
      row.selected = selected;
      row.root.classList.toggle('selected', selected);
      row.root.setAttribute('aria-selected', String(selected));
    }
    if (index !== row.index) {
      row.index = index;
      row.root.setAttribute('aria-rowindex', String(gridRowIndex(index)));
    }
    const entry = this.store.cache.get(seq);
    const summary = entry !== undefined && this.summaries?.enabled ? this.summaryOf(seq, entry.page.dirKind[entry.slot]!) : undefined;
    const generation = this.store.generation;
    if (row.seq === seq && row.generation === generation && row.loaded === (entry !== undefined) && row.summary === summary) return;
    row.seq = seq;
    row.generation = generation;
    row.loaded = entry !== undefined;
    drawSummary(row, summary);
    const el = row.root;
    el.dataset.id = String(seq);
    if (!entry) {
      drawAutoMark(row, false);
      el.classList.add('loading');
      delete el.dataset.direction;
      delete el.dataset.kind;
      row.arrow.className = 'codicon codicon-blank c-dir';
      row.arrow.removeAttribute('aria-label');
      setText(row.time, '');
      setText(row.kind, '');
      setText(row.length, '');
      setPreview(row, '…');
      return;
    }
    const { page, slot } = entry;
    const dk = page.dirKind[slot]!;
    const direction = dirKindDirection(dk);
    const kind = dirKindKind(dk);
    drawAutoMark(row, isAutoReplyDirKind(dk));
    const length = page.length[slot]!;
    el.classList.remove('loading');
    el.dataset.direction = directionLabel(direction);
    el.dataset.kind = kindLabel(kind);
    row.arrow.className = `codicon codicon-${directionIcon(direction, kind)} c-dir`;
    row.arrow.setAttribute('aria-label', this.proxy ? legLabel(direction, this.proxy) : spokenDirection(direction));
    row.arrow.title = legLabel(direction, this.proxy);
    setText(row.time, formatTime(page.wallTime[slot]!));
    setText(row.kind, kindLabel(kind));
    setText(row.length, direction === 2 ? '' : formatBytes(length));
    if (!summary) setPreview(row, rowPreview(direction, kind, page.code[slot]!, length, page.preview(slot)));
  }

  /** The summary of a message row (asked for when unknown); undefined for events and control frames. */
  private summaryOf(seq: number, dirKind: number): RowSummary | null | undefined {
    const kind = dirKindKind(dirKind);
    if (dirKindDirection(dirKind) === 2 || (kind !== 0 && kind !== 1 && kind !== 5)) return undefined;
    return this.summaries!.get(seq);
  }
}
