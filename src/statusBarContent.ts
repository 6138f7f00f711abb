// What the status bar item says about the connections of the window. Pure, so it is unit-tested.

/** The item's text and tooltip for the given connections, or undefined when it should be hidden. */
export function statusBarContent(connections: readonly { target: string; state: string }[]): { text: string; tooltip: string } | undefined {
  if (connections.length === 0) return undefined;
  const open = connections.filter((c) => c.state === 'open' || c.state === 'connecting').length;
  const lines = connections.map((c) => `${c.target} — ${c.state}`);
  return {
    text: `$(plug) ${open}`,
    tooltip: `Socket Inspector: ${open} open connection${open === 1 ? '' : 's'}\n${lines.join('\n')}\nClick to show one.`,
  };
}
