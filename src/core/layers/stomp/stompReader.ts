// Reads a stream of STOMP frames that arrives in pieces (WebSocket messages or TCP chunks): several
// frames in one piece, one frame over several. Keeps only the bytes of the frame still incomplete,
// which the parser's limits bound; after malformed input it drops what it held and starts afresh.
import { parseStomp, type StompItem, type StompLimits, type StompParseError } from './stompParser';
import type { StompVersion } from './stompFrame';

export interface StompReadResult {
  /** Complete frames and heart-beats; bodies are views valid only until the next push. */
  readonly items: readonly StompItem[];
  /** Malformed input; the reader dropped the bytes it held. Offsets count from the start of the held bytes. */
  readonly error?: StompParseError;
}

export class StompReader {
  private held: Uint8Array | undefined;
  /** The version whose header escapes apply (changes when CONNECTED says). */
  version: StompVersion = '1.2';

  constructor(private readonly limits?: StompLimits) {}

  /** Bytes of an incomplete frame kept for the next piece. */
  get heldBytes(): number {
    return this.held?.length ?? 0;
  }

  push(piece: Uint8Array): StompReadResult {
    let bytes = piece;
    if (this.held) {
      bytes = new Uint8Array(this.held.length + piece.length);
      bytes.set(this.held);
      bytes.set(piece, this.held.length);
    }
    const result = parseStomp(bytes, { version: this.version, ...(this.limits ? { limits: this.limits } : {}) });
    if (result.error) {
      this.held = undefined;
      return { items: result.items, error: result.error };
    }
    // A copy: the piece is a view into memory the caller recycles.
    this.held = result.consumed < bytes.length ? bytes.slice(result.consumed) : undefined;
    return { items: result.items };
  }

  reset(): void {
    this.held = undefined;
  }
}
