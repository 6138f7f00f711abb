// Turns what a person typed as "where to listen" into a host and port, or an error that says how to fix
// it. Pure: no sockets, no DNS. Port 0 is allowed (the OS picks a free port); the host defaults to
// 127.0.0.1 so nothing is exposed beyond this machine unless asked for.
import { isIP } from 'node:net';
import { SocketInspectorError, positionOf, type ErrorCode } from './errors';

/** A local address to bind. `host` has no brackets, even for IPv6. */
export interface ListenAddress {
  readonly host: string;
  /** 0 lets the OS pick a free port. */
  readonly port: number;
}

/** The host used when only a port is given. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;

function fail(code: ErrorCode, message: string, input: string, offset: number): SocketInspectorError {
  return new SocketInspectorError(code, message, { position: positionOf(input, offset) });
}

function checkPort(raw: string, digits: string, offset: number): number {
  if (digits === '') throw fail('BAD_PORT', 'The port is missing after ":" (0–65535; 0 picks a free port)', raw, offset);
  if (!/^[0-9]+$/.test(digits)) {
    throw fail('BAD_PORT', `"${digits}" is not a port number (0–65535; 0 picks a free port)`, raw, offset);
  }
  const port = Number(digits);
  if (port > 65535) throw fail('BAD_PORT', `Port ${digits} is out of range (0–65535)`, raw, offset);
  return port;
}

/**
 * Parses `9000`, `:9000`, `host:9000`, `[::1]:9000`, optionally with one of `schemes` in front
 * (`tcp://127.0.0.1:0`, `ws://localhost:8080/`). Throws a SocketInspectorError with the position of the
 * offending character.
 */
export function parseListenAddress(raw: string, schemes: readonly string[] = ['tcp', 'ws']): ListenAddress {
  const lead = raw.length - raw.trimStart().length;
  let input = raw.trim();
  if (input === '') {
    throw fail('BAD_URL', 'Enter an address to listen on, e.g. 127.0.0.1:9000 (port 0 picks a free port)', raw, 0);
  }
  let start = 0;
  const scheme = SCHEME.exec(input);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (!schemes.includes(name)) {
      const allowed = schemes.map((s) => `${s}://`).join(' or ');
      throw fail('BAD_URL', `Cannot listen with "${scheme[1]}://" here${allowed ? `: use ${allowed}, or just host:port` : ''}`, raw, lead);
    }
    start = scheme[0].length;
  }
  // A trailing slash is what people paste from URLs; a real path would be ignored silently, so refuse it.
  if (input.endsWith('/') && input.indexOf('/', start) === input.length - 1) input = input.slice(0, -1);
  const odd = input.slice(start).search(/[/?#@\s]/);
  if (odd >= 0) {
    throw fail('BAD_URL', 'A listen address is just host:port (no path, query, user@ or spaces)', raw, lead + start + odd);
  }
  const text = input.slice(start);
  const at = lead + start;
  if (/^[0-9]+$/.test(text)) return { host: DEFAULT_LISTEN_HOST, port: checkPort(raw, text, at) };
  let host: string;
  let portText: string | undefined;
  let portOffset: number;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw fail('BAD_URL', "The IPv6 address has no closing ']'", raw, at + text.length);
    host = text.slice(1, close);
    if (isIP(host) !== 6) throw fail('BAD_URL', `"${host}" between [ ] is not an IPv6 address`, raw, at + 1);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) {
      throw fail('BAD_URL', `Expected ':' and a port after "[${host}]"`, raw, at + close + 1);
    }
    portText = rest === '' ? undefined : rest.slice(1);
    portOffset = at + close + 2;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') !== colon) {
      throw fail('BAD_URL', 'Put an IPv6 address in brackets, e.g. [::1]:9000', raw, at);
    }
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
    portOffset = at + colon + 1;
    if (host === '') host = DEFAULT_LISTEN_HOST;
    else if (isIP(host) === 0 && !HOST_NAME.test(host)) {
      throw fail('BAD_URL', `"${host}" is not a valid host name or address`, raw, at);
    }
  }
  if (portText === undefined) {
    const shown = host.includes(':') ? `[${host}]` : host;
    throw fail('BAD_PORT', `Add a port: ${shown}:PORT (0 picks a free port)`, raw, lead + input.length);
  }
  return { host, port: checkPort(raw, portText, portOffset) };
}

/** host:port, with brackets around an IPv6 host. */
export function formatHostPort(host: string, port: number | string): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
