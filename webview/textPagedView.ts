// The Text tab over a payload of any size: rows (shared/codecs/textRows.ts: a row per line, long lines
// wrapped at a fixed byte width) virtualized as the log is, so only the rows in view are in the DOM, with
// a scaled scroll (scrollScale.ts) past the browser's height cap. The row index comes from the host (a few
// numbers per 64 KiB) and the bytes from the entry's PayloadSource, a page at a time.
import { MAX_LOAD, type PayloadSource } from './payloadSource';
import type { TextRowsResult } from '../shared/protocol';
import { blockOfRow, indexTextRows, textRowEnd, TEXT_INDEX_BLOCK, TEXT_ROW_WIDTH, type TextRowIndex } from '../shared/codecs/textRows';
import type { ScrollGeometry } from './scrollScale';
import { ScrollPosition } from './scrollPosition';
import { h } from './domBuilder';
import { t } from './l10n';
import { selectedText } from './escapedText';
import { rowNodes } from './textRow';

/**
 * Height drawn for while the tab is hidden (a few rows: hidden rows are laid out all at once when the tab
 * is shown), and the row height assumed until one can be measured.
 */
const HIDDEN_VIEWPORT_PX = 36;
const NOMINAL_ROW_PX = 18;
/** Nodes (text runs and escape spans) put into the page in one frame at most. */
const FILL_NODE_BUDGET = 250;

/** Payloads up to this size are indexed in the page from the prefix it has; larger ones by the host. */
const LOCAL_INDEX_BYTES = 64 * 1024;
/** Rows drawn past the viewport's bottom, so a small scroll needs no new page. */
const OVERSCAN = 2;

/** What the view asks the host for. */
export interface TextRowsFetcher {
  getTextRows(seq: number): Promise<TextRowsResult>;
}

/** A Text tab; dispose() when another entry is shown. */
export interface TextView {
  readonly element: HTMLElement;
  dispose(): void;
}

/** The Text tab of the payload `source` pages in. */
export function renderPagedText(source: PayloadSource, fetcher: TextRowsFetcher): TextView {
  return new PagedText(source, fetcher);
}

class PagedText implements TextView {
  readonly element: HTMLElement;
  private readonly note: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly pre: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly resize: ResizeObserver;
  private index: TextRowIndex | undefined;
  private rowHeight = 0;
  private viewportHeight = 0;
  private readonly position = new ScrollPosition(() => this.geometry(), () => this.invalidate());
  /** Row number → its element, for the rows in the DOM, in order. */
  private rows = new Map<number, HTMLElement>();
  /** Rows in the DOM still waiting for their bytes. */
  private pending = 0;
  /** Start of the window being loaded, so a redraw does not ask twice. */
  private loading = -1;
  private frame = 0;
  private disposed = false;
  /** The row height was not measured (the tab was hidden): measure again when drawing next. */
  private rowHeightGuessed = false;
  /** The tab panel holding the view: it has the keyboard focus (the pane focuses it), so it hears the keys. */
  private keyHost: HTMLElement | undefined;
  private readonly keyListener = (e: KeyboardEvent): void => this.position.onKey(e);

  constructor(private readonly source: PayloadSource, fetcher: TextRowsFetcher) {
    this.pre = h('pre', { className: 'payload-text text-paged-rows', testId: 'detail-text' });
    this.viewport = h('div', { className: 'text-paged-viewport' }, [this.pre]);
    this.spacer = h('div', { className: 'text-paged-spacer' });
    this.scroller = h('div', { className: 'text-paged-scroller', attrs: { tabindex: '-1' } }, [this.viewport, this.spacer]);
    this.note = h('div', { className: 'payload-note' });
    this.note.hidden = true;
    this.element = h('div', { className: 'payload-view text-paged' }, [this.note, this.scroller]);
    this.pre.setAttribute('aria-busy', 'true');

    this.scroller.addEventListener('scroll', () => this.position.onScroll(this.scroller.scrollTop), { passive: true });
    this.scroller.addEventListener('wheel', (e) => this.position.onWheel(e), { passive: false });
    this.pre.addEventListener('copy', (e) => this.onCopy(e));
    // Sized in the next frame: drawing inside the callback would resize what is observed.
    this.resize = new ResizeObserver(() => this.invalidate());
    this.resize.observe(this.scroller);

    const total = source.total;
    const local = total <= LOCAL_INDEX_BYTES ? source.cached(0, total) : undefined;
    if (total === 0) this.setIndex({ rows: 0, rowsBefore: new Float64Array(0), firstStart: new Float64Array(0) });
    else if (local) this.setIndex(indexTextRows(local));
    else {
      fetcher.getTextRows(source.seq).then(
        (r) => this.setIndex({ rows: r.rows, rowsBefore: new Float64Array(r.rowsBefore), firstStart: new Float64Array(r.firstStart) }),
        (e: unknown) => this.fail(e),
      );
    }
  }

  dispose(): void {
    this.disposed = true;
    this.keyHost?.removeEventListener('keydown', this.keyListener);
    this.resize.disconnect();
    cancelAnimationFrame(this.frame);
  }

  // ------------------------------------------------------------------------------------------------

  private setIndex(index: TextRowIndex): void {
    if (this.disposed) return;
    this.index = index;
    if (this.source.total === 0) this.showNote(t('empty payload'));
    else if (index.rows > 1 && this.source.total > TEXT_ROW_WIDTH) this.showNote(t('{0} rows · lines longer than {1} bytes wrap', index.rows.toLocaleString('en-US'), TEXT_ROW_WIDTH));
    this.invalidate();
  }

  private fail(e: unknown): void {
    if (this.disposed) return;
    this.showNote(e instanceof Error ? e.message : String(e));
    this.pre.removeAttribute('aria-busy');
  }

  private showNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = false;
  }

  private geometry(): ScrollGeometry {
    return { rowHeight: this.rowHeight, rowCount: this.index?.rows ?? 0, viewportHeight: this.viewportHeight };
  }

  private invalidate(): void {
    if (this.frame || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private measure(): void {
    const laidOut = this.scroller.clientHeight;
    // A hidden tab has no height: its first screen is drawn at a nominal size all the same, so the text is
    // in the page (find, copy, tests) before the tab is shown; showing it resizes the scroller and redraws.
    this.viewportHeight = laidOut > 0 ? laidOut : HIDDEN_VIEWPORT_PX;
    this.viewport.style.height = `${this.viewportHeight}px`;
    if (this.rowHeight === 0 || this.rowHeightGuessed) {
      const probe = h('div', { className: 'text-row', text: 'M' });
      this.pre.append(probe);
      this.rowHeightGuessed = probe.offsetHeight === 0;
      this.rowHeight = probe.offsetHeight || NOMINAL_ROW_PX;
      probe.remove();
    }
  }

  private onCopy(e: ClipboardEvent): void {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || !e.clipboardData) return;
    let text = '';
    for (let i = 0; i < selection.rangeCount; i++) text += selectedText(selection.getRangeAt(i));
    e.clipboardData.setData('text/plain', text);
    e.preventDefault();
  }

  private draw(): void {
    if (this.disposed) return;
    if (!this.keyHost && this.element.parentElement) {
      this.keyHost = this.element.parentElement;
      this.keyHost.addEventListener('keydown', this.keyListener);
    }
    if (!this.index) return;
    this.measure();
    if (this.viewportHeight === 0 || this.rowHeight === 0) return;
    const { first, end: visibleEnd, offsetY } = this.position.apply(this.scroller, this.spacer);
    const end = Math.min(this.geometry().rowCount, visibleEnd + OVERSCAN);
    this.placeRows(first, end);
    this.pre.style.transform = `translateY(${offsetY}px)`;
    if (this.pending > 0) this.fill(first, end);
    if (this.pending === 0) this.pre.removeAttribute('aria-busy');
    else this.pre.setAttribute('aria-busy', 'true');
  }

  /** Keeps the elements of rows [first, end) that are there (so a selection in them survives), adds the others empty. */
  private placeRows(first: number, end: number): void {
    const kept = new Map<number, HTMLElement>();
    for (const [row, el] of this.rows) {
      if (row >= first && row < end) kept.set(row, el);
      else el.remove();
    }
    const rows = new Map<number, HTMLElement>();
    let previous: HTMLElement | undefined;
    for (let row = first; row < end; row++) {
      let el = kept.get(row);
      if (!el) {
        el = h('div', { className: 'text-row' });
        el.dataset.row = String(row);
        if (previous) previous.after(el);
        else this.pre.prepend(el);
      }
      rows.set(row, el);
      previous = el;
    }
    this.rows = rows;
    this.pending = 0;
    for (const el of rows.values()) if (el.dataset.offset === undefined) this.pending++;
  }

  /** Fills the empty rows of [first, end) from cached pages, or loads the pages and draws again. */
  private fill(first: number, end: number): void {
    const index = this.index!;
    const block = blockOfRow(index, first);
    const start = index.firstStart[block]!;
    const total = this.source.total;
    // Row `first` starts before the next block; each row after it is at most TEXT_ROW_WIDTH + 1 bytes.
    const length = Math.min(MAX_LOAD, Math.min(total, (block + 1) * TEXT_INDEX_BLOCK + (end - first + 1) * (TEXT_ROW_WIDTH + 1)) - start);
    const bytes = this.source.cached(start, length);
    if (!bytes) {
      if (this.loading === start) return;
      this.loading = start;
      this.source.load(start, length).then(
        () => {
          this.loading = -1;
          this.invalidate();
        },
        (e: unknown) => {
          this.loading = -1;
          this.fail(e);
        },
      );
      return;
    }
    // The window ends at the payload's end or a row's width past the last row wanted (textRowEnd's rule).
    let at = 0;
    let nodes = 0;
    for (let row = index.rowsBefore[block]!; row < first; row++) at = textRowEnd(bytes, at);
    for (let row = first; row < end && at < bytes.length; row++) {
      const next = textRowEnd(bytes, at);
      const el = this.rows.get(row)!;
      if (el.dataset.offset === undefined) {
        // Layout costs by the node (a screen of random bytes is ~1,500 spans, ~40 ms): past the budget, the
        // rest of the screen is filled in the next frames.
        if (nodes >= FILL_NODE_BUDGET) {
          this.invalidate();
          return;
        }
        const parts = rowNodes(bytes.subarray(at, next), start + at);
        nodes += parts.length;
        // Filled before it goes in, so the page's observers of added nodes see one row, not each of its spans.
        const filled = h('div', { className: 'text-row' }, parts);
        filled.dataset.row = String(row);
        filled.dataset.offset = String(start + at);
        el.replaceWith(filled);
        this.rows.set(row, filled);
        this.pending--;
      }
      at = next;
    }
  }
}
