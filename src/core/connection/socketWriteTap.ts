// Sees every byte handed to a socket's `write`, for the taps that record what we send: the handshake
// capture (the HTTP request head) and the wire frame tap (each frame ws writes). An own-property wrapper
// of `write` is the one place every writer passes through: Node's HTTP client (including output it
// buffered before the socket connected) and ws's Sender, corked or not.
import type { Duplex } from 'node:stream';
import { toDisposable, type IDisposable } from '../base/dispose';

type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;

/** The bytes of a chunk given to `write` or emitted by 'data'; undefined for anything that is not bytes or text. */
export function chunkBytes(chunk: unknown, encoding: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return undefined;
}

/**
 * Calls `onWrite` with each chunk written to `socket` (before it goes on to the socket's own `write`),
 * until the returned disposable lets go. Letting go puts back what `write` was, unless someone wrapped it
 * again after us: then ours stays in their chain, passing bytes through untouched.
 */
export function tapWrites(socket: Duplex, onWrite: (bytes: Uint8Array, socket: Duplex) => void): IDisposable {
  const original = socket.write as Write;
  const ownWrite = Object.prototype.hasOwnProperty.call(socket, 'write') ? original : undefined;
  let active = true;
  const wrapped: Write = function (this: Duplex, chunk, encoding, cb) {
    if (active) {
      const bytes = chunkBytes(chunk, encoding);
      if (bytes) onWrite(bytes, this);
    }
    return original.call(this, chunk, encoding, cb);
  };
  (socket as { write: Write }).write = wrapped;
  return toDisposable(() => {
    active = false;
    if ((socket as { write: unknown }).write !== wrapped) return;
    // Dropping our own property uncovers the prototype's write again.
    if (ownWrite) (socket as { write: Write }).write = ownWrite;
    else delete (socket as { write?: unknown }).write;
  });
}
