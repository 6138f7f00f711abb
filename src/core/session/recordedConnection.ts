// A session file's recording shown before (or instead of) connecting: a Connection that never opens,
// whose log holds the file's entries. Connect in its panel makes a real connection from the file's
// settings and the panel switches to it (PanelController.attach). No `vscode` import.
import type { ConnectionState, HandshakeInfo, TlsInfo } from '../../../shared/logModel';
import type { Connection, ConnectionKind } from '../connection/connectionTypes';
import { Disposable, Emitter, type Event } from '../base/dispose';
import { SocketInspectorError } from '../../../shared/errors';
import { EntryLog } from '../log/entryLog';
import { fillEntryLog, type Session } from './';

/** The target a session's settings name, as written (placeholders unresolved: nothing is read yet). */
export function sessionTarget(session: Session): string {
  const c = session.connection;
  if (c.type === 'websocket') return c.url;
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  return `${c.tls ? 'tls' : 'tcp'}://${host}:${c.port}`;
}

function notConnected(): SocketInspectorError {
  return new SocketInspectorError('NOT_OPEN', 'This is a recorded session; connect first (Connect in the toolbar).');
}

/** A closed connection whose log is a session file's recorded log. */
export class RecordedConnection extends Disposable implements Connection {
  readonly kind: ConnectionKind;
  readonly target: string;
  readonly log: EntryLog;
  /** "closed" when there is a recording to look at, "idle" when the file has none. */
  readonly state: ConnectionState;
  readonly lastError = undefined;
  readonly handshake: HandshakeInfo | undefined = undefined;
  readonly tls: TlsInfo | undefined = undefined;
  private readonly stateEmitter = this.register(new Emitter<ConnectionState>());
  readonly onDidChangeState: Event<ConnectionState> = this.stateEmitter.event;

  constructor(session: Session) {
    super();
    this.kind = session.connection.type === 'websocket' ? 'ws' : 'tcp';
    this.target = sessionTarget(session);
    // No retention cap: the file was within limits when written, and the user asked to see all of it.
    this.log = new EntryLog({ maxEntries: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER });
    if (session.log) fillEntryLog(this.log, session.log);
    this.state = session.log && session.log.entries.length > 0 ? 'closed' : 'idle';
  }

  connect(): Promise<void> {
    return Promise.reject(notConnected());
  }

  sendText(): void {
    throw notConnected();
  }

  sendBytes(): void {
    throw notConnected();
  }

  close(): void {
    // Nothing is open.
  }
}
