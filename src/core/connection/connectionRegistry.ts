// Keeps the live connections of this window, each with an id, so commands, panels and the status bar
// agree on what exists. No `vscode` import: it is plain bookkeeping, testable in Node.
import type { Connection } from './connectionTypes';
import { Disposable, Emitter, type Event, type IDisposable } from '../base/dispose';

export interface RegisteredConnection {
  readonly id: string;
  readonly connection: Connection;
}

/** The connections of one window, in the order they were opened. */
export class ConnectionRegistry extends Disposable {
  private readonly byId = new Map<string, Connection>();
  private readonly subscriptions = new Map<string, IDisposable>();
  private counter = 0;
  private readonly changeEmitter = this.register(new Emitter<void>());
  /** Fires when a connection is added, removed, or changes state. */
  readonly onDidChange: Event<void> = this.changeEmitter.event;

  /** Registers a connection and returns its id; the registry disposes it when removed or disposed. */
  add(connection: Connection): string {
    const id = `c${++this.counter}`;
    this.byId.set(id, connection);
    this.subscriptions.set(id, connection.onDidChangeState(() => this.changeEmitter.fire()));
    this.changeEmitter.fire();
    return id;
  }

  /** Puts a new connection (a reconnect) under an existing id, disposing the old one. */
  replace(id: string, connection: Connection): void {
    const old = this.byId.get(id);
    if (!old) throw new Error(`No connection with id ${id}`);
    this.subscriptions.get(id)?.dispose();
    old.dispose();
    this.byId.set(id, connection);
    this.subscriptions.set(id, connection.onDidChangeState(() => this.changeEmitter.fire()));
    this.changeEmitter.fire();
  }

  get(id: string): Connection | undefined {
    return this.byId.get(id);
  }

  /** Closes and forgets a connection. */
  remove(id: string): void {
    const connection = this.byId.get(id);
    if (!connection) return;
    this.byId.delete(id);
    this.subscriptions.get(id)?.dispose();
    this.subscriptions.delete(id);
    connection.dispose();
    this.changeEmitter.fire();
  }

  list(): RegisteredConnection[] {
    return [...this.byId].map(([id, connection]) => ({ id, connection }));
  }

  /** How many connections are open (or still opening). */
  get openCount(): number {
    let n = 0;
    for (const c of this.byId.values()) if (c.state === 'open' || c.state === 'connecting') n++;
    return n;
  }

  override dispose(): void {
    for (const s of this.subscriptions.values()) s.dispose();
    for (const c of this.byId.values()) c.dispose();
    this.subscriptions.clear();
    this.byId.clear();
    super.dispose();
  }
}
