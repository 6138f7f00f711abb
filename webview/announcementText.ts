// What the live region says and when: new entries summed and said at most once per interval while
// the view follows the tail, connection states in words. Pure: the clock is passed in.
import type { ConnectionState } from '../shared/logModel';
import type { ErrorInfo } from '../shared/protocol';
import { formatCount } from './entryFormat';
import { t } from './l10n';

/** Least time between two "N new entries" announcements, ms. */
export const NEW_ENTRIES_INTERVAL_MS = 5000;

/** "1 new entry", "1,234 new entries". */
export function newEntriesText(count: number): string {
  return count === 1 ? t('{0} new entry', formatCount(count)) : t('{0} new entries', formatCount(count));
}

/** What is said when the connection's state changes. */
export function connectionStateText(state: ConnectionState, error: ErrorInfo | undefined): string {
  switch (state) {
    case 'idle':
      return t('Not connected');
    case 'connecting':
      return t('Connecting');
    case 'open':
      return t('Connection open');
    case 'closing':
      return t('Connection closing');
    case 'closed':
      return t('Connection closed');
    case 'error':
      return error ? t('Connection error: {0}', error.message) : t('Connection error');
  }
}

/** Counts new entries and decides when they are said. Pure: the clock is passed in. */
export class NewEntryCounter {
  /** nextSeq when last looked at; undefined before the first look. */
  private baseline: number | undefined;
  private pending = 0;
  private lastSaid = Number.NEGATIVE_INFINITY;
  private following = false;

  constructor(private readonly intervalMs = NEW_ENTRIES_INTERVAL_MS) {}

  /**
   * The log's next seq now, and whether the view follows the tail. Returns the ms to wait until
   * {@link take} has something to say (0: now), or undefined when nothing is pending.
   */
  update(nextSeq: number, following: boolean, now: number): number | undefined {
    const returned = following && !this.following;
    this.following = following;
    if (this.baseline === undefined || nextSeq < this.baseline || !following || returned) {
      // The log as first loaded, another log (a new framing view), the user reading elsewhere, or
      // what came while they did: none of it is news.
      this.baseline = nextSeq;
      this.pending = 0;
      return undefined;
    }
    this.pending += nextSeq - this.baseline;
    this.baseline = nextSeq;
    if (this.pending === 0) return undefined;
    return Math.max(0, this.lastSaid + this.intervalMs - now);
  }

  /** The text to say now, resetting the count; undefined when nothing is pending or it is too soon. */
  take(now: number): string | undefined {
    if (this.pending === 0 || now < this.lastSaid + this.intervalMs) return undefined;
    const text = newEntriesText(this.pending);
    this.pending = 0;
    this.lastSaid = now;
    return text;
  }
}
