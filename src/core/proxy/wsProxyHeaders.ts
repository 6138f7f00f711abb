// What a WebSocket proxy passes between its two handshakes: the upstream URL for a client's request,
// the client's headers sent upstream, the upstream's headers sent back, and the raw HTTP responses it
// writes itself. Pure.
import { STATUS_CODES } from 'node:http';
import { SocketInspectorError } from '../../../shared/errors';
import { headerPairs } from '../connection/handshakeCapture';

/** Subprotocol names are HTTP tokens (RFC 6455 §4.1). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Request headers each leg sets for itself (hop-by-hop, the handshake's own, and framing of a body),
 * lowercase. Sec-WebSocket-Protocol is passed separately, as the list of offered subprotocols.
 */
const NOT_FORWARDED_UP = new Set([
  'host',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
]);

/** Response headers of the upstream that the proxy's own 101 (or error) response must not repeat. */
const NOT_FORWARDED_DOWN = new Set([
  'connection',
  'upgrade',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
]);

/**
 * The upstream URL for a client's request target: the client's path is appended to the upstream's path
 * (a client asking for "/" gets the upstream's own path) and the client's query to the upstream's query.
 */
export function upstreamUrlFor(upstream: URL, requestTarget: string): URL {
  const url = new URL(upstream.href);
  const q = requestTarget.indexOf('?');
  const path = q < 0 ? requestTarget : requestTarget.slice(0, q);
  const query = q < 0 ? '' : requestTarget.slice(q + 1);
  if (path !== '' && path !== '/') {
    const base = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
    url.pathname = `${base}${path.startsWith('/') ? '' : '/'}${path}`;
  }
  if (query !== '') url.search = url.search ? `${url.search}&${query}` : `?${query}`;
  return url;
}

/** The subprotocols a client offered in Sec-WebSocket-Protocol; throws PROTOCOL for a malformed list. */
export function offeredProtocols(header: string | readonly string[] | undefined): string[] {
  if (header === undefined) return [];
  const values = (typeof header === 'string' ? [header] : header).join(',');
  const names = values.split(',').map((p) => p.trim());
  if (names.length === 1 && names[0] === '') return [];
  const bad = names.find((p) => !TOKEN.test(p));
  if (bad !== undefined) {
    throw new SocketInspectorError('PROTOCOL', `The client offered an invalid subprotocol list: "${values}"`);
  }
  if (new Set(names).size !== names.length) {
    throw new SocketInspectorError('PROTOCOL', `The client offered a subprotocol twice: "${values}"`);
  }
  return names;
}

/**
 * The client's request headers to send upstream: all but the ones each leg sets itself, repeated names
 * joined (Cookie with "; ", others with ", "), then `extra` on top (same name, case-insensitive, wins).
 */
export function upstreamRequestHeaders(
  rawHeaders: readonly string[],
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const byLower = new Map<string, [string, string]>();
  for (const [name, value] of headerPairs(rawHeaders)) {
    const lower = name.toLowerCase();
    if (NOT_FORWARDED_UP.has(lower)) continue;
    const seen = byLower.get(lower);
    if (seen) seen[1] = `${seen[1]}${lower === 'cookie' ? '; ' : ', '}${value}`;
    else byLower.set(lower, [name, value]);
  }
  for (const [name, value] of Object.entries(extra)) byLower.set(name.toLowerCase(), [name, value]);
  const out: Record<string, string> = {};
  for (const [name, value] of byLower.values()) out[name] = value;
  return out;
}

/** The upstream's response headers the proxy passes on to its client, as "Name: value" lines. */
export function downstreamResponseHeaders(rawHeaders: readonly string[]): string[] {
  return headerPairs(rawHeaders)
    .filter(([name]) => !NOT_FORWARDED_DOWN.has(name.toLowerCase()))
    .map(([name, value]) => `${name}: ${value}`);
}

/**
 * A complete HTTP/1.1 response that closes the connection: status line, `headers` (lines without
 * framing; Content-Length and Connection are set here), and the body.
 */
export function httpResponse(status: number, reason: string | undefined, headers: readonly string[], body: Uint8Array): Buffer {
  const lines = [
    `HTTP/1.1 ${status} ${reason || STATUS_CODES[status] || ''}`.trimEnd(),
    ...headers,
    `Content-Length: ${body.length}`,
    'Connection: close',
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** A short text/plain error response, for failures the proxy reports itself. */
export function proxyErrorResponse(status: number, message: string): Buffer {
  return httpResponse(status, undefined, ['Content-Type: text/plain; charset=utf-8'], Buffer.from(`Socket Inspector proxy: ${message}\n`, 'utf8'));
}

/** What a client's upgrade request lacks, or undefined when the proxy can take it upstream. */
export function upgradeRequestProblem(method: string | undefined, headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  if (method !== 'GET') return `the method is ${method ?? '(none)'}, not GET`;
  const upgrade = headers.upgrade;
  if (typeof upgrade !== 'string' || upgrade.toLowerCase() !== 'websocket') return 'the Upgrade header is not "websocket"';
  const key = headers['sec-websocket-key'];
  if (typeof key !== 'string' || !/^[+/0-9A-Za-z]{22}==$/.test(key)) return 'Sec-WebSocket-Key is missing or invalid';
  const version = headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'Sec-WebSocket-Version is missing or not 13';
  return undefined;
}
