// A log as NDJSON: one JSON object per line, one line per entry, in seq order, UTF-8, each line ending
// with "\n". The schema (README "Export and import" and docs/export-formats.md):
//
//   { "seq": 12, "time": "2024-05-01T12:00:00.123Z", "direction": "in" | "out" | "meta",
//     "kind": "text" | "binary" | "ping" | "pong" | "close" | "data" | "connecting" | "open" | "handshake" | "error" | "closed",
//     "code": 1000,        (only close and closed entries that have a close code)
//     "length": 5,         (payload bytes)
//     "delivered": false,  (only a proxy's held, dropped or replaced messages: logged, never forwarded)
//     "autoReply": { "rule": 2, "match": "/^ping$/" }
//                          (only what an auto-reply rule sent: the rule's number, 0 if no longer known, and match text)
//     "text": "hello"  |  "base64": "AAEC",
//     "decoded": { "format", "summary", "tree", "fields", "error"?, "inner"? } }
//                          (only when asked for, and only messages the panel's layer or codec decodes)
//
// Exactly one of text and base64: text when the payload is valid UTF-8 (and, for binary data, free of
// control characters other than tab and line breaks), so UTF-8 of `text` gives back the exact bytes;
// base64 (standard alphabet, padded) otherwise. The same rule as session files.
import type { DecodedMessage } from '../../../shared/decode/decoded';
import type { AutoReplyOrigin, LogEntry } from '../../../shared/logModel';
import { sessionLogEntry } from '../session/sessionLog';
import type { ExportSource } from './exportSource';

/** One line of an NDJSON export, parsed. */
export interface NdjsonEntry {
  readonly seq: number;
  readonly time: string;
  readonly direction: string;
  readonly kind: string;
  readonly code?: number;
  readonly length: number;
  readonly delivered?: false;
  /** The auto-reply rule that sent it, as it was then. */
  readonly autoReply?: AutoReplyOrigin;
  readonly text?: string;
  readonly base64?: string;
  /** What the protocol layer or payload codec made of the entry (an export option); the bytes stay above. */
  readonly decoded?: DecodedMessage;
}

/** The NDJSON object of one entry (meta texts redacted). */
export function ndjsonEntry(e: LogEntry, redact: readonly string[] = [], delivered = true, decoded?: DecodedMessage): NdjsonEntry {
  const s = sessionLogEntry(e.seq, e.wallTime, e.monoTime, e.direction, e.kind, e.code, e.payload, redact, e.autoReply);
  return {
    seq: s.seq,
    time: s.time,
    direction: s.direction,
    kind: s.kind,
    ...(s.code !== undefined ? { code: s.code } : {}),
    length: e.payload.length,
    ...(delivered ? {} : { delivered: false as const }),
    ...(s.autoReply ? { autoReply: s.autoReply } : {}),
    ...(s.text !== undefined ? { text: s.text } : { base64: s.base64! }),
    ...(decoded ? { decoded } : {}),
  };
}

/** The lines of the NDJSON export of `source`, one string per entry. */
export function* ndjsonChunks(source: ExportSource): Generator<string> {
  // Longest first, so a secret that contains another is replaced whole.
  const redact = [...new Set((source.redact ?? []).filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
  const delivery = source.delivery;
  const decode = source.decoded;
  for (const e of source.entries()) yield `${JSON.stringify(ndjsonEntry(e, redact, delivery?.(e.seq) !== 'never', decode?.(e)))}\n`;
}
