// The timing side of a panel: one TimingTracker over the shown connection's log, fed in the background
// (in slices, so re-pairing a long log after the field changed never blocks the extension host) while
// the panel is visible or not, and asked for one entry's timing or the summary.
import type { EntryTiming, TimingSummary } from '../../shared/timingModel';
import type { IDisposable } from '../core/base/dispose';
import type { EntryLog } from '../core/log/entryLog';
import { entryTiming, TimingTracker, type AckKeyReader } from '../core/timing';

/** Pairing and RTTs of the log a panel shows. */
export class PanelTiming implements IDisposable {
  private readonly tracker = new TimingTracker();
  private log: EntryLog | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private disposed = false;

  constructor(private readonly sliceMs: number) {}

  /** Starts over on another log (a reconnect), keeping the pairing field. */
  attach(log: EntryLog): void {
    this.log = log;
    this.tracker.reset(log.firstSeq);
    this.schedule();
  }

  /** An entry was appended: read it soon (once per I/O turn, however many arrived). */
  onAppend(): void {
    this.schedule();
  }

  /** The log was cleared: pairs and statistics go with it. */
  onClear(): void {
    if (this.log) this.tracker.reset(this.log.nextSeq);
  }

  /** Pairs by another field path; returns why the path cannot be used, or undefined. */
  /** The JSON field path pairs are made by; empty when pairing is off. */
  get field(): string {
    return this.tracker.field;
  }

  setField(field: string): string | undefined {
    const problem = this.tracker.setField(field, this.log?.firstSeq ?? 0);
    if (!problem) this.schedule();
    return problem;
  }

  /** Times the acknowledgements of the connection's protocol layer (undefined: no layer, or none to time). */
  setAckKeys(reader: AckKeyReader | undefined): void {
    if (reader === this.tracker.ackKeyReader) return;
    this.tracker.setAckKeys(reader, this.log?.firstSeq ?? 0);
    this.schedule();
  }

  /** The timing of a retained entry, with whatever could be read up to now. */
  entry(seq: number): EntryTiming {
    if (this.log) this.tracker.advance(this.log, this.sliceMs);
    return entryTiming(this.log!, this.tracker, seq);
  }

  summary(): TimingSummary {
    return this.tracker.summary();
  }

  dispose(): void {
    this.disposed = true;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private schedule(): void {
    if (this.disposed || !this.log) return;
    this.immediate ??= setImmediate(() => this.pump());
  }

  private pump(): void {
    this.immediate = undefined;
    const log = this.log;
    if (this.disposed || !log) return;
    if (!this.tracker.advance(log, this.sliceMs)) this.schedule();
  }
}
