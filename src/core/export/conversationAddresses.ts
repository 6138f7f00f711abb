// Which addresses and ports a synthesized capture uses: the real ones when the log's "Connected a → b"
// entry names IPv4 addresses, else 127.0.0.1 with the target's port and a fixed ephemeral client port.
import { isIPv4 } from 'node:net';
import type { ConnectionKind } from '../connection/connectionTypes';

/** An IPv4 address and a port. */
export interface SocketAddress {
  readonly ip: string;
  readonly port: number;
}

export interface ConversationAddresses {
  readonly client: SocketAddress;
  readonly server: SocketAddress;
}

/** Client port when the log does not tell: the start of the IANA ephemeral range. */
export const DEFAULT_CLIENT_PORT = 49_152;
const LOOPBACK = '127.0.0.1';

function parseAddress(text: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*)\]?:(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

/**
 * Client and server address of an Open entry's text: a client's "Connected 127.0.0.1:50412 → 127.0.0.1:8080
 * (…)" or a listener's "Accepted 127.0.0.1:50412 → 127.0.0.1:9000" (both name the client first).
 */
export function parseOpenText(text: string): { client: { host: string; port: number }; server: { host: string; port: number } } | undefined {
  const m = /^(?:Connected|Accepted) (\S+) → (\S+)/.exec(text);
  if (!m) return undefined;
  const client = parseAddress(m[1]!);
  const server = parseAddress(m[2]!);
  return client && server ? { client, server } : undefined;
}

/** Host and port a target names; the port defaults by scheme (ws 80, wss 443). */
export function targetHostPort(kind: ConnectionKind, target: string): { host: string; port: number } {
  try {
    const url = new URL(target);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : kind === 'ws' ? (url.protocol === 'wss:' ? 443 : 80) : 0;
    if (port > 0) return { host, port };
    return { host, port: 80 };
  } catch {
    return { host: '', port: kind === 'ws' ? 80 : 1 };
  }
}

/** The addresses of the conversation, from the Open entry's text if there is one, else the target and `clientAddress`. */
export function conversationAddresses(kind: ConnectionKind, target: string, openText?: string, clientAddress?: string): ConversationAddresses {
  const fromText = openText ? parseOpenText(openText) : undefined;
  const client = clientAddress ? parseAddress(clientAddress) : undefined;
  const opened = fromText ?? (client ? { client, server: targetHostPort(kind, target) } : undefined);
  const fromTarget = targetHostPort(kind, target);
  const serverPort = opened?.server.port ?? fromTarget.port;
  const serverIp = opened && isIPv4(opened.server.host) ? opened.server.host : isIPv4(fromTarget.host) ? fromTarget.host : LOOPBACK;
  const clientIp = opened && isIPv4(opened.client.host) ? opened.client.host : LOOPBACK;
  let clientPort = opened?.client.port ?? DEFAULT_CLIENT_PORT;
  if (clientPort === serverPort && clientIp === serverIp) clientPort = clientPort === 65535 ? 65534 : clientPort + 1;
  return { client: { ip: clientIp, port: clientPort }, server: { ip: serverIp, port: serverPort } };
}

/** The 4 bytes of a dotted IPv4 address. */
export function ipv4Bytes(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map(Number));
}
