// Tells screen readers what happens without their asking: new entries at the tail of the log and
// changes of the connection's state, through one polite live region. A flood must not drown the
// reader, so new entries are summed and said at most once per interval, and only while the view
// follows the tail: someone reading older entries is not interrupted.
import type { ConnectionState } from '../shared/logModel';
import type { ErrorInfo } from '../shared/protocol';
import { connectionStateText, NewEntryCounter } from './announcementText';
import { h } from './domBuilder';

/** The panel's live region. */
export class LiveAnnouncer {
  readonly element: HTMLElement;
  private readonly counter = new NewEntryCounter();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastState: string | undefined;
  private lastDecode: string | undefined;

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

  /** How the connection's messages are read (the layer and its state); changes after the first are said. */
  decode(text: string): void {
    const first = this.lastDecode === undefined;
    if (text === this.lastDecode) return;
    this.lastDecode = text;
    if (!first && text !== '') this.say(text);
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
