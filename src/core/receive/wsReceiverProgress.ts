// Where `ws`'s frame reader stood when the connection ended: between frames, inside a frame header,
// inside a payload, or between the fragments of a message. A server that resets or hangs up half-way
// through a frame should be logged as doing exactly that, and only the reader knows.
//
// `ws` has no public API for this; the fields read here are its Receiver's own (ws 8.x), declared in
// receiverInternals.ts. If a future version renames them, describeReceiverProgress() says nothing rather
// than something wrong, and the hostile-server tests (test/peers/hostileServer.test.ts) fail loudly.
import type WebSocket from 'ws';
import { GET_DATA, GET_INFO, rawReceiver } from './receiverInternals';

/** Where the reader was: a frame partly received, or a fragmented message unfinished. */
export type ReceiverProgress =
  | { readonly at: 'boundary' }
  | { readonly at: 'header'; readonly bytes: number }
  | { readonly at: 'payload'; readonly received: number; readonly length: number }
  | { readonly at: 'fragments'; readonly opcode: number };

/** Reads the reader's position; undefined when the fields are not what this module knows. */
export function receiverProgress(ws: WebSocket): ReceiverProgress | undefined {
  const r = rawReceiver(ws);
  if (!r) return undefined;
  const { _state: state, _bufferedBytes: buffered, _payloadLength: length, _fragmented: fragmented } = r;
  if (typeof state !== 'number' || typeof buffered !== 'number' || typeof length !== 'number' || typeof fragmented !== 'number') {
    return undefined;
  }
  if (state === GET_DATA && length > 0) return { at: 'payload', received: Math.min(buffered, length), length };
  if (state > GET_INFO && state < GET_DATA) return { at: 'header', bytes: buffered };
  if (state === GET_INFO && buffered > 0) return { at: 'header', bytes: buffered };
  if (state === GET_INFO && fragmented !== 0) return { at: 'fragments', opcode: fragmented };
  return { at: 'boundary' };
}

/** " in the middle of a frame (496 of 1000 payload bytes had arrived)", or '' at a frame boundary. */
export function describeReceiverProgress(progress: ReceiverProgress | undefined): string {
  if (!progress) return '';
  switch (progress.at) {
    case 'payload':
      return ` in the middle of a frame (${progress.received} of its ${progress.length} payload bytes had arrived)`;
    case 'header':
      return ` in the middle of a frame header (${progress.bytes} byte${progress.bytes === 1 ? '' : 's'} of it had arrived)`;
    case 'fragments':
      return ` in the middle of a fragmented ${progress.opcode === 1 ? 'text' : 'binary'} message (its final fragment never arrived)`;
    default:
      return '';
  }
}
