// The child of the bridge case: records the log from the blaster with the real WsConnection, then times
// the batched path and the one-message-per-frame baseline, both here, bundled with esbuild as the
// extension ships (bench/lib/children.ts), so the numbers are the shipped code's and not tsx's. Reports
// 'recorded' (the case then stops the blaster), then one result over IPC, and exits.
import { Direction, Kind } from '../../shared/logModel';
import { encodeEntryRange, exactArrayBuffer } from '../../shared/entryBatch';
import type { EntryLog } from '../../src/core/log/entryLog';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { collectGarbage } from '../lib/stats';
import { serializeWebviewMessage } from './vscodeWebviewMessage';

/** What the case asks of the child. */
export interface BridgeConfig {
  readonly port: number;
  /** Messages to record (the blaster sends more: the log keeps twice as many). */
  readonly record: number;
  /** Frames timed per repetition. */
  readonly frames: number;
  readonly batch: number;
  readonly preview: number;
  /** The batched path runs over the frames this many times per repetition. */
  readonly passes: number;
  readonly repetitions: number;
  readonly warmupMs: number;
}

export interface BridgeResult {
  readonly messagesPerRead: number;
  readonly base: Array<{ ns: number; bytes: number }>;
  readonly cand: Array<{ ns: number; bytes: number; batchBytes: number }>;
  readonly naive: { nodeBuffer: number; pooledView: number };
}

/** Records `count` messages from the blaster on `port` with the real WsConnection. */
async function recordLog(port: number, count: number): Promise<EntryLog> {
  const connection = createWebSocketConnection({ url: `ws://127.0.0.1:${port}/` }, { maxEntries: count * 2 });
  await connection.connect();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (connection.log.totals(Direction.In).entries >= count) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const log = connection.log;
  connection.dispose();
  return log;
}

/** The seq of the first received data entry (the log also holds handshake and meta entries). */
function firstDataSeq(log: EntryLog): number {
  for (let s = log.firstSeq; s < log.nextSeq; s++) if (log.kind(s) === Kind.Text) return s;
  throw new Error('no message was recorded');
}

let sink = 0;

/** One postMessage per frame: ns per frame and bytes per frame. */
function perFrame(log: EntryLog, from: number, frames: number, preview: number): { ns: number; bytes: number } {
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
      payload: exactArrayBuffer(payload.subarray(0, preview)),
    };
    bytes += serializeWebviewMessage(message).bytes;
  }
  const t1 = performance.now();
  sink += bytes;
  return { ns: ((t1 - t0) * 1e6) / frames, bytes: bytes / frames };
}

/**
 * Packed batches of `batch` frames, in the panel controller's `entries` event: ns and bytes per frame.
 * The range is encoded `passes` times, so the timed window is long enough to mean something.
 */
function batched(log: EntryLog, from: number, frames: number, batch: number, preview: number, passes = 1): { ns: number; bytes: number; batchBytes: number } {
  let bytes = 0;
  let batchBytes = 0;
  let batchId = 1;
  const stats = { firstSeq: log.firstSeq, nextSeq: log.nextSeq, in: log.totals(Direction.In), out: log.totals(Direction.Out), droppedEntries: 0, messagesPerSecond: 0 };
  collectGarbage();
  const t0 = performance.now();
  for (let p = 0; p < passes; p++) {
    for (let s = from; s < from + frames; s += batch) {
      const encoded = encodeEntryRange(log, s, s + batch, preview);
      batchBytes += encoded.byteLength;
      bytes += serializeWebviewMessage({ batchId: batchId++, batch: encoded, stats, type: 'entries' }).bytes;
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

async function main(): Promise<void> {
  const c = JSON.parse(process.argv[2] ?? '{}') as BridgeConfig;
  const log = await recordLog(c.port, c.record);
  process.send?.({ type: 'recorded' });
  const from = firstDataSeq(log);
  let runs = 1;
  for (let q = from + 1; q < from + c.frames; q++) if (log.monoTime(q) !== log.monoTime(q - 1)) runs++;
  // Warm up both paths until the JIT has optimized them (V8 needs a few hundred calls).
  for (const t0 = performance.now(); performance.now() - t0 < c.warmupMs; ) {
    perFrame(log, from, 5_000, c.preview);
    batched(log, from, 20_000, c.batch, c.preview);
  }
  const base: BridgeResult['base'] = [];
  const cand: BridgeResult['cand'] = [];
  for (let rep = 0; rep < c.repetitions; rep++) {
    // Alternated, so neither path always runs right after the other's garbage.
    if (rep % 2 === 0) {
      base.push(perFrame(log, from, c.frames, c.preview));
      cand.push(batched(log, from, c.frames, c.batch, c.preview, c.passes));
    } else {
      cand.push(batched(log, from, c.frames, c.batch, c.preview, c.passes));
      base.push(perFrame(log, from, c.frames, c.preview));
    }
    console.log(`  bridge rep ${rep + 1}: one per frame ${base.at(-1)!.ns.toFixed(0)} ns, batched ${cand.at(-1)!.ns.toFixed(1)} ns per frame`);
  }
  const result: BridgeResult = { messagesPerRead: c.frames / runs, base, cand, naive: naiveSizes(log, from) };
  if (sink < 0) console.log(sink);
  log.dispose();
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

main().catch((e: unknown) => {
  process.send?.({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1));
});
