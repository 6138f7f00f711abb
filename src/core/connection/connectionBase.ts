// The lifecycle every connection shares: its log, its state, the one connect() promise, and the rule
// that the first failure is the one reported (later errors are mostly its echoes).
import { Direction, Kind, type ConnectionState } from '../../../shared/logModel';
import type { RetentionOptions } from './connectionTypes';
import type { EventEmitter } from 'node:events';
import { Disposable, Emitter, toDisposable, type Event } from '../base/dispose';
import { SocketInspectorError } from '../../../shared/errors';
import { EntryLog } from '../log/entryLog';
import type { TLSSocket } from 'node:tls';
import { TlsKeyLog } from '../tls/tlsKeyLog';

/** Base of TcpConnection and WebSocketConnection: state, log, connect promise and first-error bookkeeping. */
export abstract class ConnectionBase extends Disposable {
  readonly log: EntryLog;
  private currentState: ConnectionState = 'idle';
  private firstError: SocketInspectorError | undefined;
  private readonly stateEmitter = this.register(new Emitter<ConnectionState>());
  readonly onDidChangeState: Event<ConnectionState> = this.stateEmitter.event;
  private readonly detailEmitter = this.register(new Emitter<void>());
  readonly onDidChangeDetail: Event<void> = this.detailEmitter.event;
  private connectPromise: Promise<void> | undefined;
  private settle: { resolve: () => void; reject: (e: SocketInspectorError) => void } | undefined;
  private closedLogged = false;

  constructor(retention?: RetentionOptions) {
    super();
    this.log = new EntryLog(retention);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get lastError(): SocketInspectorError | undefined {
    return this.firstError;
  }

  /** Whether the Closed entry was written: nothing the socket does afterwards is logged. */
  protected get isFinished(): boolean {
    return this.closedLogged;
  }

  /** Opens the connection once; later calls return the same promise. */
  connect(): Promise<void> {
    if (this.connectPromise) return this.connectPromise;
    this.connectPromise = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Callers may fire and forget connect(): its failure is in the log and in lastError,
    // so it must never surface as an unhandled rejection.
    this.connectPromise.catch(() => {});
    if (this.isDisposed) {
      this.settle?.reject(new SocketInspectorError('NOT_OPEN', 'This connection was already disposed'));
      this.settle = undefined;
      return this.connectPromise;
    }
    this.setState('connecting');
    try {
      this.start();
    } catch (e) {
      this.fail(this.toError(e));
      this.finish('Not connected');
    }
    return this.connectPromise;
  }

  /** Starts connecting; errors may be thrown or reported through fail()/finish(). */
  protected abstract start(): void;

  /** Maps a raw error of this connection's socket to a SocketInspectorError. */
  protected abstract toError(e: unknown): SocketInspectorError;

  /** Subscribes to a socket (or ws) event for the lifetime of this connection. */
  protected listen(emitter: EventEmitter, event: string, listener: (...args: any[]) => void): void {
    emitter.on(event, listener);
    this.register(toDisposable(() => emitter.off(event, listener)));
  }

  protected setState(state: ConnectionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }

  /**
   * Tells listeners that something shown with the state changed (a TCP peer's FIN) while the state did not:
   * through its own event, since onDidChangeState firing 'open' again made MQTT send a second CONNECT.
   */
  protected stateDetailChanged(): void {
    this.detailEmitter.fire();
  }

  /** Logs what a subclass holds back for a batched write, so that every entry keeps its place. */
  protected flushPending(): void {}

  protected meta(kind: Kind, text: string, code?: number): void {
    this.flushPending();
    if (!this.closedLogged) this.log.appendText(Direction.Meta, kind, text, code);
  }

  /** The connection is open: resolves connect(). */
  protected opened(): void {
    if (this.closedLogged) return;
    this.setState('open');
    this.settle?.resolve();
    this.settle = undefined;
  }

  /** Records a failure; only the first is logged and kept, and it rejects a pending connect(). */
  protected fail(error: SocketInspectorError): void {
    if (this.firstError || this.closedLogged) return;
    this.firstError = error;
    this.flushPending();
    this.log.appendText(Direction.Meta, Kind.Error, error.message);
    this.setState('error');
    this.settle?.reject(error);
    this.settle = undefined;
  }

  /** Logs the Closed entry once and settles the state; a connect() still pending is rejected. */
  protected finish(text: string, code?: number): void {
    if (this.closedLogged) return;
    this.flushPending();
    this.log.appendText(Direction.Meta, Kind.Closed, text, code);
    this.closedLogged = true;
    if (this.settle) {
      this.settle.reject(
        this.firstError ?? new SocketInspectorError('NETWORK', 'The connection was closed before it opened'),
      );
      this.settle = undefined;
    }
    this.setState(this.firstError ? 'error' : 'closed');
  }

  /**
   * Starts this connection's TLS key log (logged as a meta line, the path only): closed when the
   * connection ends or is disposed; a file that cannot be written is logged and otherwise ignored.
   */
  protected openKeyLog(path: string): TlsKeyLog {
    const keyLog = this.register(new TlsKeyLog(path, (problem) => this.meta(Kind.Error, problem)));
    this.meta(Kind.Handshake, `TLS key log: appending this session's secrets to ${keyLog.path} (SSLKEYLOGFILE format, for Wireshark)`);
    this.register(
      this.onDidChangeState((state) => {
        if (state === 'closed' || state === 'error') keyLog.dispose();
      }),
    );
    return keyLog;
  }

  /** Feeds a TLS socket's secrets to the key log for the lifetime of this connection. */
  protected attachKeyLog(keyLog: TlsKeyLog, socket: TLSSocket): void {
    this.register(keyLog.attach(socket));
  }

  /** Throws NOT_OPEN unless the connection can send now. */
  protected requireOpen(canSend: boolean, what: string): void {
    if (canSend) return;
    const why: Record<ConnectionState, string> = {
      idle: 'it is not connected yet',
      connecting: 'it is still connecting',
      open: 'it no longer accepts data',
      closing: 'it is closing',
      closed: 'it is closed',
      error: 'it failed',
    };
    throw new SocketInspectorError('NOT_OPEN', `Cannot ${what}: ${why[this.currentState]}`);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.finish(this.currentState === 'connecting' ? 'Cancelled before the connection opened' : 'Closed by us (disposed)');
    super.dispose();
  }
}
