// The composer: pick a format, type, see problems inline before sending, send with Ctrl/Cmd+Enter.
// Up/Down at the edges of the input walk the history of sent messages; messages can be saved for the
// session. For WebSocket connections it also pings and closes with a code and reason.
import type { ComposerFormat, ComposerMessage, SavedMessage } from '../shared/protocol';
import { validateComposerInput } from '../src/core/codecs/composerInput';
import { TEXT_ESCAPES_HELP } from '../src/core/codecs/textEscapes';
import { h, setText } from './domBuilder';
import { formatBytes } from './entryFormat';

/** What the composer asks of the rest of the webview. */
export interface ComposerDeps {
  /** Sends the message, framed with the panel's framer when `framed`; resolves with the bytes sent. */
  send(message: ComposerMessage, framed: boolean): Promise<number>;
  ping(payload: string): Promise<void>;
  close(code: number, reason: string): Promise<void>;
  save(name: string, message: ComposerMessage): Promise<void>;
  deleteSaved(id: number): Promise<void>;
  /** Draft changed (for persisting across reloads of the webview). */
  onDraftChange(draft: ComposerMessage): void;
}

type ValueElement = HTMLElement & { value: string; disabled: boolean };
type CheckboxElement = HTMLElement & { checked: boolean; disabled: boolean };
type TextareaElement = ValueElement & { wrappedElement?: HTMLTextAreaElement; invalid: boolean };

const FORMAT_LABELS: Record<ComposerFormat, string> = { text: 'Text', json: 'JSON', hex: 'Hex', base64: 'Base64' };
const PLACEHOLDERS: Record<ComposerFormat, string> = {
  text: 'Message text — Ctrl+Enter to send',
  json: '{"type": "subscribe"} — checked before sending',
  hex: '48 65 6c 6c 6f  or  0x48,0x65  or  48656c6c6f',
  base64: 'SGVsbG8=',
};

function element<T extends HTMLElement>(tag: string, attrs: Record<string, string> = {}): T {
  const el = document.createElement(tag) as T;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function option(value: string, label: string): HTMLElement {
  const o = element('vscode-option', { value });
  o.textContent = label;
  return o;
}

/** Validates the close code a user typed for a WebSocket close frame. */
export function closeCodeProblem(text: string): string | undefined {
  if (!/^\d+$/.test(text.trim())) return 'The close code must be a number.';
  const code = Number(text);
  if (code === 1000 || (code >= 3000 && code <= 4999)) return undefined;
  return `Close code ${code} cannot be sent: use 1000 (normal) or an application code from 3000 to 4999.`;
}

/** The bottom strip of the panel. */
export class Composer {
  readonly element: HTMLElement;
  private readonly format: ValueElement;
  private readonly escapes: CheckboxElement;
  /** TCP with a framer chosen: frame each sent message with it. */
  private readonly framed: CheckboxElement;
  private readonly input: TextareaElement;
  private readonly error: HTMLElement;
  private readonly info: HTMLElement;
  private readonly sendButton: ValueElement;
  private readonly wsControls: HTMLElement;
  private readonly closeCode: ValueElement;
  private readonly closeReason: ValueElement;
  private readonly savedSelect: ValueElement;
  private readonly deleteButton: HTMLElement;
  private readonly saveName: ValueElement;
  private readonly saveRow: HTMLElement;
  private history: readonly ComposerMessage[] = [];
  private saved: readonly SavedMessage[] = [];
  /** Position in history while walking it with Up/Down; history.length means "the draft". */
  private historyIndex = 0;
  private draftBeforeHistory: ComposerMessage | undefined;
  private open = false;
  private validateFrame = 0;
  private busy = false;

  constructor(private readonly deps: ComposerDeps) {
    this.format = element<ValueElement>('vscode-single-select', { 'aria-label': 'Input format' });
    this.format.dataset.testid = 'composer-format';
    this.format.className = 'composer-format';
    for (const f of ['text', 'json', 'hex', 'base64'] as const) this.format.append(option(f, FORMAT_LABELS[f]));
    this.format.addEventListener('change', () => this.onFormatChange());

    this.escapes = element<CheckboxElement>('vscode-checkbox', { label: 'Escapes' });
    this.escapes.title = `Interpret backslash escapes: ${TEXT_ESCAPES_HELP}`;
    this.escapes.dataset.testid = 'composer-escapes';
    this.escapes.addEventListener('change', () => this.scheduleValidate());

    this.framed = element<CheckboxElement>('vscode-checkbox', { label: 'Add framing on send' });
    this.framed.dataset.testid = 'composer-framed';
    this.framed.hidden = true;

    this.savedSelect = element<ValueElement>('vscode-single-select', { 'aria-label': 'Saved messages' });
    this.savedSelect.className = 'composer-saved';
    this.savedSelect.dataset.testid = 'composer-saved';
    this.savedSelect.addEventListener('change', () => this.onSavedChosen());
    const saveButton = this.toolbarButton('save', 'Save this message for the session', () => this.beginSave());
    saveButton.dataset.testid = 'composer-save';
    this.deleteButton = this.toolbarButton('trash', 'Delete the chosen saved message', () => this.deleteChosen());

    this.saveName = element<ValueElement>('vscode-textfield', { placeholder: 'Name (optional)', 'aria-label': 'Name of the saved message' });
    this.saveName.className = 'composer-save-name';
    this.saveName.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void this.commitSave();
      if (e.key === 'Escape') this.endSave();
    });
    this.saveRow = h('div', { className: 'composer-save-row' }, [
      this.saveName,
      this.button('Save', () => void this.commitSave(), true),
      this.button('Cancel', () => this.endSave(), true),
    ]);
    this.saveRow.hidden = true;

    this.input = element<TextareaElement>('vscode-textarea', { rows: '3', resize: 'vertical', monospace: '', 'aria-label': 'Message to send' });
    this.input.className = 'composer-input';
    this.input.dataset.testid = 'composer-input';
    this.input.setAttribute('placeholder', PLACEHOLDERS.text);
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (e) => this.onKeyDown(e as KeyboardEvent));

    this.error = h('div', { className: 'composer-error', testId: 'composer-error', attrs: { role: 'alert', 'aria-live': 'polite' } });
    this.error.hidden = true;
    this.info = h('div', { className: 'composer-info', testId: 'composer-info' });

    this.sendButton = this.button('Send', () => void this.send(), false, 'send') as ValueElement;
    this.sendButton.dataset.testid = 'composer-send';
    this.sendButton.title = 'Send (Ctrl+Enter)';

    this.closeCode = element<ValueElement>('vscode-textfield', { value: '1000', 'aria-label': 'Close code', size: '5' });
    this.closeCode.className = 'close-code';
    this.closeCode.dataset.testid = 'composer-close-code';
    this.closeReason = element<ValueElement>('vscode-textfield', { placeholder: 'Reason', 'aria-label': 'Close reason' });
    this.closeReason.className = 'close-reason';
    this.closeReason.dataset.testid = 'composer-close-reason';
    const pingButton = this.button('Ping', () => void this.ping(), true, 'pulse');
    pingButton.dataset.testid = 'composer-ping';
    const closeButton = this.button('Close', () => void this.closeConnection(), true, 'close');
    closeButton.dataset.testid = 'composer-close';
    this.wsControls = h('div', { className: 'composer-ws' }, [pingButton, h('span', { className: 'divider' }), this.closeCode, this.closeReason, closeButton]);

    const top = h('div', { className: 'composer-bar' }, [
      this.format,
      this.escapes,
      this.framed,
      h('span', { className: 'spacer' }),
      this.savedSelect,
      saveButton,
      this.deleteButton,
    ]);
    const bottom = h('div', { className: 'composer-bar' }, [this.error, this.info, h('span', { className: 'spacer' }), this.wsControls, this.sendButton]);
    this.element = h('div', { className: 'composer', attrs: { role: 'form', 'aria-label': 'Composer' } }, [top, this.saveRow, this.input, bottom]);
    this.renderSaved();
    this.onFormatChange();
  }

  /** Restores a draft (after the webview was recreated). */
  restoreDraft(draft: ComposerMessage): void {
    this.format.value = draft.format;
    this.escapes.checked = draft.escapes;
    this.input.value = draft.input;
    this.onFormatChange();
  }

  /** The connection's kind and whether it is open (sending is possible). */
  setConnection(kind: 'ws' | 'tcp', open: boolean): void {
    this.open = open;
    this.wsControls.hidden = kind !== 'ws';
    this.updateButtons();
  }

  /** The panel's framer as a label (undefined: raw chunks, or not TCP): offers to frame on send. */
  setFraming(label: string | undefined): void {
    this.framed.hidden = label === undefined;
    if (label === undefined) this.framed.checked = false;
    this.framed.setAttribute('label', label === undefined ? 'Add framing on send' : `Add framing on send: ${label}`);
    this.framed.title = label === undefined ? '' : `Frame each message as ${label} before sending it`;
  }

  /** New history and saved lists from the host. */
  setLists(history: readonly ComposerMessage[], saved: readonly SavedMessage[]): void {
    this.history = history;
    this.historyIndex = history.length;
    this.draftBeforeHistory = undefined;
    this.saved = saved;
    this.renderSaved();
  }

  /** Focuses the input. */
  focus(): void {
    this.input.focus();
  }

  // ------------------------------------------------------------------------------------------------

  private button(label: string, onClick: () => void, secondary: boolean, iconName?: string): HTMLElement {
    const b = element('vscode-button');
    if (secondary) b.setAttribute('secondary', '');
    if (iconName) b.setAttribute('icon', iconName);
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  private toolbarButton(iconName: string, label: string, onClick: () => void): HTMLElement {
    const b = element('vscode-toolbar-button', { icon: iconName, label });
    b.title = label;
    b.addEventListener('click', onClick);
    return b;
  }

  private current(): ComposerMessage {
    const format = (this.format.value || 'text') as ComposerFormat;
    return { format, input: this.input.value, escapes: format === 'text' && this.escapes.checked };
  }

  private onFormatChange(): void {
    const format = this.current().format;
    this.escapes.hidden = format !== 'text';
    this.input.setAttribute('placeholder', PLACEHOLDERS[format]);
    this.scheduleValidate();
  }

  private onInput(): void {
    this.historyIndex = this.history.length;
    this.draftBeforeHistory = undefined;
    this.scheduleValidate();
  }

  private scheduleValidate(): void {
    if (this.validateFrame === 0) {
      this.validateFrame = requestAnimationFrame(() => {
        this.validateFrame = 0;
        this.validate();
      });
    }
    this.deps.onDraftChange(this.current());
  }

  /** Checks the input now; shows the problem inline and returns the byte count, or undefined if invalid. */
  private validate(): number | undefined {
    const message = this.current();
    const result = validateComposerInput(message.input, message.format, { escapes: message.escapes });
    if (!result.ok) {
      this.showError(result.error.message);
      setText(this.info, '');
      this.input.invalid = true;
      return undefined;
    }
    this.showError('');
    this.input.invalid = false;
    setText(this.info, message.input === '' ? '' : `${formatBytes(result.bytes.length)}${message.format === 'text' || message.format === 'json' ? '' : ' binary'}`);
    return result.bytes.length;
  }

  private showError(message: string): void {
    setText(this.error, message);
    this.error.hidden = message === '';
  }

  private updateButtons(): void {
    this.sendButton.disabled = !this.open || this.busy;
    for (const el of this.wsControls.querySelectorAll<ValueElement>('vscode-button')) el.disabled = !this.open;
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void this.send();
      return;
    }
    if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      const area = this.input.wrappedElement;
      const value = this.input.value;
      const caret = area?.selectionStart ?? 0;
      const caretEnd = area?.selectionEnd ?? 0;
      // Only at the edges, so moving between lines of a multi-line message still works.
      const atTop = caret === caretEnd && value.lastIndexOf('\n', caret - 1) === -1;
      const atBottom = caret === caretEnd && value.indexOf('\n', caret) === -1;
      if (e.key === 'ArrowUp' && atTop && this.recall(-1)) e.preventDefault();
      else if (e.key === 'ArrowDown' && atBottom && this.recall(1)) e.preventDefault();
    }
  }

  /** Moves through history by `step`; returns whether the input changed. */
  private recall(step: number): boolean {
    const next = this.historyIndex + step;
    if (next < 0 || next > this.history.length) return false;
    if (this.historyIndex === this.history.length) this.draftBeforeHistory = this.current();
    this.historyIndex = next;
    const message = next === this.history.length ? this.draftBeforeHistory : this.history[next];
    if (!message) return false;
    this.format.value = message.format;
    this.escapes.checked = message.escapes;
    this.input.value = message.input;
    this.onFormatChange();
    return true;
  }

  private async send(): Promise<void> {
    if (this.validate() === undefined) {
      this.input.focus();
      return;
    }
    if (!this.open || this.busy) return;
    this.busy = true;
    this.updateButtons();
    try {
      const bytes = await this.deps.send(this.current(), !this.framed.hidden && this.framed.checked);
      setText(this.info, `Sent ${formatBytes(bytes)}`);
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
    } finally {
      this.busy = false;
      this.updateButtons();
    }
  }

  private async ping(): Promise<void> {
    try {
      await this.deps.ping('');
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
    }
  }

  private async closeConnection(): Promise<void> {
    const problem = closeCodeProblem(this.closeCode.value);
    if (problem) {
      this.showError(problem);
      return;
    }
    const reason = this.closeReason.value;
    const reasonBytes = new TextEncoder().encode(reason).length;
    if (reasonBytes > 123) {
      this.showError(`The close reason is ${reasonBytes} bytes in UTF-8; a close frame allows at most 123.`);
      return;
    }
    try {
      await this.deps.close(Number(this.closeCode.value), reason);
      this.showError('');
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
    }
  }

  private renderSaved(): void {
    const select = this.savedSelect;
    select.replaceChildren(option('', this.saved.length ? `Saved messages (${this.saved.length})` : 'No saved messages'));
    for (const m of this.saved) select.append(option(String(m.id), `${m.name} · ${FORMAT_LABELS[m.format]}`));
    select.value = '';
    select.disabled = this.saved.length === 0;
    this.deleteButton.hidden = true;
  }

  private onSavedChosen(): void {
    const id = Number(this.savedSelect.value);
    const m = this.saved.find((s) => s.id === id);
    this.deleteButton.hidden = !m;
    if (!m) return;
    this.restoreDraft(m);
    this.input.focus();
  }

  private deleteChosen(): void {
    const id = Number(this.savedSelect.value);
    if (!id) return;
    this.deps.deleteSaved(id).catch((e: unknown) => this.showError(e instanceof Error ? e.message : String(e)));
  }

  private beginSave(): void {
    this.saveRow.hidden = false;
    this.saveName.value = '';
    this.saveName.focus();
  }

  private endSave(): void {
    this.saveRow.hidden = true;
    this.input.focus();
  }

  private async commitSave(): Promise<void> {
    try {
      await this.deps.save(this.saveName.value, this.current());
      this.endSave();
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
    }
  }
}
