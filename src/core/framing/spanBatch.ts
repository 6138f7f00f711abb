// Messages a decoder found inside one chunk, gathered as offsets so the framed log copies them with
// one call per chunk (FrameLog.appendSpans) instead of one allocation and one copy per message.
import type { Direction } from '../../../shared/logModel';

/** Writes `count` spans of `chunk` in one direction. */
export type SpanWriter = (direction: Direction, chunk: Uint8Array, starts: Uint32Array, ends: Uint32Array, count: number) => void;

/** Spans of one chunk in one direction, waiting to be written. */
export class SpanBatch {
  private starts = new Uint32Array(1024);
  private ends = new Uint32Array(1024);
  private count = 0;
  private chunk: Uint8Array | undefined;
  private direction: Direction = 0;

  constructor(private readonly write: SpanWriter) {}

  /** Adds `chunk[start, end)`; spans of another chunk or direction write the earlier ones first. */
  add(direction: Direction, chunk: Uint8Array, start: number, end: number): void {
    if (this.count > 0 && (chunk !== this.chunk || direction !== this.direction)) this.flush();
    if (this.count === this.starts.length) {
      const starts = new Uint32Array(this.count * 2);
      const ends = new Uint32Array(this.count * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.chunk = chunk;
    this.direction = direction;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  /** Writes the spans gathered so far (call before anything else is logged, and before the chunk goes). */
  flush(): void {
    if (this.count === 0) return;
    const count = this.count;
    this.count = 0;
    const chunk = this.chunk!;
    this.chunk = undefined;
    this.write(this.direction, chunk, this.starts, this.ends, count);
  }
}
