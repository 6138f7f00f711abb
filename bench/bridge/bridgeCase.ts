// Host → webview bridge: what it costs to get a 64-byte frame to the webview, per frame. Baseline: one
// postMessage per frame (its payload copied into an exact ArrayBuffer, the cheapest correct way);
// candidate: the packed batch encoder (shared/entryBatch.ts) with 1,000 frames per message, as the
// panel controller sends them. Both include serialization as VS Code does it (vscodeWebviewMessage.ts);
// the IPC and the renderer's side are not in either. The log is a real one: recorded by WsConnection
// from a blaster process, so timestamps are grouped by socket read as they are in use.
import { Direction, Kind } from '../../shared/logModel';
import { encodeEntryRange, exactArrayBuffer } from '../../shared/entryBatch';
import type { EntryLog } from '../../src/core/log/entryLog';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { startChild } from '../lib/children';
import { failedRow, type BenchCase, type Row } from '../lib/row';
import { collectGarbage, median, round } from '../lib/stats';
import { serializeWebviewMessage } from './vscodeWebviewMessage';

const ID = 'bridge';
const LABEL = 'host → webview bridge: cost per 64 B frame of the batch encoder';
const BASELINE = 'one message per frame';
const GOAL = '≤ 100 ns per frame, ≥ 10× cheaper, bytes sent ≤ 1.05 × payload';
const FRAMES = 200_000;
const BATCH = 1000;
const PREVIEW = 256;
/** The batched path is some 50× faster: it runs over the frames this many times per repetition. */
const PASSES = 20;

/** Records FRAMES 64-byte messages from a blaster with the real WsConnection. */
async function recordLog(): Promise<EntryLog> {
  const blaster = startChild('blaster', { protocol: 'ws', size: 64, rate: 200_000 });
  try {
    const { port } = await blaster.next<{ port: number }>('listening', 10_000);
    const connection = createWebSocketConnection({ url: `ws://127.0.0.1:${port}/` }, { maxEntries: FRAMES * 2 });
    await connection.connect();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (connection.log.totals(Direction.In).entries >= FRAMES) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const log = connection.log;
    connection.dispose();
    return log;
  } finally {
    blaster.send({ type: 'stop' });
    blaster.kill();
  }
}

/** The seqs of the first FRAMES received data entries (the log also holds handshake and meta entries). */
function firstDataSeq(log: EntryLog): number {
  for (let s = log.firstSeq; s < log.nextSeq; s++) if (log.kind(s) === Kind.Text) return s;
  throw new Error('no message was recorded');
}

let sink = 0;

/** One postMessage per frame: ns per frame and bytes per frame. */
function perFrame(log: EntryLog, from: number, frames: number): { ns: number; bytes: number } {
  let bytes = 0;
  collectGarbage();
  const t0 = performance.now();
  for (let s = from; s < from + frames; s++) {
    const payload = log.payload(s)!;
    const message = {
      type: 'entry',
      seq: s,
      wallTime: log.wallTime(s),
      direction: log.direction(s),
      kind: log.kind(s),
      length: payload.length,
      code: log.code(s),
      payload: exactArrayBuffer(payload.subarray(0, PREVIEW)),
    };
    bytes += serializeWebviewMessage(message).bytes;
  }
  const t1 = performance.now();
  sink += bytes;
  return { ns: ((t1 - t0) * 1e6) / frames, bytes: bytes / frames };
}

/**
 * Packed batches of BATCH frames, in the panel controller's `entries` event: ns and bytes per frame.
 * The range is encoded `passes` times, so the timed window is long enough to mean something.
 */
function batched(log: EntryLog, from: number, frames: number, passes = 1): { ns: number; bytes: number; batchBytes: number } {
  let bytes = 0;
  let batchBytes = 0;
  let batchId = 1;
  const stats = { firstSeq: log.firstSeq, nextSeq: log.nextSeq, in: log.totals(Direction.In), out: log.totals(Direction.Out), droppedEntries: 0, messagesPerSecond: 0 };
  collectGarbage();
  const t0 = performance.now();
  for (let p = 0; p < passes; p++) {
    for (let s = from; s < from + frames; s += BATCH) {
      const batch = encodeEntryRange(log, s, s + BATCH, PREVIEW);
      batchBytes += batch.byteLength;
      bytes += serializeWebviewMessage({ batchId: batchId++, batch, stats, type: 'entries' }).bytes;
    }
  }
  const t1 = performance.now();
  sink += bytes;
  const n = frames * passes;
  return { ns: ((t1 - t0) * 1e6) / n, bytes: bytes / n, batchBytes: batchBytes / n };
}

/** What other ways of posting one frame would send (not timed: their size is the point). */
function naiveSizes(log: EntryLog, seq: number): { nodeBuffer: number; pooledView: number } {
  const payload = log.payload(seq)!;
  const head = { type: 'entry', seq, wallTime: log.wallTime(seq), direction: 0, kind: 0, length: payload.length, code: 0 };
  // ws hands out views into the chunk it read (up to 64 KiB); a Node Buffer serializes as JSON.
  const readChunk = Buffer.alloc(64 * 1024);
  payload.forEach((b, i) => (readChunk[i] = b));
  return {
    nodeBuffer: serializeWebviewMessage({ ...head, payload: Buffer.from(payload) }).bytes,
    pooledView: serializeWebviewMessage({ ...head, payload: new Uint8Array(readChunk.buffer, readChunk.byteOffset, payload.length) }).bytes,
  };
}

export const bridgeCase: BenchCase = {
  id: ID,
  async run(s) {
    try {
      const log = await recordLog();
      const from = firstDataSeq(log);
      const frames = s.quick ? 50_000 : 100_000;
      const readsPerBatch = (() => {
        let runs = 1;
        for (let q = from + 1; q < from + frames; q++) if (log.monoTime(q) !== log.monoTime(q - 1)) runs++;
        return frames / runs;
      })();
      // Warm up both paths until the JIT has optimized them (V8 needs a few hundred calls).
      for (const t0 = performance.now(); performance.now() - t0 < (s.quick ? 1000 : 2000); ) {
        perFrame(log, from, 5_000);
        batched(log, from, 20_000);
      }
      const base: Array<{ ns: number; bytes: number }> = [];
      const cand: Array<{ ns: number; bytes: number; batchBytes: number }> = [];
      for (let rep = 0; rep < s.repetitions; rep++) {
        if (rep % 2 === 0) {
          base.push(perFrame(log, from, frames));
          cand.push(batched(log, from, frames, PASSES));
        } else {
          cand.push(batched(log, from, frames, PASSES));
          base.push(perFrame(log, from, frames));
        }
        s.progress(`  ${ID} rep ${rep + 1}: one per frame ${base.at(-1)!.ns.toFixed(0)} ns, batched ${cand.at(-1)!.ns.toFixed(1)} ns per frame`);
      }
      const ratios = cand.map((c, i) => c.ns / base[i]!.ns);
      const ratio = median(ratios);
      const candNs = median(cand.map((c) => c.ns));
      const baseNs = median(base.map((c) => c.ns));
      const bytesPerFrame = median(cand.map((c) => c.bytes));
      const naive = naiveSizes(log, from);
      const notes: string[] = [];
      if (candNs > 100) notes.push(`batched ${candNs.toFixed(0)} ns per frame`);
      if (ratio > 0.1) notes.push(`only ${(1 / ratio).toFixed(1)}× cheaper`);
      if (bytesPerFrame > 64 * 1.05) notes.push(`${bytesPerFrame.toFixed(1)} bytes sent per 64 B frame`);
      const row: Row = {
        id: ID,
        label: LABEL,
        baseline: BASELINE,
        measured:
          `batched ${candNs.toFixed(1)} ns and ${bytesPerFrame.toFixed(1)} B per frame (${(bytesPerFrame / 64).toFixed(3)} × payload); ` +
          `one per frame ${baseNs.toFixed(0)} ns and ${median(base.map((c) => c.bytes)).toFixed(0)} B (as a Node Buffer ${naive.nodeBuffer} B, as a view into ws's read buffer ${naive.pooledView} B)`,
        ratio: round(ratio, 4),
        goal: GOAL,
        met: candNs <= 100 && ratio <= 0.1 && bytesPerFrame <= 64 * 1.05,
        notes,
        details: { frames, batch: BATCH, previewBytes: PREVIEW, messagesPerRead: round(readsPerBatch, 1), base, cand, ratios: ratios.map((r) => round(r, 4)), naive },
      };
      if (sink < 0) console.log(sink);
      return [row];
    } catch (e) {
      return [failedRow(ID, LABEL, BASELINE, GOAL, e)];
    }
  },
};
