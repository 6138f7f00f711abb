// Arrow keys in a vscode-tabs tab list, as the ARIA practices describe them: Left/Right move to the
// previous/next tab and show it, Home/End to the first/last. vscode-tabs has arrow keys of its own,
// but they land on hidden tabs (JSON and Close are shown only for payloads they apply to) and show a
// tab only on Enter; these handlers run first and replace them.

/** The tab a key moves to among `visible` tabs (wrapping at the ends), or undefined for other keys. */
export function tabKeyTarget(key: string, current: number, visible: readonly boolean[]): number | undefined {
  const order = visible.flatMap((v, i) => (v ? [i] : []));
  if (order.length === 0) return undefined;
  const at = order.indexOf(current);
  switch (key) {
    case 'ArrowRight':
      return order[at < 0 ? 0 : (at + 1) % order.length];
    case 'ArrowLeft':
      return order[at < 0 ? order.length - 1 : (at - 1 + order.length) % order.length];
    case 'Home':
      return order[0];
    case 'End':
      return order[order.length - 1];
    case 'Enter':
    case ' ':
      return at < 0 ? undefined : current;
    default:
      return undefined;
  }
}

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
      list[target]!.focus();
      if (tabs.selectedIndex === target) return;
      tabs.selectedIndex = target;
      tabs.dispatchEvent(new CustomEvent('vsc-tabs-select', { detail: { selectedIndex: target }, composed: true }));
    },
    { capture: true },
  );
}
