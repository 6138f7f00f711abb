// The parts every layer composer form is made of: labelled text fields, text areas, selects and
// checkboxes (vscode-elements), each reporting changes to the form, and the JSON checks two forms share.
import type { LayerSendForm } from '../shared/decode/layerForms';
import { validateComposerInput } from '../shared/codecs/composerInput';
import { customElement, h } from './domBuilder';
import { t } from './l10n';

export type ValueElement = HTMLElement & { value: string; invalid: boolean };
export type CheckboxElement = HTMLElement & { checked: boolean };

/** A layer's composer form: its controls, and what it would send now. */
export interface LayerForm {
  readonly element: HTMLElement;
  /** The form to send, or the sentence saying what is wrong with it. */
  read(): { readonly form: LayerSendForm } | { readonly problem: string };
  /** Puts the keyboard in the form's first field. */
  focus(): void;
}

/** A labelled text field (`vscode-textfield`). */
export function textField(testId: string, label: string, placeholder: string, onChange: () => void, value = ''): ValueElement {
  const field = customElement<ValueElement>('vscode-textfield', { 'aria-label': label, placeholder });
  field.dataset.testid = testId;
  field.className = 'layer-field';
  field.value = value;
  field.addEventListener('input', onChange);
  return field;
}

/** A labelled multi-line field (`vscode-textarea`), monospaced. */
export function textArea(testId: string, label: string, placeholder: string, onChange: () => void, rows = 2): ValueElement {
  const area = customElement<ValueElement>('vscode-textarea', { 'aria-label': label, placeholder, rows: String(rows), resize: 'vertical', monospace: '' });
  area.dataset.testid = testId;
  area.className = 'layer-area';
  area.addEventListener('input', onChange);
  return area;
}

/** A labelled choice (`vscode-single-select`) of `[value, label]` options, the first chosen. */
export function choice(testId: string, label: string, options: ReadonlyArray<readonly [string, string]>, onChange: () => void): ValueElement {
  const select = customElement<ValueElement>('vscode-single-select', { 'aria-label': label });
  select.dataset.testid = testId;
  select.className = 'layer-choice';
  for (const [value, text] of options) {
    const o = customElement('vscode-option', { value });
    o.textContent = text;
    select.append(o);
  }
  select.addEventListener('change', onChange);
  return select;
}

/** A checkbox (`vscode-checkbox`) with its label. */
export function checkbox(testId: string, label: string, onChange: () => void): CheckboxElement {
  const box = customElement<CheckboxElement>('vscode-checkbox', { label });
  box.dataset.testid = testId;
  box.addEventListener('change', onChange);
  return box;
}

/** A row of controls, a short visible caption before each that has one. */
export function formRow(...parts: ReadonlyArray<HTMLElement | readonly [string, HTMLElement]>): HTMLElement {
  return h(
    'div',
    { className: 'layer-row' },
    parts.map((p) => (Array.isArray(p) ? h('span', { className: 'layer-caption' }, [h('span', { className: 'muted', text: p[0] }), p[1]]) : (p as HTMLElement))),
  );
}

/** What is wrong with `text` as JSON of the given shape, or undefined; the position as the raw composer says it. */
export function jsonProblem(text: string, what: string, shape: 'array' | 'object'): string | undefined {
  const checked = validateComposerInput(text, 'json');
  if (!checked.ok) return `${what}: ${checked.error.message}`;
  const value: unknown = JSON.parse(text);
  const fits = shape === 'array' ? Array.isArray(value) : typeof value === 'object' && value !== null && !Array.isArray(value);
  return fits ? undefined : shape === 'array' ? t('{0} must be a JSON array: [ … ].', what) : t('{0} must be a JSON object: { … }.', what);
}

/** Marks a field invalid while `problem` names it. */
export function markInvalid(field: ValueElement, invalid: boolean): void {
  if (field.invalid !== invalid) field.invalid = invalid;
}
