// Scroll geometry of the virtualized log. Browsers cap an element's height (Chrome near 33.5M px,
// Firefox near 17.9M), so a million 22 px rows cannot be laid out as they are. The scroller's height is
// capped at MAX_SCROLL_HEIGHT and scroll positions are mapped linearly onto "content" positions, so the
// scrollbar spans the whole log and its end still reaches the last row.
// Pure functions: the view keeps the content position as the truth and derives scrollTop from it.

/** Tallest scroll area used; well below every browser's limit, and exact in float math. */
export const MAX_SCROLL_HEIGHT = 8_000_000;

/** What the mapping depends on. */
export interface ScrollGeometry {
  readonly rowHeight: number;
  readonly rowCount: number;
  readonly viewportHeight: number;
  /** Override of the cap, for tests. */
  readonly maxScrollHeight?: number;
}

/** Height of all rows laid out at full size. */
export function contentHeight(g: ScrollGeometry): number {
  return g.rowCount * g.rowHeight;
}

/** Height of the scroll area: the content's, capped. */
export function scrollHeight(g: ScrollGeometry): number {
  return Math.min(contentHeight(g), g.maxScrollHeight ?? MAX_SCROLL_HEIGHT);
}

/** Largest content position (the last row's bottom at the viewport's bottom). */
export function maxContentTop(g: ScrollGeometry): number {
  return Math.max(0, contentHeight(g) - g.viewportHeight);
}

/** Largest scrollTop of the scroll area. */
export function maxScrollTop(g: ScrollGeometry): number {
  return Math.max(0, scrollHeight(g) - g.viewportHeight);
}

/** Whether positions are scaled (the log is taller than the cap). */
export function isScaled(g: ScrollGeometry): boolean {
  return contentHeight(g) > scrollHeight(g);
}

/** What of a wheel event the scroll mapping reads. */
export interface WheelMove {
  readonly deltaX: number;
  readonly deltaY: number;
  /** 0 pixels, 1 lines, 2 pages. */
  readonly deltaMode: number;
  readonly ctrlKey: boolean;
}

/**
 * How far a wheel event moves the content, in content px, when the view must move it itself; undefined
 * when the browser's own scrolling serves (unscaled positions are smoothest scrolled natively; Ctrl is
 * zoom; a mostly sideways move is not the list's). Scaled, one notch must still move a few rows, not the
 * thousands its scrollTop distance would stand for.
 */
export function scaledWheelDelta(g: ScrollGeometry, e: WheelMove): number | undefined {
  if (!isScaled(g) || e.ctrlKey || Math.abs(e.deltaY) < Math.abs(e.deltaX)) return undefined;
  const unit = e.deltaMode === 1 ? g.rowHeight : e.deltaMode === 2 ? g.viewportHeight : 1;
  return e.deltaY * unit;
}

/** What of a key event scrollKeyTarget reads. */
export interface ScrollKey {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly altKey: boolean;
  readonly metaKey: boolean;
}

/**
 * Where a key moves a view that only scrolls (no cursor): arrows a row, Page Up/Down a screen less a row,
 * Ctrl+Home/End to the ends; undefined for other keys. Not clamped.
 */
export function scrollKeyTarget(g: ScrollGeometry, contentTop: number, e: ScrollKey): number | undefined {
  if (e.ctrlKey && e.key === 'Home') return 0;
  if (e.ctrlKey && e.key === 'End') return maxContentTop(g);
  if (e.altKey || e.metaKey) return undefined;
  const page = Math.max(g.rowHeight, g.viewportHeight - g.rowHeight);
  const moves: Record<string, number> = { ArrowDown: g.rowHeight, ArrowUp: -g.rowHeight, PageDown: page, PageUp: -page };
  const move = moves[e.key];
  return move === undefined ? undefined : contentTop + move;
}

/** Content position for a scrollTop; the ends map to the ends exactly. */
export function contentTopFromScrollTop(g: ScrollGeometry, scrollTop: number): number {
  const maxScroll = maxScrollTop(g);
  const maxContent = maxContentTop(g);
  if (maxScroll <= 0) return 0;
  const s = Math.min(Math.max(scrollTop, 0), maxScroll);
  if (!isScaled(g)) return Math.min(s, maxContent);
  return s >= maxScroll ? maxContent : (s / maxScroll) * maxContent;
}

/** scrollTop for a content position. */
export function scrollTopFromContentTop(g: ScrollGeometry, contentTop: number): number {
  const maxScroll = maxScrollTop(g);
  const maxContent = maxContentTop(g);
  if (maxContent <= 0) return 0;
  const c = Math.min(Math.max(contentTop, 0), maxContent);
  if (!isScaled(g)) return c;
  return c >= maxContent ? maxScroll : (c / maxContent) * maxScroll;
}

/** Clamps a content position to the valid range. */
export function clampContentTop(g: ScrollGeometry, contentTop: number): number {
  return Math.min(Math.max(contentTop, 0), maxContentTop(g));
}

/** The rows to draw for a content position: [first, end) and the y of row `first` in the viewport. */
export function visibleRows(g: ScrollGeometry, contentTop: number): { first: number; end: number; offsetY: number } {
  if (g.rowCount === 0 || g.rowHeight <= 0) return { first: 0, end: 0, offsetY: 0 };
  const top = clampContentTop(g, contentTop);
  const first = Math.min(g.rowCount - 1, Math.floor(top / g.rowHeight));
  const offsetY = first * g.rowHeight - top;
  const end = Math.min(g.rowCount, first + Math.ceil((g.viewportHeight - offsetY) / g.rowHeight) + 1);
  return { first, end, offsetY };
}

/** Content position that brings `row` fully into view, moving as little as possible. */
export function revealRow(g: ScrollGeometry, contentTop: number, row: number): number {
  const top = row * g.rowHeight;
  const bottom = top + g.rowHeight;
  if (top < contentTop) return clampContentTop(g, top);
  if (bottom > contentTop + g.viewportHeight) return clampContentTop(g, bottom - g.viewportHeight);
  return contentTop;
}
