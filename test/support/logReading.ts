// Reading a connection's log in tests: entries as plain objects, and waiting for one to appear.
import { DIRECTION_NAMES, KIND_NAMES, type ConnectionState } from '../../shared/logModel';
import type { Connection } from '../../src/core/connection/connectionTypes';
import type { EntryLog } from '../../src/core/log/entryLog';

export interface Entry {
  readonly seq: number;
  readonly direction: (typeof DIRECTION_NAMES)[number];
  readonly kind: (typeof KIND_NAMES)[number];
  readonly code: number;
  readonly payload: Buffer;
  /** The payload as UTF-8, for meta entries and text frames. */
  readonly text: string;
}

/** Every retained entry, payloads copied. */
export function entries(log: EntryLog): Entry[] {
  const out: Entry[] = [];
  for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
    const e = log.get(seq);
    if (!e) continue;
    const payload = Buffer.from(e.payload);
    out.push({
      seq,
      direction: DIRECTION_NAMES[e.direction]!,
      kind: KIND_NAMES[e.kind]!,
      code: e.code,
      payload,
      text: payload.toString('utf8'),
    });
  }
  return out;
}

/** One line per entry, for assertion messages. */
export function describeLog(log: EntryLog): string {
  return entries(log)
    .map((e) => `${e.seq} ${e.direction} ${e.kind}${e.code ? ` ${e.code}` : ''} ${JSON.stringify(e.text.slice(0, 200))}`)
    .join('\n');
}

/** "direction kind" of each entry, compact for order assertions. */
export function shape(log: EntryLog): string[] {
  return entries(log).map((e) => `${e.direction} ${e.kind}`);
}

/** Guard against a hung test only; tests never assert on time. */
const WAIT_LIMIT_MS = 10_000;

/** Resolves with the first entry (already logged or still to come) that matches. */
export function waitForEntry(log: EntryLog, what: string, match: (e: Entry) => boolean): Promise<Entry> {
  const found = entries(log).find(match);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`No log entry "${what}" arrived. Log:\n${describeLog(log)}`));
    }, WAIT_LIMIT_MS);
    const sub = log.onDidAppend(() => {
      const e = entries(log).find(match);
      if (!e) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Resolves once the connection reaches one of the states. */
export function waitForState(connection: Connection, ...states: ConnectionState[]): Promise<ConnectionState> {
  if (states.includes(connection.state)) return Promise.resolve(connection.state);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`State stayed ${connection.state}, expected ${states.join('/')}. Log:\n${describeLog(connection.log)}`));
    }, WAIT_LIMIT_MS);
    const sub = connection.onDidChangeState((s) => {
      if (!states.includes(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

/** Resolves once the connection has written its Closed entry and settled. */
export async function waitForEnd(connection: Connection): Promise<void> {
  await waitForState(connection, 'closed', 'error');
  await waitForEntry(connection.log, 'closed', (e) => e.kind === 'closed' && /^(Closed|Not connected|Connection lost|Cancelled)/.test(e.text));
}
