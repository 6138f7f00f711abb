// One entry's timing as the detail pane shows it: time since the previous entry of the log (whatever a
// filter hides, and across eviction), and the pairs it belongs to.
import type { EntryTiming } from '../../../shared/timingModel';
import { displayKey } from './pairKeys';
import type { TimingTracker } from './timingTracker';

/** What entryTiming reads of a log. */
export interface MonoTimes {
  has(seq: number): boolean;
  monoTime(seq: number): number;
  previousMonoTime(seq: number): number;
}

/** The timing of a retained entry (the caller checks that it is retained). */
export function entryTiming(log: MonoTimes, tracker: TimingTracker, seq: number): EntryTiming {
  const previous = log.previousMonoTime(seq);
  const sincePreviousMs = Number.isNaN(previous) ? undefined : log.monoTime(seq) - previous;
  const pairs = tracker.pairsOf(seq).map((p) => ({
    role: p.request === seq ? ('request' as const) : ('response' as const),
    otherSeq: p.request === seq ? p.response : p.request,
    rttMs: p.rttMs,
    via: p.via,
    ...(p.key !== undefined ? { key: displayKey(p.key) } : {}),
  }));
  const waiting = tracker.awaiting(seq);
  const awaiting = waiting ? { via: waiting.via, ...(waiting.key !== undefined ? { key: displayKey(waiting.key) } : {}) } : undefined;
  return {
    seq,
    ...(sincePreviousMs !== undefined ? { sincePreviousMs } : {}),
    pairs,
    ...(awaiting ? { awaiting } : {}),
  };
}
