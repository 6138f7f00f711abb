// A message larger than what one socket read holds (every 64 KiB message: Node reads 64 KiB at a time)
// is reassembled by ws into a Buffer of its own (Receiver.consume), which the log then copied into its
// slab: two copies of every such message, and a malloc'd buffer per message whose churn made the
// allocator give memory back and fault it in again (bench/README.md, findings, fourth pass). Here ws
// reassembles such a payload straight into the space the log will keep it in, so it is copied once.
//
// `ws` has no API for this; the fields used are its Receiver's own (ws 8.x, node_modules/ws/lib/
// receiver.js), as wsReceiverProgress.ts reads them. Where they are not what this module knows, nothing
// is diverted and ws works as it always did.
import type WebSocket from 'ws';
import type { IDisposable } from '../dispose';

/** The Receiver fields and method used. */
interface ReceiverInternals {
  _buffers: Buffer[];
  _bufferedBytes: number;
  /** The current frame's opcode; a continuation frame carries its message's (1 text, 2 binary). */
  _opcode: number;
  _fin: boolean;
  _compressed: boolean;
  /** Payloads of the message's earlier fragments. */
  _fragments: Buffer[];
  /** Whether 'message' is emitted while consume()'s caller is still on the stack (ws's default). */
  _allowSynchronousEvents?: boolean;
  consume(n: number): Buffer;
}

/** Node's Buffer constructor without argument checks: what ws itself makes its views with. */
const FastBuffer = (Buffer as unknown as { [Symbol.species]: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer })[Symbol.species];

/**
 * Smallest payload diverted. Below this ws takes a reassembled payload from Node's 8 KiB buffer pool,
 * which costs no allocation of its own.
 */
export const MIN_DIVERTED_BYTES = 4096;

function isReceiver(r: unknown): r is ReceiverInternals {
  const x = r as Partial<ReceiverInternals> | undefined;
  return (
    x !== undefined &&
    typeof x.consume === 'function' &&
    Array.isArray(x._buffers) &&
    Array.isArray(x._fragments) &&
    typeof x._bufferedBytes === 'number' &&
    typeof x._opcode === 'number' &&
    typeof x._fin === 'boolean' &&
    typeof x._compressed === 'boolean'
  );
}

/**
 * Has ws reassemble the payload of every uncompressed data frame that completes a message, spans more
 * than one buffered read and is at least MIN_DIVERTED_BYTES long, into `reserve(n)`: n bytes of the
 * log's tail. ws then emits 'message' with exactly that Buffer before anything else runs (it emits
 * synchronously), and the listener appends it in place. Returns undefined when ws's receiver is not
 * one this module knows.
 */
export function reassembleInPlace(ws: WebSocket, reserve: (n: number) => Buffer): IDisposable | undefined {
  const receiver = (ws as unknown as { _receiver?: unknown })._receiver;
  if (!isReceiver(receiver) || receiver._allowSynchronousEvents !== true) return undefined;
  const original = receiver.consume;
  const consume = function (this: ReceiverInternals, n: number): Buffer {
    const buffers = this._buffers;
    const first = buffers[0];
    if (first !== undefined && n <= first.length) {
      // ws's own path for bytes inside the first buffered read (receiver.js consume()), repeated here
      // because this runs for every frame header and small payload: a call on to ws's method cost the
      // 64-byte flood 4 % of its time.
      this._bufferedBytes -= n;
      if (n === first.length) return buffers.shift()!;
      buffers[0] = new FastBuffer(first.buffer, first.byteOffset + n, first.length - n);
      return new FastBuffer(first.buffer, first.byteOffset, n);
    }
    if (
      n < MIN_DIVERTED_BYTES ||
      first === undefined ||
      !this._fin ||
      this._compressed ||
      (this._opcode !== 1 && this._opcode !== 2) ||
      this._fragments.length !== 0 ||
      this._allowSynchronousEvents !== true
    ) {
      return original.call(this, n);
    }
    const dst = reserve(n);
    this._bufferedBytes -= n;
    let at = 0;
    while (at < n) {
      const buf = buffers[0]!;
      const want = n - at;
      if (want >= buf.length) {
        dst.set(buf, at);
        buffers.shift();
        at += buf.length;
      } else {
        dst.set(new Uint8Array(buf.buffer, buf.byteOffset, want), at);
        buffers[0] = new FastBuffer(buf.buffer, buf.byteOffset + want, buf.length - want);
        at = n;
      }
    }
    return dst;
  };
  receiver.consume = consume;
  return {
    dispose: () => {
      if (receiver.consume === consume) receiver.consume = original;
    },
  };
}
