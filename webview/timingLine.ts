// The timing line of the detail pane: time since the previous entry of the log (not of the filtered
// view) and the request/response pairs of the selected entry, with links to jump to the other side.
import type { EntryPair, EntryTiming, TimingSummary } from '../shared/timingModel';
import { clear, h } from './domBuilder';
import { formatDuration } from './timingFormat';

/** What the timing line needs from the rest of the webview. */
export interface TimingLineDeps {
  getTiming(seq: number): Promise<EntryTiming>;
  /** Selects another entry (the other side of a pair). */
  jump(seq: number): void;
}

/** How each side of a pair reads, per kind of pair. */
const PAIR_WORDS: Record<EntryPair['via'], { request: string; response: string }> = {
  json: { request: 'Answered by ', response: 'Response to ' },
  ping: { request: 'Pong ', response: 'Pong to ping ' },
  ack: { request: 'Acknowledged by ', response: 'Ack to ' },
};

/** Coalesces refetches when the summary keeps changing (a busy connection), ms. */
const REFRESH_DELAY_MS = 150;

/** One line under the detail header. */
export class TimingLine {
  readonly element: HTMLElement;
  private seq: number | undefined;
  private token = 0;
  private field = '';
  private summaryKey = '';
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: TimingLineDeps) {
    this.element = h('div', { className: 'detail-timing', testId: 'detail-timing', attrs: { 'aria-live': 'polite' } });
    this.element.hidden = true;
  }

  /** Shows the timing of an entry (undefined hides the line). */
  show(seq: number | undefined): void {
    this.seq = seq;
    const token = ++this.token;
    if (seq === undefined) {
      clear(this.element);
      this.element.hidden = true;
      return;
    }
    this.deps.getTiming(seq).then(
      (t) => {
        if (token === this.token) this.render(t);
      },
      () => {
        // The entry left the log (cleared, evicted): the payload view says so already.
        if (token !== this.token) return;
        clear(this.element);
        this.element.hidden = true;
      },
    );
  }

  /** New round-trip summary: pairs may have changed (an answer arrived, the field changed). */
  onSummary(timing: TimingSummary | undefined): void {
    this.field = timing?.field ?? '';
    const key = JSON.stringify(timing ?? null);
    if (key === this.summaryKey) return;
    this.summaryKey = key;
    if (this.seq === undefined || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.seq !== undefined) this.show(this.seq);
    }, REFRESH_DELAY_MS);
  }

  private link(seq: number): HTMLElement {
    const b = h('button', { className: 'link-button', testId: 'timing-jump', text: `#${seq}`, title: `Show entry #${seq}` });
    b.dataset.seq = String(seq);
    b.addEventListener('click', () => this.deps.jump(seq));
    return b;
  }

  private keyText(key: string | undefined): string {
    return key === undefined ? '' : ` · ${this.field || 'key'} = ${key}`;
  }

  private pairPart(p: EntryPair): HTMLElement {
    const rtt = formatDuration(p.rttMs);
    const words = PAIR_WORDS[p.via];
    const children: Array<Node | string> = [p.role === 'response' ? words.response : words.request, this.link(p.otherSeq), ` after ${rtt}`];
    if (p.via === 'json') children.push(this.keyText(p.key));
    if (p.via === 'ack' && p.key !== undefined) children.push(` · ack ${p.key}`);
    return h('span', { className: 'timing-pair', testId: 'timing-pair', attrs: { 'data-role': p.role, 'data-via': p.via } }, children);
  }

  private render(t: EntryTiming): void {
    clear(this.element);
    const parts: HTMLElement[] = [
      h('span', {
        className: 'timing-delta',
        testId: 'timing-delta',
        title: 'Time since the previous entry of the log (filters do not change it)',
        text: t.sincePreviousMs === undefined ? 'First entry' : `Δ +${formatDuration(t.sincePreviousMs)} since #${t.seq - 1}`,
      }),
    ];
    for (const p of t.pairs) parts.push(this.pairPart(p));
    if (t.awaiting) {
      parts.push(
        h('span', {
          className: 'timing-awaiting',
          testId: 'timing-awaiting',
          text:
            t.awaiting.via === 'ping'
              ? 'Waiting for a pong'
              : t.awaiting.via === 'ack'
                ? `Waiting for an ack${t.awaiting.key !== undefined ? ` · ack ${t.awaiting.key}` : ''}`
                : `Waiting for an answer${this.keyText(t.awaiting.key)}`,
        }),
      );
    }
    this.element.append(...parts);
    this.element.hidden = false;
  }
}
