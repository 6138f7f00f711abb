// A WebSocket connection's log as a HAR 1.2 file, shaped as Chrome DevTools exports one: a single entry
// for the upgrade request with `_resourceType: "websocket"` and the messages in `_webSocketMessages`
// ({ type: "send" | "receive", time: epoch seconds, opcode, data }). As in the DevTools protocol, `data`
// is the text for opcode 1 and base64 for every other opcode (binary 2, close 8, ping 9, pong 10).
// The messages are streamed one per line; the rest of the file is small.
import { randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { Direction, Kind, type LogEntry } from '../../../shared/logModel';
import { encodeBase64 } from '../../../shared/codecs/base64';
import { SocketInspectorError } from '../../../shared/errors';
import { parseHttpHead, statusOf, type HttpHead } from '../connection/handshakeCapture';
import { parseOpenText } from './conversationAddresses';
import { redactText, wireEntries, type ExportSource } from './exportSource';
import { headsOfHandshake, latin1Bytes } from './httpHeads';
import { logPrologue, prologueText, type LogPrologue } from './logPrologue';
import { closePayload, Opcode, opcodeOfKind } from './wsFrameEncoding';

/** HAR name/value pair (headers, cookies, query string). */
export interface HarNameValue {
  readonly name: string;
  readonly value: string;
}

/** One message of `_webSocketMessages`, as Chrome writes it. */
export interface HarWebSocketMessage {
  readonly type: 'send' | 'receive';
  /** Seconds since the Unix epoch, fractional. */
  readonly time: number;
  readonly opcode: number;
  readonly data: string;
}

export interface HarOptions {
  /** Recorded as log.creator.version. */
  readonly creatorVersion?: string;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Why a connection cannot be exported as HAR, or undefined when it can. */
export function harRefusal(kind: ExportSource['kind'], target: string): string | undefined {
  return kind === 'ws'
    ? undefined
    : `HAR holds HTTP and WebSocket traffic; ${target} is a raw TCP connection. Export it as pcapng or NDJSON instead.`;
}

/**
 * The message of one wire entry, or undefined for entries that are not WebSocket frames. HAR names the
 * client's messages "send"; a log recorded at the server end sends what the client receives.
 */
export function harMessage(entry: LogEntry, end: ExportSource['end'] = 'client'): HarWebSocketMessage | undefined {
  const opcode = opcodeOfKind(entry.kind);
  if (opcode === undefined || entry.direction === Direction.Meta) return undefined;
  const payload = entry.kind === Kind.Close ? closePayload(entry.code, entry.payload) : entry.payload;
  return {
    type: (entry.direction === Direction.Out) === (end === 'client') ? 'send' : 'receive',
    time: entry.wallTime / 1000,
    opcode,
    data: opcode === Opcode.Text ? utf8.decode(payload) : encodeBase64(payload),
  };
}

function nameValues(headers: ReadonlyArray<readonly [string, string]>, redact: readonly string[] | undefined): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value: redactText(value, redact) }));
}

function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  return headers.find(([k]) => k.toLowerCase() === name)?.[1];
}

/** Cookies of a Cookie request header: `a=1; b=2`. */
function requestCookies(headers: ReadonlyArray<readonly [string, string]>, redact: readonly string[] | undefined): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== 'cookie') continue;
    for (const part of v.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      out.push({ name: part.slice(0, eq).trim(), value: redactText(part.slice(eq + 1).trim(), redact) });
    }
  }
  return out;
}

/** Cookies a response sets: the name=value before the first ';' of each Set-Cookie. */
function responseCookies(headers: ReadonlyArray<readonly [string, string]>, redact: readonly string[] | undefined): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== 'set-cookie') continue;
    const first = v.split(';')[0] ?? '';
    const eq = first.indexOf('=');
    if (eq > 0) out.push({ name: first.slice(0, eq).trim(), value: redactText(first.slice(eq + 1).trim(), redact) });
  }
  return out;
}

function queryOf(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/** A head and the bytes after it (the body of a refused upgrade). */
function splitHead(bytes: Uint8Array): { head: HttpHead; body: Uint8Array } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const headEnd = end < 0 ? bytes.length : end + 4;
  return { head: parseHttpHead(bytes.subarray(0, headEnd)), body: bytes.subarray(headEnd) };
}

/** ws://host/path of the request a listener's peer sent (from its Host header, else the address it reached). */
function requestedUrl(path: string | undefined, host: string | undefined, server: { host: string; port: number } | undefined): string | undefined {
  const authority = host ?? (server ? (server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`) : undefined);
  if (!authority || !path?.startsWith('/')) return undefined;
  return `ws://${authority}${path}`;
}

function ms(n: number): number {
  return Math.max(0, Math.round(n * 1000) / 1000);
}

/** The HAR entry of a WebSocket log, without its messages (they are streamed into it). */
export function harEntry(source: ExportSource, prologue: LogPrologue): Record<string, unknown> {
  const redact = source.redact;
  const fallback = source.handshake ? headsOfHandshake(source.handshake) : undefined;
  const requestBytes = prologue.request?.payload ?? fallback?.request;
  const responseBytes = prologue.response?.payload ?? fallback?.response;
  const request = requestBytes ? splitHead(requestBytes).head : undefined;
  const response = responseBytes ? splitHead(responseBytes) : undefined;

  const requestParts = request?.startLine.split(' ') ?? [];
  const requestHeaders = request?.headers ?? [];
  const responseHeaders = response?.head.headers ?? [];
  const status = response ? (statusOf(response.head.startLine) ?? 0) : 0;
  const statusText = response ? response.head.startLine.replace(/^HTTP\/\S+\s+\d{3}\s*/, '') : '';
  const body = response?.body ?? new Uint8Array(0);
  const bodyIsText = isUtf8(body);

  const started = prologue.connecting?.time ?? prologue.request?.time ?? prologue.firstTime ?? Date.now();
  const requestTime = prologue.request?.time;
  const responseTime = prologue.response?.time;
  const connect = prologue.connecting && requestTime !== undefined ? ms(requestTime - prologue.connecting.time) : -1;
  const wait = requestTime !== undefined && responseTime !== undefined ? ms(responseTime - requestTime) : 0;
  const opened = parseOpenText(prologueText(prologue.open) ?? '');
  const error = prologueText(prologue.error);
  // A listener's peer is named "Peer #2 …", not by a URL: the URL the client asked for is in its request.
  const url = source.end === 'server' ? requestedUrl(requestParts[1], headerValue(requestHeaders, 'host'), opened?.server) ?? source.target : source.target;

  return {
    startedDateTime: new Date(started).toISOString(),
    time: ms(Math.max(0, connect) + wait),
    request: {
      method: requestParts[0] ?? 'GET',
      url,
      httpVersion: requestParts[2] ?? 'HTTP/1.1',
      cookies: requestCookies(requestHeaders, redact),
      headers: nameValues(requestHeaders, redact),
      queryString: queryOf(url),
      headersSize: requestBytes ? latin1Bytes(redactText(Buffer.from(requestBytes).toString('latin1'), redact)).length : -1,
      bodySize: 0,
    },
    response: {
      status,
      statusText,
      httpVersion: response ? (response.head.startLine.split(' ')[0] ?? '') : '',
      cookies: responseCookies(responseHeaders, redact),
      headers: nameValues(responseHeaders, redact),
      content: {
        size: body.length,
        mimeType: headerValue(responseHeaders, 'content-type') ?? 'x-unknown',
        ...(body.length > 0 ? (bodyIsText ? { text: utf8.decode(body) } : { text: encodeBase64(body), encoding: 'base64' }) : {}),
      },
      redirectURL: headerValue(responseHeaders, 'location') ?? '',
      headersSize: response ? response.head.raw.length : -1,
      bodySize: response ? body.length : -1,
      ...(error && status !== 101 ? { _error: error } : {}),
    },
    cache: {},
    timings: { blocked: -1, dns: -1, ssl: -1, connect, send: 0, wait, receive: 0 },
    ...(opened ? { serverIPAddress: opened.server.host, connection: String(opened.client.port) } : {}),
    _resourceType: 'websocket',
  };
}

/**
 * The HAR file of a WebSocket connection's log, in chunks: the document around the messages, then one
 * message per line. Throws SocketInspectorError('EXPORT_FAILED') for a TCP connection.
 */
export function* harChunks(source: ExportSource, options: HarOptions = {}): Generator<string> {
  const refusal = harRefusal(source.kind, source.target);
  if (refusal) throw new SocketInspectorError('EXPORT_FAILED', refusal);
  // A marker no header value can contain, replaced by the streamed messages.
  const marker = `@@messages-${randomBytes(12).toString('hex')}@@`;
  const doc = {
    log: {
      version: '1.2',
      creator: { name: 'Socket Inspector', version: options.creatorVersion ?? '0.1.0' },
      pages: [],
      entries: [{ ...harEntry(source, logPrologue(source)), _webSocketMessages: marker }],
      comment:
        `Exported by Socket Inspector from the log of ${source.target}` +
        (source.dropped > 0 ? `; the ${source.dropped} oldest entries were no longer in the log` : ''),
    },
  };
  const text = JSON.stringify(doc, null, 2);
  const quoted = JSON.stringify(marker);
  const at = text.indexOf(quoted);
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = ' '.repeat(text.slice(lineStart).search(/\S/));
  yield `${text.slice(0, at)}[`;
  let first = true;
  for (const e of wireEntries(source)) {
    const message = harMessage(e, source.end);
    if (!message) continue;
    yield `${first ? '' : ','}\n${indent}  ${JSON.stringify(message)}`;
    first = false;
  }
  yield `${first ? '' : `\n${indent}`}]${text.slice(at + quoted.length)}\n`;
}
