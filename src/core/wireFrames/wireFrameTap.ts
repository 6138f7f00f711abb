// Feeds the frame store from a WebSocket's socket once the upgrade is done: every byte read (a 'data'
// listener) and every byte written (socketWriteTap.ts: ws's Sender writes each header and payload
// through socket.write, corked or not) goes through one header parser per direction.
//
// Attach it when ws has taken the socket over (its 'open' event): by then ws has pushed the bytes that
// came with the 101 response (its `head`) back into the socket, so they reach this tap as the first
// 'data' chunk, and the response head itself was consumed before, so the read parser starts exactly
// at the first frame.
import type { Duplex } from 'node:stream';
import { Direction } from '../../../shared/logModel';
import type { IDisposable } from '../base/dispose';
import { chunkBytes, tapWrites } from '../connection/socketWriteTap';
import { WireFrameHeaderParser } from './wireFrameHeaderParser';
import type { WireFrameStore } from './wireFrameStore';

type TapDirection = typeof Direction.In | typeof Direction.Out;

/** Taps a WebSocket's socket (ours as client, or an accepted peer's) into a WireFrameStore. */
export class WireFrameTap implements IDisposable {
  private socket: Duplex | undefined;
  private writes: IDisposable | undefined;
  /** Time of the chunk being parsed: every header parsed from one chunk gets it. */
  private now = 0;
  /** When the chunk being read reached the socket's readers, before ws parsed it (see onArrival). */
  private arrived = 0;
  private readonly readParser: WireFrameHeaderParser;
  private readonly writeParser: WireFrameHeaderParser;
  /**
   * Ahead of ws's own reader: ws handles a chunk's messages before the listeners after it run, and a proxy
   * writes a message on to the other leg right there, so a read timed in onData would come after the
   * write it caused.
   */
  private readonly onArrival = () => {
    this.arrived = performance.now();
  };
  private readonly onData = (chunk: unknown) => {
    const bytes = chunkBytes(chunk, undefined);
    if (bytes) this.feed(this.readParser, bytes, this.arrived);
  };

  constructor(
    store: WireFrameStore,
    /** Whether permessage-deflate was negotiated (RSV1 then means "compressed"). */
    rsv1Allowed: () => boolean,
    /** Our end: a client reads the server's frames and writes masked ones; an accepted peer the reverse. */
    role: 'client' | 'server' = 'client',
    /**
     * The log direction of the frames read and written. A proxy's client leg flips them: what it reads
     * from the client is an Out entry (client→server), what it writes to the client an In one.
     */
    directions: { readonly read: TapDirection; readonly write: TapDirection } = { read: Direction.In, write: Direction.Out },
  ) {
    this.readParser = new WireFrameHeaderParser({
      sender: role === 'client' ? 'server' : 'client',
      rsv1Allowed,
      onHeader: (h) => store.add(directions.read, h, this.now),
      onPlainFrame: (b0, length) => store.addPlain(directions.read, b0, length, this.now),
    });
    this.writeParser = new WireFrameHeaderParser({
      sender: role,
      rsv1Allowed,
      onHeader: (h) => store.add(directions.write, h, this.now),
      onPlainFrame: (b0, length) => store.addPlain(directions.write, b0, length, this.now),
    });
  }

  /** Starts tapping `socket`; call once, when ws has the socket and before any frame is read or written. */
  attach(socket: Duplex): void {
    if (this.socket) return;
    this.socket = socket;
    this.writes = tapWrites(socket, (bytes, written) => {
      // Bytes handed to a socket that can no longer send never reach the wire.
      if (!written.destroyed && !written.writableEnded) this.feed(this.writeParser, bytes, performance.now());
    });
    socket.prependListener('data', this.onArrival);
    socket.on('data', this.onData);
  }

  private feed(parser: WireFrameHeaderParser, bytes: Uint8Array, now: number): void {
    try {
      this.now = now;
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
    socket.off('data', this.onArrival);
    socket.off('data', this.onData);
    this.writes?.dispose();
    this.writes = undefined;
  }
}
