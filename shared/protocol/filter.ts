// The filter slice of the panel protocol: the filter the log is read with, and which entries match.
// Host side: src/panel/filterHandlers.ts.
import type { Done } from './messages';

/** What the log is filtered by. An empty list means "any". */
export interface FilterSpec {
  /** Case-insensitive substring, or `/regex/flags`; empty matches everything. */
  readonly text: string;
  /** Direction values (0 in, 1 out, 2 meta). */
  readonly directions: readonly number[];
  /** Kind values (see Kind in logModel). */
  readonly kinds: readonly number[];
  /** Auto-replies (AUTO_REPLY_BIT in logModel): `only` them, or `none` of them; absent shows them like any entry. */
  readonly autoReplies?: AutoReplyFilter;
}

/** What a filter does with auto-replies: keeps only them, or leaves them out. */
export type AutoReplyFilter = 'only' | 'none';

/** Every AutoReplyFilter, for checks. */
export const AUTO_REPLY_FILTERS: readonly AutoReplyFilter[] = ['only', 'none'];

/** Filter requests the webview sends. */
export type FilterRequests = {
  /** Replaces the filter (null clears it); matches follow as `filterMatches` events of `generation`. */
  setFilter: { params: { generation: number; filter: FilterSpec | null }; result: Done };
};

/** Filter events the host sends. */
export type FilterEvents = {
  /** Which entries match filter `generation`: a bitmap over the entries tested since the last one (shared/matchBits.ts). */
  filterMatches: { generation: number; bits: ArrayBuffer; scannedTo: number; done: boolean };
  /** Filter `generation` was turned off, for the reason `message` says (its pattern took too long). */
  filterOff: { generation: number; message: string };
};
