// The wire frames of one WebSocket connection, both directions, in the order they were seen: headers
// only (payloads are in the log, reassembled). Capped: the oldest frames are evicted.
//
// Most frames of a flood are the whole of their message and say nothing their log entry does not
// (impliedRuns.ts): with the log at hand (`entries`), those are not stored at all but derived from
// their entry when asked for, and live as long as it does. Every other frame (fragmented, compressed,
// masked, control, anomalous) is stored column-wise in typed-array segments (wireFrameSegment.ts) like
// the log: ~29 bytes a frame and no object apiece.
//
// Frames are tied to log entries by order, not by time: per direction, the Nth complete data message
// or control frame on the wire is the Nth message entry of that direction in the log. Either side may
// come first (a sent message is logged before ws frames it, after a compression that may take a while;
// a received one is logged once ws has reassembled and inflated it), so each side waits for the other.
import { Direction, Kind } from '../../../shared/logModel';
import { FATAL_ANOMALIES, isControlOpcode } from '../../../shared/wireFrames';
import { SegmentDeque } from '../log/segmentDeque';
import type { ParsedWireFrameHeader } from './wireFrameHeaderParser';
import { ImpliedRuns } from './impliedRuns';
import { MessageUnits } from './messageUnits';
import { PendingUnits, type PendingHead } from './pendingUnits';
import { WaitingSeqs } from './waitingSeqs';
import { FIN_BINARY, FIN_TEXT, plainFrame, plainHeader, type WireFrame } from './wireFrame';
import { FrameSegment, MASKED, OUT, TWO_32 } from './wireFrameSegment';

export type { WireFrame } from './wireFrame';

/** What the store reads of a log entry to derive the frame of a single-frame message. */
export interface WireFrameEntrySource {
  get(seq: number): { readonly kind: Kind; readonly length: number; readonly monoTime: number; readonly wallTime: number } | undefined;
}

export interface WireFrameStoreOptions {
  /** Most frames kept; the oldest are evicted beyond it. */
  readonly maxFrames?: number;
  /**
   * The log the frames' entries are in. Given, a frame that is its whole message is derived from its
   * entry instead of stored (and is gone once the entry is evicted); without it every frame is stored.
   */
  readonly entries?: WireFrameEntrySource;
}

export const DEFAULT_MAX_FRAMES = 1_000_000;

/** Frames per segment. */
const SEGMENT_FRAMES = 16_384;
/** First segment's size: most connections see a handful of frames. */
const FIRST_SEGMENT_FRAMES = 256;
/** Evicted frames are dropped from the columns in batches of this many. */
const EVICT_BATCH = 256;
/** Largest index offset a segment's Uint32 column holds. */
const MAX_OFFSET = 0xffffffff;

/** A frame that looked implied but whose entry did not match it (or never came): kept as it is. */
interface DetachedFrame {
  readonly index: number;
  readonly b0: number;
  readonly length: number;
  readonly mono: number;
  readonly wallOffset: number;
  readonly seq: number;
}

/** Per direction: the message units and the bookkeeping that ties them to log entries. */
interface DirectionState {
  /** Messages of stored frames. */
  readonly units: MessageUnits;
  /** Ordinal of the oldest unit without a seq; units before it all have theirs. */
  nextUnlinked: number;
  /** Seqs of logged entries whose frames have not completed yet, oldest first. */
  readonly waitingSeqs: WaitingSeqs;
  /** Completed messages whose entries have not been noted yet, oldest first. */
  readonly pending: PendingUnits;
  /** Frames derived from their entries. */
  readonly runs: ImpliedRuns;
  /** Frames that looked implied but were not, by index (and seq) ascending. */
  detached: DetachedFrame[];
  /** Index of the first frame of the data message in progress, or -1. */
  messageFirst: number;
}

function newDirectionState(): DirectionState {
  return {
    units: new MessageUnits(),
    nextUnlinked: 0,
    waitingSeqs: new WaitingSeqs(),
    pending: new PendingUnits(),
    runs: new ImpliedRuns(),
    detached: [],
    messageFirst: -1,
  };
}

/** The capped, ordered wire frames of one connection and their link to the log. */
export class WireFrameStore {
  private readonly maxFrames: number;
  private readonly entries: WireFrameEntrySource | undefined;
  /** Segments of stored frames by the index of their first frame; a released one is kept for the next openSegment. */
  private readonly segments = new SegmentDeque<FrameSegment>();
  private first = 0;
  private next = 0;
  private readonly directions: [DirectionState, DirectionState] = [newDirectionState(), newDirectionState()];
  /** Frames evicted since the columns were last trimmed. */
  private evictedSinceTrim = 0;
  /** Reused by every take from a pending queue. */
  private readonly taken: PendingHead = { index: -1, ordinal: -1, b0: 0, length: 0, mono: 0 };

  constructor(options: WireFrameStoreOptions = {}) {
    this.maxFrames = Math.max(1, Math.floor(options.maxFrames ?? DEFAULT_MAX_FRAMES));
    this.entries = options.entries;
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
    let sum = 0;
    for (const d of this.directions) sum += d.units.memoryBytes + d.pending.memoryBytes + d.runs.memoryBytes + d.detached.length * 64;
    for (let s = 0; s < this.segments.length; s++) sum += this.segments.at(s).memoryBytes;
    return sum;
  }

  /** Records a header read (In) or written (Out); returns its index. */
  add(direction: typeof Direction.In | typeof Direction.Out, h: ParsedWireFrameHeader, mono = performance.now()): number {
    const b0 = h.b0;
    if ((b0 === FIN_TEXT || b0 === FIN_BINARY) && !h.masked && h.anomalies === 0 && h.lengthHigh === 0 && this.entries) {
      return this.addPlain(direction, b0, h.lengthLow, mono);
    }
    const index = this.next++;
    this.store(direction, index, h, mono);
    this.track(this.directions[direction], index, h);
    this.afterAdd();
    return index;
  }

  /**
   * Records a plain frame: FIN, no RSV bit, text (b0 0x81) or binary (0x82), unmasked, its length in
   * the shortest encoding, nothing anomalous (WireFrameHeaderParser's onPlainFrame). Returns its index.
   */
  addPlain(direction: typeof Direction.In | typeof Direction.Out, b0: number, length: number, mono = performance.now()): number {
    const index = this.next++;
    if (!this.entries) {
      const h = plainHeader(b0, length);
      this.store(direction, index, h, mono);
      this.track(this.directions[direction], index, h);
      this.afterAdd();
      return index;
    }
    // A whole message in one plain frame: nothing to store once its entry is known.
    const d = this.directions[direction];
    if (d.waitingSeqs.length > 0) {
      const seq = d.waitingSeqs.shift();
      const entry = this.entries.get(seq);
      this.linkFrame(d, index, b0, length, mono, seq, entry ? entry.kind : -1, entry ? entry.length : -1);
    } else {
      d.pending.pushFrame(index, b0, length, mono);
    }
    this.afterAdd();
    return index;
  }

  private afterAdd(): void {
    if (this.next - this.first > this.maxFrames) {
      // Every lookup checks `first`; the columns are trimmed once per EVICT_BATCH evicted frames.
      this.first = this.next - this.maxFrames;
      if (++this.evictedSinceTrim >= EVICT_BATCH) this.evict();
    }
  }

  /** Tells the store the log holds a new message entry (text, binary, ping, pong, close) of `direction`. */
  noteEntry(direction: typeof Direction.In | typeof Direction.Out, seq: number): void {
    const d = this.directions[direction];
    const taken = this.taken;
    if (d.pending.shift(taken)) {
      if (taken.index < 0) this.linkUnit(d, taken.ordinal, seq);
      else {
        const entry = this.entries?.get(seq);
        this.linkFrame(d, taken.index, taken.b0, taken.length, taken.mono, seq, entry ? entry.kind : -1, entry ? entry.length : -1);
      }
      return;
    }
    this.wait(d, seq);
  }

  /**
   * noteEntry for `count` entries of one kind logged together from seq `firstSeq` on, the kth with a
   * payload of ends[k] - starts[k] bytes: the ingest path, with no look-up in the log.
   */
  noteEntries(
    direction: typeof Direction.In | typeof Direction.Out,
    kind: Kind,
    firstSeq: number,
    starts: ArrayLike<number>,
    ends: ArrayLike<number>,
    count: number,
  ): void {
    const d = this.directions[direction];
    const taken = this.taken;
    for (let k = 0; k < count; k++) {
      const seq = firstSeq + k;
      if (!d.pending.shift(taken)) {
        this.wait(d, seq);
        continue;
      }
      if (taken.index < 0) this.linkUnit(d, taken.ordinal, seq);
      else this.linkFrame(d, taken.index, taken.b0, taken.length, taken.mono, seq, kind, ends[k]! - starts[k]!);
    }
  }

  /** The frame with this index, or undefined when evicted or never seen. */
  get(index: number): WireFrame | undefined {
    if (!(index >= this.first && index < this.next)) return undefined;
    const loc = this.locate(index);
    if (loc) return loc[0].frame(loc[1], index, this.seqOfFrame(loc[0], loc[1], index));
    for (const direction of [Direction.In, Direction.Out] as const) {
      const d = this.directions[direction];
      const seq = d.runs.seqOf(index);
      if (seq >= 0) return this.implied(direction, index, seq);
      const detached = findBy(d.detached, 'index', index);
      if (detached) return this.fromDetached(direction, detached);
      if (d.pending.findFrame(index, this.taken)) {
        const t = this.taken;
        return plainFrame(direction, index, t.b0, t.length, t.mono, Date.now() - performance.now() + t.mono, -1);
      }
    }
    return undefined;
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
      const index = d.runs.indexOf(seq);
      const single = index >= this.first ? this.implied(direction, index, seq) : undefined;
      const found = single ? undefined : findBy(d.detached, 'seq', seq);
      const detached = found && found.index >= this.first ? found : undefined;
      const one = single ?? (detached ? this.fromDetached(direction, detached) : undefined);
      if (one) {
        if (limit > 0) frames.push(one);
        return { frames, total: 1, wireBytes: one.payloadLength };
      }
      const ordinal = d.units.findSeq(seq, d.nextUnlinked);
      if (ordinal < 0) continue;
      const last = d.units.last(ordinal);
      const lastLoc = this.locate(last);
      if (!lastLoc) return { frames, total, wireBytes };
      const control = isControlOpcode(lastLoc[0].b0[lastLoc[1]]! & 0x0f);
      const from = control ? last : Math.max(d.units.firstFrame(ordinal), this.first);
      this.forEachStored(from, last, (seg, i, frameIndex) => {
        if ((seg.flags[i]! & OUT) !== direction) return;
        if (!control && !this.isMessageFrame(seg, i)) return;
        total++;
        wireBytes += seg.lengthHigh[i]! * TWO_32 + seg.lengthLow[i]!;
        if (frames.length < limit) frames.push(seg.frame(i, frameIndex, seq));
      });
      break;
    }
    return { frames, total, wireBytes };
  }

  /** Forgets every retained frame (the log was cleared); indices, ordinals and pending links carry on. */
  clear(): void {
    this.segments.clear();
    this.first = this.next;
    for (const d of this.directions) {
      d.units.clear();
      d.runs.clear();
      d.detached = [];
    }
  }

  // ------------------------------------------------------------------------------------------------

  private wait(d: DirectionState, seq: number): void {
    d.waitingSeqs.push(seq);
  }

  /** Ties a stored message to its entry. */
  private linkUnit(d: DirectionState, ordinal: number, seq: number): void {
    d.units.setSeq(ordinal, seq);
    if (ordinal >= d.nextUnlinked) d.nextUnlinked = ordinal + 1;
  }

  /** Ties a would-be implied frame to its entry: implied if the entry says what the frame does. */
  private linkFrame(d: DirectionState, index: number, b0: number, length: number, mono: number, seq: number, kind: number, entryLength: number): void {
    // Evicted already, or the log was cleared since.
    if (index < this.first) return;
    if (kind === (b0 === FIN_TEXT ? Kind.Text : Kind.Binary) && entryLength === length) d.runs.add(index, seq);
    else d.detached.push({ index, b0, length, mono, wallOffset: Date.now() - performance.now(), seq });
  }

  /** The frame of single-frame entry `seq`, derived from the entry; undefined once the log evicted it. */
  private implied(direction: typeof Direction.In | typeof Direction.Out, index: number, seq: number): WireFrame | undefined {
    const e = this.entries?.get(seq);
    if (!e) return undefined;
    return plainFrame(direction, index, e.kind === Kind.Text ? FIN_TEXT : FIN_BINARY, e.length, e.monoTime, e.wallTime, seq);
  }

  private fromDetached(direction: typeof Direction.In | typeof Direction.Out, f: DetachedFrame): WireFrame {
    return plainFrame(direction, f.index, f.b0, f.length, f.mono, f.wallOffset + f.mono, f.seq);
  }

  private store(direction: typeof Direction.In | typeof Direction.Out, index: number, h: ParsedWireFrameHeader, mono: number): void {
    let seg = this.segments.newest;
    if (!seg || seg.count === seg.capacity || index - seg.base > MAX_OFFSET) seg = this.openSegment(index);
    const i = seg.count++;
    seg.offset[i] = index - seg.base;
    seg.b0[i] = h.b0;
    seg.flags[i] = (direction === Direction.Out ? OUT : 0) | (h.masked ? MASKED : 0);
    seg.anomalies[i] = h.anomalies;
    seg.headerLength[i] = h.headerLength;
    seg.maskKey[i] = h.maskKey;
    seg.lengthHigh[i] = h.lengthHigh;
    seg.lengthLow[i] = h.lengthLow;
    seg.mono[i] = mono;
  }

  /** A data frame that takes part in a message (not one a conforming peer would fail the connection for). */
  private isMessageFrame(seg: FrameSegment, i: number): boolean {
    return !isControlOpcode(seg.b0[i]! & 0x0f) && (seg.anomalies[i]! & FATAL_ANOMALIES) === 0;
  }

  /** Follows message boundaries: a control frame or a data message's FIN frame completes a unit. */
  private track(d: DirectionState, index: number, h: ParsedWireFrameHeader): void {
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
    if (d.waitingSeqs.length > 0) {
      const ordinal = d.units.append(firstFrame, lastFrame, d.waitingSeqs.shift());
      if (d.nextUnlinked === ordinal) d.nextUnlinked = ordinal + 1;
      return;
    }
    d.pending.pushUnit(d.units.append(firstFrame, lastFrame, -1));
  }

  /** The seq of the unit a stored frame belongs to, or -1. */
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

  private openSegment(index: number): FrameSegment {
    // Segments grow from small ones: with frames derived from entries, a connection may store a few.
    const previous = this.segments.newest ?? this.segments.spare;
    const size = Math.min(previous ? Math.min(SEGMENT_FRAMES, previous.capacity * 4) : FIRST_SEGMENT_FRAMES, this.maxFrames);
    const spare = this.segments.takeSpare();
    const wallOffset = Date.now() - performance.now();
    const seg = spare && spare.capacity === size ? spare.reuse(index, wallOffset) : new FrameSegment(index, wallOffset, size);
    this.segments.push(seg, index);
    return seg;
  }

  private evict(): void {
    const first = this.first;
    this.evictedSinceTrim = 0;
    for (let seg = this.segments.oldest; seg !== undefined; seg = this.segments.oldest) {
      while (seg.start < seg.count && seg.indexAt(seg.start) < first) seg.start++;
      if (seg.start < seg.count || seg === this.segments.newest) break;
      this.segments.releaseOldest();
    }
    for (const d of this.directions) {
      d.units.dropEndingBefore(first);
      d.runs.dropBefore(first);
      if (d.detached.length > 0 && d.detached[0]!.index < first) d.detached = d.detached.filter((f) => f.index >= first);
    }
  }

  /** Calls `visit` for each retained stored frame with an index in [from, to], in order. */
  private forEachStored(from: number, to: number, visit: (seg: FrameSegment, i: number, index: number) => void): void {
    const segments = this.segments;
    for (let s = segments.find(from); s < segments.length; s++) {
      const seg = segments.at(s);
      for (let i = Math.max(seg.start, seg.firstAtOrAfter(from)); i < seg.count; i++) {
        const index = seg.indexAt(i);
        if (index > to) return;
        if (index >= this.first) visit(seg, i, index);
      }
    }
  }

  /** Where stored frame `index` is, or undefined when it is not stored (implied, evicted, unknown). */
  private locate(index: number): [FrameSegment, number] | undefined {
    if (!(index >= this.first && index < this.next) || this.segments.length === 0) return undefined;
    const seg = this.segments.at(this.segments.find(index));
    const i = seg.firstAtOrAfter(index);
    return i >= seg.start && i < seg.count && seg.indexAt(i) === index ? [seg, i] : undefined;
  }
}

/** Binary search of frames ascending by `key`. */
function findBy(frames: readonly DetachedFrame[], key: 'index' | 'seq', value: number): DetachedFrame | undefined {
  let lo = 0;
  let hi = frames.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = frames[mid]![key];
    if (v === value) return frames[mid];
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
