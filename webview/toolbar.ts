// The top strip: what we are connected to and in what state, connect/disconnect, clear, follow, session
// save and replay, and the running counters.
import type { ConnectionState } from '../shared/logModel';
import type { ErrorInfo, PanelSessionInfo, PanelStats } from '../shared/protocol';
import { h, icon, setText } from './domBuilder';
import { formatBytes, formatCount } from './entryFormat';

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
  idle: 'Not connected',
  connecting: 'Connecting…',
  open: 'Open',
  closing: 'Closing…',
  closed: 'Closed',
  error: 'Error',
};

const STATE_ICONS: Record<ConnectionState, string> = {
  idle: 'circle-outline',
  connecting: 'loading',
  open: 'circle-filled',
  closing: 'loading',
  closed: 'circle-outline',
  error: 'error',
};

type ToggleElement = HTMLElement & { checked: boolean };

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
  private readonly replayButton: HTMLElement;
  private readonly inStat: HTMLElement;
  private readonly outStat: HTMLElement;
  private readonly rateStat: HTMLElement;
  private readonly droppedStat: HTMLElement;
  private readonly spacer: HTMLElement;
  private state: ConnectionState = 'idle';
  private lastStats: PanelStats | undefined;

  constructor(private readonly deps: ToolbarDeps) {
    this.target = h('span', { className: 'target', testId: 'connection-target' });
    this.statusIcon = icon('circle-outline');
    this.statusText = h('span', { text: STATE_LABELS.idle });
    this.status = h('span', { className: 'status-badge', testId: 'connection-status', attrs: { role: 'status' } }, [this.statusIcon, this.statusText]);
    this.status.dataset.state = 'closed';

    this.connectButton = document.createElement('vscode-button') as unknown as HTMLElement & { disabled: boolean };
    this.connectButton.setAttribute('secondary', '');
    this.connectButton.dataset.testid = 'connect-toggle';
    this.connectButton.addEventListener('click', () => (this.isConnected() ? this.deps.disconnect() : this.deps.connect()));

    const clearButton = document.createElement('vscode-toolbar-button');
    clearButton.setAttribute('icon', 'clear-all');
    clearButton.setAttribute('label', 'Clear the log');
    clearButton.title = 'Clear the log';
    clearButton.dataset.testid = 'clear';
    clearButton.addEventListener('click', () => this.deps.clear());

    this.follow = document.createElement('vscode-toolbar-button') as ToggleElement;
    this.follow.setAttribute('icon', 'fold-down');
    this.follow.setAttribute('toggleable', '');
    this.follow.setAttribute('label', 'Follow new entries');
    this.follow.title = 'Follow new entries (scroll up to pause)';
    this.follow.dataset.testid = 'follow';
    this.follow.checked = true;
    this.follow.addEventListener('change', () => this.deps.setFollow(this.follow.checked));

    this.saveButton = document.createElement('vscode-toolbar-button');
    this.saveButton.setAttribute('icon', 'save');
    this.saveButton.setAttribute('label', 'Save session');
    this.saveButton.title = 'Save session';
    this.saveButton.dataset.testid = 'session-save';
    this.saveButton.hidden = true;
    this.saveButton.addEventListener('click', () => this.deps.save());

    this.replayButton = document.createElement('vscode-toolbar-button');
    this.replayButton.setAttribute('icon', 'debug-rerun');
    this.replayButton.setAttribute('label', 'Replay sent messages');
    this.replayButton.title = "Replay the session file's sent messages";
    this.replayButton.dataset.testid = 'session-replay';
    this.replayButton.hidden = true;
    this.replayButton.addEventListener('click', () => this.deps.replay());

    this.inStat = h('span', { className: 'stat', testId: 'stat-in', title: 'Received: messages · bytes' });
    this.outStat = h('span', { className: 'stat', testId: 'stat-out', title: 'Sent: messages · bytes' });
    this.rateStat = h('span', { className: 'stat', testId: 'stat-rate', title: 'Messages per second (in + out), last second' });
    this.droppedStat = h('span', { className: 'stat stat-warning', testId: 'stat-dropped', title: 'Oldest entries dropped by the retention limit' });
    this.droppedStat.hidden = true;

    this.element = h('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Connection' } }, [
      this.status,
      this.target,
      this.connectButton,
      h('span', { className: 'divider' }),
      clearButton,
      this.follow,
      this.saveButton,
      this.replayButton,
      (this.spacer = h('span', { className: 'spacer' })),
      this.inStat,
      this.outStat,
      this.rateStat,
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
    this.saveButton.title = session?.fileName ? `Save session to ${session.fileName}` : 'Save session as…';
    this.replayButton.hidden = !session?.canReplay;
  }

  setTarget(target: string): void {
    setText(this.target, target);
    this.target.title = target;
  }

  setState(state: ConnectionState, error: ErrorInfo | undefined): void {
    this.state = state;
    this.status.dataset.state = badgeState(state);
    this.status.dataset.detail = state;
    this.statusIcon.className = `codicon codicon-${STATE_ICONS[state]}${state === 'connecting' || state === 'closing' ? ' codicon-modifier-spin' : ''}`;
    setText(this.statusText, STATE_LABELS[state]);
    this.status.title = error ? error.message : STATE_LABELS[state];
    const connected = this.isConnected();
    this.connectButton.setAttribute('icon', connected ? 'debug-disconnect' : 'plug');
    setText(this.connectButton, connected ? 'Disconnect' : state === 'idle' ? 'Connect' : 'Reconnect');
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
    setText(this.droppedStat, `${formatCount(stats.droppedEntries)} dropped`);
  }

  private isConnected(): boolean {
    return this.state === 'open' || this.state === 'connecting' || this.state === 'closing';
  }
}
