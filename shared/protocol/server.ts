// The server slice of the panel protocol: a listener's or proxy's peers, which log is on screen, and a
// listener's auto-reply rules. Host side: src/panel/serverHandlers.ts and src/panel/serverController.ts.
import type { AutoReplyRule } from '../autoReplyRules';
import type { ConnectionState } from '../logModel';
import type { Done } from './messages';

export type { AutoReplyRule };

/** One peer of a server session, as the peer selector lists it. */
export interface PeerSummary {
  /** 1, 2, 3… in accept order. */
  readonly id: number;
  /** The client's host:port. */
  readonly remote: string;
  readonly state: ConnectionState;
  /** WebSocket listeners: the Origin header the client sent (the web page that connected). */
  readonly origin?: string;
}

/** What a listener's limits did (socketInspector.listen.*). */
export interface PeerLimitsInfo {
  readonly budgetBytes: number;
  /** Closed peers evicted by the memory budget, and the payload bytes their logs held. */
  readonly evictedPeers: number;
  readonly evictedBytes: number;
  /** Open peers whose logs the budget cleared. */
  readonly clearedPeers: number;
  /** Clients refused (too many peers, budget full, origin not allowed). */
  readonly refused: number;
}

/** The server session a panel shows (Listen…, Proxy…): its peers and whose log is on screen. */
export interface PeerListInfo {
  readonly mode: 'listen' | 'proxy';
  /** The server itself as a connection state: open while listening. */
  readonly serverState: ConnectionState;
  /** e.g. "Listen ws://127.0.0.1:41234". */
  readonly serverLabel: string;
  /** 0: the server's own log; otherwise the id of the peer shown. */
  readonly selected: number;
  /** The panel switches to each newly accepted peer. */
  readonly followNewest: boolean;
  /** In accept order; the newest MAX_LISTED_PEERS (and the one shown). */
  readonly peers: readonly PeerSummary[];
  /** Older peers left out of `peers`. */
  readonly omitted: number;
  /** How many peers are open. */
  readonly openCount: number;
  /** The session takes auto-reply rules (listeners do). */
  readonly autoReplies: boolean;
  /** Listeners: what their limits did. */
  readonly limits?: PeerLimitsInfo;
  /** The server is bound to an address other machines can reach (not loopback). */
  readonly beyondLoopback?: boolean;
}

/** Most peers a peer list carries. */
export const MAX_LISTED_PEERS = 500;

/** Auto-reply rules as last set, and what is wrong with each (null: nothing). */
export interface AutoRepliesInfo {
  readonly rules: readonly AutoReplyRule[];
  readonly problems: ReadonlyArray<string | null>;
}

/** Server requests the webview sends. */
export type ServerRequests = {
  /** Server panels: shows peer `peer` (0: the server's own log); `followNewest` switches to each new peer. */
  selectPeer: { params: { peer: number; followNewest?: boolean }; result: Done };
  /** Listener panels: replaces the auto-reply rules; valid enabled ones apply at once. */
  setAutoReplies: { params: { rules: readonly AutoReplyRule[] }; result: AutoRepliesInfo };
  /** Server panels: Save Server (to the server file it started from or was saved to, else Save Server As). */
  saveServer: { params: Done; result: Done };
};

/** Server events the host sends. */
export type ServerEvents = {
  /** A server panel's peers changed (accepted, closed) or the server changed state. */
  peers: { peers: PeerListInfo };
  /** A listener's rules changed by themselves: a rule was switched off (its pattern took too long). */
  autoReplies: { autoReplies: AutoRepliesInfo };
};
