// Profiles the bridge case's batched path: `node --expose-gc --import tsx bench/profileBridge.ts [seconds]`
// (add --cpu-prof --cpu-prof-dir=bench/.profiles for a profile). Records a log as the bench does, then
// times encodeEntryRange alone and with VS Code's serialization, in repeated windows, and the time the
// garbage collector took in them.
import { PerformanceObserver } from 'node:perf_hooks';
import { Direction, Kind } from '../shared/logModel';
import { encodeEntryRange } from '../shared/entryBatch';
import type { EntryLog } from '../src/core/log/entryLog';
import { createWebSocketConnection } from '../src/core/connection/wsConnection';
import { buildChildren, startChild } from './lib/children';
import { collectGarbage, median } from './lib/stats';
import { serializeWebviewMessage } from './bridge/vscodeWebviewMessage';

const FRAMES = 200_000;
const BATCH = 1000;
const PREVIEW = 256;

async function recordLog(): Promise<EntryLog> {
  const blaster = startChild('blaster', { protocol: 'ws', size: 64, rate: 200_000 });
  try {
    const { port } = await blaster.next<{ port: number }>('listening', 10_000);
    const connection = createWebSocketConnection({ url: `ws://127.0.0.1:${port}/` }, { maxEntries: FRAMES * 2 });
    await connection.connect();
    while (connection.log.totals(Direction.In).entries < FRAMES) await new Promise((r) => setTimeout(r, 5));
    const log = connection.log;
    connection.dispose();
    return log;
  } finally {
    blaster.send({ type: 'stop' });
    blaster.kill();
  }
}

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

let sink = 0;

type Encode = typeof encodeEntryRange;

function run(log: EntryLog, from: number, frames: number, passes: number, serialize: boolean, encode: Encode = encodeEntryRange): { ns: number; gcNs: number } {
  const stats = { firstSeq: log.firstSeq, nextSeq: log.nextSeq, in: log.totals(Direction.In), out: log.totals(Direction.Out), droppedEntries: 0, messagesPerSecond: 0 };
  let batchId = 1;
  collectGarbage();
  const gc0 = gcMs;
  const t0 = performance.now();
  for (let p = 0; p < passes; p++) {
    for (let s = from; s < from + frames; s += BATCH) {
      const batch = encode(log, s, s + BATCH, PREVIEW);
      sink += serialize ? serializeWebviewMessage({ batchId: batchId++, batch, stats, type: 'entries' }).bytes : batch.byteLength;
    }
  }
  const t1 = performance.now();
  const n = frames * passes;
  return { ns: ((t1 - t0) * 1e6) / n, gcNs: ((gcMs - gc0) * 1e6) / n };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  await buildChildren();
  const log = await recordLog();
  let from = log.firstSeq;
  while (log.kind(from) !== Kind.Text) from++;
  const frames = 100_000;
  for (const t0 = performance.now(); performance.now() - t0 < 2000; ) run(log, from, 20_000, 1, true);
  const other = process.env.BRIDGE_AB;
  if (other) {
    // A/B in one process: this encoder against the one in module `other`, alternated in short slices.
    const alt = ((await import(other)) as { encodeEntryRange: Encode }).encodeEntryRange;
    for (const t0 = performance.now(); performance.now() - t0 < 2000; ) run(log, from, 20_000, 1, true, alt);
    const a: number[] = [];
    const b: number[] = [];
    for (const t0 = performance.now(); performance.now() - t0 < seconds * 1000; ) {
      a.push(run(log, from, frames, 5, true).ns);
      b.push(run(log, from, frames, 5, true, alt).ns);
    }
    const ratios = a.map((x, i) => x / b[i]!);
    console.log(`this ${median(a).toFixed(1)} ns, ${other} ${median(b).toFixed(1)} ns per frame; ratio median ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}), ${a.length} slices`);
    return;
  }
  const enc: number[] = [];
  const ser: number[] = [];
  const encGc: number[] = [];
  const serGc: number[] = [];
  for (const t0 = performance.now(); performance.now() - t0 < seconds * 1000; ) {
    const a = run(log, from, frames, 20, false);
    const b = run(log, from, frames, 20, true);
    enc.push(a.ns);
    encGc.push(a.gcNs);
    ser.push(b.ns);
    serGc.push(b.gcNs);
  }
  const f = (xs: number[]): string => `median ${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  console.log(`encode only:        ${f(enc)} ns per frame, gc ${f(encGc)}`);
  console.log(`encode + serialize: ${f(ser)} ns per frame, gc ${f(serGc)}`);
  if (sink < 0) console.log(sink);
}

void main();
