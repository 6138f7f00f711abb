// The Hex tab over the whole payload, of any size: offset | hex | ASCII, drawn only for the rows in view
// from the entry's PayloadSource (64 KiB pages fetched on demand, rows not yet fetched drawn as
// placeholders). Rows have a fixed height and the scroll is scaled (scrollScale.ts) when the dump is
// taller than browsers lay out, as vscode-hexeditor does. A range can be marked (a decoded node's bytes),
// bytes selected by mouse or keyboard and copied, an offset gone to and bytes found (on the host).
import { clear, h } from './domBuilder';
import { formatBytes } from './entryFormat';
import { HexToolbar } from './hexToolbar';
import { ROW_WIDTHS, asciiTextRange, byteAtHexChar, cursorMove, hexRowChars, hexTextRange, offsetDigits, rowCount, rowsText } from './hexLayout';
import { t } from './l10n';
import type { PayloadSource } from './payloadSource';
import { ScrollPosition } from './scrollPosition';
import { clampContentTop, revealRow, visibleRows, type ScrollGeometry } from './scrollScale';

/** Height of a dump row in px (styles/detail.css sets the same line-height). */
export const HEX_ROW_PX = 18;
/** Space around and between the three columns (payload-view padding, two 12 px gaps), in px. */
const DUMP_CHROME_PX = 20 + 24;
/** Rows drawn above and below the viewport, so a small scroll shows bytes already laid out. */
const MARGIN_ROWS = 2;

/** A byte range: [offset, offset + length); length 0 is the position `offset`. */
export interface HexRange {
  readonly offset: number;
  readonly length: number;
}

/** The paged hex dump and a way to mark bytes in it. */
export interface HexView {
  readonly element: HTMLElement;
  /**
   * Marks bytes [offset, offset + length) (length 0 marks the one byte at `offset`) and, when `scroll`,
   * brings them into view; undefined takes the mark away. Returns false when the bytes are past the end.
   */
  highlight(range: HexRange | undefined, scroll?: boolean): boolean;
  /** Scrolls the mark to the middle of the view (once the tab is laid out). */
  revealMark(): void;
  /** Re-lays the rows (16, 8 or 4 bytes) so the dump fits `width` px; the pane calls it when it resizes. */
  fit(width: number): void;
  dispose(): void;
}

/** What the view needs beyond the payload. */
export interface HexViewDeps {
  /** Copies bytes [offset, offset + length) of the payload to the clipboard, as hex or as text. */
  copyRange(offset: number, length: number, as: 'hex' | 'text'): Promise<void>;
}

/** Renders the paged hex dump of `source`. */
export function renderPagedHex(source: PayloadSource, deps: HexViewDeps): HexView {
  return new PagedHexView(source, deps);
}

class PagedHexView implements HexView {
  readonly element: HTMLElement;
  private readonly toolbar: HexToolbar;
  private readonly scroller: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly dump: HTMLElement;
  private readonly offsetsPre: HTMLElement;
  private readonly hexPre: HTMLElement;
  private readonly asciiPre: HTMLElement;
  private readonly marked: HTMLElement;
  private readonly resize: ResizeObserver;
  private readonly total: number;
  private perRow: number = ROW_WIDTHS[0];
  private viewportHeight = 0;
  private readonly position = new ScrollPosition(() => this.geometry(), () => this.invalidate());
  private frame = 0;
  /** What the DOM shows, to redraw only on change. */
  private drawnKey = '';
  private mark: HexRange | undefined;
  /** The selection runs from anchor to cursor, both included; the cursor is where the keys move. */
  private anchor = 0;
  private cursor = 0;
  /** The column the user last clicked: Ctrl+C copies hex from the hex column, text from the ASCII one. */
  private column: 'hex' | 'ascii' = 'hex';
  private dragging: ((e: MouseEvent) => void) | undefined;
  private disposed = false;
  /** The tab panel holding the view, which the pane focuses (F6, Enter on a row): its keys move the cursor too. */
  private keyHost: HTMLElement | undefined;
  private readonly hostKeys = (e: KeyboardEvent): void => void (e.target === this.keyHost && this.onKeyDown(e));

  constructor(
    private readonly source: PayloadSource,
    private readonly deps: HexViewDeps,
  ) {
    this.total = source.total;
    this.toolbar = new HexToolbar({
      total: this.total,
      goTo: (offset) => {
        this.select(offset, offset);
        this.reveal(offset, true);
        this.scroller.focus({ preventScroll: true });
      },
      find: (needle, backwards) => this.find(needle, backwards),
    });
    this.offsetsPre = h('pre', { className: 'hex-offsets', attrs: { 'aria-hidden': 'true' } });
    this.hexPre = h('pre', { className: 'hex-bytes', attrs: { 'aria-label': t('Hex') } });
    this.asciiPre = h('pre', { className: 'hex-ascii', attrs: { 'aria-label': 'ASCII' } });
    this.dump = h('div', { className: 'hex-dump', testId: 'detail-hex', attrs: { 'data-bytes-per-row': String(this.perRow) } }, [
      this.offsetsPre,
      this.hexPre,
      this.asciiPre,
    ]);
    this.viewport = h('div', { className: 'hex-viewport' }, [this.dump]);
    this.spacer = h('div', { className: 'hex-spacer' });
    this.scroller = h('div', {
      className: 'hex-scroller',
      testId: 'hex-scroller',
      attrs: {
        tabindex: '0',
        role: 'region',
        'aria-label': t('Hex dump of {0} bytes: arrow keys move, Shift selects, Ctrl+C copies, Ctrl+G goes to an offset, Ctrl+F finds', this.total),
        'data-total': String(this.total),
      },
    }, [this.viewport, this.spacer]);
    this.marked = h('div', { className: 'payload-note hex-marked', testId: 'hex-marked' });
    this.marked.hidden = true;
    const empty = this.total === 0 ? h('div', { className: 'payload-note', text: t('empty payload') }) : undefined;
    this.element = h('div', { className: 'payload-view hex-paged' }, [this.toolbar.element, empty, this.marked, this.scroller]);

    this.scroller.addEventListener('scroll', () => this.position.onScroll(this.scroller.scrollTop), { passive: true });
    this.scroller.addEventListener('wheel', (e) => this.position.onWheel(e), { passive: false });
    this.element.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.scroller.addEventListener('copy', (e) => this.onCopyEvent(e));
    this.hexPre.addEventListener('mousedown', (e) => this.onMouseDown(e, 'hex'));
    this.asciiPre.addEventListener('mousedown', (e) => this.onMouseDown(e, 'ascii'));
    this.resize = new ResizeObserver(() => this.invalidate());
    this.resize.observe(this.scroller);
    this.sayPosition();
    this.draw();
  }

  highlight(range: HexRange | undefined, scroll = true): boolean {
    if (range === undefined) {
      this.mark = undefined;
      this.marked.hidden = true;
      this.invalidate();
      return true;
    }
    if (range.offset < 0 || range.offset >= this.total) return false;
    this.mark = range;
    const first = range.offset;
    this.marked.textContent =
      range.length === 0
        ? t('Marked: offset {0} (0x{1})', first, first.toString(16))
        : t('Marked: {0} at offset {1} (0x{2})', formatBytes(range.length), first, first.toString(16));
    this.marked.hidden = false;
    if (scroll) this.revealMark();
    this.invalidate();
    return true;
  }

  revealMark(): void {
    if (this.mark) this.reveal(this.mark.offset, true);
  }

  fit(width: number): void {
    const charPx = this.charPx();
    if (width <= 0 || charPx <= 0) return;
    const digits = offsetDigits(this.total);
    const fits = ROW_WIDTHS.find((n) => (digits + hexRowChars(n) + n) * charPx + DUMP_CHROME_PX <= width) ?? ROW_WIDTHS[2];
    if (fits === this.perRow) return;
    // Keep the byte at the top of the view at the top.
    const topByte = Math.floor(this.position.contentTop / HEX_ROW_PX) * this.perRow;
    this.perRow = fits;
    this.dump.dataset.bytesPerRow = String(fits);
    this.position.contentTop = Math.floor(topByte / fits) * HEX_ROW_PX;
    this.draw();
  }

  dispose(): void {
    this.disposed = true;
    this.keyHost?.removeEventListener('keydown', this.hostKeys);
    cancelAnimationFrame(this.frame);
    this.resize.disconnect();
    this.stopDrag();
  }

  private geometry(): ScrollGeometry {
    return { rowHeight: HEX_ROW_PX, rowCount: rowCount(this.total, this.perRow), viewportHeight: this.viewportHeight };
  }

  /** Width of one character of the dump's font: every offset has the same number of digits. */
  private charPx(): number {
    const width = this.offsetsPre.getBoundingClientRect().width;
    return width > 0 ? width / offsetDigits(this.total) : 0;
  }

  private invalidate(): void {
    if (this.frame || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Brings byte `offset` into view: to the middle when `center`, else moving as little as possible. */
  private reveal(offset: number, center: boolean): void {
    if (this.viewportHeight === 0) this.viewportHeight = this.scroller.clientHeight;
    const g = this.geometry();
    const row = Math.floor(offset / this.perRow);
    this.position.contentTop = center
      ? clampContentTop(g, row * HEX_ROW_PX - (this.viewportHeight - HEX_ROW_PX) / 2)
      : revealRow(g, this.position.contentTop, row);
    this.draw();
  }

  private draw(): void {
    if (this.disposed) return;
    if (!this.keyHost && this.element.parentElement) {
      this.keyHost = this.element.parentElement;
      this.keyHost.addEventListener('keydown', this.hostKeys);
    }
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const height = this.scroller.clientHeight;
    if (height !== this.viewportHeight) {
      this.viewportHeight = height;
      this.viewport.style.height = `${height}px`;
    }
    const g = this.position.size(this.scroller, this.spacer);
    // Before the pane is laid out (height 0) a screen's worth is drawn, so the tab shows bytes at once.
    const rows = visibleRows(g.viewportHeight > 0 ? g : { ...g, viewportHeight: 40 * HEX_ROW_PX }, this.position.contentTop);
    const first = Math.max(0, rows.first - MARGIN_ROWS);
    const end = Math.min(g.rowCount, rows.end + MARGIN_ROWS);
    const from = first * this.perRow;
    const length = Math.min(this.total, end * this.perRow) - from;
    const bytes = this.source.cached(from, length);
    if (!bytes) this.load(from, length);
    const top = rows.offsetY - (rows.first - first) * HEX_ROW_PX;
    this.dump.style.transform = `translateY(${top}px)`;
    const lo = Math.min(this.anchor, this.cursor);
    const hi = Math.max(this.anchor, this.cursor);
    const key = [first, end, this.perRow, bytes !== undefined, this.mark?.offset, this.mark?.length, lo, hi, this.column].join();
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    const text = rowsText(bytes, first, end, this.perRow, this.total);
    this.offsetsPre.textContent = text.offsets;
    const markLast = this.mark ? Math.min(this.total - 1, this.mark.offset + Math.max(1, this.mark.length) - 1) : -1;
    const selection = this.total > 0 ? ([lo, hi] as const) : undefined;
    const ranges = (at: typeof hexTextRange) => ({
      mark: this.mark ? at(this.mark.offset, markLast, first, end, this.perRow) : undefined,
      selection: selection ? at(selection[0], selection[1], first, end, this.perRow) : undefined,
    });
    fillColumn(this.hexPre, text.hex, ranges(hexTextRange), 'hex-mark', this.column === 'hex');
    fillColumn(this.asciiPre, text.ascii, ranges(asciiTextRange), 'hex-mark-ascii', this.column === 'ascii');
    this.dump.toggleAttribute('aria-busy', !bytes);
  }

  /** Fetches bytes [from, from + length) and draws again when they are there. */
  private load(from: number, length: number): void {
    this.source.load(from, length).then(
      () => this.invalidate(),
      () => undefined, // Disposed (another entry shown) or evicted from the log: nothing to draw.
    );
  }

  /** The byte under the pointer in `column` (clamped into the payload). */
  private byteAt(e: MouseEvent, column: 'hex' | 'ascii'): number {
    const pre = column === 'hex' ? this.hexPre : this.asciiPre;
    const box = pre.getBoundingClientRect();
    const first = Math.max(0, visibleRows(this.geometry(), this.position.contentTop).first - MARGIN_ROWS);
    const row = first + Math.floor((e.clientY - box.top) / HEX_ROW_PX);
    const ch = Math.max(0, Math.floor((e.clientX - box.left) / Math.max(1, this.charPx())));
    const inRow = column === 'hex' ? byteAtHexChar(ch, this.perRow) : Math.min(this.perRow - 1, ch);
    return Math.min(this.total - 1, Math.max(0, row * this.perRow + inRow));
  }

  private onMouseDown(e: MouseEvent, column: 'hex' | 'ascii'): void {
    if (e.button !== 0 || this.total === 0) return;
    e.preventDefault();
    this.scroller.focus({ preventScroll: true });
    this.column = column;
    const at = this.byteAt(e, column);
    this.select(e.shiftKey ? this.anchor : at, at);
    this.stopDrag();
    const move = (m: MouseEvent) => this.select(this.anchor, this.byteAt(m, column));
    this.dragging = move;
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', this.stopDrag, { once: true });
  }

  private readonly stopDrag = (): void => {
    if (!this.dragging) return;
    window.removeEventListener('mousemove', this.dragging);
    window.removeEventListener('mouseup', this.stopDrag);
    this.dragging = undefined;
  };

  /** Selects bytes from `anchor` to `cursor` (both included). */
  private select(anchor: number, cursor: number): void {
    const last = Math.max(0, this.total - 1);
    this.anchor = Math.min(last, Math.max(0, anchor));
    this.cursor = Math.min(last, Math.max(0, cursor));
    this.sayPosition();
    this.invalidate();
  }

  private sayPosition(): void {
    if (this.total === 0) return;
    const lo = Math.min(this.anchor, this.cursor);
    const n = Math.abs(this.cursor - this.anchor) + 1;
    this.scroller.dataset.selection = `${lo},${n}`;
    this.toolbar.say(
      n === 1
        ? t('Offset {0} (0x{1}) of {2}', this.cursor, this.cursor.toString(16), this.total)
        : t('Selected {0} at offset {1} (0x{2})', formatBytes(n), lo, lo.toString(16)),
    );
  }

  private onKeyDown(e: KeyboardEvent): void {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.shiftKey && !e.altKey && (e.key === 'g' || e.key === 'G')) {
      e.preventDefault();
      this.toolbar.focusGoTo();
      return;
    }
    if (mod && !e.shiftKey && !e.altKey && (e.key === 'f' || e.key === 'F')) {
      // Inside the Hex tab Ctrl+F finds bytes, as in an editor; elsewhere the page's handler opens the filter.
      e.preventDefault();
      e.stopPropagation();
      this.toolbar.focusFind();
      return;
    }
    if (e.key === 'F3') {
      e.preventDefault();
      this.toolbar.find(e.shiftKey);
      return;
    }
    if ((e.target !== this.scroller && e.target !== this.keyHost) || this.total === 0 || e.altKey) return;
    if (mod && (e.key === 'c' || e.key === 'C')) {
      e.preventDefault();
      this.copySelection();
      return;
    }
    if (mod && (e.key === 'a' || e.key === 'A')) {
      e.preventDefault();
      this.select(0, this.total - 1);
      return;
    }
    const pageRows = Math.max(1, Math.floor(this.viewportHeight / HEX_ROW_PX) - 1);
    const to = cursorMove(e.key, mod, this.cursor, this.perRow, pageRows, this.total);
    if (to === undefined) {
      if (e.key === 'Escape' && this.anchor !== this.cursor) this.select(this.cursor, this.cursor);
      return;
    }
    e.preventDefault();
    // A page key turns the page, as in an editor: the view moves as far as the cursor does.
    if (e.key === 'PageDown' || e.key === 'PageUp') this.position.contentTop += (Math.floor(to / this.perRow) - Math.floor(this.cursor / this.perRow)) * HEX_ROW_PX;
    this.select(e.shiftKey ? this.anchor : to, to);
    this.reveal(to, false);
  }

  private onCopyEvent(e: ClipboardEvent): void {
    // The editor's Copy command (VS Code runs it in the webview) while the dump has the keyboard.
    e.preventDefault();
    this.copySelection();
  }

  private copySelection(): void {
    const lo = Math.min(this.anchor, this.cursor);
    const n = Math.abs(this.cursor - this.anchor) + 1;
    const as: 'text' | 'hex' = this.column === 'ascii' ? 'text' : 'hex';
    this.deps.copyRange(lo, n, as).then(
      () => this.toolbar.say(as === 'text' ? t('Copied {0} at offset {1} as text', formatBytes(n), lo) : t('Copied {0} at offset {1} as hex', formatBytes(n), lo)),
      (err: unknown) => this.toolbar.say(err instanceof Error ? err.message : String(err), true),
    );
  }

  private async find(needle: Uint8Array, backwards: boolean): Promise<string> {
    const lo = Math.min(this.anchor, this.cursor);
    // Forward from the byte after the selection's start; backward from the byte before it.
    const from = backwards ? lo - 1 : lo + 1;
    const found = from < 0 || from >= this.total ? -1 : await this.source.find(needle, from, backwards);
    if (this.disposed) return '';
    if (found < 0) return backwards ? t('Not found before offset {0} (0x{1})', lo, lo.toString(16)) : t('Not found after offset {0} (0x{1})', lo, lo.toString(16));
    this.select(found, found + needle.length - 1);
    this.reveal(found, true);
    return t('Found at offset {0} (0x{1})', found, found.toString(16));
  }
}

interface ColumnRanges {
  readonly mark: readonly [number, number] | undefined;
  readonly selection: readonly [number, number] | undefined;
}

/**
 * Fills a column with `text`: the mark (one <mark>, so its text reads as the marked bytes) and the
 * selection (spans, inside the mark where they overlap it).
 */
function fillColumn(pre: HTMLElement, text: string, ranges: ColumnRanges, markTestId: string, active: boolean): void {
  clear(pre);
  pre.classList.toggle('hex-active-column', active);
  const [ma, mb] = ranges.mark ?? [text.length, text.length];
  const part = (from: number, to: number): Array<Node | string> => {
    if (from >= to) return [];
    const sel = ranges.selection;
    if (!sel || sel[1] <= from || sel[0] >= to) return [text.slice(from, to)];
    const a = Math.max(from, sel[0]);
    const b = Math.min(to, sel[1]);
    return [text.slice(from, a), h('span', { className: 'hex-selected', testId: 'hex-selected', text: text.slice(a, b) }), text.slice(b, to)];
  };
  pre.append(...part(0, ma));
  if (ranges.mark) pre.append(h('mark', { className: 'hex-mark', testId: markTestId }, part(ma, mb)));
  pre.append(...part(mb, text.length));
}
