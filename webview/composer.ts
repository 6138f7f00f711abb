// The composer: pick a format, type, see problems inline before sending, send with Ctrl/Cmd+Enter.
// Up/Down at the edges of the input walk the history of sent messages; messages can be saved for the
// session. For WebSocket connections it also has what testing a server takes: send a message in N
// frames, ping and pong by hand with a payload, turn the automatic pong off, close with any code
// (that row: composerWebSocketControls.ts). While a protocol layer speaks on the connection, the
// composer shows the layer's form instead (layerComposer.ts), with a "Raw" switch back to bytes.
import type { ComposerFormat, ComposerMessage, LayerSendForm, SavedMessage } from '../shared/protocol';
import type { LayerId } from '../shared/decode/decoded';
import { createLayerForm, type LayerForm } from './layerComposer';
import { formatName } from './decodeNames';
import { MAX_FRAGMENTS } from '../shared/wireFrames';
import { validateComposerInput } from '../shared/codecs/composerInput';
import { escapesOffWarning, fragmentsProblem } from './composerChecks';
import { COMPOSER_FORMATS, FORMAT_LABELS, PLACEHOLDERS } from './composerFormats';
import { SavedMessages } from './composerSaved';
import { WebSocketControls } from './composerWebSocketControls';
import { TEXT_ESCAPES_HELP } from '../shared/codecs/textEscapes';
import { button, customElement as element, h, option, setText } from './domBuilder';
import { formatBytes } from './entryFormat';
import { t } from './l10n';

/** What the composer asks of the rest of the webview. */
export interface ComposerDeps {
  /**
   * Sends the message, framed with the panel's framer when `framed` (TCP), in `fragments` frames when more
   * than 1 (WebSocket); resolves with the bytes sent and, for a broadcast, how many peers got them.
   */
  send(message: ComposerMessage, options: { framed: boolean; fragments: number }): Promise<{ bytes: number; peers?: number }>;
  ping(payload: string): Promise<void>;
  pong(payload: string): Promise<void>;
  setAutoPong(enabled: boolean): Promise<void>;
  close(code: number, reason: string): Promise<void>;
  save(name: string, message: ComposerMessage): Promise<void>;
  deleteSaved(id: number): Promise<void>;
  /** Draft changed (for persisting across reloads of the webview). */
  onDraftChange(draft: ComposerMessage): void;
  /** Sends a layer form through the connection's protocol layer; resolves with the bytes written. */
  layerSend?(form: LayerSendForm): Promise<{ bytes: number }>;
}

type ValueElement = HTMLElement & { value: string; disabled: boolean };
type CheckboxElement = HTMLElement & { checked: boolean; disabled: boolean };
type TextareaElement = ValueElement & { wrappedElement?: HTMLTextAreaElement; invalid: boolean };


/** The bottom strip of the panel. */
export class Composer {
  readonly element: HTMLElement;
  private readonly format: ValueElement;
  private readonly escapes: CheckboxElement;
  /** Says when text with Escapes off holds \r, \n, … that will go out as typed. */
  private readonly escapesWarning: HTMLElement;
  /** TCP with a framer chosen: frame each sent message with it. */
  private readonly framed: CheckboxElement;
  private readonly input: TextareaElement;
  private readonly error: HTMLElement;
  private readonly info: HTMLElement;
  private readonly sendButton: ValueElement;
  /** Ping, pong, auto-pong and close, for WebSocket connections. */
  private readonly wsControls: WebSocketControls;
  private readonly wsSendOptions: HTMLElement;
  private readonly fragments: ValueElement;
  /** The saved messages: pick, save, delete. */
  private readonly savedMessages: SavedMessages;
  private readonly options: HTMLElement;
  private history: readonly ComposerMessage[] = [];
  /** Position in history while walking it with Up/Down; history.length means "the draft". */
  private historyIndex = 0;
  private draftBeforeHistory: ComposerMessage | undefined;
  private open = false;
  private validateFrame = 0;
  private busy = false;
  /** The protocol layer's form, while a layer speaks on the connection. */
  private layerForm: LayerForm | undefined;
  private layer: LayerId | undefined;
  private readonly layerHost: HTMLElement;
  /** "Raw": send bytes with the raw composer although a layer is on. */
  private readonly rawSwitch: CheckboxElement;
  /** What only the raw composer has, hidden while the layer's form is in front. */
  private rawOnly: HTMLElement[] = [];
  /** The form was edited: its problems are shown as it is typed (not before the first edit). */
  private layerTouched = false;

  constructor(private readonly deps: ComposerDeps) {
    this.format = element<ValueElement>('vscode-single-select', { 'aria-label': t('Input format') });
    this.format.dataset.testid = 'composer-format';
    this.format.className = 'composer-format';
    for (const f of COMPOSER_FORMATS) this.format.append(option(f, FORMAT_LABELS[f]));
    this.format.addEventListener('change', () => this.onFormatChange());

    this.escapes = element<CheckboxElement>('vscode-checkbox', { label: t('Escapes') });
    this.escapes.title = t('Interpret backslash escapes: {0}', TEXT_ESCAPES_HELP);
    this.escapes.dataset.testid = 'composer-escapes';
    this.escapes.addEventListener('change', () => this.scheduleValidate());

    this.framed = element<CheckboxElement>('vscode-checkbox', { label: t('Add framing on send') });
    this.framed.dataset.testid = 'composer-framed';
    this.framed.hidden = true;

    this.savedMessages = new SavedMessages({
      save: (name, message) => this.deps.save(name, message),
      deleteSaved: (id) => this.deps.deleteSaved(id),
      current: () => this.current(),
      restore: (message) => this.restoreDraft(message),
      focusInput: () => this.input.focus(),
      showError: (message) => this.showError(message),
    });

    this.input = element<TextareaElement>('vscode-textarea', { rows: '3', resize: 'vertical', monospace: '', 'aria-label': t('Message to send') });
    this.input.className = 'composer-input';
    this.input.dataset.testid = 'composer-input';
    this.input.setAttribute('placeholder', PLACEHOLDERS.text);
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (e) => this.onKeyDown(e as KeyboardEvent));

    this.error = h('div', { className: 'composer-error', testId: 'composer-error', attrs: { role: 'alert', 'aria-live': 'polite' } });
    this.error.hidden = true;
    this.info = h('div', { className: 'composer-info', testId: 'composer-info' });
    this.escapesWarning = h('div', { className: 'composer-warning', testId: 'composer-escapes-warning', attrs: { 'aria-live': 'polite' } });
    this.escapesWarning.hidden = true;

    this.sendButton = button(t('Send'), () => void this.send(), false, 'send') as ValueElement;
    this.sendButton.dataset.testid = 'composer-send';
    this.sendButton.title = t('Send (Ctrl+Enter)');

    this.wsControls = new WebSocketControls({
      ping: (payload) => this.deps.ping(payload),
      pong: (payload) => this.deps.pong(payload),
      setAutoPong: (enabled) => this.deps.setAutoPong(enabled),
      close: (code, reason) => this.deps.close(code, reason),
      showError: (message) => this.showError(message),
      showInfo: (text) => setText(this.info, text),
    });

    this.fragments = element<ValueElement>('vscode-textfield', { value: '1', 'aria-label': t('Frames per message'), size: '4' });
    this.fragments.className = 'composer-fragments';
    this.fragments.dataset.testid = 'composer-fragments';
    this.fragments.title = t('Send the message in this many frames (1 to {0}): the first with the opcode, the rest continuations', MAX_FRAGMENTS);
    this.wsSendOptions = h('label', { className: 'composer-ws-send' }, [h('span', { className: 'muted', text: t('Frames') }), this.fragments]);

    this.rawSwitch = element<CheckboxElement>('vscode-checkbox', { label: t('Raw') });
    this.rawSwitch.dataset.testid = 'composer-raw';
    this.rawSwitch.title = t('Send raw bytes instead of the protocol layer\'s form');
    this.rawSwitch.hidden = true;
    this.rawSwitch.addEventListener('change', () => this.applyMode());
    this.layerHost = h('div', { className: 'composer-layer', attrs: { role: 'group' } });
    this.layerHost.hidden = true;
    this.layerHost.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.send();
      }
    });

    this.options = h('span', { className: 'composer-options' });
    const top = h('div', { className: 'composer-bar' }, [
      this.rawSwitch,
      this.format,
      this.escapes,
      this.framed,
      this.options,
      h('span', { className: 'spacer' }),
      this.savedMessages.select,
      this.savedMessages.saveButton,
      this.savedMessages.deleteButton,
    ]);
    const bottom = h('div', { className: 'composer-bar' }, [this.error, this.escapesWarning, this.info, h('span', { className: 'spacer' }), this.wsSendOptions, this.sendButton]);
    this.element = h('div', { className: 'composer', attrs: { role: 'form', 'aria-label': t('Composer') } }, [top, this.savedMessages.row, this.layerHost, this.input, bottom, this.wsControls.element]);
    this.rawOnly = [this.format, this.escapes, this.framed, this.savedMessages.select, this.savedMessages.saveButton, this.savedMessages.deleteButton, this.input, this.wsSendOptions];
    this.onFormatChange();
  }

  /** Restores a draft (after the webview was recreated). */
  restoreDraft(draft: ComposerMessage): void {
    this.format.value = draft.format;
    this.escapes.checked = draft.escapes;
    this.input.value = draft.input;
    this.onFormatChange();
  }

  /**
   * The connection's kind and whether it is open (sending is possible). `controls` shows Ping and Close
   * (default: for WebSockets; not for a server's own log).
   */
  setConnection(kind: 'ws' | 'tcp', open: boolean, controls = kind === 'ws'): void {
    this.open = open;
    this.wsControls.element.hidden = !controls;
    this.wsSendOptions.hidden = kind !== 'ws';
    this.updateButtons();
  }

  /** The panel's framer as a label (undefined: raw chunks, or not TCP): offers to frame on send. */
  setFraming(label: string | undefined): void {
    this.framed.hidden = label === undefined;
    if (label === undefined) this.framed.checked = false;
    this.framed.setAttribute('label', label === undefined ? t('Add framing on send') : t('Add framing on send: {0}', label));
    this.framed.title = label === undefined ? '' : t('Frame each message as {0} before sending it', label);
  }

  /**
   * The protocol layer speaking on the connection (undefined: none): its form replaces the raw input,
   * with "Raw" to switch back. A layer the form is already for keeps what was typed.
   */
  setLayer(layer: LayerId | undefined): void {
    if (layer === this.layer) return;
    this.layer = layer;
    this.layerTouched = false;
    this.layerForm =
      layer === undefined
        ? undefined
        : createLayerForm(layer, () => {
            this.layerTouched = true;
            this.scheduleValidate();
          });
    this.layerHost.replaceChildren(...(this.layerForm ? [this.layerForm.element] : []));
    this.layerHost.setAttribute('aria-label', layer === undefined ? '' : t('{0} message', formatName(layer)));
    this.rawSwitch.hidden = layer === undefined;
    this.applyMode();
  }

  /** Brings the raw composer to the front (editing a held message, which is bytes). */
  showRaw(): void {
    if (this.layerForm && !this.rawSwitch.checked) {
      this.rawSwitch.checked = true;
      this.applyMode();
    }
  }

  /** Shows whether the connection answers pings automatically. */
  setAutoPong(enabled: boolean): void {
    this.wsControls.setAutoPong(enabled);
  }

  /** Relabels the Send button (e.g. "Forward edited" while a held proxy message is edited). */
  setSendLabel(label: string): void {
    if (this.sendButton.textContent !== label) this.sendButton.textContent = label;
  }

  /** Adds a control beside the format (a server panel's "Broadcast to all peers"). */
  addOption(element: HTMLElement): void {
    this.options.append(element);
  }

  /** New history and saved lists from the host. */
  setLists(history: readonly ComposerMessage[], saved: readonly SavedMessage[]): void {
    this.history = history;
    this.historyIndex = history.length;
    this.draftBeforeHistory = undefined;
    this.savedMessages.setSaved(saved);
  }

  /** Focuses the input (the layer's form while it is in front). */
  focus(): void {
    if (this.layerMode) this.layerForm!.focus();
    else this.input.focus();
  }

  /** Whether the layer's form is in front. */
  private get layerMode(): boolean {
    return this.layerForm !== undefined && !this.rawSwitch.checked;
  }

  /** Shows the layer's form or the raw composer. */
  private applyMode(): void {
    const layered = this.layerMode;
    this.layerHost.hidden = !layered;
    for (const el of this.rawOnly) el.classList.toggle('raw-only-hidden', layered);
    if (!layered) this.onFormatChange();
    else this.scheduleValidate();
    this.updateButtons();
  }

  // ------------------------------------------------------------------------------------------------

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

  /** Checks the layer's form now; shows the problem inline and returns the form, or undefined. */
  private validateLayer(): LayerSendForm | undefined {
    const result = this.layerForm!.read();
    if ('problem' in result) {
      this.showError(result.problem);
      setText(this.info, '');
      return undefined;
    }
    this.showError('');
    setText(this.info, '');
    return result.form;
  }

  /** Checks the input now; shows the problem inline and returns the byte count, or undefined if invalid. */
  private validate(): number | undefined {
    if (this.layerMode) {
      this.escapesWarning.hidden = true;
      if (this.layerTouched) return this.validateLayer() === undefined ? undefined : 0;
      this.showError('');
      return undefined;
    }
    const message = this.current();
    const warning = message.format === 'text' && !message.escapes ? escapesOffWarning(message.input) : undefined;
    setText(this.escapesWarning, warning ?? '');
    this.escapesWarning.hidden = warning === undefined;
    const result = validateComposerInput(message.input, message.format, { escapes: message.escapes });
    if (!result.ok) {
      this.showError(result.error.message);
      setText(this.info, '');
      this.input.invalid = true;
      return undefined;
    }
    this.showError('');
    this.input.invalid = false;
    setText(this.info, message.input === '' ? '' : message.format === 'text' || message.format === 'json' ? formatBytes(result.bytes.length) : t('{0} binary', formatBytes(result.bytes.length)));
    return result.bytes.length;
  }

  private showError(message: string): void {
    setText(this.error, message);
    this.error.hidden = message === '';
  }

  private updateButtons(): void {
    this.sendButton.disabled = !this.open || this.busy;
    this.wsControls.setOpen(this.open);
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
    // Checked below, now: a check still waiting for its frame would overwrite what the send says ("Sent …").
    cancelAnimationFrame(this.validateFrame);
    this.validateFrame = 0;
    if (this.layerMode) return this.sendLayer();
    if (this.validate() === undefined) {
      this.input.focus();
      return;
    }
    if (!this.open || this.busy) return;
    const fragments = this.wsSendOptions.hidden ? 1 : this.fragmentCount();
    if (fragments === undefined) return;
    this.busy = true;
    this.updateButtons();
    try {
      const { bytes, peers } = await this.deps.send(this.current(), { framed: !this.framed.hidden && this.framed.checked, fragments });
      setText(this.info, sentText(formatBytes(bytes), fragments, peers));
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
    } finally {
      this.busy = false;
      this.updateButtons();
    }
  }

  /** Sends the layer's form through the host; its refusal is shown inline like any other. */
  private async sendLayer(): Promise<void> {
    const form = this.validateLayer();
    if (form === undefined) {
      this.layerForm!.focus();
      return;
    }
    if (!this.open || this.busy || !this.deps.layerSend) return;
    this.busy = true;
    this.updateButtons();
    try {
      const { bytes } = await this.deps.layerSend(form);
      setText(this.info, t('Sent {0}', formatBytes(bytes)));
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
    } finally {
      this.busy = false;
      this.updateButtons();
    }
  }

  /** The Frames field as a number, or undefined (and the problem shown) when it is not valid. */
  private fragmentCount(): number | undefined {
    const problem = fragmentsProblem(this.fragments.value);
    if (problem) {
      this.showError(problem);
      this.fragments.focus();
      return undefined;
    }
    return Number(this.fragments.value.trim());
  }

}

/** "Sent 5 B", "Sent 5 B in 3 frames", "Sent 5 B to 2 peers": whole sentences, so a translation can order them. */
function sentText(size: string, fragments: number, peers: number | undefined): string {
  if (peers === undefined) return fragments > 1 ? t('Sent {0} in {1} frames', size, fragments) : t('Sent {0}', size);
  if (peers === 1) return fragments > 1 ? t('Sent {0} in {1} frames to 1 peer', size, fragments) : t('Sent {0} to 1 peer', size);
  return fragments > 1 ? t('Sent {0} in {1} frames to {2} peers', size, fragments, peers) : t('Sent {0} to {1} peers', size, peers);
}
