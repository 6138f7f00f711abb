// The log slice of the panel protocol: entries streamed in batches under flow control, pages on demand,
// clearing, and which view of the log is shown. Host side: src/panel/logStream.ts and the coordinator
// (src/panel/panelController.ts).
import type { FramerSpecJson } from '../framerSpec';
import type { DirectionTotals } from '../logModel';
import type { TimingSummary } from '../timingModel';
import type { Done } from './messages';

/** Counters of one panel's log, sent with every batch and on a timer. */
export interface PanelStats {
  /** Oldest retained seq. */
  readonly firstSeq: number;
  /** Seq of the next entry; retained entries are [firstSeq, nextSeq). */
  readonly nextSeq: number;
  /** Received entries and bytes since the connection opened or the log was cleared. */
  readonly in: DirectionTotals;
  /** Sent entries and bytes. */
  readonly out: DirectionTotals;
  /** Entries evicted by the retention cap. */
  readonly droppedEntries: number;
  /** Messages in + out per second, over the last second. */
  readonly messagesPerSecond: number;
  /** Round trips (JSON pairs, pings) and the pairing field; absent from hosts that do not pair. */
  readonly timing?: TimingSummary;
}

/** Largest page a webview may ask for, in entries. */
export const MAX_PAGE_ENTRIES = 4096;

/** Log requests the webview sends. */
export type LogRequests = {
  /** Entries [fromSeq, fromSeq + count) that are still retained, as a packed batch (see entryBatch.ts). */
  getRange: { params: { fromSeq: number; count: number }; result: { batch: ArrayBuffer } };
  /** The listed entries (a Float64Array of seqs) that are still retained, as a packed batch. */
  getEntries: { params: { seqs: ArrayBuffer }; result: { batch: ArrayBuffer } };
  /** Forgets every entry of the log. */
  clear: { params: Done; result: Done };
  /** TCP: shows the log split into messages by this framer (null: raw chunks); a snapshot follows. */
  setFraming: { params: { spec: FramerSpecJson | null }; result: Done };
};

/** Log events the webview sends. */
export type LogWebviewEvents = {
  /** The webview has stored an `entries` batch; the host may send the next one. */
  ack: { batchId: number };
};

/** Log events the host sends. */
export type LogEvents = {
  /** New entries at the tail of the log (at most the newest batch-cap of them) and the new counters. */
  entries: { batchId: number; batch: ArrayBuffer; stats: PanelStats };
  /** Counters changed without new entries (rate decay, eviction). */
  stats: { stats: PanelStats };
  /** The log was cleared. */
  cleared: { stats: PanelStats };
};
