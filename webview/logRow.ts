// One row of the virtualized log (logView.ts): its elements, made once and recycled as the view
// scrolls, the badges drawn in its preview cell (the summary's, and the mark of an auto-reply), and the
// preview's control characters as muted escapes (escapedText.ts), as the Text tab draws them.
import { hasControls } from '../shared/codecs/controlEscapes';
import { escapedNodes, PREVIEW_ESCAPE_RUNS, selectedText, selectionHasEscapes } from './escapedText';
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
  /**
   * The preview's first text node, and the badge put before it while the row shows a summary. A preview
   * with control characters goes on after it: a muted span per run of escapes, and the text between.
   */
  readonly previewText: Text;
  /** The preview's characters as drawn (control characters included, not escaped). */
  previewShown: string;
  readonly badge: HTMLSpanElement;
  readonly badgeLabel: Text;
  /** The mark of an auto-reply (sent by an auto-reply rule or a mock, not typed), put first in the preview while it is one. */
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
  const autoMark = h('span', { className: 'auto-reply-mark', testId: 'auto-reply-mark', attrs: { title: t('Sent automatically, by an auto-reply rule or a mock') } }, [
    icon('reply'),
    h('span', { className: 'sr-only', text: `${t('Auto-reply')}: ` }),
  ]);
  const root = h('div', { className: 'log-row', testId: 'log-row', attrs: { role: 'row', id: `log-row-${n}`, 'aria-selected': 'false' } }, [time, arrow, kind, length, preview]);
  return { root, time, arrow, kind, length, preview, previewText, previewShown: '', badge, badgeLabel, autoMark, seq: -1, generation: -1, index: -1, loaded: false, summary: undefined, selected: false, y: NaN };
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

/** Shows or takes away the row's auto-reply mark (first in the preview: before the badge and the text). */
export function drawAutoMark(row: RowElements, auto: boolean): void {
  if (auto === (row.autoMark.parentNode !== null)) return;
  if (auto) row.preview.insertBefore(row.autoMark, row.preview.firstChild);
  else row.autoMark.remove();
}

/**
 * Sets the preview cell's text (beside the badge, if any) when it changed: one text node when it has no
 * control characters (the common case, and the fast path while scrolling), else text nodes and a muted
 * span per run of escapes.
 */
export function setPreview(row: RowElements, text: string): void {
  if (row.previewShown === text) return;
  row.previewShown = text;
  // A recycled row drops the nodes its last preview had after the first one.
  for (let next = row.previewText.nextSibling; next; next = row.previewText.nextSibling) next.remove();
  if (!hasControls(text)) {
    row.previewText.data = text;
    return;
  }
  const nodes = escapedNodes(text, PREVIEW_ESCAPE_RUNS);
  const first = nodes[0];
  row.previewText.data = typeof first === 'string' ? first : '';
  row.preview.append(...(typeof first === 'string' ? nodes.slice(1) : nodes));
}

/** Between two text nodes of copied rows: a line break between rows, a tab between cells. */
function rowBreak(previous: Node, next: Node): string {
  const row = next.parentElement?.closest('.log-row');
  if (row !== previous.parentElement?.closest('.log-row')) return '\n';
  return next.parentElement?.closest('[role=gridcell]') === previous.parentElement?.closest('[role=gridcell]') ? '' : '\t';
}

/**
 * Copy of rows whose selection holds escapes: the characters they stand for, rows on lines of their own.
 * Without escapes it is left to the browser (false), which copies what it shows.
 */
export function copyRows(e: ClipboardEvent): boolean {
  const selection = document.getSelection();
  if (!selection || !e.clipboardData || !selectionHasEscapes(selection)) return false;
  let text = '';
  for (let i = 0; i < selection.rangeCount; i++) text += selectedText(selection.getRangeAt(i), rowBreak);
  e.clipboardData.setData('text/plain', text);
  e.preventDefault();
  return true;
}
