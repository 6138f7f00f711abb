// The auto-reply rules of a listener: "when a message matches this text or /regex/, reply with that",
// each with a format, an optional delay and an on/off switch. Edits apply by themselves a moment after
// the user stops typing; the host checks every rule and the editor shows what is wrong with each.
import type { AutoRepliesInfo, AutoReplyRule, ComposerFormat } from '../shared/protocol';
import { h, setText } from './domBuilder';
import { t } from './l10n';

/** What the editor asks of the rest of the webview. */
export interface AutoReplyEditorDeps {
  /** Sends the rules to the host; resolves with what it thinks of each. */
  apply(rules: readonly AutoReplyRule[]): Promise<AutoRepliesInfo>;
  /** The number of rules that answer (enabled, no problem) changed. */
  onActiveCount(count: number): void;
}

/** Milliseconds of typing pause before the rules are applied. */
const TYPING_DELAY_MS = 300;

type ValueElement = HTMLElement & { value: string; invalid: boolean };
type CheckboxElement = HTMLElement & { checked: boolean };

const FORMATS: ReadonlyArray<readonly [ComposerFormat, string]> = [
  ['text', t('Text')],
  ['json', 'JSON'],
  ['hex', t('Hex')],
  ['base64', 'Base64'],
];

/** A new rule: answers every message until the user narrows it. */
function blankRule(): AutoReplyRule {
  return { enabled: true, match: '', reply: { format: 'text', input: '', escapes: false }, delayMs: 0 };
}

/** The delay field's text as milliseconds; NaN when it is not a whole number. */
function delayOf(text: string): number {
  const t = text.trim();
  if (t === '') return 0;
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

interface RuleRow {
  readonly element: HTMLElement;
  readonly enabled: CheckboxElement;
  readonly match: ValueElement;
  readonly format: ValueElement;
  readonly escapes: CheckboxElement;
  readonly input: ValueElement;
  readonly delay: ValueElement;
  readonly problem: HTMLElement;
}

/** The rules editor, shown under the peer bar when opened. */
export class AutoReplyEditor {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private rows: RuleRow[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Local edits not yet answered by the host: a snapshot must not overwrite them. */
  private pending = 0;
  private lastApplied = '[]';

  constructor(private readonly deps: AutoReplyEditorDeps) {
    this.list = h('div', { className: 'auto-reply-list' });
    this.status = h('span', { className: 'count-label', testId: 'auto-reply-status' });
    const add = document.createElement('vscode-button');
    add.setAttribute('secondary', '');
    add.setAttribute('icon', 'add');
    add.textContent = t('Add rule');
    add.dataset.testid = 'auto-reply-add';
    add.addEventListener('click', () => {
      this.addRow(blankRule()).match.focus();
      this.changedNow();
    });
    this.element = h('div', { className: 'auto-replies', testId: 'auto-replies', attrs: { role: 'region', 'aria-label': t('Auto-reply rules') } }, [
      h('div', { className: 'auto-reply-head' }, [
        h('span', { className: 'section-title', text: t('Auto-replies') }),
        h('span', {
          className: 'muted',
          text: t('The first enabled rule whose text (case-sensitive) or /regex/ matches a received message answers it.'),
        }),
        h('span', { className: 'spacer' }),
        this.status,
        add,
      ]),
      this.list,
    ]);
    this.element.hidden = true;
  }

  /** Whether the editor is open. */
  get open(): boolean {
    return !this.element.hidden;
  }

  toggle(open = !this.open): void {
    this.element.hidden = !open;
  }

  /** Shows the host's rules, unless the user is mid-edit (their edits are on the way). */
  setRules(info: AutoRepliesInfo | undefined): void {
    if (!info || this.pending > 0 || this.timer) return;
    if (JSON.stringify(info.rules) !== JSON.stringify(this.current())) {
      this.list.replaceChildren();
      this.rows = [];
      for (const rule of info.rules) this.addRow(rule);
    }
    this.lastApplied = JSON.stringify(info.rules);
    this.showProblems(info);
  }

  // ------------------------------------------------------------------------------------------------

  private current(): AutoReplyRule[] {
    return this.rows.map((r) => {
      const format = (r.format.value || 'text') as ComposerFormat;
      return {
        enabled: r.enabled.checked,
        match: r.match.value,
        reply: { format, input: r.input.value, escapes: format === 'text' && r.escapes.checked },
        delayMs: delayOf(r.delay.value),
      };
    });
  }

  private addRow(rule: AutoReplyRule): RuleRow {
    const field = (testId: string, value: string, placeholder: string, label: string, className: string): ValueElement => {
      const f = document.createElement('vscode-textfield') as ValueElement;
      f.dataset.testid = testId;
      f.className = className;
      f.setAttribute('placeholder', placeholder);
      f.setAttribute('aria-label', label);
      f.value = value;
      f.addEventListener('input', () => this.changedSoon());
      f.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Enter') this.changedNow();
      });
      return f;
    };
    const enabled = document.createElement('vscode-checkbox') as CheckboxElement;
    enabled.dataset.testid = 'auto-reply-enabled';
    enabled.setAttribute('aria-label', t('Rule on'));
    enabled.title = t('Rule on');
    // Slotted into the checkbox's own <label>, it names the input inside; hidden, as the row has no room.
    enabled.append(h('span', { className: 'sr-only', text: t('Rule on') }));
    enabled.checked = rule.enabled;
    enabled.addEventListener('change', () => this.changedNow());

    const match = field('auto-reply-match', rule.match, t('When a message contains… or /regex/ (empty: any)'), t('Match'), 'auto-reply-match');
    const format = document.createElement('vscode-single-select') as ValueElement;
    format.dataset.testid = 'auto-reply-format';
    format.className = 'auto-reply-format';
    format.setAttribute('aria-label', t('Reply format'));
    for (const [value, label] of FORMATS) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', value);
      o.textContent = label;
      format.append(o);
    }
    format.value = rule.reply.format;
    const escapes = document.createElement('vscode-checkbox') as CheckboxElement;
    escapes.setAttribute('label', t('Escapes'));
    escapes.dataset.testid = 'auto-reply-escapes';
    escapes.checked = rule.reply.escapes;
    escapes.hidden = rule.reply.format !== 'text';
    escapes.addEventListener('change', () => this.changedNow());
    format.addEventListener('change', () => {
      escapes.hidden = format.value !== 'text';
      this.changedNow();
    });
    const input = field('auto-reply-input', rule.reply.input, t('reply with…'), t('Reply'), 'auto-reply-input');
    const delay = field('auto-reply-delay', rule.delayMs ? String(rule.delayMs) : '', t('delay ms'), t('Delay in milliseconds'), 'auto-reply-delay');
    const remove = document.createElement('vscode-toolbar-button');
    remove.setAttribute('icon', 'trash');
    remove.setAttribute('label', t('Remove this rule'));
    remove.title = t('Remove this rule');
    remove.dataset.testid = 'auto-reply-remove';
    const problem = h('div', { className: 'auto-reply-problem', testId: 'auto-reply-problem', attrs: { role: 'alert' } });
    problem.hidden = true;
    const element = h('div', { className: 'auto-reply-rule', testId: 'auto-reply-rule' }, [
      h('div', { className: 'auto-reply-fields' }, [enabled, match, h('span', { className: 'muted', text: '→' }), format, escapes, input, delay, remove]),
      problem,
    ]);
    const row: RuleRow = { element, enabled, match, format, escapes, input, delay, problem };
    remove.addEventListener('click', () => {
      this.rows = this.rows.filter((r) => r !== row);
      element.remove();
      this.changedNow();
    });
    this.rows.push(row);
    this.list.append(element);
    return row;
  }

  private changedSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changedNow(), TYPING_DELAY_MS);
  }

  private changedNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rules = this.current();
    // A delay that is not a number is the editor's to report; the host never sees it.
    const badDelay = rules.findIndex((r) => Number.isNaN(r.delayMs));
    if (badDelay >= 0) {
      this.showProblem(this.rows[badDelay]!, t('The delay is a whole number of milliseconds.'));
      return;
    }
    const text = JSON.stringify(rules);
    if (text === this.lastApplied) return;
    this.lastApplied = text;
    this.pending++;
    this.deps
      .apply(rules)
      .then(
        (info) => {
          if (JSON.stringify(info.rules) === JSON.stringify(this.current())) this.showProblems(info);
        },
        (e: unknown) => {
          this.lastApplied = '';
          setText(this.status, e instanceof Error ? e.message : String(e));
        },
      )
      .finally(() => this.pending--);
  }

  private showProblems(info: AutoRepliesInfo): void {
    let active = 0;
    this.rows.forEach((row, i) => {
      const problem = info.problems[i] ?? null;
      this.showProblem(row, problem ?? '');
      if (problem === null && info.rules[i]?.enabled) active++;
    });
    setText(this.status, info.rules.length === 0 ? t('No rules') : info.rules.length === 1 ? t('{0} of 1 rule on', active) : t('{0} of {1} rules on', active, info.rules.length));
    this.deps.onActiveCount(active);
  }

  private showProblem(row: RuleRow, message: string): void {
    setText(row.problem, message);
    row.problem.hidden = message === '';
    row.element.dataset.invalid = message === '' ? 'false' : 'true';
  }
}
