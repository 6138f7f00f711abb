// The ordered, capped log of one connection, held column-wise: a deque of segments (entrySegment.ts),
// each a handful of typed arrays plus one byte slab. No object and no Buffer per entry: at millions of
// entries per-entry objects cost more than the payloads and make the GC the bottleneck of ingest.
// This file writes the log (appending, socket reads into it, retention, clearing); the reads of it are
// in entryLogQueries.ts.
import { AUTO_REPLY_BIT, type AutoReplyOrigin, Direction, type Kind } from '../../../shared/logModel';
import { Emitter, type Event } from '../base/dispose';
import { EntryLogQueries, newTotals } from './entryLogQueries';
import { EntrySegment, SEGMENT_BYTES, SEGMENT_ENTRIES } from './entrySegment';

export interface EntryLogOptions {
  /** Most entries kept; the oldest are evicted beyond it and counted in `dropped`. */
  maxEntries?: number;
  /** Most payload bytes kept; the newest entry is always kept, whatever its size. */
  maxBytes?: number;
  /**
   * For a log that may stay small (a listener's peer): new segments get a slab of the log's retained
   * bytes, at least this many and at most the standard 1 MiB, and index columns to match, so the first
   * is small and each next one grows with the log. Default: every segment standard from the start.
   */
  firstSegmentBytes?: number;
}

export const DEFAULT_MAX_ENTRIES = 1_000_000;
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Largest difference of clock offsets (ms) appendAt stores in one segment: float rounding, not drift. */
const WALL_OFFSET_TOLERANCE_MS = 0.001;

const textEncoder = new TextEncoder();

/** The ordered, capped log of one connection. */
export class EntryLog extends EntryLogQueries {
  /** The newest segment, where appends go (the last live one), if any. */
  private tail: EntrySegment | undefined;
  /**
   * The segment whose front socket reads fill (claimRead; everything else then goes to its back), the
   * end of the space handed out for the read in progress, and what tells whether the reader still
   * holds views into a slab (its bytes must not be overwritten yet).
   */
  private reading: EntrySegment | undefined;
  private readEnd = 0;
  private readerHolds: ((buffer: ArrayBufferLike) => boolean) | undefined;

  private readonly appendEmitter = new Emitter<number>();
  private readonly clearEmitter = new Emitter<void>();
  /** Fires with the seq of each appended entry. Listeners run on the ingest path: keep them cheap. */
  readonly onDidAppend: Event<number> = this.appendEmitter.event;
  /** Fires when the user cleared the log. */
  readonly onDidClear: Event<void> = this.clearEmitter.event;

  /** Set while autoReplying runs: the Out entries appended then are that rule's auto-replies. */
  private autoReplyOriginNow: AutoReplyOrigin | undefined;

  /** EntryLogOptions.firstSegmentBytes; undefined: standard segments only. */
  private readonly smallSlab: number | undefined;

  constructor(options: EntryLogOptions = {}) {
    super(Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_MAX_ENTRIES)), Math.max(0, Math.floor(options.maxBytes ?? DEFAULT_MAX_BYTES)));
    if (options.firstSegmentBytes !== undefined) this.smallSlab = Math.min(SEGMENT_BYTES, Math.max(1024, Math.floor(options.firstSegmentBytes)));
  }

  /**
   * Appends one entry and returns its seq. The payload is copied, so a view into a pooled buffer may be
   * passed. `mono` lets a caller stamp several entries parsed from one socket read with the same time.
   */
  append(direction: Direction, kind: Kind, payload: Uint8Array, code = 0, mono = performance.now()): number {
    return this.write(direction, kind, payload, code, mono, NaN);
  }

  /**
   * Appends an entry stamped with times taken elsewhere (a derived log keeping its source's times).
   * Wall time is stored as the segment's clock offset, so an offset that differs from the current
   * segment's by more than WALL_OFFSET_TOLERANCE_MS opens a new segment with it.
   */
  appendAt(wallTime: number, monoTime: number, direction: Direction, kind: Kind, payload: Uint8Array, code = 0): number {
    return this.write(direction, kind, payload, code, monoTime, wallTime - monoTime);
  }

  /**
   * The ingest hot path: a few stores into the tail segment's columns and one copy, nothing
   * allocated. `wallOffset` NaN: whatever the current segment has.
   */
  private write(direction: Direction, kind: Kind, payload: Uint8Array, code: number, mono: number, wallOffset: number): number {
    const length = payload.length;
    const seg = this.tailWithRoom(length, wallOffset);
    const i = seg.count;
    const at = this.slabOffsetFor(seg, length);
    seg.mono[i] = mono;
    if (seg.starts !== undefined || at !== seg.impliedStart) seg.withStarts()[i] = at;
    seg.bytes.set(payload, at);
    this.markUsed(seg, at, at + length);
    seg.ends[i] = at + length;
    seg.dirKind[i] = (direction << 4) | kind;
    seg.count = i + 1;

    const seq = this.next++;
    if (this.autoReplyOriginNow !== undefined && direction === Direction.Out) this.markAutoReply(seg, i, seq);
    if (code !== 0) this.codes.set(seq, code);
    const t = this.totalsByDirection[direction]!;
    t.entries++;
    t.bytes += length;
    this.bytesRetained += length;
    if (this.next - this.first > this.maxEntries || this.bytesRetained > this.maxBytes) this.evict();
    if (this.appendEmitter.listenerCount !== 0) this.appendEmitter.fire(seq);
    return seq;
  }

  /**
   * Appends `count` entries whose payloads are `bytes[starts[k], ends[k])` (in order, not overlapping),
   * stamped alike, copying everything from the first start to the last end at once: the bytes between
   * payloads (a framer's delimiters) are kept too but belong to no entry. A framer's messages lie side
   * by side in the chunk they were read in, so this is one copy per chunk instead of one per message.
   * `wallTime` NaN: the log's own clock (as append), with `monoTime` as the time.
   */
  appendSpans(
    wallTime: number,
    monoTime: number,
    direction: Direction,
    kind: Kind,
    bytes: Uint8Array,
    starts: ArrayLike<number>,
    ends: ArrayLike<number>,
    count: number,
  ): void {
    const wallOffset = wallTime - monoTime;
    const auto = this.autoReplyOriginNow !== undefined && direction === Direction.Out;
    if (auto) this.autoReplies.note(this.next, this.autoReplyOriginNow!);
    const dk = (direction << 4) | kind | (auto ? AUTO_REPLY_BIT : 0);
    const totals = this.totalsByDirection[direction]!;
    let k = 0;
    while (k < count) {
      const first = starts[k]!;
      // Bytes that lie in the tail's slab already (read there by claimRead, or written into reserve()'s
      // space) are logged where they are; others are copied in.
      let seg = this.tailHoldingBytes(bytes, first);
      let at: number;
      let n: number;
      if (seg !== undefined) {
        at = bytes.byteOffset + first - seg.bytes.byteOffset;
        n = Math.min(count - k, seg.capacity - seg.count);
        const end = at + ends[k + n - 1]! - first;
        // reserve()'s space lies between the used front and back: it is used now.
        if (at >= seg.used && end <= seg.back) this.markUsed(seg, at, end);
      } else {
        seg = this.tailWithRoom(ends[k]! - first, wallOffset);
        // As many of the remaining spans as the segment has room for (at least one: it was opened for it).
        const room = seg === this.reading ? seg.back - this.readEnd : seg.back - seg.used;
        const most = Math.min(count - k, seg.capacity - seg.count);
        n = 1;
        while (n < most && ends[k + n]! - first <= room) n++;
        const length = ends[k + n - 1]! - first;
        at = this.slabOffsetFor(seg, length);
        seg.bytes.set(bytes.subarray(first, first + length), at);
        this.markUsed(seg, at, at + length);
      }
      const base = at - first;
      let startsColumn = seg.starts;
      // Where the next entry starts if it is given no start of its own.
      let previousEnd = seg.impliedStart;
      if (this.appendEmitter.listenerCount === 0) {
        // Nobody to tell entry by entry: write the columns, then count and evict once for all n.
        const mono = seg.mono;
        const segEnds = seg.ends;
        const dirKind = seg.dirKind;
        let i = seg.count;
        let added = 0;
        for (let j = k; j < k + n; j++, i++) {
          const start = starts[j]! + base;
          const end = ends[j]! + base;
          if (startsColumn === undefined && start !== previousEnd) {
            // The starts column is made from the ends of the entries written so far.
            seg.count = i;
            startsColumn = seg.withStarts();
          }
          if (startsColumn !== undefined) startsColumn[i] = start;
          mono[i] = monoTime;
          segEnds[i] = end;
          dirKind[i] = dk;
          previousEnd = end;
          added += end - start;
        }
        seg.count = i;
        this.next += n;
        totals.entries += n;
        totals.bytes += added;
        this.bytesRetained += added;
        if (this.next - this.first > this.maxEntries || this.bytesRetained > this.maxBytes) this.evict();
        k += n;
        continue;
      }
      // Entry by entry, each counted (and the caps applied) before it is announced.
      for (let j = k; j < k + n; j++) {
        const i = seg.count;
        const start = starts[j]! + base;
        const end = ends[j]! + base;
        if (startsColumn === undefined && start !== previousEnd) startsColumn = seg.withStarts();
        if (startsColumn !== undefined) startsColumn[i] = start;
        seg.mono[i] = monoTime;
        seg.ends[i] = end;
        seg.dirKind[i] = dk;
        seg.count = i + 1;
        previousEnd = end;
        const length = end - start;
        totals.entries++;
        totals.bytes += length;
        this.bytesRetained += length;
        const seq = this.next++;
        if (this.next - this.first > this.maxEntries || this.bytesRetained > this.maxBytes) this.evict();
        if (this.appendEmitter.listenerCount !== 0) this.appendEmitter.fire(seq);
      }
      k += n;
    }
  }

  /**
   * Room for an n-byte payload at the end of the log, for a writer that fills it and then appends it
   * with appendSpans (wall time NaN) before anything else is appended: the bytes are then found in
   * place and not copied. Anything appended first may take the room, so it must be filled and
   * appended without yielding.
   */
  reserve(n: number): Uint8Array {
    const seg = this.tailWithRoom(n, NaN);
    const at = this.slabOffsetFor(seg, n);
    return seg.bytes.subarray(at, at + n);
  }

  /**
   * Starts socket reads into the log: from now on each read goes into claimRead()'s space at the front
   * of the newest segment, right after the previous one, and everything else is placed from the back,
   * so a message that spans reads lies in one piece. `holds(buffer)` tells whether the reader still
   * holds views into a slab; such a slab is not reused for new entries.
   */
  beginReads(holds: (buffer: ArrayBufferLike) => boolean): void {
    this.readerHolds = holds;
  }

  /** Room left for socket reads in the newest segment. */
  get readRoom(): number {
    const seg = this.tail;
    return seg === undefined ? 0 : seg.back - seg.used;
  }

  /**
   * Space for the next socket read: up to `max` bytes right after the previous read's, or at the
   * front of a new segment when less than `min` is left. Nothing else is placed there until
   * commitRead().
   */
  claimRead(max: number, min: number): Uint8Array {
    let seg = this.tail;
    // A small log's read segment keeps `min` beyond one read free for what is placed from the back.
    if (seg === undefined || seg.back - seg.used < min) seg = this.openSegment(this.smallSlab === undefined ? max : max + min, NaN);
    const at = seg.used;
    const end = at + Math.min(max, seg.back - at);
    this.reading = seg;
    this.readEnd = end;
    return seg.bytes.subarray(at, end);
  }

  /**
   * The read into `space` (from claimRead) brought `nread` bytes: they now belong to the log, as bytes
   * of no entry until appendSpans logs spans of them in place. False if the log moved on meanwhile
   * (cleared): the bytes are still in `space`, and are copied when logged.
   */
  commitRead(space: Uint8Array, nread: number): boolean {
    const seg = this.reading;
    this.readEnd = seg?.used ?? 0;
    if (seg === undefined || space.buffer !== seg.bytes.buffer || space.byteOffset !== seg.bytes.byteOffset + seg.used) return false;
    seg.used += nread;
    this.readEnd = seg.used;
    // Anything else made a newer segment meanwhile; this one gets no more reads.
    if (seg !== this.tail) {
      seg.seal();
      this.reading = undefined;
    }
    return true;
  }

  /**
   * Socket reads stop: the front of the newest segment is for all entries again. `readUnderWay`: the
   * socket may still land a read in the space last claimed (it is not closed), so nothing else may be
   * placed there.
   */
  endReads(readUnderWay = true): void {
    const seg = this.reading;
    if (seg !== undefined) {
      if (readUnderWay && this.readEnd > seg.used) seg.used = this.readEnd;
      if (seg !== this.tail) seg.seal();
    }
    this.reading = undefined;
    this.readEnd = 0;
    this.readerHolds = undefined;
  }

  /**
   * Where an n-byte payload goes in `seg`, or -1 if it has no room: after the bytes at the front,
   * or, in the segment socket reads fill, below the bytes at the back.
   */
  private slabOffsetFor(seg: EntrySegment, n: number): number {
    if (seg === this.reading) return seg.back - n >= this.readEnd ? seg.back - n : -1;
    return seg.used + n <= seg.back ? seg.used : -1;
  }

  /** Marks [at, end) of `seg` used: at the back in the segment reads fill, else at the front. */
  private markUsed(seg: EntrySegment, at: number, end: number): void {
    if (seg === this.reading) seg.back = Math.min(seg.back, at);
    else seg.used = Math.max(seg.used, end);
  }

  /** The tail segment if `bytes[first]` lies in its slab and it can take another entry. */
  private tailHoldingBytes(bytes: Uint8Array, first: number): EntrySegment | undefined {
    const seg = this.tail;
    if (seg === undefined || bytes.buffer !== seg.bytes.buffer) return undefined;
    const at = bytes.byteOffset + first - seg.bytes.byteOffset;
    if (at < 0 || at >= seg.slabBytes) return undefined;
    if (seg.count === seg.capacity) {
      if (seg.capacity === SEGMENT_ENTRIES) return undefined;
      seg.growColumns();
    }
    return seg;
  }

  /** The tail segment, or a new one, with room for one more entry of `bytes` bytes at this wall-clock offset. */
  private tailWithRoom(bytes: number, wallOffset: number): EntrySegment {
    const seg = this.tail;
    if (seg === undefined || this.slabOffsetFor(seg, bytes) < 0 || Math.abs(seg.wallOffset - wallOffset) > WALL_OFFSET_TOLERANCE_MS) {
      return this.openSegment(bytes, wallOffset);
    }
    if (seg.count === seg.capacity) {
      if (seg.capacity === SEGMENT_ENTRIES) return this.openSegment(bytes, wallOffset);
      seg.growColumns();
    }
    return seg;
  }

  /**
   * Gives back the spare capacity of the newest segment (about a megabyte), for a log that will hardly
   * grow any more: a server keeps the logs of its closed peers. Appending still works (into a new segment).
   */
  compact(): void {
    if (this.tail !== this.reading) this.tail?.seal();
  }

  /** Whether the log has held auto-replies since it was last cleared (some may have been evicted since). */
  get hasAutoReplies(): boolean {
    return this.autoReplies.count > 0;
  }

  /**
   * Runs `write`; the Out entries it appends are auto-replies sent by `origin` (the rule as it is now: keep
   * one object per rule, so a rule's replies share a run). A connection's send appends synchronously.
   */
  autoReplying(origin: AutoReplyOrigin, write: () => void): void {
    const outer = this.autoReplyOriginNow;
    this.autoReplyOriginNow = origin;
    try {
      write();
    } finally {
      this.autoReplyOriginNow = outer;
    }
  }

  private markAutoReply(seg: EntrySegment, i: number, seq: number): void {
    seg.dirKind[i]! |= AUTO_REPLY_BIT;
    this.autoReplies.note(seq, this.autoReplyOriginNow!);
  }

  /** Appends an entry whose payload is the UTF-8 of `text` (meta events, close reasons). */
  appendText(direction: Direction, kind: Kind, text: string, code = 0): number {
    return this.append(direction, kind, textEncoder.encode(text), code);
  }

  /** Forgets every retained entry and resets totals and drop counts; seqs keep counting up. */
  clear(): void {
    if (this.next > this.first) this.goneMono = this.monoTime(this.next - 1);
    this.segments.clear();
    this.tail = undefined;
    // A read in progress lands in a slab no longer in the log; reads go on in the next segment.
    this.reading = undefined;
    this.readEnd = 0;
    this.codes.clear();
    this.autoReplies.clear();
    this.totalsByDirection = newTotals();
    this.droppedEntries = 0;
    this.droppedBytes = 0;
    this.first = this.next;
    this.bytesRetained = 0;
    this.clearEmitter.fire();
  }

  dispose(): void {
    this.appendEmitter.dispose();
    this.clearEmitter.dispose();
    this.segments.clear();
    this.tail = undefined;
    this.endReads(false);
    this.codes.clear();
    this.autoReplies.clear();
  }

  private openSegment(minBytes: number, wallOffset: number): EntrySegment {
    // A read in progress still lands in the segment socket reads fill (commitRead seals it after).
    if (this.tail !== this.reading || this.readEnd === this.tail?.used) this.tail?.seal();
    const offset = Number.isNaN(wallOffset) ? Date.now() - performance.now() : wallOffset;
    const spare = this.segments.spare;
    // A slab that socket reads went into may still be viewed by the reader (a frame it has not parsed
    // yet, the read in progress): overwriting it would change those bytes under it. It stays the spare.
    const reusable = spare !== undefined && minBytes <= SEGMENT_BYTES && spare !== this.reading && !(this.readerHolds?.(spare.bytes.buffer) ?? false);
    if (reusable) this.segments.takeSpare();
    const slab = Math.max(this.smallSlab === undefined ? SEGMENT_BYTES : Math.min(SEGMENT_BYTES, Math.max(this.smallSlab, this.bytesRetained)), minBytes);
    const entries = this.smallSlab === undefined ? SEGMENT_ENTRIES : Math.min(SEGMENT_ENTRIES, Math.max(16, slab >> 10));
    const seg = reusable ? spare.reuse(this.next, offset) : new EntrySegment(this.next, offset, slab, entries);
    this.segments.push(seg, seg.baseSeq);
    this.tail = seg;
    return seg;
  }

  /** Drops oldest entries until both caps hold again, always keeping the newest entry. */
  private evict(): void {
    while (this.next - this.first > 1 && (this.next - this.first > this.maxEntries || this.bytesRetained > this.maxBytes)) {
      const seg = this.segments.oldest!;
      const i = seg.start;
      const length = seg.ends[i]! - seg.startOf(i);
      this.goneMono = seg.mono[i]!;
      this.bytesRetained -= length;
      this.droppedEntries++;
      this.droppedBytes += length;
      if (this.codes.size !== 0) this.codes.delete(this.first);
      this.first++;
      seg.start++;
      // A fully evicted segment is released and kept as the spare for the next openSegment.
      if (seg.start === seg.count && seg !== this.tail) this.segments.releaseOldest();
    }
    if (this.autoReplies.count > 1) this.autoReplies.forgetBefore(this.first);
  }
}
