// A message larger than what one socket read holds (every 64 KiB message: Node reads 64 KiB at a time)
// is reassembled by ws into a Buffer of its own (Receiver.consume), which the log then copied into its
// slab: two copies of every such message, and a malloc'd buffer per message whose churn made the
// allocator give memory back and fault it in again (bench/README.md, findings, fourth pass). Here ws
// reassembles such a payload straight into the space the log will keep it in, so it is copied once; and
// reads that lie side by side already (read into the log: readIntoLog.ts) are not copied at all.
//
// ws's receiver is reached into through receiverInternals.ts.
import type WebSocket from 'ws';
import type { IDisposable } from '../base/dispose';
import { FastBuffer, receiverOf, type ReceiverInternals } from './receiverInternals';

/**
 * Smallest payload diverted. Below this ws takes a reassembled payload from Node's 8 KiB buffer pool,
 * which costs no allocation of its own.
 */
export const MIN_DIVERTED_BYTES = 4096;

/**
 * If the first buffers' bytes up to n lie side by side in one ArrayBuffer, takes those n bytes off
 * `buffers` and returns them as one view; otherwise changes nothing.
 */
export function joinAdjacent(buffers: Buffer[], n: number): Buffer | undefined {
  const first = buffers[0]!;
  let covered = first.length;
  let end = first.byteOffset + covered;
  let k = 1;
  while (covered < n) {
    const b = buffers[k];
    if (b === undefined || b.buffer !== first.buffer || b.byteOffset !== end) return undefined;
    covered += b.length;
    end += b.length;
    k++;
  }
  const last = buffers[k - 1]!;
  const over = covered - n;
  if (over === 0) buffers.splice(0, k);
  else {
    buffers.splice(0, k - 1);
    buffers[0] = new FastBuffer(last.buffer, last.byteOffset + last.length - over, over);
  }
  return new FastBuffer(first.buffer, first.byteOffset, n);
}

/**
 * Has ws reassemble the payload of every uncompressed data frame that completes a message, spans more
 * than one buffered read and is at least MIN_DIVERTED_BYTES long, into `reserve(n)`: n bytes of the
 * log's tail. ws then emits 'message' with exactly that Buffer before anything else runs (it emits
 * synchronously), and the listener appends it in place. Returns undefined when ws's receiver is not
 * one this module knows.
 */
export function reassembleInPlace(ws: WebSocket, reserve: (n: number) => Buffer): IDisposable | undefined {
  const receiver = receiverOf(ws);
  if (!receiver) return undefined;
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
    if (first !== undefined && n <= this._bufferedBytes) {
      // Reads that lie side by side in one buffer (read into the log: readIntoLog.ts) hold the payload
      // in one piece already.
      const view = joinAdjacent(buffers, n);
      if (view !== undefined) {
        this._bufferedBytes -= n;
        return view;
      }
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
