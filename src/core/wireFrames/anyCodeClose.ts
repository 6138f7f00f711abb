// Closing a ws client with a status code ws refuses to send (999, 1005, 1006, 1015, 5000…), for testing
// how a server copes. ws's Sender validates the code when it builds the close frame; everything else
// about closing (the CLOSING state, the close timer, waiting for the peer's close, the queue behind a
// compression in progress) is right as ws does it. So ws.close() runs as usual and only the Sender's
// close, for that one call, builds the frame with our code, masked as a client must, and queues it
// exactly where ws would have.
import WebSocket from 'ws';

/** The Sender internals this module relies on (ws 8, lib/sender.js). */
interface SenderInternals {
  _state: number;
  _generateMask?: (mask: Buffer) => void;
  _maskBuffer?: Buffer;
  enqueue(params: unknown[]): void;
  dispatch(...args: unknown[]): void;
  sendFrame(list: Array<Buffer | string>, cb?: (err?: Error) => void): void;
  close?: (code: unknown, data: unknown, mask: boolean, cb?: (err?: Error) => void) => void;
}

interface SenderClass {
  prototype: { close(this: unknown, code: unknown, data: unknown, mask: boolean, cb?: unknown): void };
  frame(data: Buffer, options: Record<string | symbol, unknown>): Array<Buffer | string>;
}

const Sender = (WebSocket as unknown as { Sender: SenderClass }).Sender;
/** The Sender's state when nothing is being compressed (lib/sender.js DEFAULT). */
const SENDER_IDLE = 0;

/** Whether ws sends this close code itself (lib/validation.js isValidStatusCode). */
export function wsSendsCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** The payload of a close frame: the code, big-endian, then the reason. */
export function closePayload(code: number, reason: Uint8Array): Buffer {
  const buf = Buffer.alloc(2 + reason.length);
  buf.writeUInt16BE(code, 0);
  buf.set(reason, 2);
  return buf;
}

let byteLengthKey: symbol | null | undefined;

/**
 * The private symbol under which the Sender keeps a queued frame's size (for bufferedAmount), found
 * once by letting Sender.close queue a frame on a stand-in; null when this ws version has none.
 */
function senderByteLengthKey(): symbol | null {
  if (byteLengthKey !== undefined) return byteLengthKey;
  let found: symbol | null = null;
  const standIn = {
    _state: SENDER_IDLE + 1,
    enqueue(params: unknown[]) {
      const options = params[3];
      if (options && typeof options === 'object') {
        found = Object.getOwnPropertySymbols(options).find((s) => s.description === 'kByteLength') ?? null;
      }
    },
  };
  try {
    Sender.prototype.close.call(standIn, 1000, undefined, false, undefined);
  } catch {
    found = null;
  }
  byteLengthKey = found;
  return found;
}

/**
 * Runs ws.close(code, reason) with the Sender writing `code` whatever it is (0-65535). The caller has
 * checked that ws is open and that the reason fits (at most 123 bytes).
 */
export function closeWithAnyCode(ws: WebSocket, code: number, reason: Buffer): void {
  const sender = (ws as unknown as { _sender?: SenderInternals })._sender;
  if (!sender || wsSendsCloseCode(code)) {
    ws.close(code, reason);
    return;
  }
  const key = senderByteLengthKey();
  sender.close = function (this: SenderInternals, _code, _data, mask, cb) {
    const buf = closePayload(code, reason);
    const options: Record<string | symbol, unknown> = {
      fin: true,
      generateMask: this._generateMask,
      mask,
      maskBuffer: this._maskBuffer,
      opcode: 0x08,
      readOnly: false,
      rsv1: false,
    };
    if (key) options[key] = buf.length;
    // As Sender.close does: behind a compression in progress, or straight out.
    if (this._state !== SENDER_IDLE) this.enqueue([this.dispatch, buf, false, options, cb]);
    else this.sendFrame(Sender.frame(buf, options), cb);
  };
  try {
    ws.close(code, reason);
  } finally {
    delete sender.close;
  }
}
