// The `log` part of the session validator: the log's header and every entry (seq order, times,
// direction and kind, exactly one of a UTF-8 "text" or a strict "base64" payload).
import { MAX_AUTO_REPLY_RULES } from '../../../shared/autoReplyRules';
import { type AutoReplyOrigin, DIRECTION_NAMES, KIND_NAMES, MOCK_REPLY_KINDS } from '../../../shared/logModel';
import { bad, found, parseIsoTime, Reader } from './sessionFieldReader';
import { META_KINDS, SESSION_FIELDS, type SessionLog, type SessionLogEntry, type SessionWarning } from './sessionFormat';

/** Standard base64 with padding, the only spelling written and read in `base64` fields. */
export const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const { log: LOG_FIELDS, dropped: DROPPED_FIELDS, entry: ENTRY_FIELDS, autoReply: AUTO_REPLY_FIELDS } = SESSION_FIELDS;

/** One log entry; its seq must be greater than `previousSeq`. */
export function readLogEntry(v: unknown, path: string, previousSeq: number, warnings: SessionWarning[]): SessionLogEntry {
  const r = Reader.object(v, path, ENTRY_FIELDS, warnings);
  const seq = r.integer('seq', 0, Number.MAX_SAFE_INTEGER, true);
  if (seq <= previousSeq) throw bad(r.at('seq'), `must be greater than the previous entry's seq ${previousSeq} (found ${seq})`);
  const time = r.string('time', true);
  if (parseIsoTime(time) === undefined) {
    throw bad(r.at('time'), `must be an ISO 8601 date-time such as "2024-05-01T12:00:00.123Z" (found ${found(time)})`);
  }
  const mono = r.raw('mono');
  if (mono === undefined) throw bad(path, 'needs "mono" (the monotonic time in milliseconds)');
  if (typeof mono !== 'number' || !Number.isFinite(mono) || mono < 0) {
    throw bad(r.at('mono'), `must be a number ≥ 0 (milliseconds) (found ${found(mono)})`);
  }
  const direction = r.oneOf('direction', DIRECTION_NAMES);
  const kind = r.oneOf('kind', KIND_NAMES);
  const isMetaKind = META_KINDS.includes(kind);
  if ((direction === 'meta') !== isMetaKind) {
    throw bad(
      r.at('kind'),
      direction === 'meta'
        ? `of a "meta" entry must be one of ${META_KINDS.map((k) => `"${k}"`).join(', ')} (found "${kind}")`
        : `"${kind}" is a meta kind; its direction must be "meta" (found "${direction}")`,
    );
  }
  const out: {
    seq: number;
    time: string;
    mono: number;
    direction: SessionLogEntry['direction'];
    kind: SessionLogEntry['kind'];
    code?: number;
    autoReply?: AutoReplyOrigin;
    text?: string;
    base64?: string;
  } = { seq, time, mono, direction, kind };
  const code = r.integer('code', 0, 65535);
  if (code !== undefined) out.code = code;
  if (r.has('autoReply')) {
    if (direction !== 'out') throw bad(r.at('autoReply'), 'is set, but only sent ("out") entries are auto-replies');
    const a = Reader.object(r.raw('autoReply'), r.at('autoReply'), AUTO_REPLY_FIELDS, warnings, 'an object { "rule", "match" }');
    const mock = a.has('mock') ? a.oneOf('mock', MOCK_REPLY_KINDS) : undefined;
    // A rule's place in a list of at most MAX_AUTO_REPLY_RULES; a mock's reply names a recorded seq.
    const rule = a.integer('rule', 0, mock ? Number.MAX_SAFE_INTEGER : MAX_AUTO_REPLY_RULES, true);
    out.autoReply = a.keepExtras({ rule, match: a.string('match', true), ...(mock ? { mock } : {}) });
  }
  if (r.has('text') === r.has('base64')) {
    throw bad(path, 'needs exactly one of "text" (a UTF-8 payload) and "base64" (any payload)');
  }
  if (r.has('text')) {
    const text = r.string('text', true);
    const lone = LONE_SURROGATE.exec(text);
    if (lone) {
      throw bad(
        r.at('text'),
        `contains a lone surrogate (U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}) at character ${lone.index + 1}, which has no UTF-8 bytes; store such a payload as "base64"`,
      );
    }
    out.text = text;
  } else {
    const b64 = r.string('base64', true);
    if (!STRICT_BASE64.test(b64)) {
      throw bad(r.at('base64'), 'must be standard base64 with "=" padding (A–Z, a–z, 0–9, +, /; no spaces)');
    }
    out.base64 = b64;
  }
  return r.keepExtras(out);
}

/** The `log` part of a session. */
export function readLog(v: unknown, warnings: SessionWarning[]): SessionLog {
  const r = Reader.object(v, 'log', LOG_FIELDS, warnings, 'an object { "savedAt", "entries" }');
  const savedAt = r.string('savedAt', true);
  if (parseIsoTime(savedAt) === undefined) {
    throw bad(r.at('savedAt'), `must be an ISO 8601 date-time such as "2024-05-01T12:00:00.123Z" (found ${found(savedAt)})`);
  }
  const out: { savedAt: string; dropped?: { entries: number; bytes: number }; entries: SessionLogEntry[] } = {
    savedAt,
    entries: [],
  };
  if (r.has('dropped')) {
    const d = Reader.object(r.raw('dropped'), r.at('dropped'), DROPPED_FIELDS, warnings, 'an object { "entries", "bytes" }');
    out.dropped = d.keepExtras({
      entries: d.integer('entries', 0, Number.MAX_SAFE_INTEGER, true),
      bytes: d.integer('bytes', 0, Number.MAX_SAFE_INTEGER, true),
    });
  }
  const entries = r.list('entries', true)!;
  const list: SessionLogEntry[] = new Array(entries.length);
  let previous = -1;
  for (let i = 0; i < entries.length; i++) {
    const entry = readLogEntry(entries[i], `log.entries[${i}]`, previous, warnings);
    previous = entry.seq;
    list[i] = entry;
  }
  out.entries = list;
  return r.keepExtras(out);
}
