// Messages that lie side by side in one buffer (a socket read: ws's message payloads between their
// frame headers; a framer's lines between their delimiters), gathered as offsets so the log copies them
// with one call (EntryLog.appendSpans) instead of one copy per message, the biggest per-message cost of
// recording a flood (bench/README.md).
import type { Direction, Kind } from '../../../shared/logModel';

/** Writes `count` spans of `bytes`, all of one direction and kind. */
export type SpanWriter = (direction: Direction, kind: Kind, bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, count: number) => void;

/** Spans of one buffer, in one direction and of one kind, waiting to be written. */
export class SpanBatch {
  private starts = new Uint32Array(1024);
  private ends = new Uint32Array(1024);
  private count = 0;
  /** The buffer the spans lie in, and the view of it they are written from. */
  private buffer: ArrayBufferLike | undefined;
  private bytes: Uint8Array | undefined;
  private direction: Direction = 0;
  private kind: Kind = 0;
  /** Offset of `bytes` in the buffer, and where the last span ends in the buffer. */
  private base = 0;
  private lastEnd = 0;
  /** The view of the latest add() and its offset in its buffer. */
  private lastView: Uint8Array | undefined;
  private lastViewOffset = 0;

  /**
   * `maxGap`: most bytes between two spans copied along with them; a larger gap (or another buffer,
   * direction or kind) writes what was gathered and starts again.
   */
  constructor(
    private readonly write: SpanWriter,
    private readonly maxGap: number,
  ) {}

  /** Spans waiting. */
  get size(): number {
    return this.count;
  }

  /** Whether spans waiting lie in `buffer`. */
  holds(buffer: ArrayBufferLike): boolean {
    return this.count !== 0 && this.buffer === buffer;
  }

  /** Adds `view[from, to)`. */
  add(direction: Direction, kind: Kind, view: Uint8Array, from: number, to: number): void {
    // The common case, a framer's lines of one read one after another: the same view, so none of its
    // properties need reading again (a tenth of a 64-byte line flood's time went to this method).
    if (view === this.lastView && direction === this.direction && kind === this.kind && this.count !== 0 && this.count !== this.starts.length) {
      const start = this.lastViewOffset + from;
      if (start >= this.lastEnd && start - this.lastEnd <= this.maxGap) {
        const end = start + (to - from);
        this.starts[this.count] = start - this.base;
        this.ends[this.count] = end - this.base;
        this.lastEnd = end;
        this.count++;
        return;
      }
    }
    const buffer = view.buffer;
    const start = view.byteOffset + from;
    if (
      this.count > 0 &&
      (buffer !== this.buffer || direction !== this.direction || kind !== this.kind || start < this.lastEnd || start - this.lastEnd > this.maxGap)
    ) {
      this.flush();
    }
    this.lastView = view;
    this.lastViewOffset = view.byteOffset;
    if (this.count === 0) {
      this.buffer = buffer;
      // Offsets are relative to the first span's start; the view runs to the end of the buffer, so
      // later spans (which never start before an earlier one ends) lie inside it.
      this.bytes = start === 0 && view.byteLength === buffer.byteLength ? view : new Uint8Array(buffer, start);
      this.base = start;
      this.direction = direction;
      this.kind = kind;
    }
    if (this.count === this.starts.length) this.grow();
    const end = start + (to - from);
    this.starts[this.count] = start - this.base;
    this.ends[this.count] = end - this.base;
    this.lastEnd = end;
    this.count++;
  }

  private grow(): void {
    const starts = new Uint32Array(this.count * 2);
    const ends = new Uint32Array(this.count * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }

  /** Writes the spans gathered so far: call before anything else is logged, and before the buffer may change. */
  flush(): void {
    if (this.count === 0) return;
    const count = this.count;
    const bytes = this.bytes!;
    this.count = 0;
    this.buffer = undefined;
    this.bytes = undefined;
    this.lastView = undefined;
    this.write(this.direction, this.kind, bytes, this.starts, this.ends, count);
  }
}
