// The strip of a server panel (Listen…, Proxy…): which log is on screen — the server's own or one
// peer's, with each WebSocket peer's Origin — how many peers there are (and what a listener's limits
// evicted or refused), whether the server faces the network, following the newest peer, and the
// auto-reply rules button.
import { visibleText } from '../shared/codecs/utf8Decode';
import type { ConnectionState } from '../shared/logModel';
import type { PeerLimitsInfo, PeerListInfo, PeerSummary } from '../shared/protocol';
import { h, setText } from './domBuilder';
import { t } from './l10n';

/** What the peer bar asks of the rest of the webview. */
export interface PeerBarDeps {
  /** Show peer `id` (0: the server's own log). */
  select(id: number): void;
  /** Follow each newly accepted peer, or stop following. */
  setFollow(follow: boolean): void;
  /** Open or close the auto-reply rules editor. */
  toggleAutoReplies(): void;
}

type SelectElement = HTMLElement & { value: string; disabled: boolean };
type CheckboxElement = HTMLElement & { checked: boolean };

const SERVER_STATES: Record<ConnectionState, string> = {
  idle: t('not started'),
  connecting: t('starting'),
  open: t('listening'),
  closing: t('stopping'),
  closed: t('stopped'),
  error: t('failed'),
};

/** The selector's label of the server's own log. */
export function serverItemLabel(info: PeerListInfo): string {
  const state = info.mode === 'proxy' && info.serverState === 'open' ? t('forwarding') : SERVER_STATES[info.serverState];
  return t('Server log ({0})', state);
}

/** The selector's label of one peer: "#2 127.0.0.1:51234 (open)", and "· Origin https://…" when its client sent one. */
export function peerItemLabel(p: PeerSummary): string {
  // The Origin is the client's to write: control and bidi characters are spelled out.
  return `#${p.id} ${p.remote} (${p.state})${p.origin !== undefined ? ` · ${t('Origin {0}', visibleText(p.origin))}` : ''}`;
}

function mebibytes(n: number): string {
  return `${+(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** "2 peers · 1 open", then what a listener's limits did: "· 40 evicted · 3 refused". */
export function peerCountLabel(info: PeerListInfo): string {
  const total = info.peers.length + info.omitted;
  const parts = [total === 1 ? t('1 peer') : t('{0} peers', total), t('{0} open', info.openCount)];
  const limits = info.limits;
  if (limits && limits.evictedPeers > 0) parts.push(t('{0} evicted', limits.evictedPeers));
  if (limits && limits.refused > 0) parts.push(t('{0} refused', limits.refused));
  return parts.join(' · ');
}

/** The tooltip of the count: the budget, and what it evicted, cleared and refused. */
function limitsTooltip(limits: PeerLimitsInfo | undefined): string {
  if (!limits) return '';
  const lines = [t('Memory budget of this listener and its peers\' logs: {0}', mebibytes(limits.budgetBytes))];
  if (limits.evictedPeers > 0) lines.push(t('{0} closed peers evicted with their logs ({1})', limits.evictedPeers, mebibytes(limits.evictedBytes)));
  if (limits.clearedPeers > 0) lines.push(t('{0} open peers\' logs cleared', limits.clearedPeers));
  if (limits.refused > 0) lines.push(t('{0} clients refused (see the server log)', limits.refused));
  return lines.join('\n');
}

function option(value: string, label: string): HTMLElement {
  const o = document.createElement('vscode-option');
  o.setAttribute('value', value);
  o.textContent = label;
  return o;
}

/** The peer selector strip; hidden until the panel shows a server. */
export class PeerBar {
  readonly element: HTMLElement;
  private readonly select: SelectElement;
  private readonly count: HTMLElement;
  private readonly exposed: HTMLElement;
  private readonly follow: CheckboxElement;
  private readonly autoRepliesButton: HTMLElement;
  /** Labels currently in the select, to rebuild it only when they changed (an open dropdown stays open). */
  private optionsKey = '';
  private info: PeerListInfo | undefined;

  constructor(private readonly deps: PeerBarDeps) {
    this.select = document.createElement('vscode-single-select') as SelectElement;
    this.select.className = 'peer-select';
    this.select.dataset.testid = 'peer-select';
    this.select.setAttribute('aria-label', t('Show the log of'));
    this.select.addEventListener('change', () => {
      const id = Number(this.select.value);
      if (Number.isInteger(id) && id !== this.info?.selected) this.deps.select(id);
    });

    this.count = h('span', { className: 'count-label', testId: 'peer-count' });
    this.exposed = h('span', { className: 'exposed-warning', testId: 'peer-exposed' }, [
      h('span', { className: 'codicon codicon-warning', attrs: { 'aria-hidden': 'true' } }),
      h('span', { text: t('Reachable from other machines') }),
    ]);
    this.exposed.hidden = true;

    this.follow = document.createElement('vscode-checkbox') as CheckboxElement;
    this.follow.setAttribute('label', t('Follow newest peer'));
    this.follow.title = t('Switch to each client as soon as it connects');
    this.follow.dataset.testid = 'peer-follow';
    this.follow.addEventListener('change', () => this.deps.setFollow(this.follow.checked));

    this.autoRepliesButton = document.createElement('vscode-button');
    this.autoRepliesButton.setAttribute('secondary', '');
    this.autoRepliesButton.setAttribute('icon', 'reply');
    this.autoRepliesButton.dataset.testid = 'auto-replies-toggle';
    this.autoRepliesButton.title = t('Rules that answer matching messages by themselves, so a mock server needs no code');
    this.autoRepliesButton.textContent = t('Auto-replies');
    this.autoRepliesButton.addEventListener('click', () => this.deps.toggleAutoReplies());

    this.element = h('div', { className: 'peer-bar', testId: 'peer-bar', attrs: { role: 'toolbar', 'aria-label': t('Peers') } }, [
      h('span', { className: 'codicon codicon-radio-tower', attrs: { 'aria-hidden': 'true' } }),
      this.select,
      this.count,
      this.exposed,
      this.follow,
      h('span', { className: 'spacer' }),
      this.autoRepliesButton,
    ]);
    this.element.hidden = true;
  }

  /** Shows the peer list, or hides the strip for a panel that shows a single connection. */
  update(info: PeerListInfo | undefined): void {
    this.info = info;
    this.element.hidden = !info;
    if (!info) return;
    const items: Array<[string, string]> = [['0', serverItemLabel(info)], ...info.peers.map((p): [string, string] => [String(p.id), peerItemLabel(p)])];
    const key = items.map(([v, l]) => `${v}\u0000${l}`).join('\u0001');
    if (key !== this.optionsKey) {
      this.optionsKey = key;
      this.select.replaceChildren(...items.map(([v, l]) => option(v, l)));
    }
    if (this.select.value !== String(info.selected)) this.select.value = String(info.selected);
    setText(this.count, peerCountLabel(info));
    this.count.title = limitsTooltip(info.limits);
    this.exposed.hidden = !info.beyondLoopback;
    this.exposed.title = info.beyondLoopback ? t('{0} is bound to an address other machines can reach, not only this one (127.0.0.1 or ::1)', visibleText(info.serverLabel)) : '';
    if (this.follow.checked !== info.followNewest) this.follow.checked = info.followNewest;
    this.autoRepliesButton.hidden = !info.autoReplies;
  }

  /** Shows how many rules are on (in the button's label). */
  setActiveRules(count: number): void {
    setText(this.autoRepliesButton, count > 0 ? t('Auto-replies ({0})', count) : t('Auto-replies'));
  }
}
