// How the fast receive paths are put on a connection: which apply to which socket, and in what order.
// The WebSocket and TCP connections (through fastReceive.ts, which decides which paths are allowed) and
// the start-up self-test (fastReceiveSelfTest.ts) both use these functions, so the self-test checks the
// very wiring the connections get.
import type * as net from 'node:net';
import type WebSocket from 'ws';
import type { IDisposable } from '../base/dispose';
import type { EntryLog } from '../log/entryLog';
import { reassembleInPlace } from './inPlaceReassembly';
import { bypassPlainFrames } from './plainFrameBypass';
import { readIntoLog } from './readIntoLog';
import { receiverAwaits, receiverHolds, receiverOf } from './receiverInternals';

/**
 * The fast paths, each of which reaches into Node or ws internals: reads straight into the log
 * (readIntoLog.ts), plain frames taken past ws's parser (plainFrameBypass.ts), large payloads
 * reassembled in the log's memory (inPlaceReassembly.ts).
 */
export type FastPath = 'readIntoLog' | 'plainFrameBypass' | 'inPlaceReassembly';

export const FAST_PATHS: readonly FastPath[] = ['readIntoLog', 'plainFrameBypass', 'inPlaceReassembly'];

/** Which fast paths may be used. */
export type FastPathSet = Readonly<Record<FastPath, boolean>>;

/** What a WebSocket recorder gives the fast paths. */
export interface WsRecorderHooks {
  /** Which end of the WebSocket we are: only a client's receiver gets unmasked (plain) frames. */
  readonly role: 'client' | 'server';
  /** permessage-deflate was negotiated. */
  readonly compressed: boolean;
  /** Tail space of the log for ws to reassemble an n-byte payload into; 'message' then carries exactly it. */
  reserve(n: number): Buffer;
  /** A plain frame's message, read[start, end), taken past ws. */
  onMessage(binary: boolean, read: Buffer, start: number, end: number): void;
  /** Whether the recorder still keeps views into `buffer` (messages not logged yet). */
  holds(buffer: ArrayBufferLike): boolean;
}

/** The fast paths put on a socket, and the disposable that takes them off. */
export interface Attached extends IDisposable {
  readonly engaged: readonly FastPath[];
}

function attached(engaged: FastPath[], parts: IDisposable[]): Attached {
  return {
    engaged,
    dispose: () => {
      for (const p of parts.splice(0)) p.dispose();
    },
  };
}

/**
 * Puts the allowed fast paths on an open `ws` over `socket` that records into `log`. Reassembly in place
 * for both roles; the plain-frame bypass for a client (a server's frames are unmasked, so a client's
 * plain ones can be taken from the read as they lie); reads straight into the log where the bypass runs
 * and nothing is compressed. Left to Node's own buffers: a server's peers (their frames are masked, and ws
 * unmasks them where they lie) and compressed connections (ws inflates each payload into a buffer of its
 * own, so the compressed bytes read into the log would stay there, belonging to no entry).
 */
export function attachWsFastPaths(ws: WebSocket, socket: net.Socket, log: EntryLog, hooks: WsRecorderHooks, allowed: FastPathSet): Attached {
  const engaged: FastPath[] = [];
  const parts: IDisposable[] = [];
  const reassembly = allowed.inPlaceReassembly ? reassembleInPlace(ws, hooks.reserve) : undefined;
  if (reassembly) {
    parts.push(reassembly);
    engaged.push('inPlaceReassembly');
  }
  const bypass = allowed.plainFrameBypass && hooks.role === 'client' ? bypassPlainFrames(ws, hooks.onMessage) : undefined;
  if (bypass) {
    parts.push(bypass);
    engaged.push('plainFrameBypass');
  }
  const receiver = receiverOf(ws);
  if (allowed.readIntoLog && bypass && receiver && !hooks.compressed) {
    const reads = readIntoLog(socket, log, {
      holds: (buffer) => hooks.holds(buffer) || receiverHolds(receiver, buffer),
      awaits: () => receiverAwaits(receiver),
    });
    if (reads) {
      parts.push(reads);
      engaged.push('readIntoLog');
    }
  }
  return attached(engaged, parts);
}

/**
 * Puts the allowed fast paths on a connected TCP socket that records into `log`: reads go straight
 * into the log (a plain TCP socket only). Nothing may keep a view of a read past its 'data' event.
 */
export function attachTcpFastPaths(socket: net.Socket, log: EntryLog, allowed: FastPathSet): Attached {
  const reads = allowed.readIntoLog ? readIntoLog(socket, log, { holds: () => false, awaits: () => 0 }) : undefined;
  return reads ? attached(['readIntoLog'], [reads]) : attached([], []);
}
