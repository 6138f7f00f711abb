// Feeds the frame store from a WebSocket's socket once the upgrade is done: every byte read (a 'data'
// listener) and every byte written (an own-property wrapper of socket.write, which ws's Sender calls
// for each header and payload, corked or not) goes through one header parser per direction.
//
// Attach it when ws has taken the socket over (its 'open' event): by then ws has pushed the bytes that
// came with the 101 response (its `head`) back into the socket, so they reach this tap as the first
// 'data' chunk, and the response head itself was consumed before, so the read parser starts exactly
// at the first frame.
import type { Duplex } from 'node:stream';
import { Direction } from '../../../shared/logModel';
import type { IDisposable } from '../base/dispose';
import { WireFrameHeaderParser } from './wireFrameHeaderParser';
import type { WireFrameStore } from './wireFrameStore';

type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;

function bytesOf(chunk: unknown, encoding: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return undefined;
}

/** Taps a WebSocket's socket (ours as client, or an accepted peer's) into a WireFrameStore. */
export class WireFrameTap implements IDisposable {
  private socket: Duplex | undefined;
  private wrappedWrite: Write | undefined;
  private ownWrite: Write | undefined;
  /** Time of the chunk being parsed: every header parsed from one chunk gets it. */
  private now = 0;
  private readonly readParser: WireFrameHeaderParser;
  private readonly writeParser: WireFrameHeaderParser;
  private readonly onData = (chunk: unknown) => {
    const bytes = bytesOf(chunk, undefined);
    if (bytes) this.feed(this.readParser, bytes);
  };

  constructor(
    store: WireFrameStore,
    /** Whether permessage-deflate was negotiated (RSV1 then means "compressed"). */
    rsv1Allowed: () => boolean,
    /** Our end: a client reads the server's frames and writes masked ones; an accepted peer the reverse. */
    role: 'client' | 'server' = 'client',
  ) {
    this.readParser = new WireFrameHeaderParser({
      sender: role === 'client' ? 'server' : 'client',
      rsv1Allowed,
      onHeader: (h) => store.add(Direction.In, h, this.now),
      onPlainFrame: (b0, length) => store.addPlain(Direction.In, b0, length, this.now),
    });
    this.writeParser = new WireFrameHeaderParser({
      sender: role,
      rsv1Allowed,
      onHeader: (h) => store.add(Direction.Out, h, this.now),
      onPlainFrame: (b0, length) => store.addPlain(Direction.Out, b0, length, this.now),
    });
  }

  /** Starts tapping `socket`; call once, when ws has the socket and before any frame is read or written. */
  attach(socket: Duplex): void {
    if (this.socket) return;
    this.socket = socket;
    const original = socket.write as Write;
    this.ownWrite = Object.prototype.hasOwnProperty.call(socket, 'write') ? original : undefined;
    const tap = this;
    const wrapped: Write = function (this: Duplex, chunk, encoding, cb) {
      // Bytes handed to a socket that can no longer send never reach the wire.
      if (!this.destroyed && !this.writableEnded) {
        const bytes = bytesOf(chunk, encoding);
        if (bytes) tap.feed(tap.writeParser, bytes);
      }
      return original.call(this, chunk, encoding, cb);
    };
    this.wrappedWrite = wrapped;
    (socket as { write: Write }).write = wrapped;
    socket.on('data', this.onData);
  }

  private feed(parser: WireFrameHeaderParser, bytes: Uint8Array): void {
    try {
      this.now = performance.now();
      parser.push(bytes);
    } catch (e) {
      // The tap watches; it must never break the socket it watches.
      console.error('[socket-inspector] frame tap failed:', e);
    }
  }

  dispose(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    socket.off('data', this.onData);
    // Put back what write was, unless someone wrapped it after us (then ours stays, passing through).
    if (this.wrappedWrite && socket.write === (this.wrappedWrite as unknown)) {
      if (this.ownWrite) (socket as { write: Write }).write = this.ownWrite;
      else delete (socket as { write?: unknown }).write;
    }
    this.wrappedWrite = undefined;
  }
}
