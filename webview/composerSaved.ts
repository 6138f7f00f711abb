// The composer's saved messages: the list to pick one from (into the input), Save with an optional name,
// and Delete. Kept apart from composer.ts, which edits, checks and sends; the host keeps the list per session.
import type { ComposerMessage, SavedMessage } from '../shared/protocol';
import { visibleText } from '../shared/codecs/utf8Decode';
import { FORMAT_LABELS } from './composerFormats';
import { button, customElement as element, h, option } from './domBuilder';
import { t } from './l10n';

type ValueElement = HTMLElement & { value: string; disabled: boolean };

/** What the saved-messages controls ask of the composer. */
export interface SavedMessagesDeps {
  save(name: string, message: ComposerMessage): Promise<void>;
  deleteSaved(id: number): Promise<void>;
  /** The message in the composer now (what Save keeps). */
  current(): ComposerMessage;
  /** Puts a chosen saved message into the composer. */
  restore(message: SavedMessage): void;
  focusInput(): void;
  showError(message: string): void;
}

/** The saved-messages list, its Save and Delete buttons, and the row that asks for a name. */
export class SavedMessages {
  readonly select: ValueElement;
  readonly saveButton: HTMLElement;
  readonly deleteButton: HTMLElement;
  private readonly saveName: ValueElement;
  /** Shown while a name is asked for. */
  readonly row: HTMLElement;
  private saved: readonly SavedMessage[] = [];

  constructor(private readonly deps: SavedMessagesDeps) {
    this.select = element<ValueElement>('vscode-single-select', { 'aria-label': t('Saved messages') });
    this.select.className = 'composer-saved';
    this.select.dataset.testid = 'composer-saved';
    this.select.addEventListener('change', () => this.onSavedChosen());
    this.saveButton = this.toolbarButton('save', t('Save this message for the session'), () => this.beginSave());
    this.saveButton.dataset.testid = 'composer-save';
    this.deleteButton = this.toolbarButton('trash', t('Delete the chosen saved message'), () => this.deleteChosen());

    this.saveName = element<ValueElement>('vscode-textfield', { placeholder: t('Name (optional)'), 'aria-label': t('Name of the saved message') });
    this.saveName.className = 'composer-save-name';
    this.saveName.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void this.commitSave();
      if (e.key === 'Escape') this.endSave();
    });
    this.row = h('div', { className: 'composer-save-row' }, [
      this.saveName,
      button(t('Save'), () => void this.commitSave(), true),
      button(t('Cancel'), () => this.endSave(), true),
    ]);
    this.row.hidden = true;
    this.render();
  }

  /** A new list from the host. */
  setSaved(saved: readonly SavedMessage[]): void {
    this.saved = saved;
    this.render();
  }

  private toolbarButton(iconName: string, label: string, onClick: () => void): HTMLElement {
    const b = element('vscode-toolbar-button', { icon: iconName, label });
    b.title = label;
    b.addEventListener('click', onClick);
    return b;
  }

  private render(): void {
    const select = this.select;
    select.replaceChildren(option('', this.saved.length ? t('Saved messages ({0})', this.saved.length) : t('No saved messages')));
    // A name from a session file must not read differently than it is (bidi overrides are spelled out).
    for (const m of this.saved) select.append(option(String(m.id), `${visibleText(m.name)} · ${FORMAT_LABELS[m.format]}`));
    select.value = '';
    select.disabled = this.saved.length === 0;
    this.deleteButton.hidden = true;
  }

  private onSavedChosen(): void {
    const id = Number(this.select.value);
    const m = this.saved.find((s) => s.id === id);
    this.deleteButton.hidden = !m;
    if (!m) return;
    this.deps.restore(m);
    this.deps.focusInput();
  }

  private deleteChosen(): void {
    const id = Number(this.select.value);
    if (!id) return;
    this.deps.deleteSaved(id).catch((e: unknown) => this.deps.showError(e instanceof Error ? e.message : String(e)));
  }

  private beginSave(): void {
    this.row.hidden = false;
    this.saveName.value = '';
    this.saveName.focus();
  }

  private endSave(): void {
    this.row.hidden = true;
    this.deps.focusInput();
  }

  private async commitSave(): Promise<void> {
    try {
      await this.deps.save(this.saveName.value, this.deps.current());
      this.endSave();
    } catch (e) {
      this.deps.showError(e instanceof Error ? e.message : String(e));
    }
  }
}
