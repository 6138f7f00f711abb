// Reads a V8 CPU profile (Node's --cpu-prof, the inspector's or Chromium's Profiler.stop) into the
// functions with the most self time: what the profiling scripts in bench/ print.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** What trimProfile reads and writes of a profile (the rest is kept as it is). */
export interface SampledProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The part of a profile from `fromMs` to `toMs` after it started, with each function's hit count
 * recounted: a profile started before a flood and cut to the measured window. (Starting the profiler
 * in the middle of a flood can deadlock Node 20: V8 logs every compiled function then, and a garbage
 * collection that starts meanwhile waits for a lock the logging holds.)
 */
export function trimProfile<P extends SampledProfile>(profile: P, fromMs: number, toMs: number): P {
  const from = profile.startTime + fromMs * 1000;
  const to = profile.startTime + toMs * 1000;
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const hits = new Map<number, number>();
  let t = profile.startTime;
  let last = from;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t < from || t > to) return;
    samples.push(id);
    timeDeltas.push(t - last);
    last = t;
    hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  const nodes = profile.nodes.map((n) => ({ ...n, hitCount: hits.get(n.id) ?? 0 }));
  return { ...profile, nodes, samples, timeDeltas, startTime: from, endTime: Math.min(to, profile.endTime) };
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
