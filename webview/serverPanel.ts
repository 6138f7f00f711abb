// What a panel adds when it shows a server session: the peer bar, the auto-reply rules editor, and the
// composer's "Broadcast to all peers". It knows which log is on screen (the server's or a peer's) and
// so what the toolbar and the composer offer.
import type { ConnectionState } from '../shared/logModel';
import type { AutoRepliesInfo, AutoReplyRule, PeerListInfo } from '../shared/protocol';
import { AutoReplyEditor } from './autoReplyEditor';
import { h } from './domBuilder';
import { PeerBar } from './peerBar';
import type { ToolbarMode } from './toolbar';
import { t } from './l10n';

/** What the server part asks of the host channel and the rest of the page. */
export interface ServerPanelDeps {
  selectPeer(id: number, followNewest?: boolean): Promise<void>;
  setAutoReplies(rules: readonly AutoReplyRule[]): Promise<AutoRepliesInfo>;
  /** Which log is shown, or whether a broadcast is possible, changed. */
  onChange(): void;
  reportError(message: string): void;
}

type CheckboxElement = HTMLElement & { checked: boolean; disabled: boolean };

/** The server part of a panel; invisible while the panel shows a single connection. */
export class ServerPanel {
  /** The peer bar and, under it, the rules editor. */
  readonly element: HTMLElement;
  /** "Broadcast to all peers", for the composer. */
  readonly broadcastOption: CheckboxElement;
  private readonly peerBar: PeerBar;
  private readonly editor: AutoReplyEditor;
  private info: PeerListInfo | undefined;
  private broadcastChosen = false;

  constructor(private readonly deps: ServerPanelDeps) {
    this.peerBar = new PeerBar({
      select: (id) => this.select(id),
      setFollow: (follow) => this.select(this.info?.selected ?? 0, follow),
      toggleAutoReplies: () => this.editor.toggle(),
    });
    this.editor = new AutoReplyEditor({
      apply: (rules) => this.deps.setAutoReplies(rules),
      onActiveCount: (count) => this.peerBar.setActiveRules(count),
    });
    this.broadcastOption = document.createElement('vscode-checkbox') as CheckboxElement;
    this.broadcastOption.setAttribute('label', t('Broadcast to all peers'));
    this.broadcastOption.title = t('Send to every open peer of this server');
    this.broadcastOption.dataset.testid = 'composer-broadcast';
    this.broadcastOption.hidden = true;
    this.broadcastOption.addEventListener('change', () => {
      this.broadcastChosen = this.broadcastOption.checked;
      this.deps.onChange();
    });
    this.element = h('div', { className: 'server-part' }, [this.peerBar.element, this.editor.element]);
  }

  /** The peer list from a snapshot or a `peers` event (undefined: the panel shows a single connection). */
  update(info: PeerListInfo | undefined): void {
    this.info = info;
    this.peerBar.update(info);
    if (!info) this.editor.toggle(false);
    // On the server's own log every send goes to all peers; on a peer's log it is the user's choice; a
    // proxy pair's composer sends into one of its two legs (Send to:), never to other pairs.
    const onServer = !!info && info.selected === 0;
    this.broadcastOption.hidden = !info || (info.mode === 'proxy' && !onServer);
    this.broadcastOption.disabled = onServer;
    // vscode-checkbox leaves its inner input enabled: say it here, for screen readers (and axe, which
    // then knows the dimmed label is an inactive control's).
    if (onServer) this.broadcastOption.setAttribute('aria-disabled', 'true');
    else this.broadcastOption.removeAttribute('aria-disabled');
    this.broadcastOption.checked = onServer || this.broadcastChosen;
    this.deps.onChange();
  }

  /** A listener's rules (from a snapshot). */
  setAutoReplies(info: AutoRepliesInfo | undefined): void {
    this.editor.setRules(info);
  }

  /** The id of the peer shown, 0 for the server's log, undefined for a panel without a server. */
  get selected(): number | undefined {
    return this.info?.selected;
  }

  /** Whether a send goes to every peer. */
  get broadcast(): boolean {
    return !!this.info && (this.info.selected === 0 || (this.broadcastChosen && this.info.mode !== 'proxy'));
  }

  /** How the toolbar labels its buttons. */
  get mode(): ToolbarMode {
    if (!this.info) return 'connection';
    return this.info.selected === 0 ? 'server' : 'peer';
  }

  /** Whether the composer can send, given the state of the log shown. */
  canSend(shownState: ConnectionState): boolean {
    if (this.broadcast) return this.info!.serverState === 'open' && this.info!.openCount > 0;
    return shownState === 'open';
  }

  private select(id: number, followNewest?: boolean): void {
    this.deps.selectPeer(id, followNewest).catch((e: unknown) => {
      this.deps.reportError(e instanceof Error ? e.message : String(e));
      // Put the selector back to what is really shown.
      this.peerBar.update(this.info);
    });
  }
}
