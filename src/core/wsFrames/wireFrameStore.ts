// The wire frames of one WebSocket connection, both directions, in the order they were seen: headers
// only (payloads are in the log, reassembled), held column-wise in typed-array segments like the log, so
// millions of frames cost ~25 bytes each and no object apiece. Capped: the oldest frames are evicted.
//
// Frames are tied to log entries by order, not by time: per direction, the Nth complete data message
// or control frame on the wire is the Nth message entry of that direction in the log. Either side may
// come first (a sent message is logged before ws frames it, after a compression that may take a while;
// a received one is logged once ws has reassembled and inflated it), so each side waits for the other.
import { Direction } from '../../../shared/logModel';
import { FATAL_ANOMALIES, isControlOpcode } from '../../../shared/wireFrames';
import type { ParsedFrameHeader } from './frameHeaderParser';
import { MessageUnits } from './messageUnits';

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

export interface WireFrameStoreOptions {
  /** Most frames kept; the oldest are evicted beyond it. */
  readonly maxFrames?: number;
}

export const DEFAULT_MAX_FRAMES = 1_000_000;

/** Frames per segment. */
const SEGMENT_FRAMES = 16_384;
/** First segment's size: most connections see a handful of frames. */
const FIRST_SEGMENT_FRAMES = 256;
/** Most entries waiting for their frames per direction; beyond it the oldest waits are given up. */
const MAX_PENDING_SEQS = 1_000_000;
const TWO_32 = 2 ** 32;

/** flags column bits. */
const OUT = 1;
const MASKED = 2;

class FrameSegment {
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
  /** Local index of the oldest retained frame. */
  start = 0;

  constructor(
    /** Frame index of local index 0. */
    public base: number,
    /** Date.now() - performance.now() when the segment opened. */
    public wallOffset: number,
    size: number,
  ) {
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

  /** Makes a fully evicted segment the newest again: no allocation per 16k frames of a flood. */
  reuse(base: number, wallOffset: number): this {
    this.base = base;
    this.wallOffset = wallOffset;
    this.count = 0;
    this.start = 0;
    return this;
  }

  get memoryBytes(): number {
    return this.capacity * 25;
  }
}

/** A FIFO of numbers that does not shift the array on every take. */
class NumberQueue {
  private items: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(n: number): void {
    this.items.push(n);
  }

  shift(): number {
    const n = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return n;
  }
}

/** Per direction: the message units and the bookkeeping that ties them to log entries. */
interface DirectionState {
  readonly units: MessageUnits;
  /** Ordinal of the oldest unit without a seq; units before it all have theirs. */
  nextUnlinked: number;
  /** Seqs of logged entries whose frames have not completed yet, oldest first. */
  readonly waitingSeqs: NumberQueue;
  /** Index of the first frame of the data message in progress, or -1. */
  messageFirst: number;
}

function newDirectionState(): DirectionState {
  return { units: new MessageUnits(), nextUnlinked: 0, waitingSeqs: new NumberQueue(), messageFirst: -1 };
}

/** The capped, ordered wire frames of one connection and their link to the log. */
export class WireFrameStore {
  private readonly maxFrames: number;
  private segments: FrameSegment[] = [];
  private head = 0;
  /** A released full-size segment kept for the next openSegment. */
  private spare: FrameSegment | undefined;
  private first = 0;
  private next = 0;
  private readonly directions: [DirectionState, DirectionState] = [newDirectionState(), newDirectionState()];

  constructor(options: WireFrameStoreOptions = {}) {
    this.maxFrames = Math.max(1, Math.floor(options.maxFrames ?? DEFAULT_MAX_FRAMES));
  }

  /** Index of the oldest retained frame. */
  get firstIndex(): number {
    return this.first;
  }

  /** Index the next frame gets; retained frames are [firstIndex, nextIndex). */
  get nextIndex(): number {
    return this.next;
  }

  get size(): number {
    return this.next - this.first;
  }

  /** Bytes held by the columns, for memory accounting. */
  get memoryBytes(): number {
    let sum = this.directions[0].units.memoryBytes + this.directions[1].units.memoryBytes;
    for (let s = this.head; s < this.segments.length; s++) sum += this.segments[s]!.memoryBytes;
    return sum;
  }

  /** Records a header read (In) or written (Out); returns its index. */
  add(direction: typeof Direction.In | typeof Direction.Out, h: ParsedFrameHeader, mono = performance.now()): number {
    let seg = this.segments.length > this.head ? this.segments[this.segments.length - 1]! : undefined;
    if (!seg || seg.count === seg.capacity) seg = this.openSegment();
    const i = seg.count++;
    seg.b0[i] = h.b0;
    seg.flags[i] = (direction === Direction.Out ? OUT : 0) | (h.masked ? MASKED : 0);
    seg.anomalies[i] = h.anomalies;
    seg.headerLength[i] = h.headerLength;
    seg.maskKey[i] = h.maskKey;
    seg.lengthHigh[i] = h.lengthHigh;
    seg.lengthLow[i] = h.lengthLow;
    seg.mono[i] = mono;
    const index = this.next++;
    this.track(this.directions[direction], index, h);
    if (this.next - this.first > this.maxFrames) this.evict();
    return index;
  }

  /** Tells the store the log holds a new message entry (text, binary, ping, pong, close) of `direction`. */
  noteEntry(direction: typeof Direction.In | typeof Direction.Out, seq: number): void {
    const d = this.directions[direction];
    if (d.nextUnlinked < d.units.nextOrdinal) {
      d.units.setSeq(d.nextUnlinked++, seq);
      return;
    }
    if (d.waitingSeqs.length >= MAX_PENDING_SEQS) d.waitingSeqs.shift();
    d.waitingSeqs.push(seq);
  }

  /** The frame with this index, or undefined when evicted or never seen. */
  get(index: number): WireFrame | undefined {
    const loc = this.locate(index);
    if (!loc) return undefined;
    return this.materialize(loc[0], loc[1], index, this.seqOfFrame(loc[0], loc[1], index));
  }

  /** The retained frames of the entry `seq`, in wire order (empty when it has none, or none yet). */
  framesOf(seq: number): WireFrame[] {
    return this.collect(seq, Number.MAX_SAFE_INTEGER).frames;
  }

  /**
   * The first `limit` retained frames of entry `seq`, how many it has retained, and the sum of their
   * payload lengths on the wire.
   */
  collect(seq: number, limit: number): { frames: WireFrame[]; total: number; wireBytes: number } {
    const frames: WireFrame[] = [];
    let total = 0;
    let wireBytes = 0;
    for (const direction of [Direction.In, Direction.Out] as const) {
      const d = this.directions[direction];
      const ordinal = d.units.findSeq(seq, d.nextUnlinked);
      if (ordinal < 0) continue;
      const last = d.units.last(ordinal);
      const lastLoc = this.locate(last);
      if (!lastLoc) return { frames, total, wireBytes };
      const control = isControlOpcode(lastLoc[0].b0[lastLoc[1]]! & 0x0f);
      const from = control ? last : Math.max(d.units.firstFrame(ordinal), this.first);
      for (let index = from; index <= last; index++) {
        const [seg, i] = this.locate(index)!;
        if ((seg.flags[i]! & OUT) !== direction) continue;
        if (!control && !this.isMessageFrame(seg, i)) continue;
        total++;
        wireBytes += seg.lengthHigh[i]! * TWO_32 + seg.lengthLow[i]!;
        if (frames.length < limit) frames.push(this.materialize(seg, i, index, seq));
      }
      break;
    }
    return { frames, total, wireBytes };
  }

  /** Forgets every retained frame (the log was cleared); indices, ordinals and pending links carry on. */
  clear(): void {
    this.segments = [];
    this.head = 0;
    this.spare = undefined;
    this.first = this.next;
    for (const d of this.directions) d.units.clear();
  }

  // ------------------------------------------------------------------------------------------------

  /** A data frame that takes part in a message (not one a conforming peer would fail the connection for). */
  private isMessageFrame(seg: FrameSegment, i: number): boolean {
    return !isControlOpcode(seg.b0[i]! & 0x0f) && (seg.anomalies[i]! & FATAL_ANOMALIES) === 0;
  }

  /** Follows message boundaries: a control frame or a data message's FIN frame completes a unit. */
  private track(d: DirectionState, index: number, h: ParsedFrameHeader): void {
    // A frame a conforming endpoint fails the connection for belongs to no message: ws logs none for it.
    if (h.anomalies & FATAL_ANOMALIES) return;
    if (isControlOpcode(h.opcode)) {
      this.completeUnit(d, index, index);
      return;
    }
    if (h.opcode !== 0x0) d.messageFirst = index;
    if (h.fin) {
      this.completeUnit(d, d.messageFirst, index);
      d.messageFirst = -1;
    }
  }

  private completeUnit(d: DirectionState, firstFrame: number, lastFrame: number): void {
    const seq = d.waitingSeqs.length > 0 ? d.waitingSeqs.shift() : -1;
    const ordinal = d.units.append(firstFrame, lastFrame, seq);
    if (seq >= 0 && d.nextUnlinked === ordinal) d.nextUnlinked = ordinal + 1;
  }

  /** The seq of the unit a retained frame belongs to, or -1. */
  private seqOfFrame(seg: FrameSegment, i: number, index: number): number {
    if (seg.anomalies[i]! & FATAL_ANOMALIES) return -1;
    const d = this.directions[(seg.flags[i]! & OUT) as 0 | 1];
    const units = d.units;
    const control = isControlOpcode(seg.b0[i]! & 0x0f);
    for (let u = units.firstEndingAtOrAfter(index); u < units.nextOrdinal; u++) {
      const last = units.last(u);
      if (control) return last === index ? units.seq(u) : -1;
      // Skip the control frames that interleaved with this data message.
      const lastLoc = this.locate(last);
      if (lastLoc && isControlOpcode(lastLoc[0].b0[lastLoc[1]]! & 0x0f)) continue;
      return units.firstFrame(u) <= index ? units.seq(u) : -1;
    }
    return -1;
  }

  private materialize(seg: FrameSegment, i: number, index: number, seq: number): WireFrame {
    const b0 = seg.b0[i]!;
    const flags = seg.flags[i]!;
    const high = seg.lengthHigh[i]!;
    const low = seg.lengthLow[i]!;
    const mono = seg.mono[i]!;
    return {
      index,
      direction: flags & OUT ? Direction.Out : Direction.In,
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode: b0 & 0x0f,
      masked: (flags & MASKED) !== 0,
      maskKey: seg.maskKey[i]!,
      payloadLength: high * TWO_32 + low,
      payloadLengthExact: (BigInt(high) << 32n) | BigInt(low),
      headerLength: seg.headerLength[i]!,
      monoTime: mono,
      wallTime: seg.wallOffset + mono,
      anomalies: seg.anomalies[i]!,
      seq,
    };
  }

  private openSegment(): FrameSegment {
    const size = Math.min(this.next === 0 && this.segments.length === 0 ? FIRST_SEGMENT_FRAMES : SEGMENT_FRAMES, this.maxFrames);
    const spare = this.spare;
    this.spare = undefined;
    const wallOffset = Date.now() - performance.now();
    const seg = spare && spare.capacity === size ? spare.reuse(this.next, wallOffset) : new FrameSegment(this.next, wallOffset, size);
    this.segments.push(seg);
    return seg;
  }

  private evict(): void {
    while (this.next - this.first > this.maxFrames) {
      const seg = this.segments[this.head]!;
      seg.start++;
      this.first++;
      if (seg.start === seg.count && seg !== this.segments[this.segments.length - 1]) {
        this.segments[this.head] = undefined as unknown as FrameSegment;
        this.head++;
        this.spare = seg;
      }
    }
    if (this.head > 64 && this.head * 2 > this.segments.length) {
      this.segments = this.segments.slice(this.head);
      this.head = 0;
    }
    this.directions[0].units.dropEndingBefore(this.first);
    this.directions[1].units.dropEndingBefore(this.first);
  }

  private segmentIndex(index: number): number {
    let lo = this.head;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.base <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private locate(index: number): [FrameSegment, number] | undefined {
    if (!(index >= this.first && index < this.next)) return undefined;
    const seg = this.segments[this.segmentIndex(index)]!;
    return [seg, index - seg.base];
  }
}
