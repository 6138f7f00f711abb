// Reads a V8 CPU profile (Node's --cpu-prof, the inspector's or Chromium's Profiler.stop) into the
// functions with the most self time: what the profiling scripts in bench/ print.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self-time share per function, highest first, one line each ("12.3 %  name file:line"). */
export function selfTimeLines(profile: { nodes: ProfileNode[] }, top: number): string[] {
  const byName = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const f = n.callFrame;
    const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`;
    byName.set(key, (byName.get(key) ?? 0) + hits);
  }
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}
