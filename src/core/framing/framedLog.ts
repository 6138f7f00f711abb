// A TCP connection's log seen through a framer: each direction's chunks are split into messages and
// written to a derived EntryLog, which the panel shows instead of the raw one. The raw log stays the
// record of what crossed the wire; the derived one is rebuilt from it whenever it is cleared.
//
// - A message is stamped with the time of the chunk that completed it.
// - Meta entries (connecting, open, error, closed) pass through in order, with their times.
// - When the connection has ended (state closed or error; or end() called), bytes left in a direction
//   without completing a message are written as an Error meta entry ("5 bytes received after the last
//   complete message…") followed by those bytes as one Data entry in their direction, so nothing
//   received is hidden by the framing. They come after the connection's final Closed entry: the log's
//   Closed entries also mark half-closes, after which the other direction may still complete messages.
// - Framing errors (message limit, bad length prefix) become Error meta entries naming the direction.
// - Entries already evicted from the raw log cannot be framed; a note says the first message may be
//   partial.
import { AUTO_REPLY_BIT, Direction, Kind, runStart, type ConnectionState } from '../../../shared/logModel';
import { Disposable, toDisposable, type Event } from '../base/dispose';
import type { SocketInspectorError } from '../../../shared/errors';
import { EntryLog, type EntryLogOptions } from '../log/entryLog';
import { FORGOTTEN_AUTO_REPLY } from '../log/autoReplyRuns';
import { createFramerDecoder, type FramerDecoder } from './framerDecoder';
import { describeFramer, MAX_DELIMITER_BYTES, validateFramerSpec, type FramerSpec } from '../../../shared/framerSpec';
import { SpanBatch } from '../log/spanBatch';

/** Options of a {@link FramedLog}. */
export interface FramedLogOptions {
  /** Retention of the derived log; by default the source log's. */
  readonly retention?: EntryLogOptions;
  /** Largest message per direction (see createFramerDecoder); default 16 MiB. */
  readonly maxMessageBytes?: number;
  /** The connection writing the source log: when it is closed (or failed), end() runs. */
  readonly connection?: { readonly state: ConnectionState; readonly onDidChangeState: Event<ConnectionState> };
}

function isEnded(state: ConnectionState): boolean {
  return state === 'closed' || state === 'error';
}

const encoder = new TextEncoder();
const STREAM_NAMES = ['received', 'sent'] as const;

/** A derived log of messages, kept in step with a raw TCP log as it grows and is cleared. */
export class FramedLog extends Disposable {
  /** The messages (and the source's meta entries), as a log of their own. */
  readonly log: EntryLog;
  readonly spec: FramerSpec;
  private readonly label: string;
  private readonly maxMessageBytes: number | undefined;
  /** Decoders for Direction.In and Direction.Out. */
  private decoders: [FramerDecoder, FramerDecoder];
  /** Source seqs before this one have been framed. */
  private processedTo: number;
  /** Time of the source entry being framed: what its messages are stamped with. */
  private wall = 0;
  private mono = 0;
  /** Messages found inside the chunk being framed, written together once it is done. */
  private readonly spans = new SpanBatch(
    (direction, kind, chunk, starts, ends, count) => this.log.appendSpans(this.wall, this.mono, direction, kind, chunk, starts, ends, count),
    MAX_DELIMITER_BYTES,
  );

  constructor(
    private readonly source: EntryLog,
    spec: FramerSpec,
    options: FramedLogOptions = {},
  ) {
    super();
    this.spec = validateFramerSpec(spec);
    this.label = describeFramer(this.spec);
    this.maxMessageBytes = options.maxMessageBytes;
    this.log = new EntryLog(options.retention ?? source.retention);
    this.register(toDisposable(() => this.log.dispose()));
    this.decoders = this.newDecoders();
    this.processedTo = source.firstSeq;
    if (source.dropped.entries > 0 && source.size > 0) {
      this.wall = source.wallTime(source.firstSeq);
      this.mono = source.monoTime(source.firstSeq);
      this.note(`${source.dropped.entries} earlier entries were dropped by the retention limit before framing as ${this.label}; the first messages may be partial.`);
    }
    this.catchUp();
    this.register(source.onDidAppend(() => this.catchUp()));
    this.register(source.onDidClear(() => this.restart()));
    const connection = options.connection;
    if (connection) {
      if (isEnded(connection.state)) this.end();
      this.register(connection.onDidChangeState((state) => isEnded(state) && this.end()));
    }
  }

  /** The byte streams ended: writes what each direction still holds as a note and one Data entry. */
  end(): void {
    this.catchUp();
    for (const direction of [Direction.In, Direction.Out] as const) {
      const rest = this.decoders[direction].takeRemainder();
      if (rest.length === 0) continue;
      const bytes = rest.length === 1 ? '1 byte' : `${rest.length} bytes`;
      this.spans.flush();
      this.note(`${bytes} ${STREAM_NAMES[direction]} after the last complete message (framing as ${this.label}); shown as they are in the next entry.`);
      this.log.appendAt(this.wall, this.mono, direction, Kind.Data, rest);
    }
  }

  /** Bytes held in a direction for a message not yet complete. */
  pending(direction: typeof Direction.In | typeof Direction.Out): number {
    return this.decoders[direction].pending;
  }

  private newDecoders(): [FramerDecoder, FramerDecoder] {
    const make = (direction: typeof Direction.In | typeof Direction.Out): FramerDecoder =>
      createFramerDecoder(
        this.spec,
        (message) => {
          this.spans.flush();
          this.log.appendAt(this.wall, this.mono, direction, Kind.Data, message);
        },
        {
          ...(this.maxMessageBytes !== undefined ? { maxMessageBytes: this.maxMessageBytes } : {}),
          onError: (e: SocketInspectorError) => this.note(`Framing the ${STREAM_NAMES[direction]} bytes: ${e.message}`),
          onSpan: (chunk, start, end) => this.spans.add(direction, Kind.Data, chunk, start, end),
        },
      );
    return [make(Direction.In), make(Direction.Out)];
  }

  private note(text: string): void {
    this.spans.flush();
    this.log.appendAt(this.wall, this.mono, Direction.Meta, Kind.Error, encoder.encode(text));
  }

  /** Frames every source entry not yet framed. */
  private catchUp(): void {
    const from = Math.max(this.processedTo, this.source.firstSeq);
    const to = this.source.nextSeq;
    if (from >= to) return;
    this.processedTo = to;
    this.source.forEachRun(from, to, (run) => {
      for (let i = run.from; i < run.to; i++) {
        const dk = run.dirKind[i]!;
        const direction = ((dk >> 4) & 3) as Direction;
        const kind = (dk & 15) as Kind;
        const payload = run.bytes.subarray(runStart(run, i), run.ends[i]!);
        this.mono = run.mono[i]!;
        this.wall = run.wallOffset + this.mono;
        if (kind === Kind.Data && direction !== Direction.Meta) {
          const seq = run.seq + (i - run.from);
          const origin = (dk & AUTO_REPLY_BIT) !== 0 ? (this.source.autoReplyOrigin(seq) ?? FORGOTTEN_AUTO_REPLY) : undefined;
          if (origin) this.log.autoReplying(origin, () => this.frame(direction, payload));
          else this.frame(direction, payload);
          continue;
        }
        this.log.appendAt(this.wall, this.mono, direction, kind, payload, this.source.code(run.seq + (i - run.from)));
      }
    });
  }

  /**
   * Frames one chunk. The messages it completes are written now, so those completed by an auto-reply's
   * chunk are marked as its (a message begun by an earlier chunk too).
   */
  private frame(direction: typeof Direction.In | typeof Direction.Out, payload: Uint8Array): void {
    this.decoders[direction].push(payload);
    // The spans point into this entry's bytes.
    this.spans.flush();
  }

  /** The source was cleared: so is this log, and framing starts again from the next byte. */
  private restart(): void {
    this.decoders = this.newDecoders();
    this.processedTo = this.source.nextSeq;
    this.log.clear();
  }
}
