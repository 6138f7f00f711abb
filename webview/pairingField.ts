// "Pair by JSON field": the path requests and responses are paired by (empty: off). The host checks the
// path and keeps it for the panel, so it survives a reload of the page and a reconnect.
import { toErrorInfo } from '../shared/messageHandler';
import { h, setText } from './domBuilder';
import { t } from './l10n';

/** Milliseconds of typing pause before the field is applied. */
const TYPING_DELAY_MS = 400;

type ValueElement = HTMLElement & { value: string; invalid: boolean };

/** What the field reports. */
export interface PairingFieldDeps {
  /** Applies a field path; rejects with a message for a path the host cannot use. */
  setPairing(field: string): Promise<void>;
}

/** The pairing field of the filter strip. */
export class PairingField {
  readonly element: HTMLElement;
  private readonly input: ValueElement;
  private readonly error: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** What the host pairs by now. */
  private applied = '';

  constructor(private readonly deps: PairingFieldDeps) {
    this.input = document.createElement('vscode-textfield') as ValueElement;
    this.input.className = 'pair-field';
    this.input.dataset.testid = 'pair-field';
    this.input.setAttribute('placeholder', 'id');
    this.input.setAttribute('aria-label', t('Pair requests and responses by this JSON field (empty: off)'));
    this.input.title = t('Pair by JSON field: an outgoing JSON message is answered by the next incoming one with the same value here (e.g. id, params.requestId). Empty: off.');
    const linkIcon = document.createElement('vscode-icon');
    linkIcon.setAttribute('name', 'arrow-swap');
    linkIcon.setAttribute('slot', 'content-before');
    this.input.append(linkIcon);
    this.input.addEventListener('input', () => this.changedSoon());
    this.input.addEventListener('change', () => this.changedNow());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.changedNow();
    });
    this.error = h('span', { className: 'filter-error', testId: 'pair-field-error', attrs: { role: 'alert' } });
    this.error.hidden = true;
    this.element = h('span', { className: 'pair-group' }, [h('span', { className: 'count-label', text: t('Pair by') }), this.input, this.error]);
  }

  /** The field the host pairs by (from a snapshot or stats); shown unless the user is editing it. */
  setApplied(field: string): void {
    this.applied = field;
    if (this.timer === undefined && document.activeElement !== this.input && this.input.value !== field) {
      this.input.value = field;
      this.showError(undefined);
    }
  }

  private changedSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changedNow(), TYPING_DELAY_MS);
  }

  private changedNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const field = this.input.value.trim();
    if (field === this.applied) {
      this.showError(undefined);
      return;
    }
    this.deps.setPairing(field).then(
      () => {
        this.applied = field;
        this.showError(undefined);
      },
      (e: unknown) => this.showError(toErrorInfo(e).message),
    );
  }

  private showError(message: string | undefined): void {
    setText(this.error, message ?? '');
    this.error.hidden = !message;
    this.input.invalid = Boolean(message);
  }
}
