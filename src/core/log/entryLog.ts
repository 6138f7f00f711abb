// The ordered log of one connection, held column-wise: a deque of segments, each a handful of typed
// arrays plus one byte slab. No object and no Buffer per entry: at millions of entries per-entry objects
// cost more than the payloads and make the GC the bottleneck of ingest.
import type { Direction, DirectionTotals, Kind, LogEntry, LogRun } from '../../../shared/logModel';
import { Emitter, type Event } from '../base/dispose';

export interface EntryLogOptions {
  /** Most entries kept; the oldest are evicted beyond it and counted in `dropped`. */
  maxEntries?: number;
  /** Most payload bytes kept; the newest entry is always kept, whatever its size. */
  maxBytes?: number;
}

export const DEFAULT_MAX_ENTRIES = 1_000_000;
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Entries per segment; a segment is also sealed early when its byte slab is full. */
const SEGMENT_ENTRIES = 16_384;
/** Default byte slab of a segment; a larger payload gets a slab of its own size. */
const SEGMENT_BYTES = 1024 * 1024;
/** A sealed segment using less than this share of its arrays is trimmed to size. */
const TRIM_BELOW = 0.75;

/** Largest difference of clock offsets (ms) appendAt stores in one segment: float rounding, not drift. */
const WALL_OFFSET_TOLERANCE_MS = 0.001;

const textEncoder = new TextEncoder();

/**
 * One run of consecutive entries. Wall time is not stored per entry: it is the segment's clock offset
 * (taken when the segment opened) plus the entry's monotonic time, so a wall-clock change is picked up
 * at the next segment while each entry pays for a single Float64.
 */
class Segment {
  /** Monotonic time of each entry, ms (performance.now() clock). */
  mono: Float64Array;
  /** End offset of each entry's payload in `bytes`; the start is the previous entry's end. */
  ends: Uint32Array;
  /** direction << 4 | kind. */
  dirKind: Uint8Array;
  bytes: Uint8Array;
  /**
   * Start offset of each entry's payload, only once the segment holds bytes between payloads (see
   * appendSpans); until then a payload starts where the previous one ended.
   */
  starts: Uint32Array | undefined;
  /** Entries the index arrays can hold. */
  capacity: number;
  /** Bytes the slab can hold. */
  slabBytes: number;
  /** Entries written. */
  count = 0;
  /** Local index of the oldest retained entry (entries before it were evicted). */
  start = 0;
  /** Bytes used at the front of the slab. */
  used = 0;
  /**
   * Start of the bytes used at the back of the slab: while socket reads fill the front (claimRead),
   * everything else is placed from the back down, so consecutive reads stay side by side.
   */
  back: number;

  constructor(
    /** Seq of local index 0. */
    public baseSeq: number,
    /** Date.now() - performance.now() when the segment opened. */
    public wallOffset: number,
    slabBytes: number,
  ) {
    this.mono = new Float64Array(SEGMENT_ENTRIES);
    this.ends = new Uint32Array(SEGMENT_ENTRIES);
    this.dirKind = new Uint8Array(SEGMENT_ENTRIES);
    this.bytes = new Uint8Array(slabBytes);
    this.starts = undefined;
    this.capacity = SEGMENT_ENTRIES;
    this.slabBytes = slabBytes;
    this.back = slabBytes;
  }

  /**
   * Makes a fully evicted segment the new tail, keeping whichever of its arrays still have the
   * standard size: under a flood at the retention cap, segments are recycled instead of allocated,
   * which spares the garbage collector a megabyte of external memory every few thousand entries.
   */
  reuse(baseSeq: number, wallOffset: number): this {
    this.baseSeq = baseSeq;
    this.wallOffset = wallOffset;
    this.count = 0;
    this.start = 0;
    this.used = 0;
    // A sealed segment's columns were trimmed to what it held; they grow again if more entries come
    // (growColumns). Reallocating them at full size here cost 272 KB of fresh, page-faulting memory
    // per megabyte of 64 KiB messages, 16 entries a segment.
    if (this.starts && this.starts.length !== this.capacity) this.starts = undefined;
    if (this.slabBytes !== SEGMENT_BYTES) {
      this.bytes = new Uint8Array(SEGMENT_BYTES);
      this.slabBytes = SEGMENT_BYTES;
    }
    this.back = this.slabBytes;
    return this;
  }

  /** Doubles the columns (at most SEGMENT_ENTRIES): a recycled segment's trimmed columns fill up. */
  growColumns(): void {
    const size = Math.min(SEGMENT_ENTRIES, Math.max(16, this.capacity * 2));
    const grow = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a.subarray(0, this.count) as never);
      return b;
    };
    this.mono = grow(this.mono, (n) => new Float64Array(n));
    this.ends = grow(this.ends, (n) => new Uint32Array(n));
    this.dirKind = grow(this.dirKind, (n) => new Uint8Array(n));
    if (this.starts) this.starts = grow(this.starts, (n) => new Uint32Array(n));
    this.capacity = size;
  }

  startOf(i: number): number {
    return this.starts ? this.starts[i]! : i === 0 ? 0 : this.ends[i - 1]!;
  }

  /** Where the next entry starts if it is given no start of its own. */
  get impliedStart(): number {
    return this.count === 0 ? 0 : this.ends[this.count - 1]!;
  }

  /** The starts column, created from the ends of the entries so far. */
  withStarts(): Uint32Array {
    if (this.starts) return this.starts;
    const starts = new Uint32Array(this.capacity);
    for (let i = 1; i < this.count; i++) starts[i] = this.ends[i - 1]!;
    this.starts = starts;
    return starts;
  }

  /**
   * Gives back the unused tail of the arrays once no more entries will be written. Bytes placed from
   * the back first move down to the end of the front's (entries' views taken before are stale then,
   * as payload() says of every view).
   */
  seal(): void {
    if (this.back < this.slabBytes) {
      const shift = this.back - this.used;
      if (shift > 0) {
        this.bytes.copyWithin(this.used, this.back, this.slabBytes);
        // Back bytes are placed with a start of their own, so the column exists.
        const starts = this.withStarts();
        for (let i = 0; i < this.count; i++) {
          if (starts[i]! >= this.back) {
            starts[i] = starts[i]! - shift;
            this.ends[i] = this.ends[i]! - shift;
          }
        }
      }
      this.used += this.slabBytes - this.back;
      this.back = this.slabBytes;
    }
    if (this.count < this.capacity * TRIM_BELOW) {
      this.mono = this.mono.slice(0, this.count);
      this.ends = this.ends.slice(0, this.count);
      this.dirKind = this.dirKind.slice(0, this.count);
      this.starts = this.starts?.slice(0, this.count);
      this.capacity = this.count;
    }
    if (this.used < this.slabBytes * TRIM_BELOW) {
      this.bytes = this.bytes.slice(0, this.used);
      this.slabBytes = this.used;
      this.back = this.used;
    }
  }

  get memoryBytes(): number {
    return this.mono.byteLength + this.ends.byteLength + this.dirKind.byteLength + this.bytes.byteLength + (this.starts?.byteLength ?? 0);
  }
}

function newTotals(): DirectionTotals[] {
  return [
    { entries: 0, bytes: 0 },
    { entries: 0, bytes: 0 },
    { entries: 0, bytes: 0 },
  ];
}

/** The ordered, capped log of one connection. */
export class EntryLog {
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  /** Live segments, oldest first, from index `head`; evicted segments before it are released. */
  private segments: Segment[] = [];
  private head = 0;
  /** The newest segment, where appends go (the last live one), if any. */
  private tail: Segment | undefined;
  /** A released segment kept for reuse by the next openSegment. */
  private spare: Segment | undefined;
  /**
   * The segment whose front socket reads fill (claimRead; everything else then goes to its back), the
   * end of the space handed out for the read in progress, and what tells whether the reader still
   * holds views into a slab (its bytes must not be overwritten yet).
   */
  private reading: Segment | undefined;
  private readEnd = 0;
  private readerHolds: ((buffer: ArrayBufferLike) => boolean) | undefined;
  /** Close codes by seq: close entries are rare, so a column for them would be almost all zeros. */
  private readonly codes = new Map<number, number>();
  private totalsByDirection = newTotals();
  private droppedEntries = 0;
  private droppedBytes = 0;
  private first = 0;
  private next = 0;
  private bytesRetained = 0;
  /** Monotonic time of the entry just before `first` (evicted or cleared), for the time since it. */
  private goneMono = NaN;

  private readonly appendEmitter = new Emitter<number>();
  private readonly clearEmitter = new Emitter<void>();
  /** Fires with the seq of each appended entry. Listeners run on the ingest path: keep them cheap. */
  readonly onDidAppend: Event<number> = this.appendEmitter.event;
  /** Fires when the user cleared the log. */
  readonly onDidClear: Event<void> = this.clearEmitter.event;

  constructor(options: EntryLogOptions = {}) {
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_MAX_ENTRIES));
    this.maxBytes = Math.max(0, Math.floor(options.maxBytes ?? DEFAULT_MAX_BYTES));
  }

  /** The retention caps this log was created with (a derived log copies them). */
  get retention(): { readonly maxEntries: number; readonly maxBytes: number } {
    return { maxEntries: this.maxEntries, maxBytes: this.maxBytes };
  }

  /** Oldest retained seq. */
  get firstSeq(): number {
    return this.first;
  }

  /** Seq the next appended entry gets; retained entries are [firstSeq, nextSeq). */
  get nextSeq(): number {
    return this.next;
  }

  /** Retained entries. */
  get size(): number {
    return this.next - this.first;
  }

  /** Payload bytes of retained entries. */
  get retainedBytes(): number {
    return this.bytesRetained;
  }

  /** Entries and payload bytes evicted by the retention cap since creation or the last clear. */
  get dropped(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.droppedEntries, bytes: this.droppedBytes };
  }

  /** Cumulative count and bytes of one direction since creation or the last clear, evicted ones included. */
  totals(direction: Direction): DirectionTotals {
    const t = this.totalsByDirection[direction]!;
    return { entries: t.entries, bytes: t.bytes };
  }

  /** Bytes held by the log's arrays (index and payload slabs), for memory accounting. */
  get memoryBytes(): number {
    let sum = 0;
    for (let s = this.head; s < this.segments.length; s++) sum += this.segments[s]!.memoryBytes;
    return sum;
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
    const dk = (direction << 4) | kind;
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
    if (seg === undefined || seg.back - seg.used < min) seg = this.openSegment(max, NaN);
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
  private slabOffsetFor(seg: Segment, n: number): number {
    if (seg === this.reading) return seg.back - n >= this.readEnd ? seg.back - n : -1;
    return seg.used + n <= seg.back ? seg.used : -1;
  }

  /** Marks [at, end) of `seg` used: at the back in the segment reads fill, else at the front. */
  private markUsed(seg: Segment, at: number, end: number): void {
    if (seg === this.reading) seg.back = Math.min(seg.back, at);
    else seg.used = Math.max(seg.used, end);
  }

  /** The tail segment if `bytes[first]` lies in its slab and it can take another entry. */
  private tailHoldingBytes(bytes: Uint8Array, first: number): Segment | undefined {
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
  private tailWithRoom(bytes: number, wallOffset: number): Segment {
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

  /** Appends an entry whose payload is the UTF-8 of `text` (meta events, close reasons). */
  appendText(direction: Direction, kind: Kind, text: string, code = 0): number {
    return this.append(direction, kind, textEncoder.encode(text), code);
  }

  has(seq: number): boolean {
    return Number.isInteger(seq) && seq >= this.first && seq < this.next;
  }

  /** The entry with this seq, or undefined if it was evicted or never existed. Its payload is a view (see payload()). */
  get(seq: number): LogEntry | undefined {
    const loc = this.locate(seq);
    if (!loc) return undefined;
    const [seg, i] = loc;
    const dk = seg.dirKind[i]!;
    const start = seg.startOf(i);
    const end = seg.ends[i]!;
    const mono = seg.mono[i]!;
    return {
      seq,
      wallTime: seg.wallOffset + mono,
      monoTime: mono,
      direction: (dk >> 4) as Direction,
      kind: (dk & 15) as Kind,
      length: end - start,
      code: this.codes.get(seq) ?? 0,
      payload: seg.bytes.subarray(start, end),
    };
  }

  /**
   * The payload bytes of an entry, as a view. Read it before the entry can be evicted (a released
   * segment's slab is reused for new entries), i.e. synchronously: copy what must be kept.
   */
  payload(seq: number): Uint8Array | undefined {
    const loc = this.locate(seq);
    if (!loc) return undefined;
    const [seg, i] = loc;
    return seg.bytes.subarray(seg.startOf(i), seg.ends[i]);
  }

  wallTime(seq: number): number {
    const loc = this.locate(seq);
    return loc ? loc[0].wallOffset + loc[0].mono[loc[1]]! : NaN;
  }

  monoTime(seq: number): number {
    const loc = this.locate(seq);
    return loc ? loc[0].mono[loc[1]]! : NaN;
  }

  /**
   * Monotonic time of the entry before `seq` in the log: retained, or the last one evicted or cleared
   * when `seq` is the oldest retained. NaN for the very first entry or a seq too old to know.
   */
  previousMonoTime(seq: number): number {
    if (this.has(seq - 1)) return this.monoTime(seq - 1);
    return seq === this.first ? this.goneMono : NaN;
  }

  direction(seq: number): Direction | undefined {
    const loc = this.locate(seq);
    return loc ? ((loc[0].dirKind[loc[1]]! >> 4) as Direction) : undefined;
  }

  kind(seq: number): Kind | undefined {
    const loc = this.locate(seq);
    return loc ? ((loc[0].dirKind[loc[1]]! & 15) as Kind) : undefined;
  }

  length(seq: number): number {
    const loc = this.locate(seq);
    return loc ? loc[0].ends[loc[1]]! - loc[0].startOf(loc[1]) : 0;
  }

  code(seq: number): number {
    return this.has(seq) ? (this.codes.get(seq) ?? 0) : 0;
  }

  /**
   * Calls `visit` for each retained entry in [fromSeq, toSeq) with the segment's raw columns, so bulk
   * readers (batch encoders, filters) walk the log without a lookup or an allocation per entry.
   */
  forEachRun(
    fromSeq: number,
    toSeq: number,
    visit: (run: LogRun) => void,
  ): void {
    const lo = Math.max(fromSeq, this.first);
    const hi = Math.min(toSeq, this.next);
    if (lo >= hi) return;
    let s = this.segmentIndex(lo);
    while (s < this.segments.length) {
      const seg = this.segments[s]!;
      if (seg.baseSeq >= hi) break;
      const from = Math.max(lo - seg.baseSeq, seg.start);
      const to = Math.min(hi - seg.baseSeq, seg.count);
      if (from < to) {
        visit({
          seq: seg.baseSeq + from,
          from,
          to,
          wallOffset: seg.wallOffset,
          mono: seg.mono,
          ends: seg.ends,
          dirKind: seg.dirKind,
          bytes: seg.bytes,
          ...(seg.starts ? { starts: seg.starts } : {}),
        });
      }
      s++;
    }
  }

  /** Forgets every retained entry and resets totals and drop counts; seqs keep counting up. */
  clear(): void {
    if (this.next > this.first) this.goneMono = this.monoTime(this.next - 1);
    this.segments = [];
    this.head = 0;
    this.tail = undefined;
    this.spare = undefined;
    // A read in progress lands in a slab no longer in the log; reads go on in the next segment.
    this.reading = undefined;
    this.readEnd = 0;
    this.codes.clear();
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
    this.segments = [];
    this.head = 0;
    this.tail = undefined;
    this.spare = undefined;
    this.endReads(false);
    this.codes.clear();
  }

  private openSegment(minBytes: number, wallOffset: number): Segment {
    // A read in progress still lands in the segment socket reads fill (commitRead seals it after).
    if (this.tail !== this.reading || this.readEnd === this.tail?.used) this.tail?.seal();
    const offset = Number.isNaN(wallOffset) ? Date.now() - performance.now() : wallOffset;
    const spare = this.spare;
    // A slab that socket reads went into may still be viewed by the reader (a frame it has not parsed
    // yet, the read in progress): overwriting it would change those bytes under it. It stays the spare.
    const reusable = spare !== undefined && minBytes <= SEGMENT_BYTES && spare !== this.reading && !(this.readerHolds?.(spare.bytes.buffer) ?? false);
    if (reusable) this.spare = undefined;
    const seg = reusable ? spare.reuse(this.next, offset) : new Segment(this.next, offset, Math.max(SEGMENT_BYTES, minBytes));
    this.segments.push(seg);
    this.tail = seg;
    return seg;
  }

  /** Drops oldest entries until both caps hold again, always keeping the newest entry. */
  private evict(): void {
    while (this.next - this.first > 1 && (this.next - this.first > this.maxEntries || this.bytesRetained > this.maxBytes)) {
      const seg = this.segments[this.head]!;
      const i = seg.start;
      const length = seg.ends[i]! - seg.startOf(i);
      this.goneMono = seg.mono[i]!;
      this.bytesRetained -= length;
      this.droppedEntries++;
      this.droppedBytes += length;
      if (this.codes.size !== 0) this.codes.delete(this.first);
      this.first++;
      seg.start++;
      if (seg.start === seg.count && seg !== this.tail) {
        this.segments[this.head] = undefined as unknown as Segment;
        this.head++;
        this.spare = seg;
      }
    }
    // Compact the deque now and then instead of shifting on every released segment.
    if (this.head > 64 && this.head * 2 > this.segments.length) {
      this.segments = this.segments.slice(this.head);
      this.head = 0;
    }
  }

  private segmentIndex(seq: number): number {
    // Binary search for the last live segment whose baseSeq <= seq.
    let lo = this.head;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.baseSeq <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private locate(seq: number): [Segment, number] | undefined {
    if (!this.has(seq)) return undefined;
    const seg = this.segments[this.segmentIndex(seq)]!;
    return [seg, seq - seg.baseSeq];
  }
}

