// The composer's WebSocket row: ping and pong by hand with a payload, the automatic-pong switch, and
// closing with any code and reason (even codes RFC 6455 does not allow on the wire). Part of the
// Composer (composer.ts), which shows the row for WebSocket connections.
import { closeCodeNote, closeCodeProblem, controlPayloadProblem } from './composerChecks';
import { button, customElement, h } from './domBuilder';
import { t } from './l10n';

type ValueElement = HTMLElement & { value: string; disabled: boolean };
type CheckboxElement = HTMLElement & { checked: boolean; disabled: boolean };

/** What the row asks of the host and of the composer around it. */
export interface WebSocketControlsDeps {
  ping(payload: string): Promise<void>;
  pong(payload: string): Promise<void>;
  setAutoPong(enabled: boolean): Promise<void>;
  close(code: number, reason: string): Promise<void>;
  /** Shows a problem in the composer ('' clears it). */
  showError(message: string): void;
  /** Shows a note in the composer's info line. */
  showInfo(text: string): void;
}

/** Ping, pong, auto-pong and close, as one row. */
export class WebSocketControls {
  readonly element: HTMLElement;
  private readonly controlPayload: ValueElement;
  private readonly autoPong: CheckboxElement;
  private readonly closeCode: ValueElement;
  private readonly closeReason: ValueElement;

  constructor(private readonly deps: WebSocketControlsDeps) {
    this.closeCode = customElement<ValueElement>('vscode-textfield', { value: '1000', 'aria-label': t('Close code'), size: '5' });
    this.closeCode.className = 'close-code';
    this.closeCode.dataset.testid = 'composer-close-code';
    this.closeReason = customElement<ValueElement>('vscode-textfield', { placeholder: t('Reason'), 'aria-label': t('Close reason') });
    this.closeReason.className = 'close-reason';
    this.closeReason.dataset.testid = 'composer-close-reason';
    this.closeCode.title = t('Any code from 0 to 65535, even those RFC 6455 does not allow on the wire');
    this.controlPayload = customElement<ValueElement>('vscode-textfield', { placeholder: t('Ping/pong payload'), 'aria-label': t('Ping and pong payload') });
    this.controlPayload.className = 'control-payload';
    this.controlPayload.dataset.testid = 'composer-control-payload';
    const pingButton = button(t('Ping'), () => void this.control('ping'), true, 'pulse');
    pingButton.dataset.testid = 'composer-ping';
    const pongButton = button(t('Pong'), () => void this.control('pong'), true, 'reply');
    pongButton.dataset.testid = 'composer-pong';
    pongButton.title = t('Send a pong by hand (unsolicited, or as the answer while Auto-pong is off)');
    this.autoPong = customElement<CheckboxElement>('vscode-checkbox', { label: t('Auto-pong') });
    this.autoPong.checked = true;
    this.autoPong.title = t('Answer every ping with a pong at once');
    this.autoPong.dataset.testid = 'composer-auto-pong';
    this.autoPong.addEventListener('change', () => void this.onAutoPongChange());
    const closeButton = button(t('Close'), () => void this.closeConnection(), true, 'close');
    closeButton.dataset.testid = 'composer-close';
    this.element = h('div', { className: 'composer-ws' }, [
      this.controlPayload,
      pingButton,
      pongButton,
      this.autoPong,
      h('span', { className: 'divider' }),
      this.closeCode,
      this.closeReason,
      closeButton,
    ]);
  }

  /** Shows whether the connection answers pings automatically. */
  setAutoPong(enabled: boolean): void {
    this.autoPong.checked = enabled;
  }

  /** Enables the buttons while the connection is open. */
  setOpen(open: boolean): void {
    for (const el of this.element.querySelectorAll<ValueElement>('vscode-button')) el.disabled = !open;
  }

  private async control(kind: 'ping' | 'pong'): Promise<void> {
    const payload = this.controlPayload.value;
    const problem = controlPayloadProblem(payload);
    if (problem) {
      this.deps.showError(problem);
      return;
    }
    try {
      await (kind === 'ping' ? this.deps.ping(payload) : this.deps.pong(payload));
      this.deps.showError('');
    } catch (e) {
      this.deps.showError(e instanceof Error ? e.message : String(e));
    }
  }

  private async onAutoPongChange(): Promise<void> {
    const enabled = this.autoPong.checked;
    try {
      await this.deps.setAutoPong(enabled);
      this.deps.showInfo(enabled ? t('Pings are answered automatically') : t('Pings are not answered: use Pong to answer by hand'));
    } catch (e) {
      this.autoPong.checked = !enabled;
      this.deps.showError(e instanceof Error ? e.message : String(e));
    }
  }

  private async closeConnection(): Promise<void> {
    const problem = closeCodeProblem(this.closeCode.value);
    if (problem) {
      this.deps.showError(problem);
      return;
    }
    const reason = this.closeReason.value;
    const reasonBytes = new TextEncoder().encode(reason).length;
    if (reasonBytes > 123) {
      this.deps.showError(t('The close reason is {0} bytes in UTF-8; a close frame allows at most 123.', reasonBytes));
      return;
    }
    const code = Number(this.closeCode.value);
    try {
      await this.deps.close(code, reason);
      this.deps.showError('');
      this.deps.showInfo(closeCodeNote(code) ?? '');
    } catch (e) {
      this.deps.showError(e instanceof Error ? e.message : String(e));
    }
  }
}
