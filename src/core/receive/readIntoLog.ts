// Node reads a socket into a fresh 64 KiB buffer per read, malloc'd and freed by the garbage collector
// later, and the log then copied what it kept of it into its slab. Under a flood of large messages that
// churn made the allocator give memory back to the kernel and fault it in again, and every byte was
// written twice (bench/README.md, findings, sixth pass). Node can read a socket into memory of the
// caller's choosing instead (the `onread` option of net.Socket, with a function that returns the
// buffer for each next read), but only for a socket created with it, and ours is created by the HTTP
// client, an agent or a listener. So the same slots are filled here, once the socket is connected (for a
// WebSocket, once ws has it): every read then goes straight into the log's tail (EntryLog.claimRead),
// right after the previous read, and the socket's 'data' listeners (ws, the frame tap, the read budget,
// a TCP connection's own) get a view of those bytes as before. A message's payload is logged where it
// was read, and one that spans reads lies in one piece.
//
// Node's slots are found by their symbols' descriptions; a socket that lacks them, a TLS socket (its
// reads come decrypted through another layer) or one already reading into a buffer of its own is
// left as it is.
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { IDisposable } from '../base/dispose';
import { FastBuffer } from './fastBuffer';
import type { EntryLog } from '../log/entryLog';

/** Most bytes one read takes: what Node reads at a time by default. */
export const READ_BYTES = 64 * 1024;
/** Less room than this left in the log's newest segment, and reads move on to a new one. */
export const MIN_READ_BYTES = 16 * 1024;
/** Buffers kept for reads outside the log; a payload held in more of them gets fresh ones. */
const MAX_SPARE_BUFFERS = 4;

interface ReadSlots {
  /** The buffer the next read goes into (null: Node's own). */
  readonly buffer: symbol;
  /** Called with (nread, buffer) for each read instead of pushing the bytes into the stream. */
  readonly callback: symbol;
  /** Returns the buffer for the read after this one. */
  readonly generator: symbol;
}

interface UserBufferHandle {
  useUserBuffer(buffer: Uint8Array): void;
}

/** net.Socket's slots for reads into a caller's buffer (lib/net.js: kBuffer, kBufferCb, kBufferGen), or what is missing of them. */
function findSlots(socket: Socket): ReadSlots | string {
  const handle = (socket as unknown as { _handle?: Partial<UserBufferHandle> | null })._handle;
  if (!handle) return 'the socket has no handle';
  if (typeof handle.useUserBuffer !== 'function') return "the socket's handle has no useUserBuffer()";
  const symbols = Object.getOwnPropertySymbols(socket);
  const find = (description: string): symbol | undefined => symbols.find((s) => s.description === description);
  const buffer = find('kBuffer');
  const callback = find('kBufferCb');
  const generator = find('kBufferGen');
  if (!buffer || !callback || !generator) {
    const missing = (['kBuffer', 'kBufferCb', 'kBufferGen'] as const).filter((_, i) => ![buffer, callback, generator][i]);
    return `net.Socket has no ${missing.join(', ')} slot${missing.length === 1 ? '' : 's'}`;
  }
  return { buffer, callback, generator };
}

/**
 * What Node lacks for a connected plain TCP socket to read into the log (its handle's useUserBuffer,
 * net.Socket's read slots), or undefined when it has it all. The self-test says this out loud.
 */
export function readIntoLogProblem(socket: Socket): string | undefined {
  const slots = findSlots(socket);
  return typeof slots === 'string' ? slots : undefined;
}

/** What the socket's reader tells about the bytes it holds and waits for. */
export interface ReaderState {
  /** Whether it still keeps views into `buffer` (a frame not parsed yet), so the log must not reuse that slab. */
  holds(buffer: ArrayBufferLike): boolean;
  /**
   * Bytes still to come of the payload it is reading, to be joined with what it has in one piece;
   * Infinity if it will copy what comes anyway (reads then go outside the log).
   */
  awaits(): number;
}

/**
 * From now on, reads `socket` into `log` (see above) and emits each read's bytes as 'data', as Node
 * did. A payload that will not fit in the room the log's newest segment has left would lie in two
 * slabs and be joined by a copy anyway, and so are a fragmented message's fragments: such reads go into
 * a few buffers outside the log, reused once let go of, instead of leaving their bytes in the log as
 * bytes of no entry. Returns undefined, changing nothing, where this cannot be done. Disposing stops
 * reads into the log.
 */
export function readIntoLog(socket: Socket, log: EntryLog, reader: ReaderState): IDisposable | undefined {
  if (socket instanceof TLSSocket || socket.destroyed || socket.connecting) return undefined;
  const slots = findSlots(socket);
  if (typeof slots === 'string') return undefined;
  const s = socket as unknown as Record<symbol, unknown>;
  // Already reading into a buffer of its own (the onread option).
  if (s[slots.buffer] !== null || s[slots.callback] !== null || s[slots.generator] !== null) return undefined;
  const handle = (socket as unknown as { _handle: UserBufferHandle })._handle;

  let reading = true;
  // Buffers for reads outside the log, reused once the reader lets go of them: fresh memory per read
  // is what this module spares (a 64 KiB flood ran 40 % slower with a fresh buffer for one read in 15).
  const spares: Buffer[] = [];
  const outside = (): Buffer => {
    for (const b of spares) if (!reader.holds(b.buffer)) return b;
    const b = Buffer.allocUnsafeSlow(READ_BYTES);
    if (reading && spares.length < MAX_SPARE_BUFFERS) spares.push(b);
    return b;
  };
  const next = (): Uint8Array => {
    const awaited = reader.awaits();
    if (!reading || awaited > log.readRoom) return outside();
    // A payload's rest that fits where the last read ended is read there, however little room is left.
    return log.claimRead(READ_BYTES, awaited > 0 ? Math.min(awaited, MIN_READ_BYTES) : MIN_READ_BYTES);
  };
  log.beginReads((buffer) => reader.holds(buffer));
  const first = next();
  s[slots.buffer] = first;
  s[slots.generator] = next;
  s[slots.callback] = (nread: number, space: Uint8Array): boolean => {
    // Never written again while someone can see it: the log's space it took, a buffer outside the log
    // (reused only once the reader let go of it), or space of a read under way when the log was cleared
    // or reads into it ended.
    log.commitRead(space, nread);
    socket.emit('data', new FastBuffer(space.buffer, space.byteOffset, nread));
    // ws and the read budget pause the socket themselves (net.Socket.pause stops such reads).
    return true;
  };
  handle.useUserBuffer(first);
  const end = (): void => {
    if (!reading) return;
    reading = false;
    // A closed connection's socket may stay referenced (its log is still shown): so would these.
    spares.length = 0;
    socket.off('close', end);
    // A destroyed socket's handle reads no more: the space claimed for its next read goes back.
    log.endReads(!socket.destroyed);
  };
  // Ahead of the other 'close' listeners, which may compact the log.
  socket.prependOnceListener('close', end);
  return { dispose: end };
}
