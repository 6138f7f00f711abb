// The timing line of the detail pane: time since the previous entry of the log (not of the filtered
// view) and the request/response pairs of the selected entry, with links to jump to the other side.
import type { EntryPair, EntryTiming, TimingSummary } from '../shared/timingModel';
import { clear, h } from './domBuilder';
import { formatDuration } from './timingFormat';
import { t, tParts } from './l10n';

/** What the timing line needs from the rest of the webview. */
export interface TimingLineDeps {
  getTiming(seq: number): Promise<EntryTiming>;
  /** Selects another entry (the other side of a pair). */
  jump(seq: number): void;
}

type PairSentence = (link: HTMLElement, rtt: string) => Array<HTMLElement | string>;

/** How each side of a pair reads, per kind of pair: the other entry's link and the round trip time. */
const PAIR_WORDS: Record<EntryPair['via'], { request: PairSentence; response: PairSentence }> = {
  json: { request: (link, rtt) => tParts('Answered by {0} after {1}', link, rtt), response: (link, rtt) => tParts('Response to {0} after {1}', link, rtt) },
  ping: { request: (link, rtt) => tParts('Pong {0} after {1}', link, rtt), response: (link, rtt) => tParts('Pong to ping {0} after {1}', link, rtt) },
  ack: { request: (link, rtt) => tParts('Acknowledged by {0} after {1}', link, rtt), response: (link, rtt) => tParts('Ack to {0} after {1}', link, rtt) },
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
      (timing) => {
        if (token === this.token) this.render(timing);
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
    const b = h('button', { className: 'link-button', testId: 'timing-jump', text: `#${seq}`, title: t('Show entry #{0}', seq) });
    b.dataset.seq = String(seq);
    b.addEventListener('click', () => this.deps.jump(seq));
    return b;
  }

  private keyText(key: string | undefined): string {
    return key === undefined ? '' : ` · ${this.field || t('key')} = ${key}`;
  }

  private pairPart(p: EntryPair): HTMLElement {
    const rtt = formatDuration(p.rttMs);
    const words = PAIR_WORDS[p.via];
    const children: Array<Node | string> = (p.role === 'response' ? words.response : words.request)(this.link(p.otherSeq), rtt);
    if (p.via === 'json') children.push(this.keyText(p.key));
    if (p.via === 'ack' && p.key !== undefined) children.push(' · ', t('ack {0}', p.key));
    return h('span', { className: 'timing-pair', testId: 'timing-pair', attrs: { 'data-role': p.role, 'data-via': p.via } }, children);
  }

  private render(timing: EntryTiming): void {
    clear(this.element);
    const parts: HTMLElement[] = [
      h('span', {
        className: 'timing-delta',
        testId: 'timing-delta',
        title: t('Time since the previous entry of the log (filters do not change it)'),
        text: timing.sincePreviousMs === undefined ? t('First entry') : t('Δ +{0} since #{1}', formatDuration(timing.sincePreviousMs), timing.seq - 1),
      }),
    ];
    for (const p of timing.pairs) parts.push(this.pairPart(p));
    if (timing.awaiting) {
      parts.push(
        h('span', {
          className: 'timing-awaiting',
          testId: 'timing-awaiting',
          text:
            timing.awaiting.via === 'ping'
              ? t('Waiting for a pong')
              : timing.awaiting.via === 'ack'
                ? timing.awaiting.key !== undefined ? t('Waiting for an ack · ack {0}', timing.awaiting.key) : t('Waiting for an ack')
                : t('Waiting for an answer{0}', this.keyText(timing.awaiting.key)),
        }),
      );
    }
    this.element.append(...parts);
    this.element.hidden = false;
  }
}
