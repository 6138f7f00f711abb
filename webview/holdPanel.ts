// What a panel adds when it shows one proxy pair: Hold switches per direction, the list of held messages
// (Forward, Edit, Drop each; Forward all, Drop all), and the composer's "Send to" choice for injecting.
// Editing puts a held message in the composer, as JSON when the pair's protocol layer or payload codec
// can encode it back (the host re-encodes it on Forward), else as its bytes; "Decoded" switches between
// the two. The composer's send then forwards the edit.
import type { ComposerMessage, HeldEditable, HeldSummary, ProxyDirectionName, ProxyHoldInfo } from '../shared/protocol';
import { formatName } from './decodeNames';
import { visibleText } from '../shared/codecs/utf8Decode';
import { escapedNodes, PREVIEW_ESCAPE_RUNS } from './escapedText';
import { h, setText } from './domBuilder';
import { formatBytes, kindLabel } from './entryFormat';
import { t } from './l10n';

/** What the hold panel asks of the host channel and the composer. */
export interface HoldPanelDeps {
  setHold(toServer: boolean, toClient: boolean): Promise<void>;
  /** The held message's bytes and, when its layer or codec can encode it back, the message as JSON. */
  getHeld(id: number): Promise<{ payload: ArrayBuffer; editable?: HeldEditable; notEditable?: string }>;
  /** Resolves with the bytes forwarded; `edited` is the JSON getHeld gave, edited, for the host to encode. */
  release(id: number, replacement?: ComposerMessage, edited?: string): Promise<number>;
  drop(id: number): Promise<void>;
  all(action: 'release' | 'drop'): Promise<void>;
  /** Puts a message in the composer for editing. */
  edit(message: ComposerMessage): void;
  /** Whether the pair is shown, or the message being edited, changed (the composer relabels). */
  onChange(): void;
  reportError(message: string): void;
}

type CheckboxElement = HTMLElement & { checked: boolean; disabled: boolean };
type ValueElement = HTMLElement & { value: string; disabled: boolean };

/** The held message the composer edits. */
interface Editing {
  readonly id: number;
  readonly payload: Uint8Array;
  readonly kind: number;
  readonly editable: HeldEditable | undefined;
  readonly notEditable: string | undefined;
  /** The composer holds the decoded JSON (else the bytes). */
  decoded: boolean;
}

const LEG: Record<ProxyDirectionName, string> = { toServer: t('client → server'), toClient: t('server → client') };
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** The held list and hold switches; hidden unless the log shown is a proxy pair. */
export class HoldPanel {
  readonly element: HTMLElement;
  /** "Send to: server | client", for the composer. */
  readonly sendTo: HTMLElement;
  private readonly sendToSelect: ValueElement;
  private readonly holdToServer: CheckboxElement;
  private readonly holdToClient: CheckboxElement;
  private readonly count: HTMLElement;
  private readonly list: HTMLElement;
  private readonly editNote: HTMLElement;
  /** "Decoded": edit the held message as its layer's or codec's JSON, or as bytes. */
  private readonly decodedSwitch: CheckboxElement;
  private info: ProxyHoldInfo | undefined;
  private edited: Editing | undefined;

  constructor(private readonly deps: HoldPanelDeps) {
    this.holdToServer = this.checkbox(t('client → server'), 'hold-to-server', t('Hold messages from the client instead of forwarding them to the server'));
    this.holdToClient = this.checkbox(t('server → client'), 'hold-to-client', t('Hold messages from the server instead of forwarding them to the client'));
    this.count = h('span', { className: 'count-label', testId: 'held-count' });
    this.list = h('div', { className: 'held-list', testId: 'held-list', attrs: { role: 'list', 'aria-label': t('Held messages') } });
    this.editNote = h('span', { className: 'held-edit-note', testId: 'held-editing' });
    const cancelEdit = this.button(t('Cancel edit'), 'held-edit-cancel', () => this.stopEditing(), 'close');
    this.decodedSwitch = document.createElement('vscode-checkbox') as CheckboxElement;
    this.decodedSwitch.setAttribute('label', t('Decoded'));
    this.decodedSwitch.dataset.testid = 'held-edit-decoded';
    this.decodedSwitch.addEventListener('change', () => this.switchDecoded(this.decodedSwitch.checked));
    const editRow = h('div', { className: 'held-edit-row' }, [this.editNote, this.decodedSwitch, cancelEdit]);
    editRow.hidden = true;
    this.editNote.dataset.row = 'edit';
    this.element = h('div', { className: 'hold-panel', testId: 'hold-panel' }, [
      h('div', { className: 'hold-bar', attrs: { role: 'toolbar', 'aria-label': t('Hold') } }, [
        h('span', { className: 'codicon codicon-debug-pause', attrs: { 'aria-hidden': 'true' } }),
        h('span', { text: t('Hold') }),
        this.holdToServer,
        this.holdToClient,
        this.count,
        h('span', { className: 'spacer' }),
        this.button(t('Forward all'), 'held-forward-all', () => this.run(this.deps.all('release'))),
        this.button(t('Drop all'), 'held-drop-all', () => this.run(this.deps.all('drop'))),
      ]),
      editRow,
      this.list,
    ]);
    this.element.hidden = true;

    this.sendToSelect = document.createElement('vscode-single-select') as ValueElement;
    this.sendToSelect.setAttribute('aria-label', t('Send to'));
    this.sendToSelect.dataset.testid = 'composer-inject';
    for (const [value, label] of [
      ['toServer', t('server')],
      ['toClient', t('client')],
    ] as const) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', value);
      o.textContent = label;
      this.sendToSelect.append(o);
    }
    this.sendToSelect.title = t('Inject the message toward the server (as if the client sent it) or toward the client');
    this.sendTo = h('span', { className: 'composer-send-to' }, [h('span', { text: t('Send to:') }), this.sendToSelect]);
    this.sendTo.hidden = true;
  }

  /** The pair's hold state from a snapshot or a `held` event (undefined: not a proxy pair). */
  update(info: ProxyHoldInfo | undefined): void {
    const shownBefore = this.info !== undefined;
    this.info = info;
    this.element.hidden = !info;
    this.sendTo.hidden = !info;
    if (!info) {
      this.edited = undefined;
      this.renderEditing();
      if (shownBefore) this.deps.onChange();
      return;
    }
    this.holdToServer.checked = info.toServer;
    this.holdToClient.checked = info.toClient;
    const total = info.held.length + info.omitted;
    setText(this.count, total === 0 ? t('nothing held') : t('{0} held', total));
    this.list.replaceChildren(...info.held.map((m) => this.row(m)));
    // The message being edited was forwarded or dropped meanwhile: the edit has nowhere to go.
    if (this.edited && !info.held.some((m) => m.id === this.edited!.id)) this.edited = undefined;
    this.renderEditing();
    if (!shownBefore) this.deps.onChange();
  }

  /** Whether the log shown is a proxy pair. */
  get active(): boolean {
    return this.info !== undefined;
  }

  /** The held message the composer edits, if any. */
  get editing(): number | undefined {
    return this.edited?.id;
  }

  /** Where the composer injects to. */
  get injectTo(): ProxyDirectionName {
    return this.sendToSelect.value === 'toClient' ? 'toClient' : 'toServer';
  }

  /** Forwards the edited message in place of the held one; the composer calls this instead of sending. */
  async forwardEdited(message: ComposerMessage): Promise<{ bytes: number }> {
    const edited = this.edited;
    if (edited === undefined) throw new Error(t('No held message is being edited.'));
    // A refused edit rejects here (the composer shows why) and the message stays held and edited.
    const bytes = edited.decoded ? await this.deps.release(edited.id, undefined, message.input) : await this.deps.release(edited.id, message);
    this.stopEditing();
    return { bytes };
  }

  private row(m: HeldSummary): HTMLElement {
    const bytes = new Uint8Array(m.preview);
    const preview = lenientUtf8.decode(bytes) + (m.size > bytes.length ? '…' : '');
    const row = h('div', { className: 'held-row', testId: 'held-row', attrs: { role: 'listitem', 'data-id': String(m.id), 'data-direction': m.direction } }, [
      h('span', { className: 'held-id', text: `#${m.id}` }),
      h('span', { className: 'held-leg', testId: 'held-leg', text: LEG[m.direction] }),
      h('span', { className: 'held-kind', text: kindLabel(m.kind) }),
      h('span', { className: 'held-size', text: formatBytes(m.size) }),
      // Control characters as muted escapes, as in log rows (the title can only hold them spelled plain).
      h('span', { className: 'held-preview', testId: 'held-preview', title: visibleText(preview) }, escapedNodes(preview, PREVIEW_ESCAPE_RUNS)),
      this.button(t('Forward'), 'held-forward', () => this.run(this.deps.release(m.id).then(() => {}))),
      this.button(t('Edit'), 'held-edit', () => void this.startEditing(m)),
      this.button(t('Drop'), 'held-drop', () => this.run(this.deps.drop(m.id))),
    ]);
    if (m.id === this.edited?.id) row.classList.add('editing');
    return row;
  }

  private async startEditing(m: HeldSummary): Promise<void> {
    try {
      const held = await this.deps.getHeld(m.id);
      this.edited = { id: m.id, payload: new Uint8Array(held.payload), kind: m.kind, editable: held.editable, notEditable: held.notEditable, decoded: false };
      this.switchDecoded(held.editable !== undefined);
      this.list.querySelectorAll('.held-row').forEach((r) => r.classList.toggle('editing', (r as HTMLElement).dataset.id === String(m.id)));
    } catch (e) {
      this.deps.reportError(e instanceof Error ? e.message : String(e));
    }
  }

  /** Puts the message being edited in the composer as decoded JSON (when it has one) or as its bytes. */
  private switchDecoded(decoded: boolean): void {
    const edited = this.edited;
    if (!edited) return;
    edited.decoded = decoded && edited.editable !== undefined;
    this.deps.edit(edited.decoded ? { format: 'json', input: edited.editable!.text, escapes: false } : asComposerMessage(edited.payload, edited.kind));
    this.renderEditing();
  }

  private stopEditing(): void {
    this.edited = undefined;
    this.renderEditing();
    this.list.querySelectorAll('.held-row.editing').forEach((r) => r.classList.remove('editing'));
  }

  private renderEditing(): void {
    const editRow = this.editNote.parentElement!;
    const edited = this.edited;
    editRow.hidden = edited === undefined;
    const held = this.info?.held.find((m) => m.id === edited?.id);
    const as = edited?.editable ? editableName(edited.editable) : undefined;
    this.decodedSwitch.hidden = as === undefined;
    this.decodedSwitch.checked = edited?.decoded ?? false;
    this.decodedSwitch.setAttribute('label', as === undefined ? t('Decoded') : t('Decoded ({0})', as));
    this.decodedSwitch.title = as === undefined ? '' : t('Edit the message as {0} JSON, re-encoded on Forward; untick to edit its bytes', as);
    let note = '';
    if (held && edited) {
      const leg = LEG[held.direction];
      if (edited.decoded) note = t('Editing #{0} ({1}) as {2} JSON: change it in the composer, then Forward edited (encoded back)', held.id, leg, as ?? '');
      else if (edited.notEditable) note = t('Editing #{0} ({1}) as bytes ({2}): change it in the composer, then Forward edited', held.id, leg, edited.notEditable);
      else note = t('Editing #{0} ({1}): change it in the composer, then Forward edited', held.id, leg);
    }
    setText(this.editNote, note);
    this.deps.onChange();
  }

  private run(action: Promise<void>): void {
    action.catch((e: unknown) => this.deps.reportError(e instanceof Error ? e.message : String(e)));
  }

  private async setHold(): Promise<void> {
    try {
      await this.deps.setHold(this.holdToServer.checked, this.holdToClient.checked);
    } catch (e) {
      this.deps.reportError(e instanceof Error ? e.message : String(e));
      if (this.info) this.update(this.info);
    }
  }

  private checkbox(label: string, testId: string, title: string): CheckboxElement {
    const c = document.createElement('vscode-checkbox') as CheckboxElement;
    c.setAttribute('label', label);
    c.title = title;
    c.dataset.testid = testId;
    c.addEventListener('change', () => void this.setHold());
    return c;
  }

  private button(label: string, testId: string, onClick: () => void, iconName?: string): HTMLElement {
    const b = document.createElement('vscode-button');
    b.setAttribute('secondary', '');
    if (iconName) b.setAttribute('icon', iconName);
    b.dataset.testid = testId;
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }
}

/** What a held message's JSON is, in words: "Socket.IO", "Protobuf chat.v1.Message", "MessagePack". */
function editableName(e: HeldEditable): string {
  return e.messageType ? `${formatName(e.format)} ${e.messageType}` : formatName(e.format);
}

/** A held payload as composer input: text when it is valid UTF-8 (and not a binary message), else hex. */
function asComposerMessage(payload: Uint8Array, kind: number): ComposerMessage {
  const binaryKind = kindLabel(kind) === 'binary';
  if (!binaryKind) {
    try {
      const text = strictUtf8.decode(payload);
      // Control characters other than tab and newlines would not survive as typed text: hex keeps them.
      if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
        // A textarea turns CR LF into LF, which would change the message (RESP, HTTP): CR goes as an escape.
        if (!text.includes('\r')) return { format: 'text', input: text, escapes: false };
        return { format: 'text', input: text.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n'), escapes: true };
      }
    } catch {
      // Not UTF-8: hex below.
    }
  }
  return { format: 'hex', input: Array.from(payload, (b) => b.toString(16).padStart(2, '0')).join(' '), escapes: false };
}
