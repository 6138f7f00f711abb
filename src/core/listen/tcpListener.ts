// Listen TCP…: a local TCP server; every client it accepts is a peer with its own byte log.
import * as net from 'node:net';
import type { ServerSession } from '../connection/serverTypes';
import { formatAddress } from '../connection/socketAddress';
import { AcceptedTcpConnection } from './acceptedTcp';
import { ListenerSession, type ListenerOptions } from './listenerSession';

/** Creates a TCP listener; call start() to bind. */
export function createTcpListener(options: ListenerOptions): ServerSession {
  return new TcpListener(options);
}

class TcpListener extends ListenerSession {
  readonly kind = 'tcp' as const;

  constructor(options: ListenerOptions) {
    super('tcp', options);
  }

  protected createServer(): net.Server {
    // allowHalfOpen: a client's FIN only ends its direction; the user decides when to end ours.
    return net.createServer({ allowHalfOpen: true }, (socket) => this.onConnection(socket));
  }

  private onConnection(socket: net.Socket): void {
    const remote = formatAddress(socket.remoteAddress, socket.remotePort);
    if (!this.accepting || socket.destroyed || !socket.remoteAddress) {
      socket.destroy();
      return;
    }
    const refusal = this.refusal();
    if (refusal !== undefined) {
      // A TCP client has no status to read: the connection closes at once.
      socket.destroy();
      this.refuse(`Refused ${remote}: ${refusal}`);
      return;
    }
    const peer = this.addPeer(
      (id) => {
        const c = new AcceptedTcpConnection(socket, `Peer #${id} ${remote}`, this.retention);
        void c.connect();
        return c;
      },
      remote,
      (c) => c.close(),
    );
    if (peer) socket.once('end', () => this.halfClosed(peer));
  }
}
