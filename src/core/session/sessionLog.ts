// Converts between a connection's EntryLog and the `log` part of a session file. A payload is stored as
// text only when its bytes are valid UTF-8 (so the text's UTF-8 is exactly those bytes), else as base64.
import {
  type AutoReplyOrigin,
  DIRECTION_NAMES,
  type Direction,
  type Kind,
  KIND_NAMES,
  type KindName,
  type LogEntry,
  directionName,
  kindName,
} from '../../../shared/logModel';
import { isUtf8 } from 'node:buffer';
import { decodeBase64, encodeBase64 } from '../../../shared/codecs/base64';
import type { EntryLog } from '../log/entryLog';
import { MAX_SESSION_BYTES, type SessionLog, type SessionLogEntry } from './sessionFormat';
import { serializedEntryBytes } from './sessionSerialize';

/** What replaces a redacted value in meta entries. */
export const REDACTED = '<redacted>';

/** Room left for the rest of the file (connection, messages) when the log gets the default byte budget. */
const RESERVED_BYTES = 1024 * 1024;

// ignoreBOM keeps a leading U+FEFF in the text, so text → UTF-8 gives back the BOM bytes too.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/** Kinds whose payload is text by nature (text messages, close reasons, event descriptions). */
const TEXTUAL_KINDS: ReadonlySet<KindName> = new Set(['text', 'close', 'connecting', 'open', 'handshake', 'error', 'closed', 'note']);
/** Control characters that make binary data unreadable as JSON text (TAB, LF and CR are fine). */
const BINARY_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

export interface SessionLogOptions {
  /**
   * Most bytes the entries may take in the file; the oldest entries beyond it are left out and counted
   * in `dropped`, so a saved file always stays openable. Default: the file limit less 1 MiB.
   */
  readonly maxBytes?: number;
  /**
   * Values to replace with `<redacted>` in meta entries (the handshake request carries header values):
   * secret header values and values read from the environment. See sensitiveValues().
   */
  readonly redact?: readonly string[];
  /** The save time written as `savedAt` (default now). */
  readonly now?: Date;
}

/** The UTF-8 text of `payload` when it is valid UTF-8, else undefined. */
function utf8Text(payload: Uint8Array): string | undefined {
  // isUtf8 first: a fatal decoder would signal invalid input with an exception, slow at a million entries.
  return isUtf8(payload) ? decoder.decode(payload) : undefined;
}

function redactText(text: string, redact: readonly string[]): string {
  let out = text;
  for (const value of redact) if (value !== '' && out.includes(value)) out = out.split(value).join(REDACTED);
  return out;
}

/** One session log entry from the columns of a EntryLog entry. */
export function sessionLogEntry(
  seq: number,
  wallTime: number,
  monoTime: number,
  direction: Direction,
  kind: Kind,
  code: number,
  payload: Uint8Array,
  redact: readonly string[] = [],
  autoReply?: AutoReplyOrigin,
): SessionLogEntry {
  const kindText = kindName(kind);
  const directionText = directionName(direction);
  const entry: {
    seq: number;
    time: string;
    mono: number;
    direction: SessionLogEntry['direction'];
    kind: KindName;
    code?: number;
    autoReply?: AutoReplyOrigin;
    text?: string;
    base64?: string;
  } = {
    seq,
    time: new Date(wallTime).toISOString(),
    // Microseconds are plenty for replay timing, and keep the file free of 17-digit noise.
    mono: Math.max(0, Math.round(monoTime * 1000) / 1000),
    direction: directionText,
    kind: kindText,
  };
  if (code !== 0) entry.code = code;
  if (autoReply) entry.autoReply = { rule: autoReply.rule, match: autoReply.match, ...(autoReply.mock ? { mock: autoReply.mock } : {}) };
  let text = utf8Text(payload);
  if (text !== undefined && !TEXTUAL_KINDS.has(kindText) && BINARY_CONTROL.test(text)) text = undefined;
  if (text !== undefined && directionText === 'meta' && redact.length > 0) text = redactText(text, redact);
  if (text !== undefined) entry.text = text;
  else entry.base64 = encodeBase64(payload);
  return entry;
}

/** Values longest first, so a secret containing another is replaced whole. */
function redactionOrder(redact: readonly string[]): string[] {
  return [...new Set(redact.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
}

/**
 * The `log` part of a session for the retained entries of `log`. Entries that do not fit the byte
 * budget are left out from the oldest on and counted in `dropped` with those the log already evicted.
 */
export function sessionLogFromEntryLog(log: EntryLog, options: SessionLogOptions = {}): SessionLog {
  const budget = options.maxBytes ?? MAX_SESSION_BYTES - RESERVED_BYTES;
  const redact = redactionOrder(options.redact ?? []);
  const entryOf = (seq: number): SessionLogEntry => {
    const e = log.get(seq)!;
    return sessionLogEntry(seq, e.wallTime, e.monoTime, e.direction, e.kind, e.code, e.payload, redact, e.autoReply);
  };
  const kept: SessionLogEntry[] = [];
  let seq = log.nextSeq - 1;
  // A payload byte takes at most 6 characters as text (\u001b) and a redaction marker 10; the rest of
  // an entry well under 256. Below that bound every entry fits and none needs measuring.
  if (log.retainedBytes * 10 + log.size * 256 <= budget) {
    for (let s = log.firstSeq; s < log.nextSeq; s++) kept.push(entryOf(s));
    seq = log.firstSeq - 1;
  } else {
    let used = 0;
    // Newest first: when the budget runs out, what is left out is the oldest part of the recording.
    for (; seq >= log.firstSeq; seq--) {
      const entry = entryOf(seq);
      used += serializedEntryBytes(entry);
      if (used > budget) break;
      kept.push(entry);
    }
    kept.reverse();
  }
  let droppedEntries = log.dropped.entries;
  let droppedBytes = log.dropped.bytes;
  for (; seq >= log.firstSeq; seq--) {
    droppedEntries++;
    droppedBytes += log.length(seq);
  }
  const savedAt = (options.now ?? new Date()).toISOString();
  return droppedEntries > 0
    ? { savedAt, dropped: { entries: droppedEntries, bytes: droppedBytes }, entries: kept }
    : { savedAt, entries: kept };
}

/** The payload bytes of a session log entry. */
export function sessionEntryPayload(entry: SessionLogEntry): Uint8Array {
  if (entry.text !== undefined) return encoder.encode(entry.text);
  return decodeBase64(entry.base64 ?? '', { alphabet: 'standard' });
}

function directionOf(entry: SessionLogEntry): Direction {
  return DIRECTION_NAMES.indexOf(entry.direction) as Direction;
}

function kindOf(entry: SessionLogEntry): Kind {
  return KIND_NAMES.indexOf(entry.kind) as Kind;
}

/** The entries of a session log as LogEntry objects, with seqs and times exactly as in the file. */
export function logEntriesFromSession(log: SessionLog): LogEntry[] {
  return log.entries.map((e) => {
    const payload = sessionEntryPayload(e);
    return {
      seq: e.seq,
      wallTime: Date.parse(e.time),
      monoTime: e.mono,
      direction: directionOf(e),
      kind: kindOf(e),
      length: payload.length,
      code: e.code ?? 0,
      payload,
      ...(e.autoReply ? { autoReply: e.autoReply } : {}),
    };
  });
}

/**
 * Narrowest a run's range of clock offsets may get, ms: its midpoint then lies more than EntryLog's offset
 * tolerance (0.001) inside it, so a run sharing the previous run's segment still shows its own milliseconds.
 */
const OFFSET_MARGIN_MS = 0.002;

/**
 * Appends the entries of a session log to `entryLog` for viewing, with the file's wall times to the
 * millisecond and its mono times. EntryLog stores wall time as a clock offset per segment (wall = offset +
 * mono), so consecutive entries share an offset that puts every one of them within its file millisecond:
 * the offsets that do so for entry i are [t_i - mono_i, t_i + 1 - mono_i), and a run of entries takes the
 * midpoint of their ranges' overlap. A file we saved needs one run per clock offset it was recorded with;
 * mono times that do not follow the wall times start new runs. Nothing here reads the clock, so two panels
 * of one file show the same times. Seqs are the EntryLog's own.
 */
export function fillEntryLog(entryLog: EntryLog, log: SessionLog): void {
  const entries = log.entries;
  // One origin object per rule of the file, so a rule's replies share one run in the log.
  const origins = new Map<string, AutoReplyOrigin>();
  const originOf = (a: AutoReplyOrigin): AutoReplyOrigin => {
    const key = `${a.mock ?? ''}\n${a.rule}\n${a.match}`;
    let origin = origins.get(key);
    if (!origin) origins.set(key, (origin = { rule: a.rule, match: a.match, ...(a.mock ? { mock: a.mock } : {}) }));
    return origin;
  };
  let runStart = 0;
  while (runStart < entries.length) {
    let lo = -Infinity;
    let hi = Infinity;
    let end = runStart;
    for (; end < entries.length; end++) {
      const e = entries[end]!;
      const t = Date.parse(e.time);
      const nextLo = Math.max(lo, t - e.mono);
      const nextHi = Math.min(hi, t + 1 - e.mono);
      if (nextHi - nextLo <= OFFSET_MARGIN_MS && end > runStart) break;
      lo = nextLo;
      hi = nextHi;
    }
    const offset = (lo + hi) / 2;
    for (let i = runStart; i < end; i++) {
      const e = entries[i]!;
      const append = () => entryLog.appendAt(offset + e.mono, e.mono, directionOf(e), kindOf(e), sessionEntryPayload(e), e.code ?? 0);
      if (e.autoReply) entryLog.autoReplying(originOf(e.autoReply), append);
      else append();
    }
    runStart = end;
  }
}
