// One wire frame as the frame store answers for it (WireFrame), and the shape of a plain frame: FIN, no
// RSV bit, text or binary, unmasked, its length in the shortest encoding. A plain frame that is its
// whole message says nothing its log entry does not, so the store derives it from the entry
// (impliedRuns.ts) with the helpers here instead of storing it.
import type { Direction } from '../../../shared/logModel';
import type { ParsedWireFrameHeader } from './wireFrameHeaderParser';

/** One frame header as it crossed the wire, and the log entry it belongs to. */
export interface WireFrame {
  /** Position among all frames of the connection (both directions), counting from 0. */
  readonly index: number;
  readonly direction: typeof Direction.In | typeof Direction.Out;
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
  readonly opcode: number;
  readonly masked: boolean;
  /** The masking key as a big-endian 32-bit number; 0 when not masked. */
  readonly maskKey: number;
  /** Payload length on the wire; exact up to 2^53 (see payloadLengthExact). */
  readonly payloadLength: number;
  readonly payloadLengthExact: bigint;
  /** Bytes of the header: 2 to 14. */
  readonly headerLength: number;
  /** When the header was read or written: performance.now() clock, and ms since the Unix epoch. */
  readonly monoTime: number;
  readonly wallTime: number;
  /** FrameAnomaly bits. */
  readonly anomalies: number;
  /** Seq of the log entry (message) this frame belongs to; -1 while unknown or when it has none. */
  readonly seq: number;
}

/** First header bytes of a frame that may be implied: FIN, no RSV bit, text or binary. */
export const FIN_TEXT = 0x81;
export const FIN_BINARY = 0x82;

/** Header bytes of an unmasked frame with this payload length in its shortest encoding. */
export function minimalHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** The parsed header of a plain frame, for a store that keeps every header. */
export function plainHeader(b0: number, length: number): ParsedWireFrameHeader {
  return {
    b0,
    fin: true,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    opcode: b0 & 0x0f,
    masked: false,
    maskKey: 0,
    lengthHigh: 0,
    lengthLow: length,
    headerLength: minimalHeaderLength(length),
    anomalies: 0,
  };
}

/** A plain frame (an implied frame's shape) as a WireFrame. */
export function plainFrame(
  direction: typeof Direction.In | typeof Direction.Out,
  index: number,
  b0: number,
  length: number,
  mono: number,
  wallTime: number,
  seq: number,
): WireFrame {
  return {
    index,
    direction,
    fin: true,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    opcode: b0 & 0x0f,
    masked: false,
    maskKey: 0,
    payloadLength: length,
    payloadLengthExact: BigInt(length),
    headerLength: minimalHeaderLength(length),
    monoTime: mono,
    wallTime,
    anomalies: 0,
    seq,
  };
}
