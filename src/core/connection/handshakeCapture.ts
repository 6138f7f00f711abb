// Records the HTTP opening handshake of a WebSocket exactly as it crossed the wire: the request head as
// written to the socket and the response head as read from it, before Node's HTTP parser normalizes them.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { IDisposable } from '../base/dispose';
import { tapWrites } from './socketWriteTap';

/** An HTTP message head: start line, headers in wire order with names as sent, and its raw bytes. */
export interface HttpHead {
  readonly startLine: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The bytes of the head, through the blank line that ends it. */
  readonly raw: Uint8Array;
}

/** Heads larger than this are not HTTP we care to record (Node's own limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;

/** Offset just past the CRLFCRLF that ends an HTTP head, or -1 when it is not in `bytes` yet. */
export function findHeadEnd(bytes: Uint8Array, from = 0): number {
  for (let i = Math.max(0, from - 3); i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i + 4;
  }
  return -1;
}

/**
 * Parses a complete HTTP head. Bytes are read as Latin-1, which maps each octet to one character, so
 * nothing a server sends is lost or replaced.
 */
export function parseHttpHead(raw: Uint8Array): HttpHead {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const lines = text.split('\r\n');
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) headers.push([line, '']);
    else headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { startLine: lines[0] ?? '', headers, raw };
}

/** The status code of a response start line ("HTTP/1.1 101 Switching Protocols" → 101). */
export function statusOf(startLine: string): number | undefined {
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(startLine);
  return m ? Number(m[1]) : undefined;
}

/** Collects bytes until a head is complete; gives up past MAX_HEAD_BYTES. */
class HeadAccumulator {
  private chunks: Uint8Array[] = [];
  private length = 0;
  done = false;

  /** Bytes pushed so far (what a stalled peer managed to send). */
  get received(): number {
    return this.length;
  }

  /** Adds a chunk; returns the head once complete (exactly once). */
  push(chunk: Uint8Array): HttpHead | undefined {
    if (this.done) return undefined;
    const before = this.length;
    this.chunks.push(chunk);
    this.length += chunk.length;
    const all = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.length);
    const end = findHeadEnd(all, before);
    if (end < 0) {
      if (this.length > MAX_HEAD_BYTES) this.stop();
      return undefined;
    }
    this.stop();
    // A copy: `all` may be a view into a pooled socket buffer that will be reused.
    return parseHttpHead(Uint8Array.prototype.slice.call(all, 0, end));
  }

  stop(): void {
    this.done = true;
    this.chunks = [];
  }
}

/**
 * Taps one socket for the handshake: wraps its `write` until the request head has passed and listens
 * to `data` until the response head has arrived, then lets go of both.
 */
export class HandshakeCapture implements IDisposable {
  private socket: Socket | undefined;
  private writes: IDisposable | undefined;
  private readonly request = new HeadAccumulator();
  private readonly response = new HeadAccumulator();
  private readonly onData = (chunk: Buffer) => {
    const head = this.response.push(chunk);
    if (this.response.done) this.socket?.off('data', this.onData);
    if (head) this.onResponse(head);
  };

  constructor(
    private readonly onRequest: (head: HttpHead) => void,
    private readonly onResponse: (head: HttpHead) => void,
  ) {}

  /** Bytes of the response read while waiting for its head (for a timeout's message). */
  get responseBytes(): number {
    return this.response.received;
  }

  /**
   * Starts tapping; call before anything is written to or read from the socket. The HTTP client may
   * already listen to it (Node emits the request's 'socket' event after attaching its parser).
   */
  attach(socket: Socket): void {
    this.socket = socket;
    this.writes = tapWrites(socket, (bytes) => {
      const head = this.request.push(bytes);
      if (this.request.done) this.writes?.dispose();
      if (head) this.onRequest(head);
    });
    // First in line, ahead of the HTTP client's parser: the response head must be recorded before the
    // parser emits 'upgrade' and ws starts reading frames from the same chunk.
    socket.prependListener('data', this.onData);
  }

  dispose(): void {
    this.request.stop();
    this.response.stop();
    this.writes?.dispose();
    this.socket?.off('data', this.onData);
    this.socket = undefined;
  }
}

/** Header name/value pairs from Node's rawHeaders (names as sent, in order). */
export function headerPairs(rawHeaders: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}

/** A head rebuilt from Node's parse (start line and raw header pairs), when the raw bytes were not captured. */
function rebuiltHead(startLine: string, rawHeaders: readonly string[]): HttpHead {
  const headers = headerPairs(rawHeaders);
  const text = `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return { startLine, headers, raw: Buffer.from(text, 'latin1') };
}

/** The head of a response as Node parsed it. */
export function headOfResponse(res: IncomingMessage): HttpHead {
  return rebuiltHead(`HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trimEnd(), res.rawHeaders);
}

/** The head of a request as Node parsed it. */
export function headOfRequest(req: IncomingMessage): HttpHead {
  return rebuiltHead(`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`, req.rawHeaders);
}
