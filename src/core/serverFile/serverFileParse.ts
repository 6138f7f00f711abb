// Reads a `*.socket-server.json` file: size and JSON checks, then each field, the first wrong one stopping
// the load with its path, line and column (`hold.maxBytes must be an integer 1–… (found -1) (line 9,
// column 17)`), as the session loader does. Unknown fields are warnings and are kept.
import { COMPOSER_FORMATS } from '../../../shared/codecs/composerInput';
import { findJsonSyntaxError } from '../../../shared/codecs/jsonSyntax';
import { MAX_AUTO_REPLY_DELAY_MS, MAX_AUTO_REPLY_RULES } from '../../../shared/autoReplyRules';
import { positionOf, SocketInspectorError } from '../../../shared/errors';
import { framerSpecFromJson, framerSpecToJson } from '../../../shared/framerSpec';
import { parseTcpTarget, parseWebSocketUrl } from '../connection/connectionTarget';
import { parseListenAddress } from '../listen/listenAddress';
import { compileAutoReplies } from '../listen/autoReplyMatching';
import { readMockFallback, readMockStrategy } from '../mock/mockSettings';
import { readLayer } from '../session/sessionDecodeValidate';
import { bad, found, Reader } from '../session/sessionFieldReader';
import type { Mutable, SessionWarning } from '../session/sessionFormat';
import { formatSize } from '../session/sessionParse';
import type { TestMock } from '../testing/testFormat';
import { positionOfMessage } from '../testing/jsonPositions';
import { MAX_SERVER_FILE_BYTES, SERVER_FILE_FIELDS, SERVER_FILE_VERSION, autoReplyRulesOf, type ServerFile, type ServerFileAutoReply, type ServerFileHold } from './serverFileFormat';

const MAX_HOLD = 2_147_483_647;

function readAutoReply(v: unknown, path: string, warnings: SessionWarning[]): ServerFileAutoReply {
  const r = Reader.object(v, path, SERVER_FILE_FIELDS.autoReply, warnings, 'a rule { "match", "reply", "delayMs", "enabled" }');
  const match = r.string('match', true);
  const p = Reader.object(r.need('reply', 'what to send back'), r.at('reply'), SERVER_FILE_FIELDS.reply, warnings, 'an object { "format", "body" }');
  const format = p.oneOf('format', COMPOSER_FORMATS);
  const body = p.string('body', true);
  const escapes = p.boolean('escapes');
  if (escapes !== undefined && format !== 'text') throw bad(p.at('escapes'), 'applies to the "text" format only');
  const enabled = r.boolean('enabled');
  const delayMs = r.integer('delayMs', 0, MAX_AUTO_REPLY_DELAY_MS);
  const rule: ServerFileAutoReply = {
    ...(enabled !== undefined ? { enabled } : {}),
    match,
    reply: p.keepExtras({ format, body, ...(escapes !== undefined ? { escapes } : {}) }),
    ...(delayMs !== undefined ? { delayMs } : {}),
  };
  return r.keepExtras(rule);
}

function readHold(v: unknown, path: string, warnings: SessionWarning[]): ServerFileHold {
  const r = Reader.object(v, path, SERVER_FILE_FIELDS.hold, warnings, 'an object { "maxMessages", "maxBytes", "startPaused" }');
  const out: Mutable<ServerFileHold> = {};
  const maxMessages = r.integer('maxMessages', 1, MAX_HOLD);
  if (maxMessages !== undefined) out.maxMessages = maxMessages;
  const maxBytes = r.integer('maxBytes', 1, MAX_HOLD);
  if (maxBytes !== undefined) out.maxBytes = maxBytes;
  if (r.has('startPaused')) {
    const p = Reader.object(r.raw('startPaused'), r.at('startPaused'), SERVER_FILE_FIELDS.startPaused, warnings, 'an object { "toServer", "toClient" }');
    const toServer = p.boolean('toServer');
    const toClient = p.boolean('toClient');
    out.startPaused = p.keepExtras({ ...(toServer !== undefined ? { toServer } : {}), ...(toClient !== undefined ? { toClient } : {}) });
  }
  return r.keepExtras(out);
}

function readMock(v: unknown, path: string, warnings: SessionWarning[]): TestMock {
  const r = Reader.object(v, path, SERVER_FILE_FIELDS.mock, warnings, 'an object { "session", "strategy", "fallback" }');
  const session = r.string('session', true);
  if (session.trim() === '') throw bad(r.at('session'), 'must name the recorded session file (relative to this file\'s folder)');
  const out: Mutable<TestMock> = { session };
  if (r.has('strategy')) {
    readMockStrategy(r.raw('strategy'), r.at('strategy'), warnings);
    out.strategy = r.raw('strategy') as TestMock['strategy'];
  }
  if (r.has('fallback')) {
    readMockFallback(r.raw('fallback'), r.at('fallback'), warnings);
    out.fallback = r.raw('fallback') as TestMock['fallback'];
  }
  return r.keepExtras(out);
}

/** Checks a parsed server file; throws BAD_SESSION naming the path of the first wrong field. */
export function validateServerFile(v: unknown): { file: ServerFile; warnings: SessionWarning[] } {
  const warnings: SessionWarning[] = [];
  const r = Reader.object(v, '', SERVER_FILE_FIELDS.root, warnings, 'an object { "version": 1, "mode", "type", "listen", … }');
  const version = r.need('version', `the format version, ${SERVER_FILE_VERSION}`);
  if (version !== SERVER_FILE_VERSION) throw bad('version', `must be ${SERVER_FILE_VERSION} (found ${found(version)}); a newer extension may have written this file`);
  const mode = r.oneOf('mode', ['listen', 'proxy'] as const);
  const type = r.oneOf('type', ['websocket', 'tcp'] as const);
  const kind = type === 'websocket' ? 'ws' : 'tcp';
  const listen = r.string('listen', true);
  try {
    parseListenAddress(listen, kind);
  } catch (e) {
    throw bad(r.at('listen'), `is not an address to listen on: ${(e as Error).message}`);
  }
  const out: Mutable<ServerFile> = { version: SERVER_FILE_VERSION, mode, type, listen };
  if (r.has('$schema')) out.$schema = r.string('$schema', true);
  const name = r.string('name');
  if (name !== undefined) out.name = name;
  const only = (key: string, wanted: 'listen' | 'proxy', what: string) => {
    if (r.has(key) && mode !== wanted) throw bad(r.at(key), `applies to ${what} only ("mode": "${wanted}")`);
  };
  only('upstream', 'proxy', 'a proxy');
  only('hold', 'proxy', 'a proxy');
  only('autoReplies', 'listen', 'a listener');
  only('mock', 'listen', 'a listener');
  if (mode === 'proxy') {
    const upstream = r.string('upstream', true);
    try {
      if (type === 'websocket') parseWebSocketUrl(upstream);
      else parseTcpTarget(upstream);
    } catch (e) {
      throw bad(r.at('upstream'), `is not a usable upstream: ${(e as Error).message}`);
    }
    out.upstream = upstream;
  }
  if (r.has('layer')) out.layer = readLayer(r.raw('layer'), r.at('layer'));
  if (r.has('framing')) {
    if (type !== 'tcp') throw bad(r.at('framing'), 'applies to TCP only (a WebSocket has its own messages)');
    try {
      out.framing = framerSpecToJson(framerSpecFromJson(r.raw('framing')));
    } catch (e) {
      throw bad(r.at('framing'), `is not a framer: ${(e as Error).message}`);
    }
  }
  if (r.has('autoReplies')) {
    const list = r.list('autoReplies')!;
    if (list.length > MAX_AUTO_REPLY_RULES) throw bad(r.at('autoReplies'), `holds ${list.length} rules; a listener takes at most ${MAX_AUTO_REPLY_RULES}`);
    out.autoReplies = list.map((x, i) => readAutoReply(x, `${r.at('autoReplies')}[${i}]`, warnings));
    // The listener's own check (a regular expression that does not compile, bad reply input), by rule.
    const { problems } = compileAutoReplies(autoReplyRulesOf(out as ServerFile), kind);
    const i = problems.findIndex((p) => p !== undefined);
    if (i >= 0) throw bad(`autoReplies[${i}]`, `is not a usable rule: ${problems[i]}`);
  }
  if (r.has('hold')) out.hold = readHold(r.raw('hold'), r.at('hold'), warnings);
  if (r.has('mock')) out.mock = readMock(r.raw('mock'), r.at('mock'), warnings);
  return { file: r.keepExtras(out), warnings };
}

/**
 * Parses server file text. Throws SocketInspectorError('BAD_SESSION') whose message ends with the line and
 * column of the field at fault (`… (line 12, column 9)`), also in details.position.
 */
export function parseServerFile(text: string): { file: ServerFile; warnings: SessionWarning[] } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SERVER_FILE_BYTES) {
    throw new SocketInspectorError('BAD_SESSION', `The file is ${formatSize(bytes)}; a server file holds settings and is at most ${formatSize(MAX_SERVER_FILE_BYTES)}`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = body === text ? 0 : 1;
  if (body.trim() === '') throw new SocketInspectorError('BAD_SESSION', 'The file is empty; a server file holds at least { "version": 1, "mode", "type", "listen" }');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const syntax = findJsonSyntaxError(body);
    const position = positionOf(text, (syntax?.offset ?? 0) + shift);
    const reason = syntax?.reason ?? (e as Error).message;
    throw new SocketInspectorError('BAD_SESSION', `The file is not valid JSON: ${reason} at line ${position.line}, column ${position.column}`, { position }, { cause: e });
  }
  try {
    return validateServerFile(value);
  } catch (e) {
    if (!(e instanceof SocketInspectorError)) throw e;
    const at = positionOfMessage(text, e.message);
    if (!at) throw e;
    const { line, column } = at.position;
    throw new SocketInspectorError(e.code, `${e.message} (line ${line}, column ${column})`, { ...e.details, position: at.position }, { cause: e });
  }
}
