// Timing of log entries as the panel shows it: time since the previous entry, request/response pairs
// (by a JSON field, WebSocket ping/pong, and a protocol layer's acknowledgements) with their round-trip times, and a summary of those.

/** Round trips of one kind (JSON request/response, or ping/pong). */
export interface RttSummary {
  /** Pairs seen since the connection opened, the log was cleared or pairing changed. */
  readonly count: number;
  /** min, median, p95 and max are absent until the first pair. */
  readonly minMs?: number;
  /** Nearest-rank median and 95th percentile of the most recent RTT_WINDOW pairs. */
  readonly medianMs?: number;
  readonly p95Ms?: number;
  readonly maxMs?: number;
  /** Requests still waiting for an answer, plus those given up on (beyond the tracking cap). */
  readonly unanswered: number;
}

/** Both summaries; a kind that has seen no request is absent. */
export interface TimingSummary {
  /** The JSON field path pairs are made by; empty when JSON pairing is off. */
  readonly field: string;
  readonly json?: RttSummary;
  readonly ping?: RttSummary;
  /** Acknowledgements of the connection's protocol layer (a Socket.IO EVENT with an ack id, and its ACK). */
  readonly ack?: RttSummary;
}

/** How an entry is paired with another. */
export interface EntryPair {
  /** This entry is the request (answered by `otherSeq`) or the response (to `otherSeq`). */
  readonly role: 'request' | 'response';
  readonly otherSeq: number;
  readonly rttMs: number;
  readonly via: 'json' | 'ping' | 'ack';
  /** The field's value as JSON (`7`, `"abc"`), for JSON pairs; the ack id and namespace (`7 /chat`) for acks. */
  readonly key?: string;
}

/** What the detail pane shows about one entry's timing. */
export interface EntryTiming {
  readonly seq: number;
  /** Milliseconds since the previous entry of the log (not of a filtered view); absent for the first. */
  readonly sincePreviousMs?: number;
  /** Pairs this entry is part of (usually one; a batch or NDJSON chunk can answer several). */
  readonly pairs: readonly EntryPair[];
  /** A request of this kind that has no answer yet, with its key. */
  readonly awaiting?: { readonly via: 'json' | 'ping' | 'ack'; readonly key?: string };
}

/** Pairs whose RTTs make up the median and p95. */
export const RTT_WINDOW = 10_000;
/** Longest JSON field path accepted. */
export const MAX_FIELD_PATH_LENGTH = 200;
