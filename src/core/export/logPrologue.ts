// The opening of a log, before its first wire entry: when connecting began, the HTTP upgrade heads, the
// Open entry (it names the real addresses) and any error. Exports read it before streaming the rest.
import { Direction, Kind } from '../../../shared/logModel';
import type { ExportSource } from './exportSource';
import { isRequestHead, isResponseHead } from './httpHeads';

/** A meta entry of interest: its payload and wall time. */
export interface PrologueEntry {
  readonly payload: Uint8Array;
  readonly time: number;
}

export interface LogPrologue {
  /** Wall time of the first entry (ms since the epoch); undefined for an empty log. */
  readonly firstTime?: number;
  readonly connecting?: PrologueEntry;
  readonly request?: PrologueEntry;
  readonly response?: PrologueEntry;
  readonly open?: PrologueEntry;
  /** The first error entry, if the connection failed before any frame. */
  readonly error?: PrologueEntry;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The UTF-8 text of a prologue entry. */
export function prologueText(entry: PrologueEntry | undefined): string | undefined {
  return entry ? text(entry.payload) : undefined;
}

/** Scans `source` up to its first wire entry (a short walk: those come right after the handshake). */
export function logPrologue(source: ExportSource): LogPrologue {
  const out: {
    firstTime?: number;
    connecting?: PrologueEntry;
    request?: PrologueEntry;
    response?: PrologueEntry;
    open?: PrologueEntry;
    error?: PrologueEntry;
  } = {};
  for (const e of source.entries()) {
    out.firstTime ??= e.wallTime;
    if (e.direction !== Direction.Meta) break;
    const entry = { payload: e.payload, time: e.wallTime };
    if (e.kind === Kind.Connecting) out.connecting ??= entry;
    else if (e.kind === Kind.Open) out.open ??= entry;
    else if (e.kind === Kind.Error) out.error ??= entry;
    else if (e.kind === Kind.Handshake && source.kind === 'ws') {
      if (!out.request && isRequestHead(e.payload)) out.request = entry;
      else if (!out.response && isResponseHead(e.payload)) out.response = entry;
    }
  }
  return out;
}
