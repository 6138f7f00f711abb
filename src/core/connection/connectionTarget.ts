// Turns what a person typed into a connection target, or into an error that says how to fix it.
// Pure: no sockets, no DNS.
import { isIP } from 'node:net';
import { type ErrorCode, SocketInspectorError, positionOf } from '../../../shared/errors';

/** Where a raw TCP (or TLS) connection goes. `host` has no brackets, even for IPv6. */
export interface TcpTarget {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** ws, wss, http or https followed by a wrong separator: `ws//`, `ws:/`, `ws:`. */
const MISTYPED_SCHEME = /^(wss?|https?)(?::\/?|\/{1,2})(?!\/)(\S.*)$/i;
/** Letters, digits, '-', '_' and '.' – what a DNS name (or an IPv4 address) may contain. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;

function fail(code: ErrorCode, message: string, input: string, offset: number): SocketInspectorError {
  return new SocketInspectorError(code, message, { position: positionOf(input, offset) });
}

/** Host and port of an authority (`host:port`, `[v6]:port`), offsets relative to the input. */
interface Authority {
  host: string;
  hostOffset: number;
  /** The digits as typed; undefined when there is no ':'. */
  port: string | undefined;
  portOffset: number;
}

function splitAuthority(input: string, start: number, end: number, kind: string): Authority {
  let hostStart = start;
  const at = input.lastIndexOf('@', end - 1);
  if (at >= start) hostStart = at + 1;
  const text = input.slice(hostStart, end);
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw fail('BAD_URL', `The IPv6 address in the ${kind} has no closing ']'`, input, end);
    const host = text.slice(1, close);
    if (isIP(host) !== 6) {
      throw fail('BAD_URL', `"${host}" between [ ] is not an IPv6 address`, input, hostStart + 1);
    }
    const rest = text.slice(close + 1);
    if (rest === '') return { host, hostOffset: hostStart + 1, port: undefined, portOffset: end };
    if (!rest.startsWith(':')) {
      throw fail('BAD_URL', `Expected ':' and a port after "[${host}]"`, input, hostStart + close + 1);
    }
    return { host, hostOffset: hostStart + 1, port: rest.slice(1), portOffset: hostStart + close + 2 };
  }
  const colon = text.lastIndexOf(':');
  if (colon >= 0 && text.indexOf(':') !== colon) {
    throw fail('BAD_URL', `Put an IPv6 address in brackets, e.g. [::1]:8080`, input, hostStart);
  }
  if (colon < 0) return { host: text, hostOffset: hostStart, port: undefined, portOffset: end };
  return {
    host: text.slice(0, colon),
    hostOffset: hostStart,
    port: text.slice(colon + 1),
    portOffset: hostStart + colon + 1,
  };
}

function checkHost(input: string, a: Authority): void {
  if (a.host === '') throw fail('BAD_URL', 'The host is missing, e.g. localhost or 127.0.0.1', input, a.hostOffset);
  if (isIP(a.host) === 0 && !HOST_NAME.test(a.host)) {
    const bad = [...a.host].findIndex((c) => !/[A-Za-z0-9_.-]/.test(c));
    const offset = a.hostOffset + Math.max(0, bad);
    throw fail('BAD_URL', `"${a.host}" is not a valid host name`, input, offset);
  }
}

/** Validates the digits of a port: an integer 1..65535. */
function checkPort(input: string, digits: string, offset: number): number {
  if (digits === '') throw fail('BAD_PORT', 'The port is missing after ":" (1–65535)', input, offset);
  if (!/^[0-9]+$/.test(digits)) {
    throw fail('BAD_PORT', `"${digits}" is not a port number (1–65535)`, input, offset);
  }
  const port = Number(digits);
  if (port < 1 || port > 65535) {
    throw fail('BAD_PORT', `Port ${digits} is out of range (1–65535)`, input, offset);
  }
  return port;
}

/** Parses and validates a ws:// or wss:// URL as typed by a person. */
export function parseWebSocketUrl(raw: string): URL {
  const lead = raw.length - raw.trimStart().length;
  const input = raw.trim();
  if (input === '') {
    throw new SocketInspectorError('BAD_URL', 'Enter a WebSocket URL, e.g. ws://localhost:8080/', {
      position: positionOf(raw, 0),
    });
  }
  const at = (offset: number) => lead + offset;
  const scheme = SCHEME.exec(input);
  if (!scheme) {
    // A scheme typed with its separator wrong (ws//host, ws:/host, wss:host): suggest it mended, not doubled.
    const typo = MISTYPED_SCHEME.exec(input);
    if (typo) {
      const fixed = `${typo[1]!.toLowerCase()}://${typo[2]}`;
      throw fail('BAD_URL', `The scheme needs "://" after it (did you mean ${fixed}?)`, raw, at(typo[1]!.length));
    }
    throw fail('BAD_URL', `The URL needs a scheme: ws:// or wss:// (did you mean ws://${input}?)`, raw, at(0));
  }
  const name = scheme[1]!.toLowerCase();
  const rest = input.slice(scheme[0].length);
  if (name === 'http' || name === 'https') {
    const suggestion = `${name === 'http' ? 'ws' : 'wss'}://${rest}`;
    throw fail('BAD_URL', `WebSocket URLs start with ws:// or wss://, not ${name}:// (did you mean ${suggestion}?)`, raw, at(0));
  }
  // Socket.IO's own URL forms open its Engine.IO WebSocket endpoint (the namespace is the layer's setting).
  if (name === 'socketio' || name === 'socketios') return new URL(parseSocketIoUrl(raw).url);
  if (name !== 'ws' && name !== 'wss') {
    const hint = name === 'tcp' || name === 'tls' ? ' (for raw TCP use a TCP connection instead)' : '';
    throw fail('BAD_URL', `Unsupported scheme "${scheme[1]}://": use ws:// or wss://${hint}`, raw, at(0));
  }
  const authStart = scheme[0].length;
  const authEndRel = rest.search(/[/?#]/);
  const authEnd = authEndRel < 0 ? input.length : authStart + authEndRel;
  const ws = /\s/.exec(input);
  if (ws) throw fail('BAD_URL', 'The URL contains a space; encode it as %20', raw, at(ws.index));
  const authority = splitAuthority(input, authStart, authEnd, 'URL');
  const shifted = { ...authority, hostOffset: at(authority.hostOffset), portOffset: at(authority.portOffset) };
  checkHost(raw, shifted);
  if (authority.port !== undefined) checkPort(raw, authority.port, shifted.portOffset);
  const hash = input.indexOf('#');
  if (hash >= 0) {
    throw fail('BAD_URL', 'A WebSocket URL cannot have a #fragment', raw, at(hash));
  }
  try {
    return new URL(input);
  } catch {
    throw fail('BAD_URL', `"${input}" is not a valid URL`, raw, at(0));
  }
}

/** Default ports of the schemes whose port may be left out: MQTT over TCP and over TLS. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { mqtt: 1883, mqtts: 8883 };

/** Parses `host:port`, `tcp://host:port`, `tls://host:port`, `mqtt://host[:port]`, `mqtts://host[:port]` or `[v6]:port`. */
export function parseTcpTarget(raw: string): TcpTarget {
  const lead = raw.length - raw.trimStart().length;
  let input = raw.trim();
  if (input === '') {
    throw new SocketInspectorError('BAD_URL', 'Enter a target as host:port, e.g. 127.0.0.1:6379', {
      position: positionOf(raw, 0),
    });
  }
  let tls = false;
  let start = 0;
  let defaultPort: number | undefined;
  const scheme = SCHEME.exec(input);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    defaultPort = DEFAULT_PORTS[name];
    if (name === 'tls' || name === 'ssl' || name === 'mqtts') tls = true;
    else if (name !== 'tcp' && name !== 'mqtt') {
      const hint = name.startsWith('ws') || name.startsWith('http') ? ' (for WebSockets use a WebSocket connection)' : '';
      throw fail('BAD_URL', `Unsupported scheme "${scheme[1]}://": use tcp://, tls://, mqtt:// or mqtts://${hint}`, raw, lead);
    }
    start = scheme[0].length;
  }
  // A trailing slash is what people paste from URLs; anything after it would be ignored silently.
  if (input.endsWith('/') && input.indexOf('/', start) === input.length - 1) input = input.slice(0, -1);
  const slash = input.slice(start).search(/[/?#\s]/);
  if (slash >= 0) {
    throw fail('BAD_URL', 'A TCP target is just host:port (no path, query or spaces)', raw, lead + start + slash);
  }
  const a = splitAuthority(input, start, input.length, 'target');
  if (input.lastIndexOf('@') >= start) {
    throw fail('BAD_URL', 'A TCP target cannot contain user@', raw, lead + start);
  }
  const shifted = { ...a, hostOffset: lead + a.hostOffset, portOffset: lead + a.portOffset };
  checkHost(raw, shifted);
  if (a.port === undefined && defaultPort !== undefined) return { host: a.host, port: defaultPort, tls };
  if (a.port === undefined) {
    throw fail('BAD_PORT', `Add a port: ${a.host.includes(':') ? `[${a.host}]` : a.host}:PORT`, raw, lead + input.length);
  }
  const port = checkPort(raw, a.port, shifted.portOffset);
  return { host: a.host, port, tls };
}

/** Formats a target the way parseTcpTarget reads it back: tcp://host:port, tls://[::1]:port. */
export function formatTcpTarget(target: { host: string; port: number; tls?: boolean | object }): string {
  const host = isIP(target.host) === 6 ? `[${target.host}]` : target.host;
  return `${target.tls ? 'tls' : 'tcp'}://${host}:${target.port}`;
}

/** A socketio:// or socketios:// URL read as the WebSocket it opens and the namespace it names. */
export interface SocketIoTarget {
  /** ws:// or wss:// URL of the Engine.IO WebSocket: `ws://host:port/socket.io/?EIO=4&transport=websocket&…`. */
  readonly url: string;
  /** The URL's path ('/' when it has none). */
  readonly namespace: string;
}

/**
 * Parses `socketio://host:port/namespace?query` (socketios:// for TLS) into the Engine.IO WebSocket URL
 * (`path` is the server's Engine.IO path, '/socket.io/' by default) and the namespace.
 */
export function parseSocketIoUrl(raw: string, path = '/socket.io/'): SocketIoTarget {
  const lead = raw.length - raw.trimStart().length;
  const input = raw.trim();
  const scheme = SCHEME.exec(input);
  const name = scheme?.[1]!.toLowerCase();
  if (!scheme || (name !== 'socketio' && name !== 'socketios')) {
    throw fail('BAD_URL', 'A Socket.IO URL starts with socketio:// or socketios:// (TLS), e.g. socketio://localhost:3000/chat', raw, lead);
  }
  const wsScheme = name === 'socketio' ? 'ws://' : 'wss://';
  const shift = scheme[0].length - wsScheme.length;
  let url: URL;
  try {
    url = parseWebSocketUrl(wsScheme + input.slice(scheme[0].length));
  } catch (e) {
    // Same checks as a ws:// URL; the position is moved back onto what was typed.
    if (!(e instanceof SocketInspectorError)) throw e;
    const offset = lead + Math.max(0, (e.details.position?.offset ?? 0) + shift);
    throw fail(e.code, e.message, raw, offset);
  }
  let namespace = url.pathname === '' ? '/' : url.pathname;
  if (namespace.length > 1 && namespace.endsWith('/')) namespace = namespace.slice(0, -1);
  try {
    namespace = decodeURIComponent(namespace);
  } catch {
    throw fail('BAD_URL', `The namespace "${namespace}" has a broken %-escape`, raw, lead + input.indexOf('/', scheme[0].length));
  }
  if (namespace.includes(',')) {
    throw fail('BAD_URL', 'A Socket.IO namespace cannot contain ","', raw, lead + input.indexOf(',', scheme[0].length));
  }
  const query = new URLSearchParams(url.search);
  for (const reserved of ['EIO', 'transport']) {
    if (query.has(reserved)) {
      throw fail('BAD_URL', `Leave out "${reserved}=" from the query: it is set to EIO=4&transport=websocket`, raw, lead + input.indexOf(`${reserved}=`));
    }
  }
  if (!path.startsWith('/')) {
    throw new SocketInspectorError('BAD_URL', `The Engine.IO path must start with "/" (found "${path}")`);
  }
  const enginePath = path.endsWith('/') ? path : `${path}/`;
  const extra = url.search.length > 1 ? `&${url.search.slice(1)}` : '';
  return { url: `${wsScheme}${url.host}${enginePath}?EIO=4&transport=websocket${extra}`, namespace };
}
