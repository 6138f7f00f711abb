// What a panel's webview was last told about the connection beyond its log (the WebSocket handshake,
// TLS details, a server's peer list, a proxy pair's held list), so that each flush posts only what
// appeared or changed since; a snapshot tells everything and starts this over.
import { exactArrayBuffer } from '../../shared/entryBatch';
import type { HandshakeInfo, TlsInfo } from '../../shared/logModel';
import type { ConnectionEvents, ProxyEvents, ServerEvents } from '../../shared/protocol';
import type { Connection } from '../core/connection/connectionTypes';
import type { EventSink } from './panelContext';
import type { ProxyController } from './proxyController';
import type { ServerController } from './serverController';

/** A copy safe to post: no Node Buffer (serialized as JSON) and no view of a pooled buffer. */
export function handshakeForWebview(h: HandshakeInfo): HandshakeInfo {
  const { responseBody, ...rest } = h;
  return responseBody ? { ...rest, responseBody: new Uint8Array(exactArrayBuffer(responseBody)) } : rest;
}

/** The connection, server and proxy pair whose changes are posted. */
export interface ChangeSources {
  readonly connection: Connection;
  readonly server: ServerController | undefined;
  readonly proxy: ProxyController;
}

/** Posts the connection's details when they change. */
export class ConnectionChanges {
  private sentHandshake: HandshakeInfo | undefined;
  private sentTls: TlsInfo | undefined;
  private sentPeersVersion = -1;
  private sentAutoRepliesVersion = 0;
  private sentProxyVersion = -1;

  /** The webview got a snapshot: it knows everything as it is now. */
  reset({ connection, server, proxy }: ChangeSources): void {
    this.sentHandshake = connection.handshake;
    this.sentTls = connection.tls;
    this.sentPeersVersion = server?.version ?? -1;
    this.sentAutoRepliesVersion = server?.autoRepliesVersion ?? 0;
    this.sentProxyVersion = proxy.version;
  }

  /** Posts the handshake, TLS details, peer list, auto-reply rules and held list when they appeared or changed since last posted. */
  post({ connection: c, server, proxy }: ChangeSources, events: EventSink<ConnectionEvents & ServerEvents & ProxyEvents>): void {
    if (server && server.version !== this.sentPeersVersion) {
      this.sentPeersVersion = server.version;
      events.sendEvent('peers', { peers: server.info() });
    }
    if (server && server.autoRepliesVersion !== this.sentAutoRepliesVersion) {
      this.sentAutoRepliesVersion = server.autoRepliesVersion;
      const autoReplies = server.autoReplies();
      if (autoReplies) events.sendEvent('autoReplies', { autoReplies });
    }
    const held = proxy.version !== this.sentProxyVersion ? proxy.info() : undefined;
    this.sentProxyVersion = proxy.version;
    if (held) events.sendEvent('held', { proxy: held });
    if (c.handshake && c.handshake !== this.sentHandshake) {
      this.sentHandshake = c.handshake;
      events.sendEvent('handshake', { handshake: handshakeForWebview(c.handshake) });
    }
    if (c.tls && c.tls !== this.sentTls) {
      this.sentTls = c.tls;
      events.sendEvent('tls', { tls: c.tls });
    }
  }
}
