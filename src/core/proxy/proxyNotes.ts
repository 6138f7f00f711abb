// The wording of a proxy's notes (Kind.Note entries), in one place so the log reads the same whatever
// the transport. Pure.
import { Direction, Kind } from '../../../shared/logModel';
import type { ProxyDirection } from './holdQueue';

/** "client→server" or "server→client". */
export function arrow(direction: ProxyDirection): string {
  return direction === 'toServer' ? 'client→server' : 'server→client';
}

/** The log direction of a proxy direction: Out is client→server, In is server→client. */
export function logDirection(direction: ProxyDirection): Direction {
  return direction === 'toServer' ? Direction.Out : Direction.In;
}

/** The side a direction's messages come from. */
export function sourceOf(direction: ProxyDirection): 'client' | 'server' {
  return direction === 'toServer' ? 'client' : 'server';
}

/** The side a direction's messages go to. */
export function destinationOf(direction: ProxyDirection): 'client' | 'server' {
  return direction === 'toServer' ? 'server' : 'client';
}

/** "1 byte", "5 bytes". */
export function byteCount(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** "text message", "binary message", "chunk". */
export function kindNoun(kind: Kind): string {
  if (kind === Kind.Text) return 'text message';
  if (kind === Kind.Binary) return 'binary message';
  return 'chunk';
}

/** Ids as ranges: [1, 2, 3, 5, 7, 8] → "#1–#3, #5, #7–#8". */
export function formatIds(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `#${sorted[i]}` : `#${sorted[i]}–#${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** "1 message", "3 messages" (chunks for TCP). */
export function messageCount(n: number, tcp: boolean): string {
  const noun = tcp ? 'chunk' : 'message';
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Texts of the notes a pair writes. Each "↑" note describes the entry right before it. */
export const notes = {
  held: (id: number, d: ProxyDirection) =>
    `↑ Held #${id} (${arrow(d)}): not forwarded until you release or drop it`,
  released: (id: number, d: ProxyDirection) => `Released #${id} (${arrow(d)}): forwarded as received`,
  edited: (id: number, d: ProxyDirection, original: { kind: Kind; size: number }) =>
    `↑ Edited #${id} (${arrow(d)}): forwarded this instead of the held ${kindNoun(original.kind)} of ${byteCount(original.size)}`,
  dropped: (id: number, d: ProxyDirection, size: number) =>
    `Dropped #${id} (${arrow(d)}, ${byteCount(size)}): never forwarded`,
  droppedAll: (ids: readonly number[], d: ProxyDirection) =>
    `Dropped ${formatIds(ids)} (${arrow(d)}): never forwarded`,
  releasedAll: (ids: readonly number[], d: ProxyDirection) =>
    `Released ${formatIds(ids)} (${arrow(d)}): forwarded as received, in order`,
  injected: (d: ProxyDirection) =>
    `↑ Injected by you toward the ${destinationOf(d)}: the ${sourceOf(d)} did not send this`,
  paused: (d: ProxyDirection) =>
    `Paused ${arrow(d)}: messages from the ${sourceOf(d)} are held until you release them or resume`,
  resumed: (d: ProxyDirection) => `Resumed ${arrow(d)}: messages from the ${sourceOf(d)} are forwarded again`,
  full: (d: ProxyDirection, count: number, bytes: number, tcp: boolean) =>
    `The hold queue ${arrow(d)} is full (${messageCount(count, tcp)}, ${byteCount(bytes)}): ` +
    `not reading from the ${sourceOf(d)} until you release or drop some`,
  reading: (d: ProxyDirection) => `The hold queue ${arrow(d)} has room again: reading from the ${sourceOf(d)}`,
  notForwarded: (d: ProxyDirection) => `↑ Not forwarded: the ${destinationOf(d)} side is already closed`,
  discarded: (ids: readonly number[], why: string) => `${formatIds(ids)} ${ids.length === 1 ? 'was' : 'were'} held and never forwarded: ${why}`,
};
