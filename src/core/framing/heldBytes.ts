// The part every framer decoder shares: the buffer holding an incomplete message, which grows as
// needed and is released after a large message, and error reporting (to onError, or thrown once the
// pushed chunk is consumed).
import type { SocketInspectorError } from '../../../shared/errors';
import type { FramerDecoder, MessageSink } from './framerDecoder';

export const EMPTY = new Uint8Array(0);
/** A held buffer larger than this is released once its message is complete. */
const RELEASE_ABOVE = 1024 * 1024;
const MIN_HELD = 256;

export function formatBytes(n: number): string {
  return `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
}

/** The held buffer and error reporting every decoder shares. */
export abstract class HeldBytes implements FramerDecoder {
  protected buf: Uint8Array = EMPTY;
  protected len = 0;
  private deferred: SocketInspectorError | undefined;

  constructor(
    protected readonly emit: MessageSink,
    protected readonly max: number,
    private readonly onError: ((error: SocketInspectorError) => void) | undefined,
  ) {}

  abstract push(chunk: Uint8Array): void;

  get pending(): number {
    return this.len;
  }

  takeRemainder(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.reset();
    return out;
  }

  /** Forgets the held message. */
  protected reset(): void {
    this.len = 0;
    if (this.buf.length > RELEASE_ABOVE) this.buf = EMPTY;
  }

  protected ensure(capacity: number): void {
    if (capacity <= this.buf.length) return;
    const next = new Uint8Array(Math.max(capacity, this.buf.length * 2, MIN_HELD));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  protected hold(chunk: Uint8Array, from: number, to: number): void {
    const add = to - from;
    this.ensure(this.len + add);
    this.buf.set(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to), this.len);
    this.len += add;
  }

  /** Passes on the held bytes as one message and forgets them. */
  protected emitHeld(length = this.len): void {
    this.emit(this.buf.subarray(0, length));
    this.reset();
  }

  protected report(error: SocketInspectorError): void {
    if (this.onError) this.onError(error);
    else this.deferred ??= error;
  }

  /** Throws the error held back for want of onError, once the chunk is fully consumed. */
  protected throwDeferred(): void {
    const e = this.deferred;
    if (e) {
      this.deferred = undefined;
      throw e;
    }
  }
}
