// Re-encodes logged WebSocket messages as RFC 6455 frames: one unfragmented frame per message, masked
// from client to server with a key derived from the entry's seq (the same export gives the same bytes).
//
// Frames are never compressed (RSV1 clear), even when permessage-deflate was negotiated: RFC 7692 §6
// lets any message go uncompressed, and the log holds the decompressed payload, not the deflate bytes.
import { Kind } from '../../../shared/logModel';

export const Opcode = { Continuation: 0, Text: 1, Binary: 2, Close: 8, Ping: 9, Pong: 10 } as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Close code of a close frame that carried none (RFC 6455 §7.1.5); nothing on the wire. */
const NO_STATUS = 1005;

/** The opcode of a WebSocket log entry's kind, or undefined for kinds that are not frames. */
export function opcodeOfKind(kind: Kind): Opcode | undefined {
  switch (kind) {
    case Kind.Text:
      return Opcode.Text;
    case Kind.Binary:
      return Opcode.Binary;
    case Kind.Ping:
      return Opcode.Ping;
    case Kind.Pong:
      return Opcode.Pong;
    case Kind.Close:
      return Opcode.Close;
    default:
      return undefined;
  }
}

/** The payload of a close frame: the code (unless there was none) then the reason's bytes. */
export function closePayload(code: number, reason: Uint8Array): Uint8Array {
  // Without a code there can be no reason either (RFC 6455 §5.5.1).
  if (code === 0 || code === NO_STATUS) return new Uint8Array(0);
  const out = new Uint8Array(2 + reason.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(reason, 2);
  return out;
}

/** A masking key that depends only on `seq` (a golden-ratio hash), never all zeros. */
export function maskKeyFor(seq: number): Uint8Array {
  const h = Math.imul((seq + 1) >>> 0, 0x9e3779b1) >>> 0 || 0x5a5a5a5a;
  return new Uint8Array([h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff]);
}

/** One final frame: header (7, 16 or 64-bit length), masking key if given, payload (masked if keyed). */
export function encodeWebSocketFrame(opcode: Opcode, payload: Uint8Array, maskKey?: Uint8Array): Uint8Array {
  const length = payload.length;
  const extended = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const headerLength = 2 + extended + (maskKey ? 4 : 0);
  const frame = new Uint8Array(headerLength + length);
  frame[0] = 0x80 | opcode;
  const maskBit = maskKey ? 0x80 : 0;
  if (extended === 0) frame[1] = maskBit | length;
  else if (extended === 2) {
    frame[1] = maskBit | 126;
    frame[2] = length >> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = maskBit | 127;
    const view = new DataView(frame.buffer);
    view.setUint32(2, Math.floor(length / 0x1_0000_0000));
    view.setUint32(6, length >>> 0);
  }
  if (!maskKey) {
    frame.set(payload, headerLength);
    return frame;
  }
  frame.set(maskKey, 2 + extended);
  for (let i = 0; i < length; i++) frame[headerLength + i] = payload[i]! ^ maskKey[i & 3]!;
  return frame;
}
