// Length-prefix framing (a 1, 2 or 4 byte length, then that many bytes) and fixed-size framing.
import { SocketInspectorError } from '../../../shared/errors';
import type { FramerSpec } from '../../../shared/framerSpec';
import type { MessageSink } from './framerDecoder';
import { EMPTY, formatBytes, HeldBytes } from './heldBytes';

/** A length prefix of 1, 2 or 4 bytes, then that many payload bytes. */
export class LengthPrefixDecoder extends HeldBytes {
  private readonly width: number;
  private readonly littleEndian: boolean;
  private readonly includesHeader: boolean;
  /** The prefix being read or of the payload being held. */
  private readonly header = new Uint8Array(4);
  private headerLen = 0;
  /** Payload bytes of the message being held; -1 while its prefix is incomplete. */
  private need = -1;
  /** Bytes of an oversized payload still to skip. */
  private skip = 0;

  constructor(spec: FramerSpec & { type: 'lengthPrefix' }, emit: MessageSink, max: number, onError: ((e: SocketInspectorError) => void) | undefined) {
    super(emit, max, onError);
    this.width = spec.width;
    this.littleEndian = spec.littleEndian;
    this.includesHeader = spec.includesHeader;
  }

  override get pending(): number {
    return this.headerLen + this.len;
  }

  override takeRemainder(): Uint8Array {
    const out = new Uint8Array(this.headerLen + this.len);
    out.set(this.header.subarray(0, this.headerLen), 0);
    out.set(this.buf.subarray(0, this.len), this.headerLen);
    this.headerLen = 0;
    this.need = -1;
    this.skip = 0;
    this.reset();
    return out;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    const w = this.width;
    const emit = this.emit;
    let pos = 0;
    while (pos < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - pos);
        this.skip -= k;
        pos += k;
        continue;
      }
      if (this.need < 0) {
        let length: number;
        if (this.headerLen === 0 && n - pos >= w) {
          // The usual case: the whole prefix is in this chunk.
          length = this.payloadLength(this.readLength(chunk, pos));
          pos += w;
          if (length < 0) continue;
          if (n - pos >= length) {
            emit(chunk.subarray(pos, pos + length));
            pos += length;
            continue;
          }
          this.header.set(chunk.subarray(pos - w, pos), 0);
        } else {
          const take = Math.min(w - this.headerLen, n - pos);
          this.header.set(chunk.subarray(pos, pos + take), this.headerLen);
          this.headerLen += take;
          pos += take;
          if (this.headerLen < w) break;
          this.headerLen = 0;
          length = this.payloadLength(this.readLength(this.header, 0));
          if (length < 0) continue;
          if (length === 0) {
            emit(EMPTY);
            continue;
          }
        }
        this.headerLen = w;
        this.need = length;
        this.ensure(length);
        continue;
      }
      const take = Math.min(this.need - this.len, n - pos);
      this.hold(chunk, pos, pos + take);
      pos += take;
      if (this.len === this.need) {
        this.headerLen = 0;
        this.need = -1;
        this.emitHeld();
      }
    }
    this.throwDeferred();
  }

  private readLength(b: Uint8Array, at: number): number {
    switch (this.width) {
      case 1:
        return b[at]!;
      case 2:
        return this.littleEndian ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
      default:
        return this.littleEndian
          ? b[at]! + b[at + 1]! * 0x100 + b[at + 2]! * 0x10000 + b[at + 3]! * 0x1000000
          : b[at]! * 0x1000000 + b[at + 1]! * 0x10000 + b[at + 2]! * 0x100 + b[at + 3]!;
    }
  }

  /** The payload length a prefix announces, or -1 after reporting a bad or oversized one. */
  private payloadLength(prefix: number): number {
    const w = this.width;
    const length = this.includesHeader ? prefix - w : prefix;
    if (length < 0) {
      this.report(
        new SocketInspectorError(
          'PROTOCOL',
          `A length prefix of ${prefix} is smaller than the ${w}-byte prefix it includes; the prefix was skipped and the next bytes read as a new prefix.`,
        ),
      );
      return -1;
    }
    if (length > this.max) {
      this.report(
        new SocketInspectorError(
          'PAYLOAD_TOO_LARGE',
          `A length prefix announces ${formatBytes(length)}, more than the message limit of ${formatBytes(this.max)}; those bytes were skipped.`,
        ),
      );
      this.skip = length;
      return -1;
    }
    return length;
  }
}

/** Every `size` bytes is one message. */
export class FixedSizeDecoder extends HeldBytes {
  private readonly size: number;

  constructor(spec: FramerSpec & { type: 'fixed' }, emit: MessageSink, max: number, onError: ((e: SocketInspectorError) => void) | undefined) {
    super(emit, max, onError);
    this.size = spec.size;
  }

  push(chunk: Uint8Array): void {
    const s = this.size;
    const n = chunk.length;
    const emit = this.emit;
    let pos = 0;
    if (this.len > 0) {
      const take = Math.min(s - this.len, n);
      this.hold(chunk, 0, take);
      pos = take;
      if (this.len < s) return;
      this.emitHeld();
    }
    while (n - pos >= s) {
      emit(chunk.subarray(pos, pos + s));
      pos += s;
    }
    if (pos < n) this.hold(chunk, pos, n);
  }
}
