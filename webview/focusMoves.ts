// Where a key moves the keyboard: among the tabs of a tab list, among the panel's F6 regions. Pure:
// the DOM side is in tabKeyboard.ts and keyboardNavigation.ts.

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

/** Index of the region F6 (step 1) or Shift+F6 (step -1) goes to from `current`, or undefined to let the key go. */
export function nextRegion(current: number | undefined, step: 1 | -1, count: number): number | undefined {
  if (count === 0) return undefined;
  if (current === undefined) return step === 1 ? 0 : count - 1;
  const next = current + step;
  return next < 0 || next >= count ? undefined : next;
}
