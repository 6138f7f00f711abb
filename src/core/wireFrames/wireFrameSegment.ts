// One segment of the wire frame store: the headers of a run of stored frames, column-wise (~29 bytes a
// frame, no object apiece). Each frame keeps its index, since the frames derived from their entries
// (impliedRuns.ts) leave gaps between stored ones. WireFrameStore keeps these in a SegmentDeque.
import { Direction } from '../../../shared/logModel';
import type { WireFrame } from './wireFrame';

/** flags column bits. */
export const OUT = 1;
export const MASKED = 2;
export const TWO_32 = 2 ** 32;

/** The stored frames of one segment, oldest first. */
export class FrameSegment {
  /** Index of a frame = base + offset. */
  offset: Uint32Array;
  /** The first header byte: FIN, RSV1-3, opcode. */
  b0: Uint8Array;
  /** OUT | MASKED. */
  flags: Uint8Array;
  anomalies: Uint16Array;
  headerLength: Uint8Array;
  maskKey: Uint32Array;
  lengthHigh: Uint32Array;
  lengthLow: Uint32Array;
  mono: Float64Array;
  count = 0;
  /** Local position of the oldest retained frame. */
  start = 0;

  constructor(
    /** Frame index the offsets count from: the index of the segment's first frame. */
    public base: number,
    /** Date.now() - performance.now() when the segment opened. */
    public wallOffset: number,
    size: number,
  ) {
    this.offset = new Uint32Array(size);
    this.b0 = new Uint8Array(size);
    this.flags = new Uint8Array(size);
    this.anomalies = new Uint16Array(size);
    this.headerLength = new Uint8Array(size);
    this.maskKey = new Uint32Array(size);
    this.lengthHigh = new Uint32Array(size);
    this.lengthLow = new Uint32Array(size);
    this.mono = new Float64Array(size);
  }

  get capacity(): number {
    return this.b0.length;
  }

  indexAt(i: number): number {
    return this.base + this.offset[i]!;
  }

  /** Makes a fully evicted segment the newest again: no allocation per 16k frames of a flood. */
  reuse(base: number, wallOffset: number): this {
    this.base = base;
    this.wallOffset = wallOffset;
    this.count = 0;
    this.start = 0;
    return this;
  }

  get memoryBytes(): number {
    return this.capacity * 29;
  }

  /** Local position of the first frame with an index at or after `index` (count when none). */
  firstAtOrAfter(index: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.indexAt(mid) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The frame at local position `i` (its index is `index`) as a WireFrame of entry `seq`. */
  frame(i: number, index: number, seq: number): WireFrame {
    const b0 = this.b0[i]!;
    const flags = this.flags[i]!;
    const high = this.lengthHigh[i]!;
    const low = this.lengthLow[i]!;
    const mono = this.mono[i]!;
    return {
      index,
      direction: flags & OUT ? Direction.Out : Direction.In,
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode: b0 & 0x0f,
      masked: (flags & MASKED) !== 0,
      maskKey: this.maskKey[i]!,
      payloadLength: high * TWO_32 + low,
      payloadLengthExact: (BigInt(high) << 32n) | BigInt(low),
      headerLength: this.headerLength[i]!,
      monoTime: mono,
      wallTime: this.wallOffset + mono,
      anomalies: this.anomalies[i]!,
      seq,
    };
  }
}
