// The timing slice of the panel protocol: time between entries and request/response pairs. The summary
// travels in PanelStats (./log.ts). Host side: src/panel/timingHandlers.ts.
import type { EntryTiming } from '../timingModel';
import type { Done } from './messages';

/** Timing requests the webview sends. */
export type TimingRequests = {
  /** One entry's time since the previous entry and its request/response pairs. */
  getTiming: { params: { seq: number }; result: EntryTiming };
  /** Pairs requests and responses by this JSON field path ('' turns it off); the summary follows in stats. */
  setPairing: { params: { field: string }; result: Done };
};
