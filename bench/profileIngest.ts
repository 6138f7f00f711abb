// Profiles one ingest consumer: `node --import tsx bench/profileIngest.ts ws 64 [recorder|bare] [panel]`.
// Runs a blaster and the consumer (with --cpu-prof) as the bench does, then prints the consumer's
// result and the functions with the most self time. The .cpuprofile lands in bench/.profiles.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildChildren, startChild } from './lib/children';
import type { ConsumerConfig, ConsumerResult } from './ingest/consumer';
import type { WireProtocol } from './ingest/wire';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self-time share per function of a .cpuprofile, highest first. */
function summarize(file: string, top: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
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

async function main(): Promise<void> {
  const [protocol = 'ws', size = '64', mode = 'recorder', panel] = process.argv.slice(2);
  const dir = join(__dirname, '.profiles');
  mkdirSync(dir, { recursive: true });
  await buildChildren();
  const b = startChild('blaster', { protocol: protocol as WireProtocol, size: Number(size) });
  const { port } = await b.next<{ port: number }>('listening', 10_000);
  const started = Date.now();
  const config: ConsumerConfig = {
    mode: mode as ConsumerConfig['mode'],
    protocol: protocol as WireProtocol,
    port,
    size: Number(size),
    warmupMs: 6000,
    untilEvicting: mode === 'recorder',
    measureMs: 3000,
    panel: panel === 'panel',
  };
  const c = startChild('consumer', config, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const { result } = await c.next<{ result: ConsumerResult }>('result', 60_000);
  await new Promise((r) => c.process.once('exit', r));
  b.send({ type: 'stop' });
  b.kill();
  console.log(JSON.stringify({ rate: Math.round(result.rate), cpu: result.cpuShare, perCpu: Math.round(result.rate / result.cpuShare), eld: result.eventLoopDelay, warm: result.warmup }));
  const newest = readdirSync(dir)
    .map((f) => join(dir, f))
    .filter((f) => f.endsWith('.cpuprofile') && statSync(f).mtimeMs >= started)
    .sort((a, b2) => statSync(b2).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) throw new Error('no profile written');
  console.log(newest);
  for (const line of summarize(newest, Number(process.env.TOP ?? 25))) console.log(line);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
