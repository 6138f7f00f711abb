// Turns one WebSocket entry of a HAR file (harFile.ts reads and lists them) into a session: the
// connection settings from the upgrade request, the messages of `_webSocketMessages` as its log. Every
// field used is checked before use, with a message that says where the problem is. A recording of
// hundreds of thousands of messages is converted in time slices, so the extension host keeps running.
import { Direction, Kind } from '../../../shared/logModel';
import { decodeBase64 } from '../../../shared/codecs/base64';
import { TimeSlices } from '../base/timeSlices';
import { parseWebSocketUrl } from '../connection/connectionTarget';
import {
  MAX_SESSION_BYTES,
  SESSION_FORMAT_VERSION,
  type Mutable,
  type PlainSessionHeader,
  type Session,
  type SessionLogEntry,
  type SessionWarning,
  type WebSocketSessionConnection,
} from '../session/sessionFormat';
import { REDACTED, sessionLogEntry } from '../session/sessionLog';
import { readLogEntry } from '../session/sessionLogValidate';
import { serializedEntryBytes } from '../session/sessionSerialize';
import { headerValueProblem, TOKEN, validateSession } from '../session/sessionValidate';
import { hasEnvPlaceholder } from '../session/sessionEnv';
import { bad, field, found, isRecord, isWebSocketEntry, type Json, type ParsedHar } from './harFile';
import { acceptFor } from './httpHeads';

export { loadHarFile, MAX_HAR_BYTES, MAX_HAR_DEPTH, parseHar, type HarParseOptions, type HarWebSocketEntry, type ParsedHar } from './harFile';

/** Room left for the rest of the session file when the log gets its byte budget. */
const RESERVED_BYTES = 1024 * 1024;

export interface HarSessionOptions {
  /** Most bytes the log may take in the session file; the oldest entries beyond it are left out. */
  readonly maxLogBytes?: number;
  /** The session's savedAt (default now). */
  readonly now?: Date;
  /** Shown in the session's name and the log ("Imported from chat.har"). */
  readonly fileName?: string;
}

/** A session made from a HAR entry, with what was left out on the way. */
export interface HarImport {
  readonly session: Session;
  readonly warnings: readonly string[];
}

/** Headers ws writes itself, HTTP/2 connection headers, and hop-by-hop headers: not session settings. */
const MANAGED_HEADERS = new Set([
  'host',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'content-length',
  'transfer-encoding',
  'te',
  'keep-alive',
  'proxy-connection',
]);
/** Header names whose values are credentials (as the Save Session As prompt proposes). */
const SECRET_HEADER = /authorization|cookie|token|secret|password|api[-_]?key|session/i;

/** The name/value pairs of a HAR headers list; anything malformed is skipped. */
function harHeaders(list: unknown): Array<[string, string]> {
  if (!Array.isArray(list)) return [];
  const out: Array<[string, string]> = [];
  for (const h of list) {
    if (!isRecord(h)) continue;
    const name = field(h, 'name');
    const value = field(h, 'value');
    if (typeof name === 'string' && typeof value === 'string') out.push([name, value]);
  }
  return out;
}

/** The request's headers a session should send, the subprotocols offered, and what was left out. */
function sessionHeaders(headers: ReadonlyArray<readonly [string, string]>, warnings: string[]): { headers: PlainSessionHeader[]; protocols: string[] } {
  const kept: PlainSessionHeader[] = [];
  const seen = new Set<string>();
  const secret: string[] = [];
  const unusable: string[] = [];
  const protocols: string[] = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'sec-websocket-protocol') {
      for (const p of value.split(',').map((s) => s.trim())) if (TOKEN.test(p) && !protocols.includes(p)) protocols.push(p);
      continue;
    }
    if (name.startsWith(':') || MANAGED_HEADERS.has(lower) || seen.has(lower)) continue;
    if (SECRET_HEADER.test(name)) {
      secret.push(name);
      continue;
    }
    if (!TOKEN.test(name) || headerValueProblem(value) !== undefined || hasEnvPlaceholder(value)) {
      unusable.push(name);
      continue;
    }
    seen.add(lower);
    kept.push({ name, value });
  }
  if (secret.length > 0) {
    warnings.push(
      `Left out ${secret.join(', ')}: values that look like credentials are not written to the session file (the recorded handshake shows ${REDACTED} instead). Add them in the session (Save Session As keeps them in the secret store) if the server needs them.`,
    );
  }
  if (unusable.length > 0) warnings.push(`Left out ${unusable.join(', ')}: not a header Socket Inspector can send as written.`);
  return { headers: kept, protocols };
}

/** The ws:// or wss:// URL of an entry; http(s) URLs of other tools are mapped to ws(s). */
function webSocketUrl(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw === '') throw bad(`${where} has no "request.url" (found ${found(raw)})`);
  let url = raw.trim().replace(/^http(s?):\/\//i, 'ws$1://');
  // "${env:…}" in a session URL would read the environment when connecting: keep it literal.
  url = url.split('${').join('%24%7B');
  try {
    return parseWebSocketUrl(url).href;
  } catch (e) {
    throw bad(`${where}: "request.url" is not a WebSocket URL (${(e as Error).message})`);
  }
}

/** Epoch milliseconds of a HAR date-time, or undefined. */
function dateMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

const encoder = new TextEncoder();
const OPCODE_KINDS: Readonly<Record<number, Kind>> = { 1: Kind.Text, 2: Kind.Binary, 8: Kind.Close, 9: Kind.Ping, 10: Kind.Pong };
/** Latest time accepted: 9999-12-31, the last an ISO string can hold with four digits. */
const MAX_TIME_MS = 253_402_300_799_999;

interface Draft {
  readonly direction: Direction;
  readonly kind: Kind;
  readonly time: number;
  /**
   * The payload; a text message's as its string, encoded only when its entry is made (UTF8Scratch):
   * an ArrayBuffer per message held until then made the garbage collector's pauses the longest stop.
   */
  readonly payload: Uint8Array | string;
  readonly code: number;
}

/** UTF-8 of one text payload at a time, into one reused buffer. */
class Utf8Scratch {
  private bytes = new Uint8Array(4096);

  /** The UTF-8 of `payload` (a view valid until the next call), or the bytes it is. */
  bytesOf(payload: Uint8Array | string): Uint8Array {
    if (typeof payload !== 'string') return payload;
    if (payload.length * 3 > this.bytes.length) this.bytes = new Uint8Array(payload.length * 3);
    return this.bytes.subarray(0, encoder.encodeInto(payload, this.bytes).written);
  }
}

/** UTF-8 length of a payload (a lone surrogate counts as the 3 bytes of the U+FFFD it is encoded as). */
function payloadLength(payload: Uint8Array | string): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
}

/** Seconds to milliseconds, rounded to microseconds: seconds × 1000 in floating point may land a hair below the millisecond. */
function roundedMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}

/** One `_webSocketMessages` item as a log entry draft. */
function messageDraft(m: unknown, where: string): Draft {
  if (!isRecord(m)) throw bad(`${where} must be an object (found ${found(m)})`);
  const type = field(m, 'type');
  if (type !== 'send' && type !== 'receive') throw bad(`${where}.type must be "send" or "receive" (found ${found(type)})`);
  const time = field(m, 'time');
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0 || time * 1000 > MAX_TIME_MS) {
    throw bad(`${where}.time must be seconds since 1970 (found ${found(time)})`);
  }
  const opcode = field(m, 'opcode');
  const kind = typeof opcode === 'number' ? OPCODE_KINDS[opcode] : undefined;
  if (kind === undefined) {
    throw bad(`${where}.opcode must be 1 (text), 2 (binary), 8 (close), 9 (ping) or 10 (pong) (found ${found(opcode)})`);
  }
  const data = field(m, 'data');
  if (typeof data !== 'string') throw bad(`${where}.data must be a string (found ${found(data)})`);
  const direction = type === 'send' ? Direction.Out : Direction.In;
  if (kind === Kind.Text) return { direction, kind, time: roundedMs(time), payload: data, code: 0 };
  let payload: Uint8Array;
  try {
    payload = decodeBase64(data, { alphabet: 'standard' });
  } catch (e) {
    throw bad(`${where}.data must be base64 for opcode ${String(opcode)} (${(e as Error).message})`);
  }
  let code = 0;
  if (kind === Kind.Close) {
    // A close frame's payload: a 2-byte code, then the reason; none at all means "no status" (1005).
    if (payload.length === 1) throw bad(`${where}.data is a close payload of 1 byte; it holds 0 bytes or a 2-byte code and a reason`);
    code = payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : 1005;
    payload = payload.subarray(2);
  } else if ((kind === Kind.Ping || kind === Kind.Pong) && payload.length > 125) {
    throw bad(`${where}.data is a ${kind === Kind.Ping ? 'ping' : 'pong'} payload of ${payload.length} bytes; control frames hold at most 125`);
  }
  return { direction, kind, time: roundedMs(time), payload, code };
}

function head(startLine: string, headers: ReadonlyArray<readonly [string, string]>): string {
  return `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/** The request path of a URL ("/chat?room=1"). */
function requestTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname || '/'}${u.search}`;
  } catch {
    return '/';
  }
}

/**
 * The session for WebSocket entry `index` of `har` (log.entries index, as in `webSockets`), made in
 * time slices. Rejects with SocketInspectorError('BAD_HAR') naming the field that is wrong.
 */
export async function sessionFromHar(har: ParsedHar, index: number, options: HarSessionOptions = {}, slices = new TimeSlices()): Promise<HarImport> {
  const raw = har.entries[index];
  const where = `Entry ${index + 1} of the HAR file`;
  if (!isWebSocketEntry(raw)) throw bad(`${where} is not a WebSocket entry`);
  const entry = raw as Json;
  const request = field(entry, 'request');
  if (!isRecord(request)) throw bad(`${where} has no "request" object`);
  const url = webSocketUrl(field(request, 'url'), where);
  const warnings: string[] = [];
  const requestHeaders = harHeaders(field(request, 'headers'));
  const { headers, protocols } = sessionHeaders(requestHeaders, warnings);

  const list = field(entry, '_webSocketMessages') ?? [];
  if (!Array.isArray(list)) throw bad(`${where}: "_webSocketMessages" must be a list (found ${found(list)})`);
  const drafts: Draft[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    drafts[i] = messageDraft(list[i], `${where}: _webSocketMessages[${i}]`);
    const pause = slices.tick();
    if (pause) await pause;
  }

  const started = dateMs(field(entry, 'startedDateTime')) ?? drafts[0]?.time;
  if (started === undefined) throw bad(`${where} has neither a valid "startedDateTime" nor any message to date it by`);
  const timings = field(entry, 'timings');
  const wait = isRecord(timings) && typeof field(timings, 'wait') === 'number' ? Math.max(0, field(timings, 'wait') as number) : 0;
  const responded = started + (Number.isFinite(wait) ? wait : 0);

  // The handshake as the log shows it, rebuilt from the HAR's lists (HAR keeps no raw bytes). The
  // credentials left out of the settings are redacted here too: the log goes into the same file.
  const response = field(entry, 'response');
  const responseHeaders = isRecord(response) ? harHeaders(field(response, 'headers')) : [];
  const status = isRecord(response) && typeof field(response, 'status') === 'number' ? (field(response, 'status') as number) : 101;
  const statusText = isRecord(response) && typeof field(response, 'statusText') === 'string' ? (field(response, 'statusText') as string) : 'Switching Protocols';
  const secretValues = requestHeaders.filter(([k]) => SECRET_HEADER.test(k)).map(([, v]) => v);
  const redact = [...new Set(secretValues.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
  const requestHead = head(`GET ${requestTarget(url)} HTTP/1.1`, requestHeaders.filter(([k]) => !k.startsWith(':')));
  const key = requestHeaders.find(([k]) => k.toLowerCase() === 'sec-websocket-key')?.[1];
  const shownResponseHeaders =
    responseHeaders.length > 0 || !key ? responseHeaders : [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Accept', acceptFor(key)]] as Array<[string, string]>;
  const responseHead = head(`HTTP/1.1 ${status} ${statusText}`.trimEnd(), shownResponseHeaders);
  const source = options.fileName ? ` from ${options.fileName}` : '';

  const all: Draft[] = [
    { direction: Direction.Meta, kind: Kind.Connecting, time: started, payload: encoder.encode(`Connecting to ${url} (imported${source})`), code: 0 },
    { direction: Direction.Meta, kind: Kind.Handshake, time: started, payload: Buffer.from(requestHead, 'latin1'), code: 0 },
    { direction: Direction.Meta, kind: Kind.Handshake, time: responded, payload: Buffer.from(responseHead, 'latin1'), code: 0 },
  ];
  if (status === 101) all.push({ direction: Direction.Meta, kind: Kind.Open, time: responded, payload: encoder.encode(`Connected (imported${source})`), code: 0 });
  // One by one: push(...drafts) passes every draft as an argument and overflows the stack at ~130k.
  let last = started;
  for (const d of all) last = Math.max(last, d.time);
  for (const d of drafts) {
    all.push(d);
    last = Math.max(last, d.time);
  }
  all.push({ direction: Direction.Meta, kind: Kind.Closed, time: last, payload: encoder.encode(`End of the imported recording${source}`), code: 0 });

  // Monotonic times from the wall times, never decreasing (a HAR may list messages out of order by ms).
  let base = Infinity;
  for (const d of all) base = Math.min(base, d.time);
  let mono = 0;
  const scratch = new Utf8Scratch();
  const entries: SessionLogEntry[] = new Array(all.length);
  for (let seq = 0; seq < all.length; seq++) {
    const d = all[seq]!;
    mono = Math.max(mono, d.time - base);
    entries[seq] = sessionLogEntry(seq, d.time, mono, d.direction, d.kind, d.code, scratch.bytesOf(d.payload), d.direction === Direction.Meta ? redact : []);
    const pause = slices.tick();
    if (pause) await pause;
  }

  // Keep what fits a session file, newest first (as saving a long log does).
  const budget = options.maxLogBytes ?? MAX_SESSION_BYTES - RESERVED_BYTES;
  let used = 0;
  let firstKept = entries.length;
  while (firstKept > 0) {
    used += serializedEntryBytes(entries[firstKept - 1]!);
    if (used > budget) break;
    firstKept--;
    const pause = slices.tick();
    if (pause) await pause;
  }
  const kept = entries.slice(firstKept);
  let droppedBytes = 0;
  for (let i = 0; i < firstKept; i++) droppedBytes += payloadLength(all[i]!.payload);
  if (firstKept > 0) {
    warnings.push(`The recording is larger than a session file may be: the oldest ${firstKept} of ${entries.length} entries were left out.`);
  }

  const connection: Mutable<WebSocketSessionConnection> = { type: 'websocket', url };
  if (headers.length > 0) connection.headers = headers;
  if (protocols.length > 0) connection.protocols = protocols;
  const session: Session = {
    version: SESSION_FORMAT_VERSION,
    name: `${new URL(url).host}${options.fileName ? ` (${options.fileName})` : ''}`,
    connection,
    log: {
      savedAt: (options.now ?? new Date()).toISOString(),
      ...(firstKept > 0 ? { dropped: { entries: firstKept, bytes: droppedBytes } } : {}),
      entries: kept,
    },
  };
  // What a session file may hold is defined by its validator: check, so a bad import fails here, named.
  // The session with an empty log first, then the log's entries one by one in slices.
  try {
    validateSession({ ...session, log: { ...session.log, entries: [] } });
    const unused: SessionWarning[] = [];
    let previous = -1;
    for (let i = 0; i < kept.length; i++) {
      previous = readLogEntry(kept[i], `log.entries[${i}]`, previous, unused).seq;
      const pause = slices.tick();
      if (pause) await pause;
    }
  } catch (e) {
    throw bad(`${where} does not make a valid session: ${(e as Error).message}`);
  }
  return { session, warnings };
}
