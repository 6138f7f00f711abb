// Reading proxy sessions in tests: waiting for peers and held messages, the bytes of one direction of a
// pair's log, and the network handles this process holds (to check a disposed proxy left none).
import * as net from 'node:net';
import type { ServerSession } from '../../src/core/connection/serverTypes';
import type { ProxyPeer, ProxyPeerControls, ProxySession } from '../../src/core/proxy';
import type { EntryLog } from '../../src/core/log/entryLog';
import { describeLog, entries, type Entry } from './logReading';
import { eventually } from './eventually';

/** Guard against a hung test only; tests never assert on time. */
const WAIT_LIMIT_MS = 10_000;

/** Resolves with peer number `index` (0-based) of a proxy session, once accepted. */
export function peerAt(session: ProxySession, index: number): Promise<ProxyPeer> {
  if (session.peers.length > index) return Promise.resolve(session.peers[index]!);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`Peer ${index + 1} was not accepted. Session log:\n${describeLog(session.log)}`));
    }, WAIT_LIMIT_MS);
    const sub = session.onDidAcceptPeer(() => {
      if (session.peers.length <= index) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(session.peers[index]!);
    });
  });
}

/** Resolves once `controls` holds at least `n` messages. */
export function heldAtLeast(controls: ProxyPeerControls, n: number, log: EntryLog): Promise<void> {
  if (controls.held.length >= n) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`${controls.held.length} of ${n} messages held. Log:\n${describeLog(log)}`));
    }, WAIT_LIMIT_MS);
    const sub = controls.onDidChangeHeld(() => {
      if (controls.held.length < n) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** Data or message entries of one log direction, in order. */
export function wireEntries(log: EntryLog, direction: 'in' | 'out', kinds = ['data', 'text', 'binary']): Entry[] {
  return entries(log).filter((e) => e.direction === direction && kinds.includes(e.kind));
}

/** The bytes of a direction's data entries, concatenated. */
export function wireBytes(log: EntryLog, direction: 'in' | 'out'): Buffer {
  return Buffer.concat(wireEntries(log, direction, ['data']).map((e) => e.payload));
}

/** Texts of the note entries. */
export function noteTexts(log: EntryLog): string[] {
  return entries(log).filter((e) => e.kind === 'note').map((e) => e.text);
}

/**
 * Servers and live network sockets this process holds: child-process pipes and stdio are not counted,
 * nor sockets already destroyed and only waiting for their close event.
 */
export function networkHandles(): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter(
    (h) =>
      h instanceof net.Server ||
      (h instanceof net.Socket && !h.destroyed && (h.localPort !== undefined || h.remotePort !== undefined)),
  ).length;
}

/** Resolves once `check` holds (polled by `eventually`); rejects after the guard. */
export async function until(what: string, check: () => boolean): Promise<void> {
  await eventually(() => check(), (ok) => ok, what, WAIT_LIMIT_MS);
}

/** Stops and disposes a session after a test. */
export async function closeSession(session: ServerSession | undefined): Promise<void> {
  if (!session) return;
  await session.stop();
  session.dispose();
}
