// The listening half of a proxy, whatever it forwards: binds the local address, turns each accepted
// client into a pair (a peer), keeps the session's own log, and stops or disposes everything it made.
import * as net from 'node:net';
import { Direction, Kind } from '../../../shared/logModel';
import type { ConnectionKind } from '../connection/connectionTypes';
import { Disposable, Emitter, toDisposable, type Event } from '../base/dispose';
import { SocketInspectorError } from '../../../shared/errors';
import { EntryLog } from '../log/entryLog';
import { formatHostPort, type ListenAddress } from '../listen/listenAddress';
import type { ServerState } from '../connection/serverTypes';
import { PROXY_DIRECTIONS, type ProxyDirection } from './holdQueue';
import type { ProxyPair } from './proxyPair';
import type { ProxyPauseState, ProxyPeer, ProxySession, TcpProxyConnection, WsProxyConnection } from './proxyTypes';

/** How a session ends a pair at once (stop, dispose). */
export interface AbortablePair {
  /** Destroys both legs at once; the log says why. */
  abort(why: string): void;
}

/** A pair as the session holds it: the connection, its controls, and how the session ends it. */
export type SessionPair = ProxyPair & (TcpProxyConnection | WsProxyConnection) & AbortablePair;

/** The message of a failed bind, for a person. */
function bindError(e: unknown, address: string): SocketInspectorError {
  const code = (e as { code?: unknown } | null)?.code;
  const systemCode = typeof code === 'string' ? code : undefined;
  const reasons: Record<string, string> = {
    EADDRINUSE: 'the port is already in use (EADDRINUSE) — pick another port, or 0 for a free one',
    EACCES: 'permission denied (EACCES) — ports below 1024 need privileges; pick a port from 1024 up',
    EADDRNOTAVAIL: 'this machine has no such address (EADDRNOTAVAIL) — use 127.0.0.1 or ::1',
    ENOTFOUND: 'the host name does not resolve (ENOTFOUND)',
    EAI_AGAIN: 'the host name could not be resolved right now (EAI_AGAIN)',
  };
  const why = (systemCode && reasons[systemCode]) ?? (e instanceof Error ? e.message : String(e));
  return new SocketInspectorError('NETWORK', `Cannot listen on ${address}: ${why}`, systemCode ? { systemCode } : {}, {
    cause: e,
  });
}

/** A proxy session; subclasses create the server and turn accepted clients into pairs. */
export abstract class ProxySessionBase extends Disposable implements ProxySession {
  readonly mode = 'proxy' as const;
  abstract readonly kind: ConnectionKind;
  readonly log = new EntryLog();
  private currentState: ServerState = 'idle';
  private error: SocketInspectorError | undefined;
  private bound: { host: string; port: number } | undefined;
  private readonly peerList: Array<ProxyPeer & { connection: SessionPair }> = [];
  private nextPeerId = 1;
  private server: net.Server | undefined;
  /** Every accepted socket until it closes, so stop() leaves none behind (also those that never became a pair). */
  private readonly sockets = new Set<net.Socket>();
  private startPromise: Promise<void> | undefined;
  private readonly pausedFlags = { toServer: false, toClient: false };
  private readonly acceptEmitter = this.register(new Emitter<ProxyPeer>());
  private readonly changeEmitter = this.register(new Emitter<void>());
  readonly onDidAcceptPeer: Event<ProxyPeer> = this.acceptEmitter.event;
  readonly onDidChange: Event<void> = this.changeEmitter.event;

  constructor(
    private readonly listenAddress: ListenAddress,
    readonly upstream: string,
    startPaused: Partial<ProxyPauseState> | undefined,
  ) {
    super();
    for (const d of PROXY_DIRECTIONS) this.pausedFlags[d] = startPaused?.[d] === true;
    this.register(toDisposable(() => this.log.dispose()));
  }

  /** Creates the (not yet listening) server; it calls accept() for each client. */
  protected abstract createServer(): net.Server;

  /** The scheme of the local side: tcp or ws. */
  protected abstract readonly localScheme: string;

  /** "tcp://127.0.0.1:41234 → tcp://upstream:6379": the bound port once listening (port 0 resolved), the asked one before. */
  get target(): string {
    const local = this.bound ?? this.listenAddress;
    return `${this.localScheme}://${formatHostPort(local.host, local.port)} → ${this.upstream}`;
  }

  get state(): ServerState {
    return this.currentState;
  }

  get lastError(): SocketInspectorError | undefined {
    return this.error;
  }

  get address(): { readonly host: string; readonly port: number } | undefined {
    return this.bound;
  }

  get peers(): readonly ProxyPeer[] {
    return this.peerList;
  }

  get paused(): ProxyPauseState {
    return { ...this.pausedFlags };
  }

  setPaused(paused: boolean, direction?: ProxyDirection): void {
    for (const d of direction ? [direction] : PROXY_DIRECTIONS) this.pausedFlags[d] = paused;
    for (const peer of this.peerList) {
      if (peer.connection.state === 'closed' || peer.connection.state === 'error') continue;
      peer.connection.setPaused(paused, direction);
    }
    this.changeEmitter.fire();
  }

  start(): Promise<void> {
    if (this.startPromise) return this.startPromise;
    this.error = undefined;
    if (this.isDisposed) return Promise.reject(new SocketInspectorError('NOT_OPEN', 'This proxy was already disposed'));
    const address = formatHostPort(this.listenAddress.host, this.listenAddress.port);
    this.setState('starting');
    this.meta(Kind.Connecting, `Starting a ${this.kind === 'ws' ? 'WebSocket' : 'TCP'} proxy on ${address} → ${this.upstream}`);
    const server = this.createServer();
    this.server = server;
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.startPromise = new Promise<void>((resolve, reject) => {
      const onError = (e: unknown) => {
        server.off('listening', onListening);
        const error = bindError(e, address);
        this.fail(error);
        this.server = undefined;
        // start() may be tried again (another process may free the port).
        this.startPromise = undefined;
        server.close();
        reject(error);
      };
      const onListening = () => {
        server.off('error', onError);
        if (this.server !== server) {
          // Stopped or disposed while binding: nothing may keep listening.
          server.close();
          reject(new SocketInspectorError('NOT_OPEN', 'The proxy was stopped before it started listening'));
          return;
        }
        const a = server.address() as net.AddressInfo;
        this.bound = { host: a.address, port: a.port };
        // Errors of a listening server (rare: EMFILE on accept) are logged, never thrown.
        server.on('error', (e) => this.fail(bindError(e, formatHostPort(a.address, a.port))));
        this.meta(Kind.Open, `Listening on ${formatHostPort(a.address, a.port)}; forwarding each client to ${this.upstream}`);
        this.setState('listening');
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ host: this.listenAddress.host, port: this.listenAddress.port });
    });
    // A caller may start() and forget: the failure is in the log and in lastError.
    this.startPromise.catch(() => {});
    return this.startPromise;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    // A stopped session may be started again (same peers list, ids keep counting).
    this.startPromise = undefined;
    for (const peer of this.peerList) peer.connection.abort('the proxy stopped');
    this.destroySockets();
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (this.currentState === 'listening') {
        this.meta(Kind.Closed, `Stopped listening (${this.peerList.length} client${this.peerList.length === 1 ? '' : 's'} served)`);
      }
    }
    if (this.currentState !== 'error') this.setState('stopped');
  }

  /** Adds an accepted client's pair as the next peer and starts it (opens its upstream). */
  protected accept(pair: SessionPair): void {
    if (this.isDisposed || !this.server) {
      pair.abort('the proxy is not listening');
      pair.dispose();
      return;
    }
    const peer = { id: this.nextPeerId++, remote: pair.client, connection: pair, controls: pair };
    this.peerList.push(peer);
    this.meta(Kind.Open, `Peer #${peer.id}: client ${peer.remote} connected`);
    this.register(
      pair.onDidChangeState((state) => {
        if (state === 'closed' || state === 'error') {
          const last = pair.lastError;
          this.meta(Kind.Closed, `Peer #${peer.id} (${peer.remote}) ${last ? `failed: ${last.message}` : 'closed'}`);
        }
        this.changeEmitter.fire();
      }),
    );
    this.register(pair);
    this.acceptEmitter.fire(peer);
    this.changeEmitter.fire();
    void pair.connect();
  }

  /** Whether new clients are still accepted. */
  protected get accepting(): boolean {
    return !!this.server && !this.isDisposed;
  }

  /** Appends a meta entry to the session's log. */
  protected meta(kind: Kind, text: string): void {
    if (!this.isDisposed) this.log.appendText(Direction.Meta, kind, text);
  }

  private destroySockets(): void {
    for (const socket of this.sockets) {
      socket.on('error', () => {});
      socket.destroy();
    }
    this.sockets.clear();
  }

  private fail(error: SocketInspectorError): void {
    this.error ??= error;
    this.meta(Kind.Error, error.message);
    this.setState('error');
  }

  private setState(state: ServerState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.changeEmitter.fire();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    const server = this.server;
    this.server = undefined;
    for (const peer of this.peerList) peer.connection.abort('the proxy was closed');
    this.destroySockets();
    server?.close();
    if (this.currentState !== 'error') this.currentState = 'stopped';
    // Pairs (registered) and emitters go with the base; the session log last.
    super.dispose();
  }
}
