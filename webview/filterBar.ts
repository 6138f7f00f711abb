// The filter strip: text (substring or /regex/), directions, kinds, auto-replies (only them or none, where a
// log can hold them), and "N of M" entries.
import { Kind } from '../shared/logModel';
import type { AutoReplyFilter, FilterSpec } from '../shared/protocol';
import { h, setText } from './domBuilder';
import { formatCount } from './entryFormat';
import { t } from './l10n';

/** Milliseconds of typing pause before the filter is applied. */
const TYPING_DELAY_MS = 150;

/** The data-testid suffix of each direction button, by direction (in, out, meta). */
const DIRECTION_TEST_IDS: readonly ('in' | 'out' | 'meta')[] = ['in', 'out', 'meta'];

type ValueElement = HTMLElement & { value: string; invalid: boolean };
type ToggleElement = HTMLElement & { checked: boolean };
type SelectElement = HTMLElement & { value: string };

/** Kind choices: single kinds and the groups people filter by. Values are comma-joined Kind numbers. */
const KIND_CHOICES: ReadonlyArray<readonly [label: string, kinds: readonly number[]]> = [
  [t('All kinds'), []],
  [t('Text'), [Kind.Text]],
  [t('Binary'), [Kind.Binary]],
  [t('Data (TCP)'), [Kind.Data]],
  [t('Control frames'), [Kind.Ping, Kind.Pong, Kind.Close]],
  [t('Ping'), [Kind.Ping]],
  [t('Pong'), [Kind.Pong]],
  [t('Close'), [Kind.Close]],
  [t('Connection events'), [Kind.Connecting, Kind.Open, Kind.Handshake, Kind.Error, Kind.Closed, Kind.Note]],
  [t('Errors'), [Kind.Error]],
];

/** Auto-reply choices: every entry, only the auto-replies, none of them (the FilterSpec value; '' for every entry). */
const AUTO_REPLY_CHOICES: ReadonlyArray<readonly [label: string, value: AutoReplyFilter | '']> = [
  [t('Any sender'), ''],
  [t('Only auto-replies'), 'only'],
  [t('No auto-replies'), 'none'],
];

/** What the filter bar reports. */
export interface FilterBarDeps {
  /** The filter changed; null when nothing filters. */
  onChange(filter: FilterSpec | null): void;
  /** More controls shown after the filter's own (e.g. the pairing field). */
  readonly extras?: readonly HTMLElement[];
}

/** Whether a spec filters anything at all. */
export function isActive(spec: FilterSpec): boolean {
  return spec.text !== '' || spec.directions.length > 0 || spec.kinds.length > 0 || spec.autoReplies !== undefined;
}

/** The filter strip above the log. */
export class FilterBar {
  readonly element: HTMLElement;
  private readonly text: ValueElement;
  private readonly directions: ToggleElement[];
  private readonly kinds: SelectElement;
  /** Hidden (and not applied) in panels whose log cannot hold auto-replies: see showAutoReplies. */
  private readonly autoReplies: SelectElement;
  private readonly count: HTMLElement;
  private readonly total: HTMLElement;
  private readonly error: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private countsKey = '';

  constructor(private readonly deps: FilterBarDeps) {
    this.text = document.createElement('vscode-textfield') as ValueElement;
    this.text.className = 'filter-text';
    this.text.dataset.testid = 'filter';
    this.text.setAttribute('placeholder', t('Filter: text or /regex/i'));
    this.text.setAttribute('aria-label', t('Filter entries by payload text or /regular expression/'));
    const searchIcon = document.createElement('vscode-icon');
    searchIcon.setAttribute('name', 'filter');
    searchIcon.setAttribute('slot', 'content-before');
    this.text.append(searchIcon);
    this.text.addEventListener('input', () => this.changedSoon());
    this.text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.changedNow();
      if (e.key === 'Escape' && this.text.value) {
        this.text.value = '';
        this.changedNow();
      }
    });

    const directionDefs: Array<[number, 'arrow-down' | 'arrow-up' | 'info', string]> = [
      [0, 'arrow-down', t('Received')],
      [1, 'arrow-up', t('Sent')],
      [2, 'info', t('Connection events')],
    ];
    this.directions = directionDefs.map(([value, iconName, label]) => {
      const b = document.createElement('vscode-toolbar-button') as ToggleElement;
      b.setAttribute('icon', iconName);
      b.setAttribute('toggleable', '');
      b.setAttribute('label', t('Only {0}', label.toLowerCase()));
      b.title = t('{0} only (combine to show several)', label);
      b.dataset.testid = `filter-direction-${DIRECTION_TEST_IDS[value]}`;
      b.dataset.value = String(value);
      b.addEventListener('change', () => this.changedNow());
      return b;
    });

    this.kinds = document.createElement('vscode-single-select') as SelectElement;
    this.kinds.className = 'filter-kinds';
    this.kinds.dataset.testid = 'filter-kinds';
    this.kinds.setAttribute('aria-label', t('Filter by kind'));
    for (const [label, kinds] of KIND_CHOICES) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', kinds.join(','));
      o.textContent = label;
      this.kinds.append(o);
    }
    this.kinds.addEventListener('change', () => this.changedNow());

    this.autoReplies = document.createElement('vscode-single-select') as SelectElement;
    this.autoReplies.className = 'filter-auto-replies';
    this.autoReplies.dataset.testid = 'filter-auto-replies';
    this.autoReplies.setAttribute('aria-label', t('Filter by sender: any, only auto-replies, or no auto-replies'));
    this.autoReplies.title = t('Auto-replies: what auto-reply rules or a mock sent by themselves');
    for (const [label, value] of AUTO_REPLY_CHOICES) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', value);
      o.textContent = label;
      this.autoReplies.append(o);
    }
    this.autoReplies.hidden = true;
    this.autoReplies.addEventListener('change', () => this.changedNow());

    this.error = h('span', { className: 'filter-error', testId: 'filter-error', attrs: { role: 'alert' } });
    this.error.hidden = true;
    this.count = h('span', { className: 'filter-count', testId: 'filter-count' });
    this.total = h('span', { className: 'log-count', testId: 'log-count', text: '0' });
    this.element = h('div', { className: 'filter-bar', attrs: { role: 'search' } }, [
      this.text,
      h('span', { className: 'toggle-group' }, this.directions),
      this.kinds,
      this.autoReplies,
      this.error,
      ...(deps.extras ?? []),
      h('span', { className: 'spacer' }),
      this.count,
      h('span', { className: 'count-label' }, [this.total, ' ', t('entries')]),
    ]);
  }

  /** The filter as currently set. */
  spec(): FilterSpec {
    return {
      text: this.text.value,
      directions: this.directions.filter((d) => d.checked).map((d) => Number(d.dataset.value)),
      kinds: (this.kinds.value ?? '').split(',').filter((k) => k !== '').map(Number),
      ...(this.autoReplyChoice() !== undefined ? { autoReplies: this.autoReplyChoice()! } : {}),
    };
  }

  /**
   * Shows the auto-reply choice, or hides it where the log cannot hold auto-replies: only a listener (its
   * rules, a mock) sends them, and another log (a session file) holds them only if the host says so. A
   * hidden choice is kept but not applied; when showing or hiding it changes what filters, that is reported.
   */
  showAutoReplies(shown: boolean): void {
    if (this.autoReplies.hidden === !shown) return;
    this.autoReplies.hidden = !shown;
    if ((this.autoReplies.value ?? '') !== '') this.changedNow();
  }

  /** The auto-reply choice in effect: undefined while it is hidden or set to any sender. */
  private autoReplyChoice(): AutoReplyFilter | undefined {
    const v = this.autoReplies.value;
    return !this.autoReplies.hidden && (v === 'only' || v === 'none') ? v : undefined;
  }

  /** Sets the controls (restoring state); does not report a change. */
  restore(spec: FilterSpec): void {
    this.text.value = spec.text;
    for (const d of this.directions) d.checked = spec.directions.includes(Number(d.dataset.value));
    const key = spec.kinds.join(',');
    this.kinds.value = KIND_CHOICES.some(([, kinds]) => kinds.join(',') === key) ? key : '';
    // Saved state from before the choice existed has no autoReplies: every sender.
    this.autoReplies.value = AUTO_REPLY_CHOICES.some(([, v]) => v === spec.autoReplies) ? spec.autoReplies! : '';
  }

  /**
   * Mentions the field filters of the connection's protocol layer (`event:chat`) in the placeholder and
   * the label; undefined goes back to text and regex only.
   */
  setFieldHint(example: string | undefined): void {
    const placeholder = example === undefined ? t('Filter: text or /regex/i') : t('Filter: text, /regex/i or a field ({0})', example);
    const label =
      example === undefined
        ? t('Filter entries by payload text or /regular expression/')
        : t('Filter entries by payload text, /regular expression/ or a decoded field such as {0}', example);
    if (this.text.getAttribute('placeholder') !== placeholder) this.text.setAttribute('placeholder', placeholder);
    if (this.text.getAttribute('aria-label') !== label) this.text.setAttribute('aria-label', label);
    this.text.title = example === undefined ? '' : t('Decoded fields filter as name:value, e.g. {0}', example);
  }

  /** Shows a problem with the filter (an invalid regex), or clears it. */
  setError(message: string | undefined): void {
    setText(this.error, message ?? '');
    this.error.hidden = !message;
    this.text.invalid = Boolean(message);
  }

  /** Updates "N of M" and the total. */
  setCounts(total: number, matched: number | undefined, scanning: boolean): void {
    const key = `${total}/${matched}/${scanning}`;
    if (key === this.countsKey) return;
    this.countsKey = key;
    setText(this.total, formatCount(total));
    this.total.dataset.count = String(total);
    setText(this.count, matched === undefined ? '' : scanning ? t('{0} of {1} (filtering…)', formatCount(matched), formatCount(total)) : t('{0} of {1}', formatCount(matched), formatCount(total)));
  }

  focus(): void {
    this.text.focus();
  }

  private changedSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changedNow(), TYPING_DELAY_MS);
  }

  private changedNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const spec = this.spec();
    this.deps.onChange(isActive(spec) ? spec : null);
  }
}
