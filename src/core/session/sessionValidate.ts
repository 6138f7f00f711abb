// Checks parsed JSON against the version 1 session format and builds a Session from it. The first wrong
// field stops the check with an error naming its path ("connection.port must be an integer 1–65535");
// unknown fields are kept (for round trip) and reported as warnings, as the editor's schema flags them.
import { COMPOSER_FORMATS } from '../../../shared/codecs/composerInput';
import { parseTcpTarget, parseWebSocketUrl } from '../connection/connectionTarget';
import { SocketInspectorError } from '../../../shared/errors';
import { framerSpecFromJson, framerSpecToJson, type FramerSpecJson } from '../../../shared/framerSpec';
import { parseFieldPath } from '../timing/jsonFieldPath';
import { envSyntaxProblem, hasEnvPlaceholder } from './sessionEnv';
import { bad, found, isRecord, Reader, type Json } from './sessionFieldReader';
import { readLog } from './sessionLogValidate';
import { readTests } from '../testing/testValidate';
import type { SessionTest } from '../testing/testFormat';
import { readDecode, readLayer } from './sessionDecodeValidate';
import {
  SESSION_FIELDS,
  SESSION_FORMAT_VERSION,
  type Mutable,
  type Session,
  type SessionConnection,
  type SessionDecode,
  type SessionHeader,
  type SessionLayer,
  type SessionLog,
  type SessionMessage,
  type SessionTls,
  type SessionView,
  type SessionWarning,
  type WebSocketSessionConnection,
} from './sessionFormat';

/** Longest timeout accepted: setTimeout fires at once for anything above 2^31-1 ms. */
export const MAX_TIMEOUT_MS = 2_147_483_647;
/** An HTTP header name (RFC 9110 token). Also the syntax of a WebSocket subprotocol. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Characters Node accepts in a header value: HTAB, visible ASCII, space and Latin-1. */
const HEADER_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** A secret reference id. */
/** A port written as one test variable, e.g. "${mock.port}". */
const TEST_PORT = /^\$\{[A-Za-z_][A-Za-z0-9_.-]{0,127}\}$/;

export const SECRET_ID = /^[A-Za-z0-9_-]{1,128}$/;

export { parseIsoTime } from './sessionFieldReader';

const {
  root: ROOT_FIELDS,
  websocket: WS_FIELDS,
  tcp: TCP_FIELDS,
  tls: TLS_FIELDS,
  header: HEADER_FIELDS,
  message: MESSAGE_FIELDS,
  view: VIEW_FIELDS,
} = SESSION_FIELDS;

function checkEnv(path: string, text: string): void {
  const problem = envSyntaxProblem(text);
  if (problem) throw bad(path, problem);
}

/** Why a header value cannot be sent, or undefined. Also used after ${env:…} and secrets are filled in. */
export function headerValueProblem(value: string): string | undefined {
  const m = HEADER_VALUE_CHAR.exec(value);
  if (!m) return undefined;
  const cp = m[0].codePointAt(0)!;
  const name = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = cp === 10 || cp === 13 ? `a line break (${name})` : name;
  return `contains ${what} at character ${m.index + 1}, which an HTTP header value cannot carry`;
}

function readTls(v: unknown, path: string, warnings: SessionWarning[]): SessionTls {
  const r = Reader.object(v, path, TLS_FIELDS, warnings, 'an object { servername, allowSelfSigned, ca, keyLogFile }');
  const out: { servername?: string; allowSelfSigned?: boolean; ca?: string | string[]; keyLogFile?: string } = {};
  const servername = r.string('servername');
  if (servername !== undefined) out.servername = servername;
  const allow = r.boolean('allowSelfSigned');
  if (allow !== undefined) out.allowSelfSigned = allow;
  const ca = r.raw('ca');
  if (ca !== undefined) {
    if (typeof ca === 'string') out.ca = ca;
    else if (Array.isArray(ca)) {
      ca.forEach((c, i) => {
        if (typeof c !== 'string') throw bad(`${r.at('ca')}[${i}]`, `must be a PEM string (found ${found(c)})`);
      });
      out.ca = ca as string[];
    } else throw bad(r.at('ca'), `must be a PEM string or a list of them (found ${found(ca)})`);
  }
  const keyLogFile = r.string('keyLogFile');
  if (keyLogFile !== undefined) {
    if (keyLogFile.trim() === '' || keyLogFile.includes('\0')) {
      throw bad(r.at('keyLogFile'), `must be a file path, absolute or relative to the session file (found ${found(keyLogFile)})`);
    }
    out.keyLogFile = keyLogFile;
  }
  return r.keepExtras(out);
}

function readHeader(v: unknown, path: string, warnings: SessionWarning[]): SessionHeader {
  const r = Reader.object(v, path, HEADER_FIELDS, warnings, 'an object { "name", "value" } or { "name", "secret" }');
  const name = r.string('name', true);
  if (!TOKEN.test(name)) {
    throw bad(r.at('name'), `must be an HTTP header name (letters, digits and !#$%&'*+.^_\`|~-) (found ${found(name)})`);
  }
  if (r.has('value') === r.has('secret')) {
    throw bad(path, `needs exactly one of "value" (the header's value) and "secret" (a reference to a stored secret)`);
  }
  if (r.has('secret')) {
    const secret = r.string('secret', true);
    if (!SECRET_ID.test(secret)) {
      throw bad(r.at('secret'), `must be a secret reference id (1–128 letters, digits, _ or -) (found ${found(secret)})`);
    }
    return r.keepExtras({ name, secret });
  }
  const value = r.string('value', true);
  const problem = headerValueProblem(value);
  if (problem) throw bad(r.at('value'), problem);
  checkEnv(r.at('value'), value);
  return r.keepExtras({ name, value });
}

function readWebSocket(r: Reader, warnings: SessionWarning[]): SessionConnection {
  const url = r.string('url', true);
  if (url !== url.trim()) throw bad(r.at('url'), `must not start or end with spaces (found ${found(url)})`);
  // `${name}` (a test variable, filled in per run) as well as `${env:NAME}`.
  if (hasEnvPlaceholder(url) || url.includes('${')) {
    checkEnv(r.at('url'), url);
    if (!/^(?:wss?:\/\/|\$\{)/i.test(url)) {
      throw bad(r.at('url'), `must start with ws://, wss:// or a \${env:NAME} placeholder (or a test variable \${name}) (found ${found(url)})`);
    }
  } else {
    try {
      parseWebSocketUrl(url);
    } catch (e) {
      throw bad(r.at('url'), `is not a usable WebSocket URL: ${(e as Error).message}`);
    }
  }
  const out: Mutable<WebSocketSessionConnection> = { type: 'websocket', url };
  const headers = r.list('headers');
  if (headers) {
    const seen = new Map<string, number>();
    out.headers = headers.map((h, i) => {
      const header = readHeader(h, `${r.at('headers')}[${i}]`, warnings);
      const key = header.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        throw bad(
          `${r.at('headers')}[${i}].name`,
          `repeats the header "${header.name}" of headers[${first}]; give it once (join several values with ", ")`,
        );
      }
      seen.set(key, i);
      return header;
    });
  }
  const protocols = r.list('protocols');
  if (protocols) {
    const seen = new Set<string>();
    out.protocols = protocols.map((p, i) => {
      const path = `${r.at('protocols')}[${i}]`;
      if (typeof p !== 'string' || !TOKEN.test(p)) {
        throw bad(path, `must be a subprotocol name (letters, digits and !#$%&'*+.^_\`|~-) (found ${found(p)})`);
      }
      if (seen.has(p)) throw bad(path, `repeats the subprotocol "${p}"`);
      seen.add(p);
      return p;
    });
  }
  const deflate = r.boolean('perMessageDeflate');
  if (deflate !== undefined) out.perMessageDeflate = deflate;
  const timeout = r.integer('handshakeTimeoutMs', 1, MAX_TIMEOUT_MS);
  if (timeout !== undefined) out.handshakeTimeoutMs = timeout;
  const maxPayload = r.integer('maxPayload', 1, Number.MAX_SAFE_INTEGER);
  if (maxPayload !== undefined) out.maxPayload = maxPayload;
  if (r.has('tls')) out.tls = readTls(r.raw('tls'), r.at('tls'), warnings);
  if (r.has('layer')) out.layer = readLayer(r.raw('layer'), r.at('layer'));
  return r.keepExtras(out);
}

function readTcp(r: Reader, warnings: SessionWarning[]): SessionConnection {
  const host = r.string('host', true);
  if (host === '') throw bad(r.at('host'), 'must not be empty (e.g. "127.0.0.1" or "localhost")');
  if (host !== host.trim()) throw bad(r.at('host'), `must not start or end with spaces (found ${found(host)})`);
  // A test may name its port by a variable (a mock of its set-up: "${mock.port}"); tests fill it in.
  const port = typeof r.raw('port') === 'string' && TEST_PORT.test(r.raw('port') as string) ? (r.raw('port') as string) : r.integer('port', 1, 65535, true);
  if (hasEnvPlaceholder(host) || host.includes('${') || typeof port === 'string') checkEnv(r.at('host'), host);
  else {
    try {
      parseTcpTarget(`${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`);
    } catch (e) {
      throw bad(r.at('host'), `is not a usable host: ${(e as Error).message}`);
    }
  }
  const out: { type: 'tcp'; host: string; port: number | string; tls?: boolean | SessionTls; connectTimeoutMs?: number; layer?: SessionLayer } = {
    type: 'tcp',
    host,
    port,
  };
  const tls = r.raw('tls');
  if (tls !== undefined) {
    if (typeof tls !== 'boolean' && !isRecord(tls)) {
      throw bad(r.at('tls'), `must be true, false or an object { servername, allowSelfSigned, ca, keyLogFile } (found ${found(tls)})`);
    }
    out.tls = typeof tls === 'boolean' ? tls : readTls(tls, r.at('tls'), warnings);
  }
  const timeout = r.integer('connectTimeoutMs', 1, MAX_TIMEOUT_MS);
  if (timeout !== undefined) out.connectTimeoutMs = timeout;
  if (r.has('layer')) out.layer = readLayer(r.raw('layer'), r.at('layer'));
  return r.keepExtras(out);
}

function readConnection(v: unknown, warnings: SessionWarning[]): SessionConnection {
  if (!isRecord(v)) throw bad('connection', `must be an object (found ${found(v)})`);
  const type = v.type;
  if (type === undefined) throw bad('connection', 'needs "type": "websocket" or "tcp"');
  if (type === 'websocket') return readWebSocket(new Reader(v, 'connection', WS_FIELDS, warnings), warnings);
  if (type === 'tcp') return readTcp(new Reader(v, 'connection', TCP_FIELDS, warnings), warnings);
  throw bad('connection.type', `must be "websocket" or "tcp" (found ${found(type)})`);
}

function readView(v: unknown, connection: SessionConnection, warnings: SessionWarning[]): SessionView {
  const r = Reader.object(v, 'view', VIEW_FIELDS, warnings, 'an object { "framing", "pairing", "decode" }');
  const out: { framing?: FramerSpecJson; pairing?: string; decode?: SessionDecode } = {};
  if (r.has('framing')) {
    if (connection.type !== 'tcp') throw bad('view.framing', 'applies to TCP connections only; WebSocket messages are framed by the protocol');
    try {
      out.framing = framerSpecToJson(framerSpecFromJson(r.raw('framing')));
    } catch (e) {
      throw bad('view.framing', `is not a framer: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const pairing = r.string('pairing');
  if (pairing !== undefined && pairing.trim() !== '') {
    const parsed = parseFieldPath(pairing);
    if (!parsed.ok) throw bad('view.pairing', `is not a JSON field path: ${parsed.message}`);
    out.pairing = pairing.trim();
  }
  if (r.has('decode')) out.decode = readDecode(r.raw('decode'), r.at('decode'), warnings);
  return r.keepExtras(out);
}

function readMessage(v: unknown, path: string, warnings: SessionWarning[]): SessionMessage {
  const r = Reader.object(v, path, MESSAGE_FIELDS, warnings, 'an object { "format", "body" }');
  const name = r.string('name');
  const format = r.oneOf('format', COMPOSER_FORMATS);
  const body = r.string('body', true);
  const escapes = r.boolean('escapes');
  const out: { name?: string; format: SessionMessage['format']; body: string; escapes?: boolean } =
    name !== undefined ? { name, format, body } : { format, body };
  if (escapes !== undefined) out.escapes = escapes;
  return r.keepExtras(out);
}

function readVersion(root: Json): void {
  const v = root.version;
  if (v === undefined) {
    throw new SocketInspectorError(
      'BAD_SESSION',
      `The file has no "version"; a Socket Inspector session starts with { "version": ${SESSION_FORMAT_VERSION}, "connection": … }`,
    );
  }
  if (typeof v === 'number' && Number.isInteger(v) && v > SESSION_FORMAT_VERSION) {
    throw new SocketInspectorError(
      'BAD_SESSION',
      `version ${v} is newer than this extension understands (${SESSION_FORMAT_VERSION}); update Socket Inspector to open this file`,
    );
  }
  if (v !== SESSION_FORMAT_VERSION) throw bad('version', `must be ${SESSION_FORMAT_VERSION} (found ${found(v)})`);
}

/**
 * Checks parsed JSON as a version 1 session and returns it with warnings about unknown fields.
 * Throws SocketInspectorError('BAD_SESSION') naming the path of the first wrong field.
 */
export function validateSession(value: unknown): { session: Session; warnings: SessionWarning[] } {
  if (!isRecord(value)) {
    throw new SocketInspectorError(
      'BAD_SESSION',
      `A session file holds a JSON object ({ "version": ${SESSION_FORMAT_VERSION}, "connection": … }), not ${found(value)}`,
    );
  }
  // The version first: a newer file fails on its version, not on a field this version cannot read.
  readVersion(value);
  const warnings: SessionWarning[] = [];
  const r = new Reader(value, '', ROOT_FIELDS, warnings);
  const schema = r.string('$schema');
  const name = r.string('name');
  if (!r.has('connection')) {
    throw new SocketInspectorError('BAD_SESSION', 'The session needs "connection" (where to connect: { "type": "websocket", "url": … } or { "type": "tcp", "host": …, "port": … })');
  }
  const connection = readConnection(r.raw('connection'), warnings);
  const out: {
    $schema?: string;
    version: typeof SESSION_FORMAT_VERSION;
    name?: string;
    connection: SessionConnection;
    view?: SessionView;
    messages?: SessionMessage[];
    log?: SessionLog;
    tests?: SessionTest[];
  } = {
    ...(schema !== undefined ? { $schema: schema } : {}),
    version: SESSION_FORMAT_VERSION,
    ...(name !== undefined ? { name } : {}),
    connection,
  };
  if (r.has('view')) out.view = readView(r.raw('view'), connection, warnings);
  const messages = r.list('messages');
  if (messages) out.messages = messages.map((m, i) => readMessage(m, `messages[${i}]`, warnings));
  if (r.has('log')) out.log = readLog(r.raw('log'), warnings);
  // -- tests (issue 21) --
  if (r.has('tests')) out.tests = readTests(r.raw('tests'), warnings, connection.layer?.type);
  return { session: r.keepExtras(out), warnings };
}
