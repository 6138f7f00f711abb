// How a socket's end is written in the log and in messages: host:port, IPv6 in brackets.
import * as net from 'node:net';

/** "127.0.0.1:8080", "[::1]:8080"; "?" when the socket has no address (yet, or any more). */
export function formatAddress(host: string | undefined, port: number | undefined): string {
  if (!host) return '?';
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port ?? '?'}`;
}
