// What every exporter reads: one connection's kind, target, handshake and entries in seq order. A live
// connection and a recorded session (RecordedConnection) both have a EntryLog, so one adapter serves both.
import type { DecodedMessage } from '../../../shared/decode/decoded';
import type { HandshakeInfo, LogEntry } from '../../../shared/logModel';
import type { Connection, ConnectionKind } from '../connection/connectionTypes';
import type { EntryLog } from '../log/entryLog';

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
   * Their payloads are the export's own, never views into an entry log: an export awaits its writes
   * between entries and holds some for later (wireEntries, logPrologue), while the log evicts entries
   * and reuses their memory for new ones.
   */
  entries(): Iterable<LogEntry>;
  /** Values replaced with `<redacted>` in HTTP heads and meta texts (secret header values). */
  readonly redact?: readonly string[];
  /**
   * Which end of the conversation the log was recorded at: 'client' (a connection we opened; the default)
   * or 'server' (a peer a listener accepted). Out entries are sent by this end.
   */
  readonly end?: 'client' | 'server';
  /** host:port of the client when the log does not say (a proxy pair: its target is the upstream). */
  readonly clientAddress?: string;
  /**
   * A proxy pair's entries that did not go out as logged (ProxyDelivery): 'never' for held, dropped or
   * replaced messages, which the wire formats (pcapng, HAR) leave out and NDJSON, a dump of the log,
   * marks; the seq of its release note for a message held and then forwarded, where the wire formats
   * put it.
   */
  readonly delivery?: (seq: number) => number | 'never' | undefined;
  /**
   * An entry as the panel decodes it (protocol layer, payload codec), for NDJSON's optional `decoded`
   * field; the raw bytes are exported all the same. Given only when the user asked for it.
   */
  readonly decoded?: (entry: LogEntry) => DecodedMessage | undefined;
}

/** What exportSourceOf adds beyond the connection itself. */
export interface ExportSourceOptions {
  /** Secret values to redact. */
  readonly redact?: readonly string[];
  /** A proxy pair's delivery of its entries (ProxyPeerControls.delivery). */
  readonly delivery?: ExportSource['delivery'];
  /** Decodes entries for NDJSON's `decoded` field. */
  readonly decoded?: ExportSource['decoded'];
}

/**
 * The entries in the order they crossed the wire: without what never did, and with a message held and
 * then released moved to its release (with the release's time), where its bytes really went out.
 */
export function* wireEntries(source: ExportSource): Generator<LogEntry> {
  const delivery = source.delivery;
  if (!delivery) {
    yield* source.entries();
    return;
  }
  const waiting = new Map<number, LogEntry[]>();
  for (const e of source.entries()) {
    const due = waiting.get(e.seq);
    if (due) {
      waiting.delete(e.seq);
      for (const d of due) yield { ...d, wallTime: e.wallTime, monoTime: e.monoTime };
    }
    const at = delivery(e.seq);
    if (at === 'never') continue;
    if (at !== undefined && at > e.seq) {
      const list = waiting.get(at);
      if (list) list.push(e);
      else waiting.set(at, [e]);
      continue;
    }
    yield e;
  }
  // Released after the export's last entry: they went out after everything here.
  for (const list of waiting.values()) yield* list;
}

/** Bytes of one block payloads are copied into: one allocation for many small payloads. */
const COPY_BLOCK_BYTES = 256 * 1024;

/**
 * The retained entries of an EntryLog in [from, to), one at a time (no array of a million objects),
 * each payload copied out of the log as it is read (see ExportSource.entries). Entries evicted
 * meanwhile are skipped; entries appended meanwhile are past `to`.
 */
export function* entryLogEntries(log: EntryLog, from = log.firstSeq, to = log.nextSeq): Generator<LogEntry> {
  // Small payloads share blocks that are never reused: a block lives as long as any entry in it.
  let block = new Uint8Array(0);
  let used = 0;
  for (let seq = Math.max(from, log.firstSeq); seq < to; seq++) {
    const entry = log.get(seq);
    if (!entry) continue;
    const bytes = entry.payload;
    let payload: Uint8Array;
    if (bytes.length > COPY_BLOCK_BYTES / 4) payload = bytes.slice();
    else {
      if (used + bytes.length > block.length) {
        block = new Uint8Array(COPY_BLOCK_BYTES);
        used = 0;
      }
      payload = block.subarray(used, used + bytes.length);
      payload.set(bytes);
      used += bytes.length;
    }
    yield { ...entry, payload };
  }
}

/** The export source of a connection (live or recorded). */
export function exportSourceOf(connection: Connection, options: ExportSourceOptions = {}): ExportSource {
  const log = connection.log;
  // A proxy pair stands between a client and its upstream: the exported conversation is client ⇄ upstream.
  const pair = connection as Partial<{ client: unknown; upstream: unknown }>;
  const proxied = typeof pair.client === 'string' && typeof pair.upstream === 'string' ? { client: pair.client, upstream: pair.upstream } : undefined;
  const redact = options.redact ?? [];
  const first = log.firstSeq;
  const end = log.nextSeq;
  return {
    kind: connection.kind,
    target: proxied?.upstream ?? connection.target,
    ...(proxied ? { clientAddress: proxied.client } : {}),
    ...(connection.handshake ? { handshake: connection.handshake } : {}),
    count: end - first,
    dropped: log.dropped.entries,
    // The bounds are taken now: what a live connection appends while the file is written is not in it.
    entries: () => entryLogEntries(log, first, end),
    redact,
    ...(connection.end === 'server' ? { end: 'server' as const } : {}),
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(options.decoded ? { decoded: options.decoded } : {}),
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
