// The panel's split: the log beside the detail pane when the page is wide enough, above it when not.

/** Narrower than this, the detail pane goes below the log instead of beside it. */
const SIDE_BY_SIDE_MIN_WIDTH = 760;

/** A split layout of `log` and `detail` that turns with `root`'s width (for the page's lifetime). */
export function createMainSplit(root: HTMLElement, log: HTMLElement, detail: HTMLElement): HTMLElement {
  const split = document.createElement('vscode-split-layout') as HTMLElement & { split: 'horizontal' | 'vertical' };
  split.className = 'main-split';
  split.setAttribute('initial-handle-position', '58%');
  split.setAttribute('min-start', '240px');
  split.setAttribute('min-end', '200px');
  log.setAttribute('slot', 'start');
  detail.setAttribute('slot', 'end');
  split.append(log, detail);
  new ResizeObserver(() => {
    const orientation: typeof split.split = root.clientWidth >= SIDE_BY_SIDE_MIN_WIDTH ? 'vertical' : 'horizontal';
    if (split.split !== orientation) split.split = orientation;
  }).observe(root);
  return split;
}
