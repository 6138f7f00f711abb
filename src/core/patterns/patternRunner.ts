// Runs user-supplied patterns (auto-reply rules, the log filter's regular expressions) off the extension
// host's main thread. A backtracking regular expression can take exponential time on a 40-byte input and
// quadratic time on a long one, and nothing can interrupt RegExp.test() on the thread that runs it; the
// extension host's thread is shared with every other extension, so it must never run one. A worker thread
// can be terminated mid-match: the runner watches which item and pattern the worker is on (through a shared
// counter it updates before each test) and when one test outlasts the deadline it terminates the worker,
// reports that pattern and item, and starts a fresh worker for the next request. A linear-time engine would
// need a native module or a slower JS engine with a subset of the syntax; a worker keeps JavaScript's
// regular expressions exactly as users know them.
import { Worker } from 'node:worker_threads';
import { Disposable, toDisposable } from '../base/dispose';

/** One pattern as the worker tests it: a substring (case-sensitive) or a regular expression. */
export type PatternSource = { readonly regex: { readonly body: string; readonly flags: string } } | { readonly substring: string };

/** Texts to test, as UTF-8: item i is bytes[ends[i - 1] ?? 0, ends[i]). */
export interface PatternItems {
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/**
 * Texts gathered for one run, each copied as it is added: a caller can collect payloads straight from
 * the entry log (whose memory is reused once it returns to the event loop) and await the run safely.
 */
export class PatternBatch {
  private bytes = new Uint8Array(16 * 1024);
  private ends = new Uint32Array(64);
  private count = 0;
  private size = 0;

  /** Texts added since the last take(). */
  get length(): number {
    return this.count;
  }

  /** Bytes added since the last take(). */
  get byteLength(): number {
    return this.size;
  }

  /** Adds `source[start, end)` as the next item. */
  add(source: Uint8Array, start = 0, end = source.length): void {
    const n = end - start;
    if (this.size + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.size + n, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(source.subarray(start, end), this.size);
    this.size += n;
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[this.count++] = this.size;
  }

  /** The items added so far, in memory the batch lets go of (pass `handOver` to run()); the batch starts empty. */
  take(): PatternItems {
    const items = { bytes: this.bytes.subarray(0, this.size), ends: this.ends.subarray(0, this.count) };
    this.bytes = new Uint8Array(16 * 1024);
    this.ends = new Uint32Array(64);
    this.count = 0;
    this.size = 0;
    return items;
  }
}

/** What a run found: for each item, the index of the first pattern that matches it, or -1. */
export type PatternRunResult =
  | { readonly ok: true; readonly firstMatch: Int32Array }
  | {
      readonly ok: false;
      /** The pattern whose test outlasted the deadline, and the item it was testing. */
      readonly pattern: number;
      readonly item: number;
      /** Results of the items before `item` (those after it were not tested). */
      readonly firstMatch: Int32Array;
    };

/** How long one test of one pattern on one item may take before the pattern is given up, ms. */
export const DEFAULT_PATTERN_DEADLINE_MS = 500;

// The worker's whole program, as source: it must not depend on how the host was bundled (esbuild, tsx).
// progress[0] = item under test (-1: idle), progress[1] = pattern, progress[2] = request id. Results are
// written into shared memory as they come, so a run terminated mid-way still reports the items before.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  const progress = new Int32Array(m.progress);
  const tests = m.patterns.map((p) => {
    if (p.substring !== undefined) return (text) => text.includes(p.substring);
    const re = new RegExp(p.regex.body, p.regex.flags);
    return (text) => re.test(text);
  });
  const bytes = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
  const ends = m.ends;
  const firstMatch = new Int32Array(m.results);
  Atomics.store(progress, 2, m.id);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const text = bytes.toString('utf8', start, ends[i]);
    start = ends[i];
    let found = -1;
    for (let p = 0; p < tests.length && found < 0; p++) {
      Atomics.store(progress, 1, p);
      Atomics.store(progress, 0, i);
      if (tests[p](text)) found = p;
    }
    firstMatch[i] = found;
  }
  Atomics.store(progress, 0, -1);
  parentPort.postMessage(m.id);
});
`;

interface Pending {
  readonly id: number;
  readonly results: Int32Array;
  readonly resolve: (result: PatternRunResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One worker thread for one owner (a listener's auto-replies, a panel's filter), started on first use.
 * Runs are queued: one at a time, in order. Dispose to stop the worker; pending runs then reject.
 */
export class PatternRunner extends Disposable {
  private worker: Worker | undefined;
  private readonly progress = new Int32Array(new SharedArrayBuffer(12));
  private pending: Pending | undefined;
  private readonly queue: Array<{ start(): void; reject(error: Error): void }> = [];
  private nextId = 1;
  private watchdog: NodeJS.Timeout | undefined;
  /** The (item, pattern) the watchdog last saw, and since when. */
  private watched = { id: 0, item: -1, pattern: -1, since: 0 };

  constructor(private readonly deadlineMs = DEFAULT_PATTERN_DEADLINE_MS) {
    super();
    this.register(toDisposable(() => this.stop(new Error('The pattern runner was disposed'))));
  }

  /**
   * Tests every item against `patterns` in order; resolves with the first pattern matching each item.
   * The items are copied at once (the caller may reuse its memory as soon as this returns), unless
   * `handOver`: then their buffers go to the worker as they are and the caller must not touch them again
   * (a {@link PatternBatch} hands over what it gathered, so nothing is copied twice).
   */
  run(patterns: readonly PatternSource[], items: PatternItems, handOver = false): Promise<PatternRunResult> {
    if (this.isDisposed) return Promise.reject(new Error('The pattern runner was disposed'));
    if (items.ends.length === 0 || patterns.length === 0) {
      return Promise.resolve({ ok: true, firstMatch: new Int32Array(items.ends.length).fill(-1) });
    }
    // Copied now: the caller's bytes may be a view into log memory that is reused before the worker reads it.
    const bytes = handOver ? items.bytes : items.bytes.slice();
    const ends = handOver ? items.ends : items.ends.slice();
    return new Promise((resolve, reject) => {
      const start = () => {
        const id = this.nextId++;
        const results = new Int32Array(new SharedArrayBuffer(ends.length * 4)).fill(-1);
        this.pending = { id, results, resolve, reject };
        const worker = this.ensureWorker();
        Atomics.store(this.progress, 0, -1);
        worker.postMessage({ id, progress: this.progress.buffer, results: results.buffer, patterns, bytes, ends }, [bytes.buffer as ArrayBuffer, ends.buffer as ArrayBuffer]);
        this.watched = { id, item: -1, pattern: -1, since: performance.now() };
        this.watchdog ??= setInterval(() => this.checkDeadline(), Math.max(10, Math.floor(this.deadlineMs / 4)));
      };
      if (this.pending) this.queue.push({ start, reject });
      else start();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // A pattern run on a megabyte of text needs little; a bound keeps a runaway one from taking the host's memory.
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
    });
    worker.unref();
    worker.on('message', (id: number) => {
      if (this.pending?.id === id) this.finish({ ok: true, firstMatch: this.pending.results });
    });
    worker.on('error', (error) => this.onWorkerGone(worker, error));
    worker.on('exit', (code) => this.onWorkerGone(worker, new Error(`The pattern worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private onWorkerGone(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    pending.reject(error);
    this.next();
  }

  private checkDeadline(): void {
    const pending = this.pending;
    if (!pending) return;
    const now = performance.now();
    const id = Atomics.load(this.progress, 2);
    const item = Atomics.load(this.progress, 0);
    const pattern = Atomics.load(this.progress, 1);
    const w = this.watched;
    if (id !== pending.id || item < 0) {
      // Not started yet (the worker is booting or reading its input): that time is not a pattern's fault,
      // but a worker that never starts is stuck all the same.
      if (now - w.since > Math.max(10_000, this.deadlineMs)) this.giveUp(pending, 0, 0);
      return;
    }
    if (item !== w.item || pattern !== w.pattern || w.id !== id) {
      this.watched = { id, item, pattern, since: now };
      return;
    }
    if (now - w.since >= this.deadlineMs) this.giveUp(pending, pattern, item);
  }

  /** Terminates the worker mid-test and reports the pattern and item it was on. */
  private giveUp(pending: Pending, pattern: number, item: number): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.finish({ ok: false, pattern, item, firstMatch: pending.results.subarray(0, item) });
  }

  private finish(result: PatternRunResult): void {
    const pending = this.pending!;
    this.pending = undefined;
    pending.resolve(result);
    this.next();
  }

  private next(): void {
    const queued = this.queue.shift();
    if (queued) queued.start();
    else if (this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  private stop(error: Error): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const queued of this.queue.splice(0)) queued.reject(error);
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
