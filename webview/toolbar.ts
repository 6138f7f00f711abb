// The top strip: what we are connected to and in what state, connect/disconnect, clear, follow, session
// save and replay (a server panel: Save Server), and the running counters.
import type { ConnectionState } from '../shared/logModel';
import type { ErrorInfo, PanelSessionInfo, PanelStats } from '../shared/protocol';
import { visibleText } from '../shared/codecs/utf8Decode';
import { h, icon, setText } from './domBuilder';
import { copyEscapes, setEscapedText } from './escapedText';
import { formatBytes, formatCount } from './entryFormat';
import { formatTimingSummary } from './timingFormat';
import { connectLabel } from './toolbarLabels';
import { t } from './l10n';

/** What the toolbar's buttons do. */
export interface ToolbarDeps {
  connect(): void;
  disconnect(): void;
  clear(): void;
  setFollow(follow: boolean): void;
  /** Save Session (to the panel's file, or Save As). */
  save(): void;
  /** Replay the session file's sent messages. */
  replay(): void;
  /** Record the selected rows (or the whole log) as a test of the session file. */
  recordTest(): void;
  /** Save Server (a listener or proxy, as a *.socket-server.json). */
  saveServer(): void;
}

/** The `data-state` of the status badge: the four states tests and themes distinguish. */
export function badgeState(state: ConnectionState): 'connecting' | 'open' | 'closed' | 'error' {
  switch (state) {
    case 'connecting':
      return 'connecting';
    case 'open':
    case 'closing': // still open until the close handshake completes
      return 'open';
    case 'error':
      return 'error';
    default:
      return 'closed';
  }
}

const STATE_LABELS: Record<ConnectionState, string> = {
  idle: t('Not connected'),
  connecting: t('Connecting…'),
  open: t('Open'),
  closing: t('Closing…'),
  closed: t('Closed'),
  error: t('Error'),
};

const STATE_ICONS: Record<ConnectionState, string> = {
  idle: 'circle-outline',
  connecting: 'loading',
  open: 'circle-filled',
  closing: 'loading',
  closed: 'circle-outline',
  error: 'error',
};

/** What a peer's FIN means for the user, on the badge. */
const HALF_CLOSED_TITLE =
  t('The peer sent its FIN: it will send nothing more. Send still delivers to it (a peer that closed completely answers with a reset); Disconnect sends our FIN and closes.');

type ToggleElement = HTMLElement & { checked: boolean };

/** What the panel shows: one connection, a server's own log, or one peer of a server. */
export type ToolbarMode = 'connection' | 'server' | 'peer';

/** A server's states in its own words. */
const SERVER_STATE_LABELS: Partial<Record<ConnectionState, string>> = {
  connecting: t('Starting…'),
  open: t('Listening'),
  closed: t('Stopped'),
};

/** The panel's toolbar. */
export class Toolbar {
  readonly element: HTMLElement;
  private readonly target: HTMLElement;
  private readonly status: HTMLElement;
  private readonly statusIcon: HTMLElement;
  private readonly statusText: HTMLElement;
  private readonly connectButton: HTMLElement & { disabled: boolean };
  private readonly follow: ToggleElement;
  private readonly saveButton: HTMLElement;
  private readonly saveServerButton: HTMLElement;
  private readonly replayButton: HTMLElement;
  private readonly recordTestButton: HTMLElement;
  private readonly inStat: HTMLElement;
  private readonly outStat: HTMLElement;
  private readonly rateStat: HTMLElement;
  private readonly droppedStat: HTMLElement;
  private readonly rttStat: HTMLElement;
  private readonly spacer: HTMLElement;
  private state: ConnectionState = 'idle';
  private lastError: ErrorInfo | undefined;
  private peerHalfClosed = false;
  private mode: ToolbarMode = 'connection';
  private lastStats: PanelStats | undefined;

  constructor(private readonly deps: ToolbarDeps) {
    this.target = h('span', { className: 'target', testId: 'connection-target' });
    this.target.addEventListener('copy', copyEscapes);
    this.statusIcon = icon('circle-outline');
    this.statusText = h('span', { text: STATE_LABELS.idle });
    // Not a live region: the panel's LiveAnnouncer says state changes (once, in words).
    this.status = h('span', { className: 'status-badge', testId: 'connection-status' }, [this.statusIcon, this.statusText]);
    this.status.dataset.state = 'closed';

    this.connectButton = document.createElement('vscode-button') as unknown as HTMLElement & { disabled: boolean };
    this.connectButton.setAttribute('secondary', '');
    this.connectButton.dataset.testid = 'connect-toggle';
    this.connectButton.addEventListener('click', () => (this.isConnected() ? this.deps.disconnect() : this.deps.connect()));

    const clearButton = document.createElement('vscode-toolbar-button');
    clearButton.setAttribute('icon', 'clear-all');
    clearButton.setAttribute('label', t('Clear the log'));
    clearButton.title = t('Clear the log');
    clearButton.dataset.testid = 'clear';
    clearButton.addEventListener('click', () => this.deps.clear());

    this.follow = document.createElement('vscode-toolbar-button') as ToggleElement;
    this.follow.setAttribute('icon', 'fold-down');
    this.follow.setAttribute('toggleable', '');
    this.follow.setAttribute('label', t('Follow new entries'));
    this.follow.title = t('Follow new entries (scroll up to pause)');
    this.follow.dataset.testid = 'follow';
    this.follow.checked = true;
    this.follow.addEventListener('change', () => this.deps.setFollow(this.follow.checked));

    this.saveButton = document.createElement('vscode-toolbar-button');
    this.saveButton.setAttribute('icon', 'save');
    this.saveButton.setAttribute('label', t('Save session'));
    this.saveButton.title = t('Save session');
    this.saveButton.dataset.testid = 'session-save';
    this.saveButton.hidden = true;
    this.saveButton.addEventListener('click', () => this.deps.save());

    // Server panels save the listener or proxy itself (address, rules, hold, layer, framing), not a session.
    this.saveServerButton = document.createElement('vscode-toolbar-button');
    this.saveServerButton.setAttribute('icon', 'save');
    this.saveServerButton.setAttribute('label', t('Save server'));
    this.saveServerButton.title = t('Save server (listen address, protocol layer, auto-replies, hold settings, upstream) as a .socket-server.json file');
    this.saveServerButton.dataset.testid = 'server-save';
    this.saveServerButton.hidden = true;
    this.saveServerButton.addEventListener('click', () => this.deps.saveServer());

    this.replayButton = document.createElement('vscode-toolbar-button');
    this.replayButton.setAttribute('icon', 'debug-rerun');
    this.replayButton.setAttribute('label', t('Replay sent messages'));
    this.replayButton.title = t("Replay the session file's sent messages");
    this.replayButton.dataset.testid = 'session-replay';
    this.replayButton.hidden = true;
    this.replayButton.addEventListener('click', () => this.deps.replay());

    this.recordTestButton = document.createElement('vscode-toolbar-button');
    this.recordTestButton.setAttribute('icon', 'beaker');
    this.recordTestButton.setAttribute('label', t('Record as test'));
    this.recordTestButton.title = t('Record the selected rows (Shift+click extends the selection), or the whole log, as a test of the session file');
    this.recordTestButton.dataset.testid = 'session-record-test';
    this.recordTestButton.hidden = true;
    this.recordTestButton.addEventListener('click', () => this.deps.recordTest());

    this.inStat = h('span', { className: 'stat', testId: 'stat-in', title: t('Received: messages · bytes') });
    this.outStat = h('span', { className: 'stat', testId: 'stat-out', title: t('Sent: messages · bytes') });
    this.rateStat = h('span', { className: 'stat', testId: 'stat-rate', title: t('Messages per second (in + out), last second') });
    this.droppedStat = h('span', { className: 'stat stat-warning', testId: 'stat-dropped', title: t('Oldest entries dropped by the retention limit') });
    this.droppedStat.hidden = true;
    this.rttStat = h('span', { className: 'stat', testId: 'stat-rtt', title: t('Round trips: pairs, min · median · p95 · max (median and p95 of the last 10,000), unanswered requests') });
    this.rttStat.hidden = true;

    this.element = h('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': t('Connection') } }, [
      this.status,
      this.target,
      this.connectButton,
      h('span', { className: 'divider' }),
      clearButton,
      this.follow,
      this.saveButton,
      this.saveServerButton,
      this.replayButton,
      this.recordTestButton,
      (this.spacer = h('span', { className: 'spacer' })),
      this.inStat,
      this.outStat,
      this.rateStat,
      this.rttStat,
      this.droppedStat,
    ]);
    this.setState('idle', undefined);
    this.setStats({ firstSeq: 0, nextSeq: 0, in: { entries: 0, bytes: 0 }, out: { entries: 0, bytes: 0 }, droppedEntries: 0, messagesPerSecond: 0 });
  }

  /** Adds a control of another module (the framing choice) after the buttons, before the counters. */
  addControl(control: HTMLElement): void {
    this.element.insertBefore(control, this.spacer);
  }

  /** Shows the session buttons the panel supports (none without session details). */
  setSession(session: PanelSessionInfo | undefined): void {
    this.saveButton.hidden = !session || session.readOnly;
    this.saveButton.title = session?.fileName ? session.unsaved ? t('Save session to {0} (changed since saved)', session.fileName) : t('Save session to {0}', session.fileName) : t('Save session as…');
    if (session?.unsaved) this.saveButton.dataset.unsaved = 'true';
    else delete this.saveButton.dataset.unsaved;
    this.replayButton.hidden = !session?.canReplay;
    this.recordTestButton.hidden = !session || session.readOnly;
  }

  setTarget(target: string): void {
    // The URL came from a command argument or a session file: it must not read differently than it is.
    setEscapedText(this.target, target);
    this.target.title = visibleText(target);
  }

  /** A TCP peer sent its FIN while our side is open: the badge says so until the state moves on. */
  setPeerHalfClosed(halfClosed: boolean): void {
    this.peerHalfClosed = halfClosed;
  }

  setState(state: ConnectionState, error: ErrorInfo | undefined): void {
    this.state = state;
    this.lastError = error;
    const halfClosed = this.peerHalfClosed && state === 'open';
    const label = halfClosed ? t('Open · peer half-closed') : ((this.mode === 'server' ? SERVER_STATE_LABELS[state] : undefined) ?? STATE_LABELS[state]);
    this.status.dataset.state = badgeState(state);
    this.status.dataset.detail = state;
    if (halfClosed) this.status.dataset.halfClosed = 'peer';
    else delete this.status.dataset.halfClosed;
    this.statusIcon.className = `codicon codicon-${halfClosed ? 'arrow-up' : STATE_ICONS[state]}${state === 'connecting' || state === 'closing' ? ' codicon-modifier-spin' : ''}`;
    setText(this.statusText, label);
    this.status.title = error ? error.message : halfClosed ? HALF_CLOSED_TITLE : label;
    const connected = this.isConnected();
    if (this.mode === 'server') {
      this.connectButton.setAttribute('icon', connected ? 'debug-stop' : 'debug-start');
      setText(this.connectButton, connected ? t('Stop') : t('Listen again'));
    } else {
      this.connectButton.setAttribute('icon', connected ? 'debug-disconnect' : 'plug');
      setText(this.connectButton, connectLabel(state));
    }
    // A peer connected to us: it can be dropped, not reconnected from here.
    this.connectButton.hidden = this.mode === 'peer' && !connected;
  }

  /** Switches the labels between a connection, a server (Stop / Listen again) and a server's peer. */
  setMode(mode: ToolbarMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.saveServerButton.hidden = mode === 'connection';
    this.setState(this.state, this.lastError);
  }

  /** Reflects whether the log follows new entries (the user may have scrolled away). */
  setFollowing(following: boolean): void {
    if (this.follow.checked !== following) this.follow.checked = following;
  }

  setStats(stats: PanelStats): void {
    if (stats === this.lastStats) return;
    this.lastStats = stats;
    setText(this.inStat, `↓ ${formatCount(stats.in.entries)} · ${formatBytes(stats.in.bytes)}`);
    setText(this.outStat, `↑ ${formatCount(stats.out.entries)} · ${formatBytes(stats.out.bytes)}`);
    setText(this.rateStat, `${formatCount(Math.round(stats.messagesPerSecond))} msg/s`);
    this.droppedStat.hidden = stats.droppedEntries === 0;
    setText(this.droppedStat, t('{0} dropped', formatCount(stats.droppedEntries)));
    const rtt = formatTimingSummary(stats.timing);
    this.rttStat.hidden = rtt === '';
    setText(this.rttStat, rtt);
  }

  private isConnected(): boolean {
    return this.state === 'open' || this.state === 'connecting' || this.state === 'closing';
  }
}
