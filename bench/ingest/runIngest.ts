// One ingest measurement: a fresh blaster process and a fresh consumer process, connected on loopback.
import { startChild } from '../lib/children';
import type { BlasterConfig } from './blaster';
import type { ConsumerConfig, ConsumerResult } from './consumer';

/** A consumer's result and what the blaster said about itself. */
export interface IngestRun extends ConsumerResult {
  /** Share of one core the blaster used while connected. */
  readonly blasterCpuShare: number;
  /** The recorder's layer session status at the end, when it spoke one. */
  readonly layerStatus?: string;
}

/** Runs one blaster and one consumer to completion. */
export async function runIngest(blaster: BlasterConfig, consumer: Omit<ConsumerConfig, 'port' | 'protocol' | 'size'>): Promise<IngestRun> {
  const b = startChild('blaster', blaster);
  let c: ReturnType<typeof startChild> | undefined;
  try {
    const { port } = await b.next<{ port: number }>('listening', 10_000);
    c = startChild('consumer', { ...consumer, port, protocol: blaster.protocol, size: blaster.size } satisfies ConsumerConfig);
    const { result } = await c.next<{ result: ConsumerResult }>('result', consumer.warmupMs + consumer.measureMs + 30_000);
    b.send({ type: 'stop' });
    const stopped = await b.next<{ cpuShare: number }>('stopped', 10_000);
    return { ...result, blasterCpuShare: stopped.cpuShare };
  } finally {
    c?.kill();
    b.kill();
  }
}
