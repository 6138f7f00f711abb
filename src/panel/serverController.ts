// What a panel adds when it shows a server session (Listen…, Proxy…): whose log is on screen (the
// server's own, or one peer's), the peer list the selector draws, following the newest peer, broadcast,
// and a listener's auto-reply rules, which belong to the panel and outlive a restart of the server.
// Vscode-free, like the controller that owns it.
import { RequestError } from '../../shared/messageHandler';
import type { AutoRepliesInfo, AutoReplyRule, ComposerMessage, PeerListInfo, PeerSummary } from '../../shared/protocol';
import { MAX_LISTED_PEERS } from '../../shared/protocol';
import type { Connection } from '../core/connection/connectionTypes';
import { Disposable, type IDisposable } from '../core/base/dispose';
import { AutoResponder } from '../core/listen/autoResponder';
import { prepareOutgoing } from '../core/connection/outgoingMessage';
import { broadcastOutgoing, serverOf, type ServerConnection } from '../core/connection/serverConnection';
import type { ServerPeer, ServerSession } from '../core/connection/serverTypes';
import { isLoopbackHost } from '../core/listen/listenAddress';
import { requireOpen } from './sendHandlers';

/** What the view asks of the controller that owns it. */
export interface ServerViewHost {
  /** Puts `connection`'s log on screen (the webview gets a snapshot). */
  show(connection: Connection): void;
  /** The peer list or the server's state changed: post it soon. */
  changed(): void;
}

/** The server side of a panel; `root` is the Connection standing for the session (see serverConnection.ts). */
export class ServerController extends Disposable {
  private rootConnection: Connection;
  private session: ServerSession;
  private selectedId = 0;
  private follow = false;
  private rules: readonly AutoReplyRule[] = [];
  private problems: ReadonlyArray<string | null> = [];
  private responder: AutoResponder | undefined;
  private subscriptions: IDisposable[] = [];
  private changes = 0;
  private ruleChanges = 0;

  constructor(
    root: Connection,
    private readonly host: ServerViewHost,
  ) {
    super();
    this.rootConnection = root;
    this.session = serverOf(root)!;
    // A listener started from a server file starts with its rules.
    this.rules = (root as Partial<ServerConnection>).autoReplyRules ?? [];
    this.bind();
  }

  /** Increments when the responder switched a rule off by itself; the controller posts the rules when it differs from what it sent. */
  get autoRepliesVersion(): number {
    return this.ruleChanges;
  }

  /** Whether `connection` stands for a server session a ServerController can show. */
  static accepts(connection: Connection): boolean {
    return serverOf(connection) !== undefined;
  }

  /** The Connection standing for the session. */
  get root(): Connection {
    return this.rootConnection;
  }

  /** Increments on every change of the peer list; the controller posts when it differs from what it sent. */
  get version(): number {
    return this.changes;
  }

  /** What is on screen: the server's own log, or the selected peer. */
  get shown(): Connection {
    return this.peer(this.selectedId)?.connection ?? this.rootConnection;
  }

  /** Whether a peer (not the server's own log) is on screen. */
  get showsPeer(): boolean {
    return this.selectedId !== 0;
  }

  /** Shows the same panel's server again after a restart (Reconnect): rules and follow stay, the server log shows. */
  rebind(root: Connection): void {
    this.unbind();
    this.rootConnection = root;
    this.session = serverOf(root)!;
    (root as ServerConnection).autoReplyRules = this.rules;
    this.selectedId = 0;
    this.bind();
    this.bump();
  }

  /** Shows peer `id` (0: the server's own log). */
  select(id: number, followNewest?: boolean): void {
    if (followNewest !== undefined && followNewest !== this.follow) {
      this.follow = followNewest;
      this.bump();
    }
    if (id !== 0 && !this.peer(id)) {
      throw new RequestError({ message: `There is no peer #${id} in this session.`, code: 'GONE' });
    }
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.bump();
    this.host.show(this.shown);
  }

  /** Replaces the auto-reply rules; returns what is wrong with each. */
  setAutoReplies(rules: readonly AutoReplyRule[]): AutoRepliesInfo {
    if (!this.responder) {
      throw new RequestError({ message: 'Auto-replies are for listeners; this session forwards its clients.', code: 'UNSUPPORTED' });
    }
    this.rules = rules;
    this.problems = this.responder.setRules(rules).map((p) => p ?? null);
    // Kept on the connection too, for Save Server As.
    if (serverOf(this.rootConnection)) (this.rootConnection as ServerConnection).autoReplyRules = rules;
    return this.autoReplies()!;
  }

  /** The rules and their problems, for listeners. */
  autoReplies(): AutoRepliesInfo | undefined {
    return this.responder ? { rules: this.rules, problems: this.problems } : undefined;
  }

  /** Sends to every open peer; returns the bytes and how many peers got them. */
  broadcast(message: ComposerMessage): { bytes: number; peers: number } {
    const outgoing = prepareOutgoing(message, this.session.kind);
    requireOpen(this.rootConnection, 'broadcast');
    const reached = broadcastOutgoing(this.session, outgoing);
    return { bytes: outgoing.bytes.length, peers: reached.length };
  }

  /** The peer list as the selector draws it. */
  info(): PeerListInfo {
    const all = this.session.peers;
    const from = Math.max(0, all.length - MAX_LISTED_PEERS);
    const listed: PeerSummary[] = [];
    const selected = this.peer(this.selectedId);
    if (selected && all.indexOf(selected) < from) listed.push(summary(selected));
    let openCount = 0;
    for (let i = 0; i < all.length; i++) {
      const p = all[i]!;
      if (p.connection.state === 'open') openCount++;
      if (i >= from) listed.push(summary(p));
    }
    const { limits, address } = this.session;
    return {
      mode: this.session.mode,
      serverState: this.rootConnection.state,
      serverLabel: this.rootConnection.target,
      selected: this.selectedId,
      followNewest: this.follow,
      peers: listed,
      omitted: all.length - listed.length,
      openCount,
      autoReplies: this.responder !== undefined,
      ...(limits ? { limits: { budgetBytes: limits.budgetBytes, evictedPeers: limits.evictedPeers, evictedBytes: limits.evictedBytes, clearedPeers: limits.clearedPeers, refused: limits.refused } } : {}),
      ...(address && !isLoopbackHost(address.host) ? { beyondLoopback: true } : {}),
    };
  }

  private peer(id: number) {
    return id === 0 ? undefined : this.session.peers.find((p) => p.id === id);
  }

  private bind(): void {
    const session = this.session;
    const subscriptions: IDisposable[] = [];
    if (session.mode === 'listen') {
      const responder = (this.responder = new AutoResponder(session));
      this.problems = responder.setRules(this.rules).map((p) => p ?? null);
      subscriptions.push(
        responder.onDidSwitchOff(() => {
          // A pattern took too long: the rule is off now, with the reason as its problem.
          this.rules = responder.rules;
          this.problems = responder.problems.map((p) => p ?? null);
          this.ruleChanges++;
          this.host.changed();
        }),
      );
    }
    this.subscriptions = [
      ...subscriptions,
      session.onDidChange(() => {
        // A listener's memory budget may have evicted the peer on screen: show the server's log instead.
        if (this.selectedId !== 0 && !this.peer(this.selectedId)) {
          this.selectedId = 0;
          this.host.show(this.rootConnection);
        }
        this.bump();
      }),
      session.onDidAcceptPeer((peer) => {
        if (!this.follow) return;
        this.selectedId = peer.id;
        this.host.show(peer.connection);
      }),
    ];
  }

  private unbind(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.responder?.dispose();
    this.responder = undefined;
  }

  private bump(): void {
    this.changes++;
    this.host.changed();
  }

  override dispose(): void {
    this.unbind();
    super.dispose();
  }
}

function summary(p: ServerPeer): PeerSummary {
  return { id: p.id, remote: p.remote, state: p.connection.state, ...(p.origin !== undefined ? { origin: p.origin } : {}) };
}
