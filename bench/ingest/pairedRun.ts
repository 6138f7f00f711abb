// One repetition of an ingest row: the bare client and the recorder, each fed by a blaster of its own,
// measured in short slices that take turns (A B B A A B …). On this 2-core VM a consumer's rate drifts
// by a factor of two over seconds (page faults that cost 10-50 µs here, the hypervisor), so two windows
// measured one after the other compared the machine's moods more than the clients. Slices a few
// hundred milliseconds long, interleaved, let both clients sample the same moods. While one side is
// measured, the other's blaster is paused and its consumer idles: the measured pair has the machine.
import { startChild, type Child } from '../lib/children';
import type { BlasterConfig } from './blaster';
import type { ConsumerConfig, ConsumerResult, ConsumerSnapshot, SteppedSummary } from './consumer';
import type { IngestRun } from './runIngest';

type Mode = 'bare' | 'recorder';
type SideConfig = Omit<ConsumerConfig, 'port' | 'protocol' | 'size' | 'mode' | 'stepped'>;

/** Slices per side and their length; the settle and drain times around each are not measured. */
export interface SliceSettings {
  readonly slices: number;
  readonly sliceMs: number;
}

/** After a resume, until the flood is back at full rate. */
const SETTLE_MS = 100;
/** After a pause, until what was queued has drained (megabytes at most, at GB/s). */
const DRAIN_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Side {
  readonly mode: Mode;
  readonly blaster: Child;
  readonly consumer: Child;
  warmup?: ConsumerResult['warmup'];
  evictedBeforeWindow?: number;
  messages: number;
  ms: number;
  cpuMicros: number;
  faults: number;
  blasterCpuMicros: number;
  blasterMs: number;
}

async function startSide(mode: Mode, blaster: BlasterConfig, config: SideConfig): Promise<Side> {
  const b = startChild('blaster', { ...blaster, startPaused: true } satisfies BlasterConfig);
  const { port } = await b.next<{ port: number }>('listening', 10_000);
  const c = startChild('consumer', { ...config, mode, port, protocol: blaster.protocol, size: blaster.size, stepped: true } satisfies ConsumerConfig);
  await c.next('connected', 10_000);
  return { mode, blaster: b, consumer: c, messages: 0, ms: 0, cpuMicros: 0, faults: 0, blasterCpuMicros: 0, blasterMs: 0 };
}

async function ask<T>(child: Child, message: object, answer: string, timeoutMs = 10_000): Promise<T> {
  const reply = child.next<T>(answer, timeoutMs);
  child.send(message);
  return reply;
}

/** Floods one side for `run`, with its blaster's CPU time counted. */
async function flooding(side: Side, run: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  const resumed = await ask<{ cpuMicros: number }>(side.blaster, { type: 'resume' }, 'resumed');
  await run();
  const paused = await ask<{ cpuMicros: number }>(side.blaster, { type: 'pause' }, 'paused');
  side.blasterCpuMicros += paused.cpuMicros - resumed.cpuMicros;
  side.blasterMs += performance.now() - t0;
  await sleep(DRAIN_MS);
}

async function warm(side: Side, maxMs: number): Promise<void> {
  await flooding(side, async () => {
    const { warmup } = await ask<{ warmup: ConsumerResult['warmup'] }>(side.consumer, { type: 'warmup' }, 'warm', maxMs + 10_000);
    side.warmup = warmup;
  });
}

async function slice(side: Side, ms: number): Promise<void> {
  await flooding(side, async () => {
    await sleep(SETTLE_MS);
    const { snapshot: a } = await ask<{ snapshot: ConsumerSnapshot }>(side.consumer, { type: 'snapshot', phase: 'start' }, 'snapshot');
    await sleep(ms);
    const { snapshot: b } = await ask<{ snapshot: ConsumerSnapshot }>(side.consumer, { type: 'snapshot', phase: 'end' }, 'snapshot');
    if (side.evictedBeforeWindow === undefined && a.evicted !== undefined) side.evictedBeforeWindow = a.evicted;
    side.messages += b.messages - a.messages;
    side.ms += b.time - a.time;
    side.cpuMicros += b.cpuMicros - a.cpuMicros;
    side.faults += b.pageFaults - a.pageFaults;
  });
}

async function finish(side: Side): Promise<IngestRun> {
  const { summary } = await ask<{ summary: SteppedSummary }>(side.consumer, { type: 'finish' }, 'summary');
  side.blaster.send({ type: 'stop' });
  const seconds = side.ms / 1000;
  return {
    messages: side.messages,
    seconds,
    rate: side.messages / seconds,
    cpuShare: side.cpuMicros / 1000 / side.ms,
    pageFaultsPerSecond: Math.round(side.faults / seconds),
    eventLoopDelay: summary.eventLoopDelay,
    warmup: side.warmup!,
    ...(side.evictedBeforeWindow !== undefined ? { evictedBeforeWindow: side.evictedBeforeWindow } : {}),
    ...(summary.panel ? { panel: summary.panel } : {}),
    ...(summary.layerStatus !== undefined ? { layerStatus: summary.layerStatus } : {}),
    blasterCpuShare: side.blasterCpuMicros / 1000 / side.blasterMs,
  };
}

/**
 * Measures the bare client and the recorder in interleaved slices; `first` is measured first (the
 * order alternates within the repetition too: first, second, second, first, …).
 */
export async function pairedRun(
  blaster: BlasterConfig,
  configs: Record<Mode, SideConfig>,
  settings: SliceSettings,
  first: Mode,
): Promise<Record<Mode, IngestRun>> {
  const sides: Side[] = [];
  try {
    const second: Mode = first === 'bare' ? 'recorder' : 'bare';
    for (const mode of [first, second]) sides.push(await startSide(mode, blaster, configs[mode]));
    for (const side of sides) await warm(side, configs[side.mode].warmupMs);
    for (let k = 0; k < settings.slices; k++) {
      const order = k % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) await slice(side, settings.sliceMs);
    }
    const [a, b] = [await finish(sides[0]!), await finish(sides[1]!)];
    return { [sides[0]!.mode]: a, [sides[1]!.mode]: b } as Record<Mode, IngestRun>;
  } finally {
    for (const side of sides) {
      side.consumer.kill();
      side.blaster.kill();
    }
  }
}
