import { t } from './l10n';
// The log as an ARIA grid: numbering and keyboard movement. The log is virtualized (only rows in view
// exist), so screen readers learn the size and each row's place from aria-rowcount and aria-rowindex,
// never from the DOM. Pure: no DOM, tested in plain Node.

/** Header rows above the entries: the column header row is row 1 of the grid. */
export const HEADER_ROWS = 1;

/** aria-rowcount of a grid showing `entryRows` entries (header rows included, as ARIA counts them). */
export function gridRowCount(entryRows: number): number {
  return entryRows + HEADER_ROWS;
}

/** aria-rowindex (1-based, header rows first) of the entry at 0-based position `row` in the view. */
export function gridRowIndex(row: number): number {
  return row + 1 + HEADER_ROWS;
}

/** What a screen reader says for a row's direction cell (the arrow icon has no text). */
export function spokenDirection(direction: number): string {
  return direction === 0 ? t('received') : direction === 1 ? t('sent') : t('connection event');
}

/** Where the keyboard stands in the grid, for {@link gridKeyTarget}. */
export interface GridPosition {
  /** Entry rows in the view (filtered count while a filter is set). */
  readonly count: number;
  /** The active row, or undefined when none is (then movement starts at `firstVisible`). */
  readonly active: number | undefined;
  /** The first row in view. */
  readonly firstVisible: number;
  /** Rows one PageUp/PageDown moves. */
  readonly pageRows: number;
}

/**
 * The row a navigation key moves the active row to (clamped to the grid), or undefined when the key
 * does not move it or the grid is empty. Up/Down: one row; PageUp/PageDown: a screen; Home/End (and
 * Ctrl+Home/Ctrl+End, as in grids of the ARIA practices): the first and the last row.
 */
export function gridKeyTarget(key: string, p: GridPosition): number | undefined {
  if (p.count <= 0) return undefined;
  const from = p.active ?? Math.min(p.count - 1, Math.max(0, p.firstVisible));
  let target: number;
  switch (key) {
    case 'ArrowDown':
      target = p.active === undefined ? from : from + 1;
      break;
    case 'ArrowUp':
      target = p.active === undefined ? from : from - 1;
      break;
    case 'PageDown':
      target = from + Math.max(1, p.pageRows);
      break;
    case 'PageUp':
      target = from - Math.max(1, p.pageRows);
      break;
    case 'Home':
      target = 0;
      break;
    case 'End':
      target = p.count - 1;
      break;
    default:
      return undefined;
  }
  return Math.min(p.count - 1, Math.max(0, target));
}

/** The grid's accessible name. */
export const GRID_LABEL = t('Message log');
