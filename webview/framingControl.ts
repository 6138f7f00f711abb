// "View as" in the toolbar of a TCP panel: raw chunks, or messages split by a delimiter, a length
// prefix or a fixed size. The host does the framing (it holds the log); this control only builds the
// choice, checks what the user typed, and reflects what the host reports in each snapshot.
import { toErrorInfo } from '../shared/messageHandler';
import type { FramerSpecJson } from '../shared/protocol';
import { toHex } from '../shared/codecs/hexDump';
import { MAX_FIXED_SIZE, describeFramer, framerSpecFromJson, parseDelimiter } from '../shared/framerSpec';
import { h, setText } from './domBuilder';
import { t } from './l10n';

/** What the control asks of the webview. */
export interface FramingControlDeps {
  /** Asks the host to show the log with this framer (null: raw chunks); rejects with the host's reason. */
  apply(spec: FramerSpecJson | null): Promise<void>;
}

type ValueElement = HTMLElement & { value: string; disabled: boolean };
type CheckboxElement = HTMLElement & { checked: boolean };

/** The choices of the main select: presets apply at once, the others reveal their settings. */
type Choice = 'raw' | 'lf' | 'crlf' | 'nul' | 'delimiter' | 'length' | 'fixed';

const PRESETS: Readonly<Record<'lf' | 'crlf' | 'nul', string>> = { lf: '0a', crlf: '0d0a', nul: '00' };

const CHOICE_LABELS: ReadonlyArray<readonly [Choice, string]> = [
  ['raw', t('Raw chunks')],
  ['lf', t('Lines (\\n)')],
  ['crlf', t('Lines (\\r\\n)')],
  ['nul', t('NUL-terminated (\\0)')],
  ['delimiter', t('Custom delimiter…')],
  ['length', t('Length prefix…')],
  ['fixed', t('Fixed size…')],
];

function element<T extends HTMLElement>(tag: string, attrs: Record<string, string> = {}, testId?: string): T {
  const el = document.createElement(tag) as T;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (testId) el.dataset.testid = testId;
  return el;
}

function select(testId: string, label: string, options: ReadonlyArray<readonly [string, string]>): ValueElement {
  const s = element<ValueElement>('vscode-single-select', { 'aria-label': label }, testId);
  for (const [value, text] of options) {
    const o = element('vscode-option', { value });
    o.textContent = text;
    s.append(o);
  }
  return s;
}

/** The framing choice of a TCP panel. */
export class FramingControl {
  readonly element: HTMLElement;
  private readonly choice: ValueElement;
  private readonly delimiterRow: HTMLElement;
  private readonly delimiter: ValueElement;
  private readonly lengthRow: HTMLElement;
  private readonly width: ValueElement;
  private readonly order: ValueElement;
  private readonly header: CheckboxElement;
  private readonly fixedRow: HTMLElement;
  private readonly size: ValueElement;
  private readonly error: HTMLElement;
  /** What the host shows now, as JSON text, so re-applying the same choice sends nothing. */
  private applied = JSON.stringify(null);

  constructor(private readonly deps: FramingControlDeps) {
    this.choice = select('framing-select', t('View TCP data as'), CHOICE_LABELS);
    this.choice.className = 'framing-select';
    this.choice.title = t('How the log splits the TCP byte stream into messages');
    this.choice.addEventListener('change', () => this.onChoice());

    this.delimiter = element<ValueElement>('vscode-textfield', { placeholder: t('0d0a or \\r\\n'), 'aria-label': t('Delimiter') }, 'framing-delimiter');
    this.delimiter.className = 'framing-delimiter';
    this.delimiter.title = t('Hex bytes (1e, 0d 0a), escapes (\\n, \\0, \\x1e) or "quoted text"; Enter applies');
    this.delimiter.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') this.applyCurrent();
    });
    this.delimiter.addEventListener('change', () => this.applyCurrent());
    this.delimiterRow = h('span', { className: 'framing-settings' }, [this.delimiter]);

    this.width = select('framing-length-width', t('Length prefix width'), [
      ['1', t('1 byte')],
      ['2', t('2 bytes')],
      ['4', t('4 bytes')],
    ]);
    this.width.value = '2';
    this.width.className = 'framing-width';
    this.order = select('framing-length-order', t('Byte order of the length prefix'), [
      ['be', t('Big-endian')],
      ['le', t('Little-endian')],
    ]);
    this.order.className = 'framing-order';
    this.header = element<CheckboxElement>('vscode-checkbox', { label: t('Length includes prefix') }, 'framing-length-header');
    this.header.title = t('The length counts the prefix bytes too');
    for (const el of [this.width, this.order, this.header]) el.addEventListener('change', () => this.applyCurrent());
    this.lengthRow = h('span', { className: 'framing-settings' }, [this.width, this.order, this.header]);

    this.size = element<ValueElement>('vscode-textfield', { placeholder: t('bytes'), 'aria-label': t('Message size in bytes'), size: '6' }, 'framing-fixed-size');
    this.size.className = 'framing-size';
    this.size.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') this.applyCurrent();
    });
    this.size.addEventListener('change', () => this.applyCurrent());
    this.fixedRow = h('span', { className: 'framing-settings' }, [this.size]);

    this.error = h('span', { className: 'framing-error', testId: 'framing-error', attrs: { role: 'alert' } });
    this.error.hidden = true;

    this.element = h('span', { className: 'framing', testId: 'framing' }, [
      h('span', { className: 'framing-label', text: t('View as') }),
      this.choice,
      this.delimiterRow,
      this.lengthRow,
      this.fixedRow,
      this.error,
    ]);
    this.showSettings('raw');
  }

  /** Framing exists for TCP only. */
  setConnection(kind: 'ws' | 'tcp'): void {
    this.element.hidden = kind !== 'tcp';
  }

  /** Reflects the host's framer (from a snapshot); absent means raw chunks. */
  setFraming(spec: FramerSpecJson | undefined): void {
    this.applied = JSON.stringify(spec ?? null);
    let choice: Choice = 'raw';
    if (spec?.type === 'delimiter') {
      const preset = (Object.keys(PRESETS) as Array<keyof typeof PRESETS>).find((k) => PRESETS[k] === spec.delimiter);
      choice = preset ?? 'delimiter';
      if (!preset) this.delimiter.value = spec.delimiter.replace(/(..)(?=.)/g, '$1 ');
    } else if (spec?.type === 'lengthPrefix') {
      choice = 'length';
      this.width.value = String(spec.width);
      this.order.value = spec.littleEndian ? 'le' : 'be';
      this.header.checked = spec.includesHeader;
    } else if (spec?.type === 'fixed') {
      choice = 'fixed';
      this.size.value = String(spec.size);
    }
    this.choice.value = choice;
    this.showSettings(choice);
    this.showError('');
  }

  /** A label for what the host shows now, or undefined for raw chunks. */
  static label(spec: FramerSpecJson | undefined): string | undefined {
    if (!spec) return undefined;
    try {
      return describeFramer(framerSpecFromJson(spec));
    } catch {
      return undefined;
    }
  }

  // ------------------------------------------------------------------------------------------------

  private current(): Choice {
    return (this.choice.value || 'raw') as Choice;
  }

  private onChoice(): void {
    const choice = this.current();
    this.showSettings(choice);
    if (choice === 'delimiter' && this.delimiter.value.trim() === '') {
      this.delimiter.focus();
      return;
    }
    if (choice === 'fixed' && this.size.value.trim() === '') {
      this.size.focus();
      return;
    }
    this.applyCurrent();
  }

  private showSettings(choice: Choice): void {
    this.delimiterRow.hidden = choice !== 'delimiter';
    this.lengthRow.hidden = choice !== 'length';
    this.fixedRow.hidden = choice !== 'fixed';
    this.order.hidden = this.width.value === '1';
  }

  /** The spec the controls describe, or a message saying what is wrong with them. */
  private build(): { spec: FramerSpecJson | null } | { problem: string } {
    const choice = this.current();
    switch (choice) {
      case 'raw':
        return { spec: null };
      case 'lf':
      case 'crlf':
      case 'nul':
        return { spec: { type: 'delimiter', delimiter: PRESETS[choice] } };
      case 'delimiter':
        try {
          return { spec: { type: 'delimiter', delimiter: toHex(parseDelimiter(this.delimiter.value.trim())) } };
        } catch (e) {
          return { problem: e instanceof Error ? e.message : String(e) };
        }
      case 'length': {
        const width = Number(this.width.value || '2') as 1 | 2 | 4;
        return { spec: { type: 'lengthPrefix', width, littleEndian: width !== 1 && this.order.value === 'le', includesHeader: this.header.checked } };
      }
      case 'fixed': {
        const text = this.size.value.trim();
        const size = Number(text);
        if (!/^\d+$/.test(text) || size < 1 || size > MAX_FIXED_SIZE) {
          return { problem: t('The message size must be a whole number of bytes from 1 to {0}.', MAX_FIXED_SIZE) };
        }
        return { spec: { type: 'fixed', size } };
      }
    }
  }

  private applyCurrent(): void {
    this.order.hidden = this.width.value === '1';
    const built = this.build();
    if ('problem' in built) {
      this.showError(built.problem);
      return;
    }
    this.showError('');
    const key = JSON.stringify(built.spec);
    if (key === this.applied) return;
    this.applied = key;
    this.deps.apply(built.spec).catch((e: unknown) => {
      this.applied = '';
      this.showError(toErrorInfo(e).message);
    });
  }

  private showError(message: string): void {
    setText(this.error, message);
    this.error.hidden = message === '';
  }
}
