// Sends the host makes by itself to a server's peers (auto-replies, broadcasts) respect backpressure: a
// peer that does not read would otherwise make the host queue every reply in memory, without limit (a
// client sending 1,000 one-byte messages to a rule with a 256 KiB reply queued 242 MiB). Above a bound
// of bytes waiting for one peer, such sends to it are skipped until it has caught up (less than a
// quarter of the bound waits: a peer that does not read drifts around the bound as the kernel's
// buffers grow, and must not end an episode with every few kilobytes). The server's log says so once
// when the peer falls behind and once when it catches up, with how many were skipped, never once per
// message. Skipping rather than pausing the peer's reads keeps its log showing what it sends.
import { Direction, Kind } from '../../../shared/logModel';
import type { ServerPeer, ServerSession } from './serverTypes';

/** Bytes waiting to be written to one peer above which auto-replies and broadcasts to it are skipped. */
export const MAX_QUEUED_BYTES_PER_PEER = 8 * 1024 * 1024;

/** A peer that fell behind gets automatic sends again once less than this waits for it. */
const CAUGHT_UP_BYTES = MAX_QUEUED_BYTES_PER_PEER / 4;

/** Peers of a session currently skipped, by id, with how many sends were skipped. */
const behind = new WeakMap<ServerSession, Map<number, { skipped: number }>>();

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Whether one more automatic send to `peer` may be queued: not while MAX_QUEUED_BYTES_PER_PEER or more
 * wait to be written to it. The start and the end of each such episode are noted in the session's log.
 */
export function admitSend(session: ServerSession, peer: ServerPeer): boolean {
  const queued = peer.connection.queuedBytes ?? 0;
  let peers = behind.get(session);
  const episode = peers?.get(peer.id);
  if (queued < (episode ? CAUGHT_UP_BYTES : MAX_QUEUED_BYTES_PER_PEER)) {
    if (episode) {
      peers!.delete(peer.id);
      session.log.appendText(
        Direction.Meta,
        Kind.Note,
        `#${peer.id} reads again: ${episode.skipped} auto-repl${episode.skipped === 1 ? 'y or broadcast was' : 'ies and broadcasts were'} skipped while it did not`,
      );
    }
    return true;
  }
  if (episode) episode.skipped++;
  else {
    if (!peers) behind.set(session, (peers = new Map()));
    peers.set(peer.id, { skipped: 1 });
    session.log.appendText(
      Direction.Meta,
      Kind.Note,
      `#${peer.id} is not reading: ${mib(queued)} wait to be sent to it, so auto-replies and broadcasts to it are skipped until it catches up`,
    );
  }
  return false;
}
