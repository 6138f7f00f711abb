// F6 and Shift+F6 move the keyboard between the panel's regions (toolbar, filter, log, detail,
// composer), as F6 moves between the parts of VS Code. Past the last region (or before the first) the
// key is left alone, so VS Code's own F6 takes the keyboard on to its next part: the panel is one more
// stop in VS Code's cycle, never a trap.
import { nextRegion } from './focusMoves';

/** One stop of the F6 cycle. */
export interface FocusRegion {
  readonly element: HTMLElement;
  /** Puts the keyboard in the region (its main control). */
  focus(): void;
}

/**
 * Listens for F6 on `doc`. A handled key stops here: VS Code forwards every keydown that reaches the
 * webview's window to the workbench, where F6 is Focus Next Part.
 */
export function attachRegionCycling(doc: Document, regions: () => readonly FocusRegion[]): () => void {
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key !== 'F6' || e.altKey || e.ctrlKey || e.metaKey) return;
    const list = regions().filter((r) => !r.element.hidden && r.element.isConnected);
    // A web component's inner control counts as the component: activeElement is its host.
    const active = doc.activeElement;
    const at = list.findIndex((r) => active !== null && r.element.contains(active));
    const target = nextRegion(at < 0 ? undefined : at, e.shiftKey ? -1 : 1, list.length);
    if (target === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    list[target]!.focus();
  };
  doc.addEventListener('keydown', onKeyDown);
  return () => doc.removeEventListener('keydown', onKeyDown);
}

const FOCUSABLE = [
  'vscode-button',
  'vscode-toolbar-button',
  'vscode-textfield',
  'vscode-textarea',
  'vscode-single-select',
  'vscode-checkbox',
  'button',
  'input',
  'select',
  'textarea',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** Focuses the first control in `container` that takes focus; returns whether one did. */
export function focusFirstControl(container: HTMLElement): boolean {
  for (const el of container.querySelectorAll<HTMLElement>(FOCUSABLE)) {
    if (el.hidden || el.closest('[hidden]') || (el as HTMLElement & { disabled?: boolean }).disabled) continue;
    el.focus();
    // vscode-toolbar-button does not delegate focus to the button in its shadow root: focus that.
    if (el.ownerDocument.activeElement !== el) el.shadowRoot?.querySelector<HTMLElement>('button, input, textarea')?.focus();
    if (el.ownerDocument.activeElement === el) return true;
  }
  return false;
}

/**
 * Marks the document with how focus last moved (`data-modality` on <html>: `keyboard` or `pointer`),
 * for focus styles that :focus-visible cannot give: a web component's host never matches it.
 */
export function trackFocusModality(doc: Document): void {
  const root = doc.documentElement;
  doc.addEventListener('keydown', () => (root.dataset.modality = 'keyboard'), { capture: true });
  doc.addEventListener('pointerdown', () => (root.dataset.modality = 'pointer'), { capture: true });
}
