// The file name offered when the user saves an entry's payload: which entry it was, which way it went,
// and an extension that opens it sensibly (text, JSON, or raw bytes).
import { Direction, Kind } from '../../shared/logModel';

const TEXT_KINDS = new Set<Kind | undefined>([Kind.Text, Kind.Close, Kind.Connecting, Kind.Open, Kind.Handshake, Kind.Error, Kind.Closed]);

/** The first non-blank byte: '{' or '[' suggests JSON (checked without decoding a huge payload). */
function looksLikeJson(payload: Uint8Array): boolean {
  for (let i = 0; i < payload.length && i < 4096; i++) {
    const b = payload[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}

/** "entry-42-in.json", "entry-7-out.bin", "entry-3-meta.txt". */
export function payloadFileName(seq: number, direction: Direction | undefined, kind: Kind | undefined, payload: Uint8Array): string {
  const way = direction === Direction.In ? 'in' : direction === Direction.Out ? 'out' : 'meta';
  const extension = kind === Kind.Text && looksLikeJson(payload) ? 'json' : TEXT_KINDS.has(kind) ? 'txt' : 'bin';
  return `entry-${seq}-${way}.${extension}`;
}
