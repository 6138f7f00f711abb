// Arrow keys in a vscode-tabs tab list, as the ARIA practices describe them: Left/Right move to the
// previous/next tab and show it, Home/End to the first/last. vscode-tabs has arrow keys of its own,
// but they land on hidden tabs (JSON and Close are shown only for payloads they apply to) and show a
// tab only on Enter; these handlers run first and replace them.
import { tabKeyTarget } from './focusMoves';

/**
 * Handles the keys on the tab headers of `tabs` (a vscode-tabs element): moves focus to the target
 * header and selects it the way a click does (vsc-tabs-select), so the owner's listener sees it.
 */
export function attachTabKeyboard(tabs: HTMLElement & { selectedIndex: number }): void {
  tabs.addEventListener(
    'keydown',
    (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      // The headers in slot order, which is the order of the tabs' selectedIndex.
      const list = Array.from(tabs.querySelectorAll<HTMLElement>(':scope > vscode-tab-header'));
      const current = list.indexOf(e.target as HTMLElement);
      if (current < 0) return; // a key inside a panel, not on the tab headers
      const target = tabKeyTarget(e.key, current, list.map((header) => !header.hidden));
      if (target === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      // A header never active has no tabindex yet (vscode-tab-header sets it when `active` changes,
      // after its next render): make it focusable now.
      const header = list[target]!;
      if (!header.hasAttribute('tabindex')) header.tabIndex = -1;
      header.focus();
      if (tabs.selectedIndex === target) return;
      tabs.selectedIndex = target;
      tabs.dispatchEvent(new CustomEvent('vsc-tabs-select', { detail: { selectedIndex: target }, composed: true }));
    },
    { capture: true },
  );
}
