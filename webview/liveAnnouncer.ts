// Tells screen readers what happens without their asking: new entries at the tail of the log and
// changes of the connection's state, through one polite live region. A flood must not drown the
// reader, so new entries are summed and said at most once per interval, and only while the view
// follows the tail: someone reading older entries is not interrupted.
import type { ConnectionState } from '../shared/logModel';
import type { ErrorInfo } from '../shared/protocol';
import { h } from './domBuilder';
import { formatCount } from './entryFormat';

/** Least time between two "N new entries" announcements, ms. */
export const NEW_ENTRIES_INTERVAL_MS = 5000;

/** "1 new entry", "1,234 new entries". */
export function newEntriesText(count: number): string {
  return `${formatCount(count)} new ${count === 1 ? 'entry' : 'entries'}`;
}

/** What is said when the connection's state changes. */
export function connectionStateText(state: ConnectionState, error: ErrorInfo | undefined): string {
  switch (state) {
    case 'idle':
      return 'Not connected';
    case 'connecting':
      return 'Connecting';
    case 'open':
      return 'Connection open';
    case 'closing':
      return 'Connection closing';
    case 'closed':
      return 'Connection closed';
    case 'error':
      return error ? `Connection error: ${error.message}` : 'Connection error';
  }
}

/** Counts new entries and decides when they are said. Pure: the clock is passed in. */
export class NewEntryCounter {
  /** nextSeq when last looked at; undefined before the first look. */
  private baseline: number | undefined;
  private pending = 0;
  private lastSaid = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs = NEW_ENTRIES_INTERVAL_MS) {}

  /**
   * The log's next seq now, and whether the view follows the tail. Returns the ms to wait until
   * {@link take} has something to say (0: now), or undefined when nothing is pending.
   */
  update(nextSeq: number, following: boolean, now: number): number | undefined {
    if (this.baseline === undefined || nextSeq < this.baseline || !following) {
      // The log as first loaded, another log (a new framing view), or the user reading elsewhere:
      // none of it is news.
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

/** The panel's live region. */
export class LiveAnnouncer {
  readonly element: HTMLElement;
  private readonly counter = new NewEntryCounter();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastState: string | undefined;

  constructor() {
    this.element = h('div', { className: 'sr-only', testId: 'live-region', attrs: { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' } });
  }

  /** The log's next seq and whether the view follows the tail; called whenever either may have changed. */
  entries(nextSeq: number, following: boolean): void {
    const wait = this.counter.update(nextSeq, following, Date.now());
    if (wait === undefined || this.timer !== undefined) return;
    if (wait === 0) this.sayPending();
    else this.timer = setTimeout(() => this.sayPending(), wait);
  }

  /** The connection's state; changes after the first are said. */
  connection(state: ConnectionState, error: ErrorInfo | undefined): void {
    const text = connectionStateText(state, error);
    const first = this.lastState === undefined;
    if (text === this.lastState) return;
    this.lastState = text;
    // The state the panel opens in is on screen in the toolbar; only changes are news.
    if (!first) this.say(text);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private sayPending(): void {
    this.timer = undefined;
    const text = this.counter.take(Date.now());
    if (text) this.say(text);
  }

  private say(text: string): void {
    // A region whose text does not change says nothing: the same words twice get a no-break space.
    this.element.textContent = this.element.textContent === text ? `${text}\u00a0` : text;
  }
}
