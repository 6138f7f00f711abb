// One row of the virtualized log (logView.ts): its elements, made once and recycled as the view
// scrolls, and the badges drawn in its preview cell: the summary's, and the mark of an auto-reply.
import { t } from './l10n';
import { h, icon } from './domBuilder';
import { formatBadge, formatName } from './decodeNames';
import type { RowSummary } from './summaryCache';

/** The elements of a row and what it shows now. */
export interface RowElements {
  readonly root: HTMLDivElement;
  readonly time: HTMLSpanElement;
  readonly arrow: HTMLSpanElement;
  readonly kind: HTMLSpanElement;
  readonly length: HTMLSpanElement;
  readonly preview: HTMLSpanElement;
  /** The preview's text, and the badge put before it while the row shows a summary. */
  readonly previewText: Text;
  readonly badge: HTMLSpanElement;
  readonly badgeLabel: Text;
  /** The mark of an auto-reply (sent by an auto-reply rule, not typed), put first in the preview while it is one. */
  readonly autoMark: HTMLSpanElement;
  /** What the row shows now: seq and whether it was drawn with data, to skip redundant updates. */
  seq: number;
  /**
   * The store's log generation the row was drawn from: after a reconnect the same seq is another entry,
   * and a snapshot with the new entries can arrive before the next frame draws.
   */
  generation: number;
  /** 0-based position in the view, for aria-rowindex (a seq's position moves as old entries go). */
  index: number;
  loaded: boolean;
  /** The summary drawn (undefined: the raw preview). */
  summary: RowSummary | null | undefined;
  selected: boolean;
  y: number;
}

/** A row's elements, not yet in the DOM; `n` numbers its id. */
export function createRow(n: number): RowElements {
  const cell = { role: 'gridcell' };
  const time = h('span', { className: 'c-time', attrs: cell });
  // The arrow is the direction cell: a cell of its own, named in words.
  const arrow = icon('blank', 'c-dir');
  arrow.removeAttribute('aria-hidden');
  arrow.setAttribute('role', 'gridcell');
  const kind = h('span', { className: 'c-kind', attrs: cell });
  const length = h('span', { className: 'c-len', attrs: cell });
  const previewText = document.createTextNode('');
  const preview = h('span', { className: 'c-preview', attrs: cell }, [previewText]);
  // The badge says the text is the layer's or codec's reading, not the bytes (with a word for screen readers).
  const badgeLabel = document.createTextNode('');
  const badge = h('span', { className: 'summary-badge' }, [badgeLabel, h('span', { className: 'sr-only', text: ': ' })]);
  const autoMark = h('span', { className: 'auto-reply-mark', testId: 'auto-reply-mark', attrs: { title: t('Sent by an auto-reply rule') } }, [
    icon('reply'),
    h('span', { className: 'sr-only', text: `${t('Auto-reply')}: ` }),
  ]);
  const root = h('div', { className: 'log-row', testId: 'log-row', attrs: { role: 'row', id: `log-row-${n}`, 'aria-selected': 'false' } }, [time, arrow, kind, length, preview]);
  return { root, time, arrow, kind, length, preview, previewText, badge, badgeLabel, autoMark, seq: -1, generation: -1, index: -1, loaded: false, summary: undefined, selected: false, y: NaN };
}

/** Puts the summary's badge and text in the preview cell, or takes the badge away for the raw preview. */
export function drawSummary(row: RowElements, summary: RowSummary | null | undefined): void {
  row.summary = summary;
  if (!summary) {
    // Only a row that showed a summary has anything to undo: the raw scroll path touches nothing more.
    if (row.badge.parentNode !== null) {
      row.badge.remove();
      row.root.classList.remove('summarised');
    }
    return;
  }
  const format = summary.format;
  const label = format === undefined ? t('DEC') : formatBadge(format);
  if (row.badgeLabel.data !== label) row.badgeLabel.data = label;
  row.badge.title = format === undefined ? t('Decoded summary') : t('{0} summary', formatName(format));
  if (row.badge.parentNode !== row.preview) row.preview.insertBefore(row.badge, row.previewText);
  row.root.classList.add('summarised');
  setPreview(row, summary.text);
}

/** Shows or takes away the row's auto-reply mark. */
export function drawAutoMark(row: RowElements, auto: boolean): void {
  if (auto === (row.autoMark.parentNode !== null)) return;
  if (auto) row.preview.insertBefore(row.autoMark, row.preview.firstChild);
  else row.autoMark.remove();
}

/** Sets the preview cell's text (beside the badge, if any) when it changed. */
export function setPreview(row: RowElements, text: string): void {
  if (row.previewText.data !== text) row.previewText.data = text;
}
