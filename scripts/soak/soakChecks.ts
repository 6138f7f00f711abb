// What every soak phase shares: the small retention caps, the checks that record a failure, waits with a
// deadline, and the helpers that close, hash and bound what a phase opened.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import * as net from 'node:net';
import { WebSocketServer } from 'ws';
import { Direction, Kind } from '../../shared/logModel';
import type { Connection, RetentionOptions } from '../../src/core/connection/connectionTypes';
import type { EntryLog } from '../../src/core/log/entryLog';
import type { ServerSession } from '../../src/core/connection/serverTypes';
import { until as untilWithin } from './polling';

export const HOST = '127.0.0.1';
/** Small caps so eviction happens all the time: memory must stay bounded by them, not by traffic. */
export const RETENTION: RetentionOptions = { maxEntries: 2000, maxBytes: 512 * 1024 };
/** Largest a log may grow under RETENTION: the cap plus one spare segment slab (see entryLog.ts). */
export const LOG_MEMORY_BOUND = 4 * 1024 * 1024;
export const WAIT_MS = 15_000;
/** A proxy round in which no byte moves for this long has stalled. */
export const STALL_MS = 20_000;

/** What the phases found: failures, and a summary row per phase (name, finding, time). */
export const report: { failures: string[]; rows: Array<[string, string, string]> } = { failures: [], rows: [] };

export function fail(what: string): void {
  report.failures.push(what);
  console.error(`FAIL ${what}`);
}

export function check(ok: boolean, what: string): void {
  if (!ok) fail(what);
}

/** Polls until `predicate` holds; false after WAIT_MS (or `ms`); the caller reports what it was waiting for. */
export const until = (predicate: () => boolean, ms = WAIT_MS): Promise<boolean> => untilWithin(predicate, ms);

export const isFinal = (c: Connection) => c.state === 'closed' || c.state === 'error';

/** Closes gracefully, waits for the end, disposes; false when it did not end in time. */
export async function closeAndDispose(c: Connection): Promise<boolean> {
  if (!isFinal(c)) c.close(1000, 'soak');
  const ended = await until(() => isFinal(c));
  c.dispose();
  return ended;
}

/** Hashes the payloads a log records in one direction (data entries only), as they are appended. */
export function hashLog(log: EntryLog, direction: Direction): { hash: Hash; bytes: number; entries: number; dispose(): void } {
  const state = { hash: createHash('sha256'), bytes: 0, entries: 0, dispose: () => sub.dispose() };
  const sub = log.onDidAppend((seq) => {
    const kind = log.kind(seq);
    if (log.direction(seq) !== direction || (kind !== Kind.Data && kind !== Kind.Binary && kind !== Kind.Text)) return;
    const p = log.payload(seq)!;
    state.hash.update(p);
    state.bytes += p.byteLength;
    state.entries++;
  });
  return state;
}

export const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** A random chunk of 1 byte to 64 KiB, taken from a shared random pool. */
const pool = randomBytes(1024 * 1024);
export function chunk(): Buffer {
  const size = 1 + Math.floor(Math.random() * 65536);
  const at = Math.floor(Math.random() * (pool.length - size));
  return pool.subarray(at, at + size);
}

export function closeNetServer(s: net.Server): Promise<void> {
  return new Promise((r) => s.close(() => r()));
}

export function closeWss(s: WebSocketServer): Promise<void> {
  for (const c of s.clients) c.terminate();
  return new Promise((r) => s.close(() => r()));
}

export async function disposeSession(s: ServerSession): Promise<void> {
  await s.stop();
  s.dispose();
}

/** Every log of a session (its own and its peers') stayed within the memory bound; returns evicted entries. */
export function checkLogBounds(s: ServerSession, label: string): number {
  let dropped = s.log.dropped.entries;
  check(s.log.memoryBytes <= LOG_MEMORY_BOUND, `${label}: the session log holds ${mb(s.log.memoryBytes)}`);
  for (const p of s.peers) {
    dropped += p.connection.log.dropped.entries;
    check(p.connection.log.memoryBytes <= LOG_MEMORY_BOUND, `${label}: peer ${p.id}'s log holds ${mb(p.connection.log.memoryBytes)}`);
  }
  return dropped;
}
