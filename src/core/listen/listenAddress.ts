// Turns what a person typed as the address to listen on into host and port, or into an error that says
// how to fix it. Pure: no sockets, no DNS.
import { isIP } from 'node:net';
import type { ConnectionKind } from '../connection/connectionTypes';
import { type ErrorCode, SocketInspectorError, positionOf } from '../../../shared/errors';

/** Where a listener binds. `host` has no brackets, even for IPv6. Port 0 means "any free port". */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Loopback only, unless the user names another address: a test server should not face the network. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** Letters, digits, '-', '_' and '.' – what a DNS name (or an IPv4 address) may contain. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;

const SCHEMES: Record<ConnectionKind, { plain: string; secure: string; what: string }> = {
  tcp: { plain: 'tcp', secure: 'tls', what: 'TCP' },
  ws: { plain: 'ws', secure: 'wss', what: 'WebSocket' },
};

function fail(code: ErrorCode, message: string, input: string, offset: number): SocketInspectorError {
  return new SocketInspectorError(code, message, { position: positionOf(input, offset) });
}

function checkPort(raw: string, digits: string, offset: number): number {
  if (digits === '') throw fail('BAD_PORT', 'The port is missing after ":" (0–65535; 0 picks a free port)', raw, offset);
  if (!/^[0-9]+$/.test(digits)) throw fail('BAD_PORT', `"${digits}" is not a port number (0–65535)`, raw, offset);
  const port = Number(digits);
  if (port > 65535) throw fail('BAD_PORT', `Port ${digits} is out of range (0–65535)`, raw, offset);
  return port;
}

/**
 * Parses `host:port`, `:port`, `port`, `[v6]:port`, optionally after the listener's scheme (tcp:// or
 * ws://). The host defaults to 127.0.0.1; port 0 asks the system for a free port.
 */
export function parseListenAddress(raw: string, kind: ConnectionKind = 'tcp'): ListenAddress {
  const lead = raw.length - raw.trimStart().length;
  let input = raw.trim();
  if (input === '') {
    throw fail('BAD_URL', 'Enter an address to listen on, e.g. 127.0.0.1:0 (0 picks a free port) or 9000', raw, 0);
  }
  const schemes = SCHEMES[kind];
  let start = 0;
  const scheme = SCHEME.exec(input);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name === schemes.secure) {
      throw fail('BAD_URL', `Listening with TLS (${name}://) is not supported yet; use ${schemes.plain}://`, raw, lead);
    }
    if (name !== schemes.plain) {
      throw fail('BAD_URL', `This listens for ${schemes.what} clients: use ${schemes.plain}://host:port or just host:port, not ${scheme[1]}://`, raw, lead);
    }
    start = scheme[0].length;
  }
  // A trailing slash is what people paste from URLs.
  if (input.endsWith('/') && input.indexOf('/', start) === input.length - 1) input = input.slice(0, -1);
  const bad = input.slice(start).search(/[/?#@\s]/);
  if (bad >= 0) {
    const why = kind === 'ws' ? ' (a WebSocket listener accepts clients on any path)' : '';
    throw fail('BAD_URL', `A listen address is just host:port, with no path, user or spaces${why}`, raw, lead + start + bad);
  }
  const text = input.slice(start);
  const at = (offset: number) => lead + start + offset;
  if (/^[0-9]+$/.test(text)) return { host: DEFAULT_LISTEN_HOST, port: checkPort(raw, text, at(0)) };

  let host: string;
  let hostOffset = 0;
  let port: string | undefined;
  let portOffset = text.length;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw fail('BAD_URL', "The IPv6 address has no closing ']'", raw, at(text.length));
    host = text.slice(1, close);
    hostOffset = 1;
    if (isIP(host) !== 6) throw fail('BAD_URL', `"${host}" between [ ] is not an IPv6 address`, raw, at(1));
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw fail('BAD_URL', `Expected ':' and a port after "[${host}]"`, raw, at(close + 1));
      port = rest.slice(1);
      portOffset = close + 2;
    }
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') !== colon) {
      throw fail('BAD_URL', 'Put an IPv6 address in brackets, e.g. [::1]:9000', raw, at(0));
    }
    host = colon < 0 ? text : text.slice(0, colon);
    if (colon >= 0) {
      port = text.slice(colon + 1);
      portOffset = colon + 1;
    }
    if (host === '') host = DEFAULT_LISTEN_HOST;
    else if (isIP(host) === 0 && !HOST_NAME.test(host)) {
      const badChar = [...host].findIndex((c) => !/[A-Za-z0-9_.-]/.test(c));
      throw fail('BAD_URL', `"${host}" is not a valid host name or address`, raw, at(hostOffset + Math.max(0, badChar)));
    }
  }
  if (port === undefined) {
    const shown = isIP(host) === 6 ? `[${host}]` : host;
    throw fail('BAD_PORT', `Add a port: ${shown}:PORT (0 picks a free port)`, raw, at(text.length));
  }
  return { host, port: checkPort(raw, port, at(portOffset)) };
}

/** Formats an address the way parseListenAddress reads it back: 127.0.0.1:9000, [::1]:0. */
export function formatListenAddress(address: ListenAddress): string {
  return formatHostPort(address.host, address.port);
}

/** host:port, with brackets around an IPv6 host. */
export function formatHostPort(host: string, port: number | string): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * Whether a bound address is reachable from this machine only: 127.0.0.0/8, ::1, or either mapped
 * into IPv6. A wildcard (0.0.0.0, ::) or any other address faces the network.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d+)\.\d+\.\d+\.\d+$/.exec(h);
  return v4 !== null && isIP(h.replace(/^::ffff:/, '')) === 4 && v4[1] === '127';
}
