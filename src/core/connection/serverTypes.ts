// The contract of a server-side session: a listener (Listen TCP…/Listen WebSocket…) or a proxy (Proxy TCP…/
// Proxy WebSocket…). It binds a local address; every client it accepts becomes a peer, a Connection that is
// already open and has its own log and composer. For a proxy, a peer is one client↔upstream pair whose log holds
// both legs: Direction.Out is client→server, Direction.In is server→client.
import type { Event, IDisposable } from '../base/dispose';
import type { ConnectionKind, Connection } from './connectionTypes';
import type { SocketInspectorError } from '../../../shared/errors';
import type { EntryLog } from '../log/entryLog';

/** Whether the session serves clients itself or forwards them to an upstream. */
export type ServerMode = 'listen' | 'proxy';

/** Lifecycle of a server session. */
export type ServerState = 'idle' | 'starting' | 'listening' | 'stopped' | 'error';

/** One accepted client. */
export interface ServerPeer {
  /** 1, 2, 3… in accept order, never reused within a session. */
  readonly id: number;
  /** The client's address as host:port ([::1]:port for IPv6). */
  readonly remote: string;
  readonly connection: Connection;
  /** WebSocket listeners: the Origin header the client sent (a browser names the page that connects). */
  readonly origin?: string;
}

/** What a listener's limits (peers, memory budget, allowed origins) did so far. */
export interface ListenerLimitCounts {
  /** Most bytes the logs of the server and all its peers hold together. */
  readonly budgetBytes: number;
  /** Closed peers the budget evicted (they left the peer list), and the entries and bytes their logs held. */
  readonly evictedPeers: number;
  readonly evictedEntries: number;
  readonly evictedBytes: number;
  /** Open peers whose logs the budget cleared, once no closed peer was left to evict. */
  readonly clearedPeers: number;
  /** Clients refused: beyond the most peers, over the budget, or from an origin not allowed. */
  readonly refused: number;
}

/** A local server that accepts peers. Dispose it to stop listening and close every peer. */
export interface ServerSession extends IDisposable {
  readonly mode: ServerMode;
  /** Protocol spoken with clients. */
  readonly kind: ConnectionKind;
  /** What the user asked for, e.g. "ws://127.0.0.1:0" or "tcp://127.0.0.1:9000 → tcp://127.0.0.1:6379". */
  readonly target: string;
  /** The bound address once listening (port 0 resolved to the real port). */
  readonly address: { readonly host: string; readonly port: number } | undefined;
  /** The session's own events (listening, peer accepted/closed, errors) as meta entries. */
  readonly log: EntryLog;
  readonly state: ServerState;
  /** Set when binding failed (EADDRINUSE, EACCES…) or the server errored. */
  readonly lastError: SocketInspectorError | undefined;
  /**
   * Peers in accept order; closed peers stay listed (with their logs) until the session is disposed, or,
   * in a listener, until its memory budget evicts them.
   */
  readonly peers: readonly ServerPeer[];
  /** Listeners: what their limits did (proxies have none). */
  readonly limits?: ListenerLimitCounts;
  /** Listeners: the bytes the logs of the server and its peers hold now, as the budget counts them. */
  readonly memoryBytes?: number;
  readonly onDidAcceptPeer: Event<ServerPeer>;
  /** Fires when a peer is accepted, closes, or the session changes state. */
  readonly onDidChange: Event<void>;
  /** Binds and starts accepting. Rejects with a SocketInspectorError (also logged) when it cannot bind. */
  start(): Promise<void>;
  /** Stops accepting and closes every peer. */
  stop(): Promise<void>;
}
