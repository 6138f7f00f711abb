// Child processes of the benchmark: bundled once with esbuild (as the extension itself ships, and so a
// child starts in milliseconds instead of compiling TypeScript), forked with an IPC channel.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from '../../test/browser/harness/bundle';

const OUT = join(ROOT, 'bench', '.build');
const ENTRIES = { blaster: 'bench/ingest/blaster.ts', consumer: 'bench/ingest/consumer.ts', hostMemory: 'bench/memory/hostMemory.ts', summaries: 'bench/decode/summariesChild.ts', bridge: 'bench/bridge/bridgeChild.ts', runner: 'bench/runner/runnerChild.ts' } as const;
let built = false;

/** Bundles the child scripts into bench/.build (once per run). */
export async function buildChildren(): Promise<void> {
  if (built) return;
  mkdirSync(OUT, { recursive: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES)),
    outdir: OUT,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    external: ['bufferutil', 'utf-8-validate'],
    logLevel: 'warning',
  });
  built = true;
}

/** A forked child and its messages. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the next message of this type; rejects if the child reports an error or dies first. */
  next<T>(type: string, timeoutMs?: number): Promise<T>;
  send(message: object): void;
  /** Kills the child if it is still running. */
  kill(): void;
}

/** Forks a bundled child with its config as the first argument. */
export function startChild(name: keyof typeof ENTRIES, config: object, execArgv: string[] = []): Child {
  const child = fork(join(OUT, `${name}.cjs`), [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const waiting: Array<{ type: string; resolve(v: unknown): void; reject(e: Error): void }> = [];
  const early: Array<{ type: string; [k: string]: unknown }> = [];
  const fail = (e: Error): void => {
    for (const w of waiting.splice(0)) w.reject(e);
  };
  child.on('message', (m: { type: string; message?: string }) => {
    if (m.type === 'error') {
      fail(new Error(`${name}: ${m.message}`));
      return;
    }
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m);
    else early.push(m);
  });
  child.on('exit', (code, signal) => fail(new Error(`${name} exited (${signal ?? code}) before answering`)));
  child.on('error', (e) => fail(e));
  return {
    process: child,
    next<T>(type: string, timeoutMs = 60_000): Promise<T> {
      const i = early.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(early.splice(i, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({
          type,
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
    send(message: object) {
      if (child.connected) child.send(message);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
