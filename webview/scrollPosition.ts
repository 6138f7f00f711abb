// Where a virtualized view (the log; the detail pane's Hex, Text and big JSON) is scrolled to, and what
// moves it: the scroller's own scrolling, the wheel when positions are scaled, and keys from the tab
// panel holding a detail view. The content position is the truth (scrollScale.ts); the scroller's
// scrollTop is derived from it, except when the user drags the scrollbar.
import {
  clampContentTop,
  contentTopFromScrollTop,
  scaledWheelDelta,
  scrollHeight,
  scrollKeyTarget,
  scrollTopFromContentTop,
  visibleRows,
  type ScrollGeometry,
} from './scrollScale';

/** The rows to draw and how far down the viewport to put the first. */
export interface RowsInView {
  readonly first: number;
  readonly end: number;
  readonly offsetY: number;
}

/** The scroll position of one view; `changed` asks the view to draw again (once a frame). */
export class ScrollPosition {
  contentTop = 0;
  /** The scrollTop the view last set itself, so its own scroll event is not taken for the user's. */
  private ownScrollTop = -1;
  /** The spacer's height as last set, to touch the DOM only on change. */
  private spacerHeight = -1;

  constructor(
    private readonly geometry: () => ScrollGeometry,
    private readonly changed: () => void,
  ) {}

  /** The scroller was scrolled (by the user, unless it is where the view put it). */
  onScroll(scrollTop: number): void {
    if (Math.abs(scrollTop - this.ownScrollTop) < 1) return;
    this.ownScrollTop = scrollTop;
    this.contentTop = contentTopFromScrollTop(this.geometry(), scrollTop);
    this.changed();
  }

  onWheel(e: WheelEvent): void {
    const delta = scaledWheelDelta(this.geometry(), e);
    if (delta === undefined) return;
    e.preventDefault();
    this.moveTo(this.contentTop + delta);
  }

  onKey(e: KeyboardEvent): void {
    const to = e.defaultPrevented ? undefined : scrollKeyTarget(this.geometry(), this.contentTop, e);
    if (to === undefined) return;
    e.preventDefault();
    this.moveTo(to);
  }

  moveTo(contentTop: number): void {
    this.contentTop = clampContentTop(this.geometry(), contentTop);
    this.changed();
  }

  /**
   * Clamps the position, sizes the scroll range (`spacer` below a viewport-high viewport) and sets the
   * scroller's scrollTop to the position; returns the geometry it sized for.
   */
  size(scroller: HTMLElement, spacer: HTMLElement): ScrollGeometry {
    const g = this.geometry();
    this.contentTop = clampContentTop(g, this.contentTop);
    const height = Math.max(0, scrollHeight(g) - g.viewportHeight);
    if (height !== this.spacerHeight) {
      this.spacerHeight = height;
      spacer.style.height = `${height}px`;
    }
    const wanted = scrollTopFromContentTop(g, this.contentTop);
    if (Math.abs(scroller.scrollTop - wanted) >= 1) {
      scroller.scrollTop = wanted;
      this.ownScrollTop = scroller.scrollTop;
    }
    return g;
  }

  /** size(), then the rows in view. */
  apply(scroller: HTMLElement, spacer: HTMLElement): RowsInView {
    return visibleRows(this.size(scroller, spacer), this.contentTop);
  }
}
