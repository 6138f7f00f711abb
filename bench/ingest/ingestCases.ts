// The ingest rows: the real recorder against a bare client, each in its own process, fed by a blaster
// of its own. Baseline and candidate are measured in interleaved slices (pairedRun.ts) so that drift in
// the machine hits both.
import { failedRow, type BenchCase, type BenchSettings, type Row } from '../lib/row';
import { median, round } from '../lib/stats';
import type { ConsumerConfig } from './consumer';
import { pairedRun } from './pairedRun';
import { runIngest, type IngestRun } from './runIngest';
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import type { WireFlavor, WireProtocol } from './wire';

interface IngestSpec {
  readonly id: string;
  readonly label: string;
  readonly baseline: string;
  readonly protocol: WireProtocol;
  readonly size: number;
  /** What the messages are (default plain text). */
  readonly flavor?: WireFlavor;
  /** The recorder reads the connection with these decode settings (a layer spoken, a codec chosen). */
  readonly decode?: DecodeSettings;
  /** Text the layer session's final status must hold (that it got through its handshake). */
  readonly layerStatus?: string;
  readonly minRatio: number;
  /** Least recorded messages per second, if the goal has one. */
  readonly minRate?: number;
  /** The recorder's retention must be evicting when the window opens. */
  readonly mustEvict?: boolean;
  readonly goal: string;
}

/** Longest warm-up of a recorder waiting for its log to reach the retention cap. */
const MAX_WARMUP_MS = 6_000;

const fmtRate = (r: number): string =>
  r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : r >= 1e3 ? `${(r / 1e3).toFixed(1)} k/s` : `${r.toFixed(0)} /s`;

/** Alternates bare and recorder runs and reports the median ratio. */
async function ingestRow(spec: IngestSpec, s: BenchSettings): Promise<Row> {
  const measureMs = s.quick ? 1000 : 2000;
  // The bare client has nothing to warm up but the JIT; the recorder runs until its log is full.
  const bareConfig: Omit<ConsumerConfig, 'port' | 'protocol' | 'size' | 'mode'> = { warmupMs: 1000, measureMs };
  const recorderConfig: Omit<ConsumerConfig, 'port' | 'protocol' | 'size' | 'mode'> = {
    warmupMs: MAX_WARMUP_MS,
    untilEvicting: true,
    measureMs,
    ...(spec.decode ? { decode: spec.decode } : {}),
  };
  const wire = { protocol: spec.protocol, size: spec.size, ...(spec.flavor ? { flavor: spec.flavor } : {}) };
  const slices = { slices: s.quick ? 3 : 5, sliceMs: measureMs / (s.quick ? 3 : 5) };
  const bare: IngestRun[] = [];
  const recorder: IngestRun[] = [];
  for (let rep = 0; rep < s.repetitions; rep++) {
    const runs = await pairedRun(wire, { bare: bareConfig, recorder: recorderConfig }, slices, rep % 2 === 0 ? 'bare' : 'recorder');
    bare.push(runs.bare);
    recorder.push(runs.recorder);
    for (const mode of ['bare', 'recorder'] as const) {
      const run = runs[mode];
      s.progress(`  ${spec.id} rep ${rep + 1} ${mode}: ${fmtRate(run.rate)} (consumer cpu ${run.cpuShare.toFixed(2)}, blaster cpu ${run.blasterCpuShare.toFixed(2)}, ${run.pageFaultsPerSecond} faults/s)`);
    }
  }
  // The blaster alone, into a reader that only counts bytes: it must be well above the bare client.
  // The better of two runs, as this measures what the blaster can do.
  const sinks = [
    await runIngest(wire, { ...bareConfig, mode: 'sink' }),
    await runIngest(wire, { ...bareConfig, mode: 'sink' }),
  ];
  const sink = sinks[0]!.rate >= sinks[1]!.rate ? sinks[0]! : sinks[1]!;
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
  if (spec.layerStatus !== undefined) {
    const statuses = [...new Set(recorder.map((r) => r.layerStatus ?? 'no session'))];
    if (statuses.some((st) => !st.includes(spec.layerStatus!))) {
      met = false;
      notes.push(`the layer session did not speak: ${statuses.join('; ')}`);
    }
  }
  const evicting = recorder.every((r) => (r.evictedBeforeWindow ?? 0) > 0);
  if (!evicting) {
    if (spec.mustEvict) met = false;
    notes.push(`the retention cap was not reached within the ${MAX_WARMUP_MS / 1000} s warm-up in every run`);
  }
  // While the log grows to its cap, every new page of memory is touched for the first time.
  const growthRatio = median(recorder.map((r) => r.warmup.rate)) / bareRate;
  // Messages per CPU-second: robust to the consumer being descheduled on a busy machine, where the
  // throughput ratio is not (each process should get a whole core).
  const perCpu = (r: IngestRun): number => r.rate / Math.max(r.cpuShare, 1e-6);
  const cpuRatio = median(recorder.map((r, i) => perCpu(r) / perCpu(bare[i]!)));
  const cpuShare = median([...bare, ...recorder].map((r) => r.cpuShare));
  if (cpuShare < 0.85) {
    notes.push(`the consumers got only ${cpuShare.toFixed(2)} of a core (a busy machine): per CPU-second the ratio is ${cpuRatio.toFixed(2)}`);
  }
  const blasterHeadroom = sink.rate / bareRate;
  if (blasterHeadroom < 1.2) notes.push(`blaster check: the blaster alone delivers only ${blasterHeadroom.toFixed(2)}× the bare client's rate`);
  return {
    id: spec.id,
    label: spec.label,
    baseline: spec.baseline,
    measured: `recorder ${fmtRate(recRate)}, bare ${fmtRate(bareRate)}; blaster alone ${fmtRate(sink.rate)}; while the log grows to its cap: ${growthRatio.toFixed(2)} of bare`,
    ratio: round(ratio, 3),
    goal: spec.goal,
    met,
    notes,
    details: {
      size: spec.size,
      protocol: spec.protocol,
      ...(spec.flavor ? { flavor: spec.flavor } : {}),
      ...(spec.decode ? { decode: spec.decode } : {}),
      warmupMs: { bare: 1000, recorderMax: MAX_WARMUP_MS },
      measureMs,
      ratios: ratios.map((r) => round(r, 3)),
      bare,
      recorder,
      blasterAlone: sink,
      blasterHeadroom: round(blasterHeadroom, 2),
      growthRatio: round(growthRatio, 3),
      cpuNormalizedRatio: round(cpuRatio, 3),
      consumerCpuShare: round(cpuShare, 2),
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
    goal: '≥ 0.85 (and ≥ 1 M recorded messages/s)',
  }),
  ingestCase({
    id: 'ws-1k',
    label: 'WS ingest 1 KiB',
    baseline: 'bare counter',
    protocol: 'ws',
    size: 1024,
    minRatio: 0.8,
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
    goal: '≥ 0.90',
  }),
];

/**
 * WebSocket ingest of 64 B messages with a layer spoken or a codec chosen (issues 19 and 20): decoding
 * happens when rows are shown, so the goal is the plain row's. The flood is the layer's packets.
 */
export const decodedIngestCases: BenchCase[] = [
  ingestCase({
    id: 'ws-64-socketio',
    label: 'WS ingest 64 B Socket.IO EVENTs, the Socket.IO layer spoken',
    baseline: 'bare counter',
    protocol: 'ws',
    size: 64,
    flavor: 'socketio',
    decode: { layer: 'socketio' },
    layerStatus: 'connected to /',
    minRatio: 0.85,
    minRate: 1e6,
    goal: '≥ 0.85 (and ≥ 1 M recorded messages/s)',
  }),
  ingestCase({
    id: 'ws-64-mqtt',
    label: 'WS ingest 64 B MQTT PUBLISHes (QoS 0), the MQTT layer spoken',
    baseline: 'bare counter',
    protocol: 'ws',
    size: 64,
    flavor: 'mqtt',
    decode: { layer: 'mqtt' },
    layerStatus: 'connected (MQTT',
    minRatio: 0.85,
    minRate: 1e6,
    goal: '≥ 0.85 (and ≥ 1 M recorded messages/s)',
  }),
  ingestCase({
    id: 'ws-64-stomp',
    label: 'WS ingest 64 B STOMP MESSAGEs, the STOMP layer spoken',
    baseline: 'bare counter',
    protocol: 'ws',
    size: 64,
    flavor: 'stomp',
    decode: { layer: 'stomp' },
    layerStatus: 'connected · STOMP',
    minRatio: 0.85,
    minRate: 1e6,
    goal: '≥ 0.85 (and ≥ 1 M recorded messages/s)',
  }),
  ingestCase({
    id: 'ws-64-msgpack',
    label: 'WS ingest 64 B MessagePack payloads, the MessagePack codec chosen',
    baseline: 'bare counter',
    protocol: 'ws',
    size: 64,
    flavor: 'msgpack',
    decode: { codecs: [{ codec: 'msgpack' }] },
    minRatio: 0.85,
    minRate: 1e6,
    goal: '≥ 0.85 (and ≥ 1 M recorded messages/s)',
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
  goal: '≥ 0.80',
});

export { ingestRow };
