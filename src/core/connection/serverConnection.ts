// A server session (listener or proxy) seen as a Connection: its own log, its lifecycle as a connection
// state, close() to stop it and sends that go to every open peer. This is what the registry, the status
// bar and the inspector tab hold for a server, so every command that works on connections works on it.
import { Direction, Kind, type ConnectionState } from '../../../shared/logModel';
import type { Connection } from './connectionTypes';
import { Disposable, Emitter, toDisposable, type Event, type IDisposable } from '../base/dispose';
import type { AutoReplyRule } from '../../../shared/autoReplyRules';
import { SocketInspectorError } from '../../../shared/errors';
import type { EntryLog } from '../log/entryLog';
import { sendOutgoing, type Outgoing } from './outgoingMessage';
import type { ServerPeer, ServerSession, ServerState } from './serverTypes';
import { admitSend } from './sendBackpressure';
import { formatAddress } from './socketAddress';

/** A Connection standing for a whole server session. */
export interface ServerConnection extends Connection {
  readonly server: ServerSession;
  /**
   * A listener's auto-reply rules: the ones it started with (a server file's) and, once a panel edits them,
   * the panel's; what Save Server As writes.
   */
  autoReplyRules: readonly AutoReplyRule[];
  /** Disposed with the connection: what serves its peers besides the session (a mock). */
  readonly owned: IDisposable[];
}

/** The server session behind a connection, when it stands for one. */
export function serverOf(connection: Connection): ServerSession | undefined {
  return (connection as Partial<ServerConnection>).server;
}

const STATES: Record<ServerState, ConnectionState> = {
  idle: 'idle',
  starting: 'connecting',
  listening: 'open',
  stopped: 'closed',
  error: 'error',
};

/** Open peers of a session, in accept order. */
export function openPeers(session: ServerSession): ServerPeer[] {
  return session.peers.filter((p) => p.connection.state === 'open');
}

/**
 * Sends to every open peer of `session` with `send`; returns the peers that got it. Throws NOT_OPEN when
 * no peer is open; a peer that fails (it closed meanwhile) or does not read (sendBackpressure.ts) is skipped.
 */
export function broadcast(session: ServerSession, send: (peer: Connection) => void): ServerPeer[] {
  const open = openPeers(session);
  if (open.length === 0) throw new SocketInspectorError('NOT_OPEN', 'Cannot broadcast: no peer is connected.');
  const reached: ServerPeer[] = [];
  let behind = 0;
  for (const peer of open) {
    if (!admitSend(session, peer)) {
      behind++;
      continue;
    }
    try {
      send(peer.connection);
      reached.push(peer);
    } catch {
      // Closed between the check and the send: it just does not count.
    }
  }
  if (reached.length === 0 && behind > 0) throw new SocketInspectorError('NOT_OPEN', 'Cannot broadcast: no open peer reads what is sent to it (see the server log).');
  if (reached.length === 0) throw new SocketInspectorError('NOT_OPEN', 'Cannot broadcast: no peer accepted the message.');
  return reached;
}

/** Broadcasts a prepared message and logs it once, as Out, in the server's own log; returns the peers reached. */
export function broadcastOutgoing(session: ServerSession, outgoing: Outgoing): ServerPeer[] {
  const reached = broadcast(session, (c) => sendOutgoing(c, outgoing));
  const kind = session.kind === 'tcp' ? Kind.Data : outgoing.text !== undefined ? Kind.Text : Kind.Binary;
  session.log.append(Direction.Out, kind, outgoing.bytes);
  return reached;
}

/** Wraps `session`; disposing the connection disposes the session. */
export function createServerConnection(session: ServerSession): ServerConnection {
  return new ServerSessionConnection(session);
}

class ServerSessionConnection extends Disposable implements ServerConnection {
  readonly handshake = undefined;
  readonly tls = undefined;
  private lastState: ConnectionState;
  private readonly stateEmitter = this.register(new Emitter<ConnectionState>());
  readonly onDidChangeState: Event<ConnectionState> = this.stateEmitter.event;
  autoReplyRules: readonly AutoReplyRule[] = [];
  readonly owned: IDisposable[] = [];

  constructor(readonly server: ServerSession) {
    super();
    this.register(toDisposable(() => this.owned.splice(0).forEach((d) => d.dispose())));
    this.lastState = STATES[server.state];
    this.register(
      server.onDidChange(() => {
        const next = STATES[server.state];
        if (next === this.lastState) return;
        this.lastState = next;
        this.stateEmitter.fire(next);
      }),
    );
    this.register(server);
  }

  get kind(): Connection['kind'] {
    return this.server.kind;
  }

  /** "Listen ws://127.0.0.1:41234" once bound (port 0 resolved), what was asked before. */
  get target(): string {
    const s = this.server;
    if (s.mode === 'listen') {
      const where = s.address ? `${s.kind}://${formatAddress(s.address.host, s.address.port)}` : s.target;
      return `Listen ${where}`;
    }
    return `Proxy ${s.target}`;
  }

  get log(): EntryLog {
    return this.server.log;
  }

  get state(): ConnectionState {
    return STATES[this.server.state];
  }

  get lastError(): SocketInspectorError | undefined {
    return this.server.lastError;
  }

  connect(): Promise<void> {
    return this.server.start();
  }

  /** Broadcasts text to every open peer and logs it once, as Out, in the server's log. */
  sendText(text: string): void {
    broadcastOutgoing(this.server, { text, bytes: new TextEncoder().encode(text) });
  }

  /** Broadcasts bytes to every open peer and logs them once, as Out, in the server's log. */
  sendBytes(bytes: Uint8Array): void {
    broadcastOutgoing(this.server, { bytes });
  }

  /** Stops the server: no new peers, open ones closed. */
  close(): void {
    this.server.stop().catch(() => {});
  }
}
