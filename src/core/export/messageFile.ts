// One log entry's payload saved to a file, byte for byte, with a file name that says what it holds.
import { isUtf8 } from 'node:buffer';
import { Direction, Kind, kindName, type LogEntry } from '../../../shared/logModel';
import { SocketInspectorError } from '../../../shared/errors';
import type { EntryLog } from '../log/entryLog';
import { writeExportFile } from './exportFile';

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The entry with this seq, or a SocketInspectorError saying why there is none. */
export function messageEntry(log: EntryLog, seq: number): LogEntry {
  if (!Number.isInteger(seq) || seq < 0) {
    throw new SocketInspectorError('EXPORT_FAILED', `"${String(seq)}" is not an entry number (a whole number ≥ 0)`);
  }
  const entry = log.get(seq);
  if (entry) return entry;
  const why =
    seq >= log.nextSeq
      ? `the log has entries up to #${log.nextSeq - 1}`
      : 'it was dropped from the log (retention limit, or the log was cleared)';
  throw new SocketInspectorError('EXPORT_FAILED', `Entry #${seq} is not in the log: ${why}`);
}

/** ".json" for JSON text, ".txt" for other UTF-8 text, ".bin" for anything else. */
export function messageFileExtension(entry: Pick<LogEntry, 'kind' | 'payload'>): string {
  // A binary message stays binary even when its bytes happen to be text.
  if (entry.kind === Kind.Binary || !isUtf8(entry.payload) || entry.payload.includes(0)) return '.bin';
  const text = utf8.decode(entry.payload).trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      JSON.parse(text);
      return '.json';
    } catch {
      // Not JSON after all: plain text.
    }
  }
  return '.txt';
}

/** A file name for an entry's payload: "message-42-in-text.json". */
export function suggestedMessageFileName(entry: Pick<LogEntry, 'seq' | 'direction' | 'kind' | 'payload'>): string {
  const direction = entry.direction === Direction.In ? 'in' : entry.direction === Direction.Out ? 'out' : 'meta';
  return `message-${entry.seq}-${direction}-${kindName(entry.kind)}${messageFileExtension(entry)}`;
}

/** Writes the payload of entry `seq` to `path` exactly (replacing the file); returns the bytes written. */
export async function saveMessageToFile(log: EntryLog, seq: number, path: string): Promise<number> {
  const entry = messageEntry(log, seq);
  // A copy: the write is asynchronous and the caller's log may be cleared meanwhile.
  return writeExportFile(path, [Uint8Array.prototype.slice.call(entry.payload)]);
}
