// Profiles one ingest consumer: `node --import tsx bench/profileIngest.ts ws 64 [recorder|bare] [panel]`.
// Runs a blaster and the consumer as the bench does, profiling the consumer's measured window only
// (the steady state, not start-up or a growing log), then prints its result and the functions with the
// most self time. The .cpuprofile lands in bench/.profiles.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildChildren, startChild } from './lib/children';
import { selfTimeLines } from './lib/cpuProfile';
import type { ConsumerConfig, ConsumerResult } from './ingest/consumer';
import type { WireProtocol } from './ingest/wire';

async function main(): Promise<void> {
  const [protocol = 'ws', size = '64', mode = 'recorder', panel] = process.argv.slice(2);
  const dir = join(__dirname, '.profiles');
  mkdirSync(dir, { recursive: true });
  await buildChildren();
  const b = startChild('blaster', { protocol: protocol as WireProtocol, size: Number(size) });
  const { port } = await b.next<{ port: number }>('listening', 10_000);
  const config: ConsumerConfig = {
    mode: mode as ConsumerConfig['mode'],
    protocol: protocol as WireProtocol,
    port,
    size: Number(size),
    warmupMs: 6000,
    untilEvicting: mode === 'recorder',
    measureMs: 3000,
    panel: panel === 'panel',
    profileDir: dir,
  };
  const c = startChild('consumer', config);
  const { result } = await c.next<{ result: ConsumerResult }>('result', 60_000);
  await new Promise((r) => c.process.once('exit', r));
  b.send({ type: 'stop' });
  b.kill();
  console.log(JSON.stringify({ rate: Math.round(result.rate), cpu: result.cpuShare, perCpu: Math.round(result.rate / result.cpuShare), eld: result.eventLoopDelay, warm: result.warmup }));
  const newest = join(dir, `window-${c.process.pid}.cpuprofile`);
  console.log(newest);
  const profile = JSON.parse(readFileSync(newest, 'utf8')) as Parameters<typeof selfTimeLines>[0];
  for (const line of selfTimeLines(profile, Number(process.env.TOP ?? 25))) console.log(line);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
