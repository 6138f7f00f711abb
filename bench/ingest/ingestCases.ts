// The ingest rows: the real recorder against a bare client, each in its own process, fed by a blaster
// in a third. Baseline and candidate alternate (ABBA…) so that drift in the machine's load hits both.
import { failedRow, type BenchCase, type BenchSettings, type Row } from '../lib/row';
import { median, round } from '../lib/stats';
import type { ConsumerConfig } from './consumer';
import { runIngest, type IngestRun } from './runIngest';
import type { WireProtocol } from './wire';

interface IngestSpec {
  readonly id: string;
  readonly label: string;
  readonly baseline: string;
  readonly protocol: WireProtocol;
  readonly size: number;
  readonly minRatio: number;
  /** Least recorded messages per second, if the goal has one. */
  readonly minRate?: number;
  /** The recorder's retention must be evicting when the window opens. */
  readonly mustEvict?: boolean;
  readonly warmupMs: number;
  readonly goal: string;
}

const fmtRate = (r: number): string =>
  r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : r >= 1e3 ? `${(r / 1e3).toFixed(1)} k/s` : `${r.toFixed(0)} /s`;

/** Alternates bare and recorder runs and reports the median ratio. */
async function ingestRow(spec: IngestSpec, s: BenchSettings): Promise<Row> {
  const measureMs = s.quick ? 1000 : 2000;
  const warmupMs = s.quick ? Math.min(spec.warmupMs, 800) : spec.warmupMs;
  const common: Omit<ConsumerConfig, 'port' | 'protocol' | 'size' | 'mode'> = { warmupMs, measureMs };
  const bare: IngestRun[] = [];
  const recorder: IngestRun[] = [];
  for (let rep = 0; rep < s.repetitions; rep++) {
    const order = rep % 2 === 0 ? (['bare', 'recorder'] as const) : (['recorder', 'bare'] as const);
    for (const mode of order) {
      const run = await runIngest({ protocol: spec.protocol, size: spec.size }, { ...common, mode });
      (mode === 'bare' ? bare : recorder).push(run);
      s.progress(`  ${spec.id} rep ${rep + 1} ${mode}: ${fmtRate(run.rate)} (consumer cpu ${run.cpuShare.toFixed(2)}, blaster cpu ${run.blasterCpuShare.toFixed(2)})`);
    }
  }
  // The blaster alone, into a reader that only counts bytes: it must be well above the bare client.
  const sink = await runIngest({ protocol: spec.protocol, size: spec.size }, { ...common, mode: 'sink' });
  const ratios = recorder.map((r, i) => r.rate / bare[i]!.rate);
  const ratio = median(ratios);
  const bareRate = median(bare.map((r) => r.rate));
  const recRate = median(recorder.map((r) => r.rate));
  const notes: string[] = [];
  let met = ratio >= spec.minRatio;
  if (spec.minRate !== undefined && recRate < spec.minRate) {
    met = false;
    notes.push(`recorded ${fmtRate(recRate)}, below the ${fmtRate(spec.minRate)} goal`);
  }
  if (spec.mustEvict) {
    const evicting = recorder.every((r) => (r.evictedBeforeWindow ?? 0) > 0);
    if (!evicting) {
      met = false;
      notes.push('the retention cap was not reached during the warm-up in every run');
    }
  }
  const blasterHeadroom = sink.rate / bareRate;
  if (blasterHeadroom < 1.2) notes.push(`blaster check: the blaster alone delivers only ${blasterHeadroom.toFixed(2)}× the bare client's rate`);
  return {
    id: spec.id,
    label: spec.label,
    baseline: spec.baseline,
    measured: `recorder ${fmtRate(recRate)}, bare ${fmtRate(bareRate)}; blaster alone ${fmtRate(sink.rate)}`,
    ratio: round(ratio, 3),
    goal: spec.goal,
    met,
    notes,
    details: {
      size: spec.size,
      protocol: spec.protocol,
      warmupMs,
      measureMs,
      ratios: ratios.map((r) => round(r, 3)),
      bare,
      recorder,
      blasterAlone: sink,
      blasterHeadroom: round(blasterHeadroom, 2),
    },
  };
}

function ingestCase(spec: IngestSpec): BenchCase {
  return {
    id: spec.id,
    async run(s) {
      try {
        return [await ingestRow(spec, s)];
      } catch (e) {
        return [failedRow(spec.id, spec.label, spec.baseline, spec.goal, e)];
      }
    },
  };
}

/** WebSocket ingest of 64 B, 1 KiB and 64 KiB messages. */
export const wsIngestCases: BenchCase[] = [
  ingestCase({
    id: 'ws-64',
    label: 'WS ingest 64 B messages, recorder vs bare ws counter',
    baseline: 'bare counter',
    protocol: 'ws',
    size: 64,
    minRatio: 0.85,
    minRate: 1e6,
    warmupMs: 1000,
    goal: '≥ 0.85 (and ≥ 1 M recorded messages/s)',
  }),
  ingestCase({
    id: 'ws-1k',
    label: 'WS ingest 1 KiB',
    baseline: 'bare counter',
    protocol: 'ws',
    size: 1024,
    minRatio: 0.8,
    warmupMs: 1000,
    goal: '≥ 0.80',
  }),
  ingestCase({
    id: 'ws-64k',
    label: 'WS ingest 64 KiB, with the retention cap reached and evicting',
    baseline: 'bare counter',
    protocol: 'ws',
    size: 64 * 1024,
    minRatio: 0.9,
    mustEvict: true,
    // The default cap is 256 MB: reached after a few hundred ms at loopback speed.
    warmupMs: 1500,
    goal: '≥ 0.90',
  }),
];

/** TCP ingest of 64 B lines through the newline framer. */
export const tcpLinesCase: BenchCase = ingestCase({
  id: 'tcp-lines',
  label: 'TCP 64 B lines, recorder with the newline framer vs a bare splitter calling a no-op per line',
  baseline: 'bare splitter',
  protocol: 'tcp-lines',
  size: 64,
  minRatio: 0.8,
  warmupMs: 1000,
  goal: '≥ 0.80',
});

export { ingestRow };
