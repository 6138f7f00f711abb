// What every exporter reads: one connection's kind, target, handshake and entries in seq order. A live
// connection and a recorded session (RecordedConnection) both have a FrameLog, so one adapter serves both.
import type { HandshakeInfo, LogEntry } from '../../../shared/logModel';
import type { Connection, ConnectionKind } from '../connectionTypes';
import type { FrameLog } from '../frameLog';

/** The part of a connection an export needs; tests build it from plain arrays. */
export interface ExportSource {
  readonly kind: ConnectionKind;
  /** ws://…, wss://…, tcp://host:port or tls://host:port. */
  readonly target: string;
  /** WebSocket only: the opening handshake, used when the log no longer holds its entries. */
  readonly handshake?: HandshakeInfo;
  /** Entries the export walks (for progress). */
  readonly count: number;
  /** Entries older than the first one here that the log no longer holds. */
  readonly dropped: number;
  /**
   * The entries in seq order, afresh on each call (an export reads the opening entries first, then all).
   * Payloads may be views into the log; they stay valid (the log never reuses its memory).
   */
  entries(): Iterable<LogEntry>;
  /** Values replaced with `<redacted>` in HTTP heads and meta texts (secret header values). */
  readonly redact?: readonly string[];
}

/**
 * The retained entries of a FrameLog in [from, to), one at a time (no array of a million objects).
 * Entries evicted meanwhile are skipped; entries appended meanwhile are past `to`.
 */
export function* frameLogEntries(log: FrameLog, from = log.firstSeq, to = log.nextSeq): Generator<LogEntry> {
  for (let seq = Math.max(from, log.firstSeq); seq < to; seq++) {
    const entry = log.get(seq);
    if (entry) yield entry;
  }
}

/** The export source of a connection (live or recorded). */
export function exportSourceOf(connection: Connection, redact: readonly string[] = []): ExportSource {
  const log = connection.log;
  const first = log.firstSeq;
  const end = log.nextSeq;
  return {
    kind: connection.kind,
    target: connection.target,
    ...(connection.handshake ? { handshake: connection.handshake } : {}),
    count: end - first,
    dropped: log.dropped.entries,
    // The bounds are taken now: what a live connection appends while the file is written is not in it.
    entries: () => frameLogEntries(log, first, end),
    redact,
  };
}

/** An export source over entries already in memory (tests, imported sessions). */
export function exportSourceFromEntries(
  source: Omit<ExportSource, 'entries' | 'count' | 'dropped'> & { dropped?: number },
  entries: readonly LogEntry[],
): ExportSource {
  return { ...source, count: entries.length, dropped: source.dropped ?? 0, entries: () => entries };
}

/** What replaces a redacted value. */
export const REDACTED_MARK = '<redacted>';

/** Replaces every redacted value in `text`, longest first so a value containing another goes whole. */
export function redactText(text: string, redact: readonly string[] | undefined): string {
  if (!redact || redact.length === 0) return text;
  let out = text;
  const values = [...new Set(redact.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
  for (const value of values) if (out.includes(value)) out = out.split(value).join(REDACTED_MARK);
  return out;
}
