// A TCP client a listener accepted: a connection that is open from the start, logged exactly as one we
// open ourselves (tcpConnectionBase.ts), with half-close and reset.
import type * as net from 'node:net';
import type { RetentionOptions, TcpConnection } from '../connection/connectionTypes';
import type { SocketInspectorError } from '../../../shared/errors';
import { formatAddress } from '../connection/socketAddress';
import { toSocketInspectorError, type ErrorContext } from '../errors/systemErrors';
import { TcpConnectionBase } from '../connection/tcpConnectionBase';

/** Wraps an accepted socket; it is open once connect() (called by the listener at once) has run. */
export class AcceptedTcpConnection extends TcpConnectionBase implements TcpConnection {
  readonly tls = undefined;
  readonly end = 'server';
  private readonly context: ErrorContext;

  constructor(
    private readonly accepted: net.Socket,
    /** How the panel names this peer, e.g. "Peer #2 127.0.0.1:51234". */
    readonly target: string,
    retention?: RetentionOptions,
  ) {
    super(undefined, retention);
    const remote = formatAddress(accepted.remoteAddress, accepted.remotePort);
    this.context = { peer: remote, host: accepted.remoteAddress ?? '' };
  }

  protected toError(e: unknown): SocketInspectorError {
    return toSocketInspectorError(e, this.context);
  }

  protected start(): void {
    const s = this.accepted;
    this.listen(s, 'error', (e: unknown) => this.fail(this.toError(e)));
    this.attachStream(s, s);
    this.streamOpened(`Accepted ${formatAddress(s.remoteAddress, s.remotePort)} → ${formatAddress(s.localAddress, s.localPort)}`);
  }
}
