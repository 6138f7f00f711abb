// A flood of small messages costs ws far more per message than recording them costs us: a view for the
// header and one for the payload, a call through its parsing loop, a UTF-8 check, two events (bench/
// README.md, findings, fifth pass: about 60 % of the recorder's time at 64 bytes a message). A server's
// plain frame (FIN, no RSV bit, text or binary, unmasked, a 7- or 16-bit length in its shortest form) is
// a whole message whose bytes lie in the read as they will be logged. So while ws's receiver stands
// between frames with nothing buffered, the plain frames at the head of each read are taken here,
// checked as ws checks them (UTF-8 for text, maxPayload), and handed to `onMessage` as offsets into the
// read; ws gets the rest of the read from the first frame that is anything else (a control frame, a
// fragment, a compressed or masked frame, one cut by the end of the read, invalid UTF-8), in order,
// and deals with it as it always does. The frame tap sees every byte either way.
//
// ws's receiver is reached into through receiverInternals.ts.
import { isUtf8 } from 'node:buffer';
import type WebSocket from 'ws';
import type { IDisposable } from '../base/dispose';
import { WireFrameHeaderParser } from '../wireFrames/wireFrameHeaderParser';
import { FastBuffer, GET_INFO, receiverOf, type ReceiverInternals } from './receiverInternals';

const FIN_TEXT = 0x81;
const FIN_BINARY = 0x82;

/** Whether ws would start the next bytes as a new frame of a new message, and emit it at once. */
function idle(r: ReceiverInternals): boolean {
  return (
    r._state === GET_INFO &&
    r._bufferedBytes === 0 &&
    r._fragmented === 0 &&
    r._opcode !== 0x08 &&
    !r._errored &&
    r.writableLength === 0 &&
    !r.writableEnded &&
    r._allowSynchronousEvents
  );
}

/**
 * Takes the plain frames a server sends (see above) away from ws's receiver and hands each to
 * `onMessage(binary, read, start, end)`, its payload being read[start, end). For a client's receiver
 * only (a server's frames are unmasked). Returns undefined when ws's receiver is not one this module knows.
 */
export function bypassPlainFrames(
  ws: WebSocket,
  onMessage: (binary: boolean, read: Buffer, start: number, end: number) => void,
): IDisposable | undefined {
  const receiver = receiverOf(ws);
  if (!receiver) return undefined;
  const original = receiver.write;
  // Follows the frames of what ws is given, to know where the next read's first frame starts.
  const given = new WireFrameHeaderParser({ sender: 'server', rsv1Allowed: () => true, onHeader: () => {} });
  const toWs = (r: ReceiverInternals, bytes: Buffer): boolean => {
    given.push(bytes);
    return original.call(r, bytes);
  };
  const write = function (this: ReceiverInternals, chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    if (!(chunk instanceof Buffer) || encoding !== undefined || cb !== undefined) {
      if (chunk instanceof Uint8Array) given.push(chunk);
      return original.call(this, chunk, encoding, cb);
    }
    const n = chunk.length;
    // The frame ws is in the middle of (if any) is ws's to finish.
    let i = given.bytesToBoundary;
    if (i < 0 || i >= n) return toWs(this, chunk);
    let result = true;
    if (i > 0) result = toWs(this, new FastBuffer(chunk.buffer, chunk.byteOffset, i));
    if (!idle(this)) return toWs(this, new FastBuffer(chunk.buffer, chunk.byteOffset + i, n - i));
    const maxPayload = this._maxPayload;
    const checkUtf8 = !this._skipUTF8Validation;
    while (i + 2 <= n) {
      const b0 = chunk[i]!;
      if (b0 !== FIN_TEXT && b0 !== FIN_BINARY) break;
      let length = chunk[i + 1]!;
      let start = i + 2;
      if (length >= 126) {
        // 127 (a 64-bit length) or the mask bit: ws's.
        if (length !== 126 || i + 4 > n) break;
        length = (chunk[i + 2]! << 8) | chunk[i + 3]!;
        if (length < 126) break;
        start = i + 4;
      }
      const end = start + length;
      if (end > n || (maxPayload > 0 && length > maxPayload)) break;
      if (b0 === FIN_TEXT && checkUtf8 && length > 0 && !isUtf8(new FastBuffer(chunk.buffer, chunk.byteOffset + start, length))) break;
      onMessage(b0 === FIN_BINARY, chunk, start, end);
      i = end;
    }
    return i === n ? result : toWs(this, i === 0 ? chunk : new FastBuffer(chunk.buffer, chunk.byteOffset + i, n - i));
  };
  receiver.write = write;
  return {
    dispose: () => {
      if (receiver.write === write) receiver.write = original;
    },
  };
}
