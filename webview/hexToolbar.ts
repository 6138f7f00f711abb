// The Hex tab's toolbar: go to an offset, find bytes (hex or UTF-8 text) forward or backward, and a
// status line that says where the cursor is, what is selected, and why an input was refused.
import { MAX_FIND_NEEDLE } from '../shared/protocol';
import { customElement, h, option, setText } from './domBuilder';
import { parseNeedle, parseOffset } from './hexLayout';
import { t } from './l10n';

type ValueElement = HTMLElement & { value: string; invalid: boolean };

/** What the toolbar asks of the view. */
export interface HexToolbarDeps {
  /** The payload's byte length. */
  readonly total: number;
  goTo(offset: number): void;
  /** Finds `needle` after the selection (before it when `backwards`); resolves to a sentence for the status line. */
  find(needle: Uint8Array, backwards: boolean): Promise<string>;
}

/** Go to offset, find, and the status line. */
export class HexToolbar {
  readonly element: HTMLElement;
  private readonly offset: ValueElement;
  private readonly needle: ValueElement;
  private readonly mode: ValueElement;
  private readonly message: HTMLElement;
  /** Bumped per search, so the answer of an earlier one does not overwrite a newer message. */
  private searches = 0;

  constructor(private readonly deps: HexToolbarDeps) {
    this.offset = customElement<ValueElement>('vscode-textfield', {
      class: 'hex-goto',
      'data-testid': 'hex-goto',
      placeholder: t('Offset: 4096 or 0x1000'),
      'aria-label': t('Go to offset (decimal, or hex with 0x); Ctrl+G'),
    });
    this.offset.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.goTo();
      }
    });
    this.needle = customElement<ValueElement>('vscode-textfield', {
      class: 'hex-find',
      'data-testid': 'hex-find',
      placeholder: t('Find'),
      'aria-label': t('Find bytes; Enter finds the next, Shift+Enter the previous; Ctrl+F'),
    });
    this.needle.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.find(e.shiftKey);
      }
    });
    this.mode = customElement<ValueElement>('vscode-single-select', { class: 'hex-find-mode', 'data-testid': 'hex-find-mode', 'aria-label': t('Find as') });
    this.mode.append(option('hex', t('Hex')), option('text', t('Text')));
    this.message = h('span', { className: 'hex-message', testId: 'hex-message', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.element = h('div', { className: 'hex-toolbar', attrs: { role: 'toolbar', 'aria-label': t('Hex') } }, [
      this.offset,
      toolbarButton('arrow-right', t('Go to offset'), 'hex-goto-button', () => this.goTo()),
      this.needle,
      this.mode,
      toolbarButton('arrow-up', t('Find previous (Shift+Enter)'), 'hex-find-previous', () => this.find(true)),
      toolbarButton('arrow-down', t('Find next (Enter)'), 'hex-find-next', () => this.find(false)),
      this.message,
    ]);
  }

  /** Puts the keyboard in the offset field (Ctrl+G). */
  focusGoTo(): void {
    this.offset.focus();
  }

  /** Puts the keyboard in the find field (Ctrl+F). */
  focusFind(): void {
    this.needle.focus();
  }

  /** Shows `text` in the status line; `error` styles it as a refusal. */
  say(text: string, error = false): void {
    setText(this.message, text);
    this.message.classList.toggle('hex-message-error', error);
  }

  /** Goes to the offset typed, or says why not. */
  goTo(): void {
    const parsed = parseOffset(this.offset.value, this.deps.total);
    this.offset.invalid = 'error' in parsed;
    if ('error' in parsed) {
      this.say(parsed.error, true);
      return;
    }
    this.say('');
    this.deps.goTo(parsed.value);
  }

  /** Finds the next (previous, when `backwards`) occurrence of what is typed, or says why not. */
  find(backwards: boolean): void {
    const parsed = parseNeedle(this.needle.value, this.mode.value === 'text' ? 'text' : 'hex', MAX_FIND_NEEDLE);
    this.needle.invalid = 'error' in parsed;
    if ('error' in parsed) {
      this.say(parsed.error, true);
      return;
    }
    const search = ++this.searches;
    this.say(t('Searching…'));
    this.deps.find(parsed.value, backwards).then(
      (text) => {
        if (search === this.searches) this.say(text);
      },
      (e: unknown) => {
        if (search === this.searches) this.say(e instanceof Error ? e.message : String(e), true);
      },
    );
  }
}

function toolbarButton(icon: string, label: string, testId: string, onClick: () => void): HTMLElement {
  const button = customElement('vscode-toolbar-button', { icon, label, title: label, 'data-testid': testId });
  button.addEventListener('click', onClick);
  return button;
}
