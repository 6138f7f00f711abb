// The HTTP upgrade request and response of a WebSocket as bytes for an export: the heads the log
// recorded (meta handshake entries hold them exactly as they crossed the wire), rebuilt from the
// HandshakeInfo when the log lost them, or a minimal valid pair when nothing is known.
import { createHash } from 'node:crypto';
import type { HandshakeInfo } from '../../../shared/logModel';
import { redactText } from './exportSource';

const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/\d/;
const STATUS_LINE = /^HTTP\/\d(?:\.\d)? \d{3}/;
/** RFC 6455 §1.3. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function startOf(payload: Uint8Array, n: number): string {
  return Buffer.from(payload.buffer, payload.byteOffset, Math.min(n, payload.byteLength)).toString('latin1');
}

/** Whether a meta handshake entry's payload is an HTTP request head (not a TLS summary). */
export function isRequestHead(payload: Uint8Array): boolean {
  return REQUEST_LINE.test(startOf(payload, 64));
}

/** Whether a meta handshake entry's payload is an HTTP response head (with any body that followed). */
export function isResponseHead(payload: Uint8Array): boolean {
  return STATUS_LINE.test(startOf(payload, 16));
}

function head(startLine: string, headers: ReadonlyArray<readonly [string, string]>): string {
  return `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/** HTTP text as the bytes it stands for: header bytes are Latin-1 (see handshakeCapture). */
export function latin1Bytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** A head with the redacted values replaced; the bytes are returned as they are when nothing matches. */
export function redactHead(bytes: Uint8Array, redact: readonly string[] | undefined): Uint8Array {
  if (!redact || redact.length === 0) return bytes;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const out = redactText(text, redact);
  return out === text ? bytes : latin1Bytes(out);
}

/** The request head (and the response head with its body, if one arrived) rebuilt from a HandshakeInfo. */
export function headsOfHandshake(info: HandshakeInfo): { request: Uint8Array; response?: Uint8Array } {
  const request = latin1Bytes(head(info.requestLine, info.requestHeaders));
  if (!info.statusLine) return { request };
  const responseHead = latin1Bytes(head(info.statusLine, info.responseHeaders ?? []));
  const body = info.responseBody ?? new Uint8Array(0);
  const response = new Uint8Array(responseHead.length + body.length);
  response.set(responseHead);
  response.set(body, responseHead.length);
  return { request, response };
}

/** Sec-WebSocket-Accept for a key (RFC 6455 §4.2.2). */
export function acceptFor(key: string): string {
  return createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
}

/**
 * A minimal, valid upgrade for a WebSocket URL, for an export whose log holds neither the handshake nor
 * a HandshakeInfo (it was evicted): without one, a capture reader cannot tell the bytes are WebSocket.
 */
export function minimalHandshake(url: string): { request: Uint8Array; response: Uint8Array } {
  let path = '/';
  let host = 'localhost';
  try {
    const u = new URL(url);
    path = `${u.pathname || '/'}${u.search}`;
    host = u.host;
  } catch {
    // Keep the defaults: the capture still reads as a WebSocket.
  }
  // The sample key of RFC 6455 §1.3: fixed, so the same log always exports the same bytes.
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const request = head(`GET ${path} HTTP/1.1`, [
    ['Host', host],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', key],
    ['Sec-WebSocket-Version', '13'],
  ]);
  const response = head('HTTP/1.1 101 Switching Protocols', [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', acceptFor(key)],
  ]);
  return { request: latin1Bytes(request), response: latin1Bytes(response) };
}
