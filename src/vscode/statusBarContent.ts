// What the status bar item says about the connections of the window. Pure, so it is unit-tested; the
// words are put together in statusBar.ts, through vscode.l10n.

/** How many connections are open (or opening), and one "target — state" line each; undefined hides the item. */
export function statusBarContent(connections: readonly { target: string; state: string }[]): { open: number; lines: string[] } | undefined {
  if (connections.length === 0) return undefined;
  const open = connections.filter((c) => c.state === 'open' || c.state === 'connecting').length;
  return { open, lines: connections.map((c) => `${c.target} — ${c.state}`) };
}
