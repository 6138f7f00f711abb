// The detail pane's header: a one-line summary of the entry on display and the buttons that copy or
// save its full payload (the host reads the whole payload, however large; the page never holds it).
import { t } from './l10n';
import { h } from './domBuilder';
import { formatBytes } from './entryFormat';

/** What the header's buttons ask of the host. */
export interface DetailHeaderDeps {
  copy(seq: number, as: 'text' | 'hex' | 'base64'): Promise<void>;
  /** Saves the entry's full payload to a file the user picks; resolves with what was saved. */
  savePayload?(seq: number): Promise<{ saved: boolean; bytes: number }>;
}

/** The summary line and the copy/save buttons. */
export class DetailHeader {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly actions: HTMLElement;
  /** Bumped whenever the summary is set, so a flash does not restore a summary that was replaced. */
  private version = 0;

  /** `seq` gives the entry on display (undefined: none). */
  constructor(
    private readonly deps: DetailHeaderDeps,
    private readonly seq: () => number | undefined,
  ) {
    this.summary = h('div', { className: 'detail-summary', testId: 'detail-summary', text: t('No entry selected') });
    this.actions = h('div', { className: 'detail-actions' }, [
      this.copyButton('text', t('Copy as text'), t('Text')),
      this.copyButton('hex', t('Copy as hex'), t('Hex')),
      this.copyButton('base64', t('Copy as base64'), t('Base64')),
      ...(deps.savePayload ? [this.saveButton(deps.savePayload)] : []),
    ]);
    this.actions.hidden = true;
    this.element = h('div', { className: 'detail-header' }, [this.summary, this.actions]);
  }

  /** Sets the summary line; `actions` shows or hides the copy/save buttons. */
  set(summary: string, actions: boolean): void {
    this.version++;
    this.summary.textContent = summary;
    this.actions.hidden = !actions;
  }

  /** Shows `message` in place of the summary for a moment. */
  flash(message: string): void {
    const previous = this.summary.textContent;
    this.summary.textContent = message;
    const version = ++this.version;
    setTimeout(() => {
      if (version === this.version) this.summary.textContent = previous;
    }, 1500);
  }

  private copyButton(as: 'text' | 'hex' | 'base64', label: string, text: string): HTMLElement {
    const button = toolbarButton('copy', { label, title: label, testId: `copy-${as}`, text });
    button.addEventListener('click', () => {
      const seq = this.seq();
      if (seq === undefined) return;
      this.deps.copy(seq, as).then(
        () => this.flash(t('Copied #{0} as {1}', seq, as)),
        (e: unknown) => this.flash(e instanceof Error ? e.message : String(e)),
      );
    });
    return button;
  }

  private saveButton(save: (seq: number) => Promise<{ saved: boolean; bytes: number }>): HTMLElement {
    const button = toolbarButton('save', {
      label: t('Save the full payload to a file'),
      title: t('Save the full payload to a file…'),
      testId: 'save-payload',
      text: t('Save…'),
    });
    button.addEventListener('click', () => {
      const seq = this.seq();
      if (seq === undefined) return;
      save(seq).then(
        (r) => {
          if (r.saved) this.flash(t('Saved #{0} ({1})', seq, formatBytes(r.bytes)));
        },
        (e: unknown) => this.flash(e instanceof Error ? e.message : String(e)),
      );
    });
    return button;
  }
}

function toolbarButton(icon: string, { label, title, testId, text }: { label: string; title: string; testId: string; text: string }): HTMLElement {
  const button = document.createElement('vscode-toolbar-button');
  button.setAttribute('icon', icon);
  button.setAttribute('label', label);
  button.title = title;
  button.dataset.testid = testId;
  button.textContent = text;
  return button;
}
