// The export formats a log can be written in: what they are called, their file extension, which
// connections they suit, and the file name an export proposes.
import type { ConnectionKind } from '../connection/connectionTypes';
import { withCredentialsRedacted } from './credentialRedaction';
import type { ExportSource } from './exportSource';
import { harChunks, harRefusal } from './harExport';
import { ndjsonChunks } from './ndjsonExport';
import { pcapngChunks } from './pcapngExport';

export type ExportFormat = 'pcapng' | 'har' | 'ndjson';

/** How a format presents itself in dialogs. */
export interface ExportFormatInfo {
  readonly format: ExportFormat;
  /** "pcapng", "HAR", "NDJSON". */
  readonly label: string;
  /** File extension without the dot. */
  readonly extension: string;
  /** Save dialog filter name. */
  readonly filter: string;
}

export const EXPORT_FORMATS: Readonly<Record<ExportFormat, ExportFormatInfo>> = {
  pcapng: { format: 'pcapng', label: 'pcapng', extension: 'pcapng', filter: 'pcapng capture (Wireshark)' },
  har: { format: 'har', label: 'HAR', extension: 'har', filter: 'HTTP Archive (HAR)' },
  ndjson: { format: 'ndjson', label: 'NDJSON', extension: 'ndjson', filter: 'Newline-delimited JSON' },
};

/** Why a connection of `kind` cannot be exported in `format`, or undefined when it can. */
export function exportRefusal(format: ExportFormat, kind: ConnectionKind, target: string): string | undefined {
  return format === 'har' ? harRefusal(kind, target) : undefined;
}

/** The host part of a target, safe as a file name ("127.0.0.1", "example.com"). */
function safeHost(target: string): string {
  let host = target;
  try {
    host = new URL(target).hostname;
  } catch {
    host = target.replace(/:\d+$/, '');
  }
  return host.replace(/^\[|\]$/g, '').replace(/[^A-Za-z0-9._-]+/g, '_') || 'connection';
}

/** The file name an export proposes: "127.0.0.1-20240501-120000.pcapng" (local time). */
export function exportFileName(target: string, format: ExportFormat, now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${safeHost(target)}-${stamp}.${EXPORT_FORMATS[format].extension}`;
}

/** Where the session of an imported HAR goes: next to it, "chat.socket-session.json", then "chat-2…". */
export function* importedSessionNames(harFileName: string): Generator<string> {
  const stem = harFileName.replace(/\.(har|json)$/i, '') || 'imported';
  yield `${stem}.socket-session.json`;
  for (let n = 2; ; n++) yield `${stem}-${n}.socket-session.json`;
}

/** How an export is written. */
export interface ExportOptions {
  /** What the writing application calls itself in the files, e.g. "0.1.0". */
  readonly version?: string;
  /**
   * Write credentials as logged (Authorization, Cookie… values, secret and ${env:…} values); by default
   * they are replaced with `<redacted>` (withCredentialsRedacted).
   */
  readonly includeCredentials?: boolean;
}

/** The chunks of `source` exported as `format`, to stream into writeExportFile. */
export function exportChunks(format: ExportFormat, logged: ExportSource, options: ExportOptions = {}): Iterable<Uint8Array | string> {
  const source = options.includeCredentials ? { ...logged, redact: [] } : withCredentialsRedacted(logged);
  switch (format) {
    case 'pcapng':
      return pcapngChunks(source, { application: `Socket Inspector${options.version ? ` ${options.version}` : ''}` });
    case 'har':
      return harChunks(source, options.version ? { creatorVersion: options.version } : {});
    case 'ndjson':
      return ndjsonChunks(source);
  }
}

/**
 * The same source, calling `onEntry` with how many entries the current walk has passed (exports walk
 * the opening entries once more before the full walk, so the count may restart near zero once).
 */
export function countingSource(source: ExportSource, onEntry: (done: number) => void): ExportSource {
  return {
    ...source,
    entries: function* () {
      let done = 0;
      for (const e of source.entries()) {
        yield e;
        onEntry(++done);
      }
    },
  };
}
