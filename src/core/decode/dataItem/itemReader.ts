// What the MessagePack and CBOR decoders share: bounds-checked reads that report a truncation at the
// offset where input ran out, strict UTF-8, and the node budget that decides which items are built.
import { decodeUtf8 } from '../../../../shared/codecs/utf8Decode';
import { DecodeStop, plural } from './dataItem';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class ItemReader {
  pos = 0;
  readonly view: DataView;
  /** Items that may still be built; once it is spent, the rest is only checked. */
  budget: number;

  constructor(
    readonly bytes: Uint8Array,
    budget: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = budget;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Stops with `truncated: <what> at offset <start> needs N more bytes` unless `n` bytes are left. */
  need(n: number | bigint, what: string, start: number): void {
    const left = this.remaining;
    if (BigInt(n) > BigInt(left)) {
      throw new DecodeStop(
        this.bytes.length,
        `truncated: ${what} at offset ${start} needs ${plural(BigInt(n) - BigInt(left), 'more byte')}`,
      );
    }
  }

  /** Reads `n` bytes (after need()) as a view into the payload. */
  take(n: number): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Decodes UTF-8 strictly; invalid bytes stop decoding at the first bad byte. */
  utf8(bytes: Uint8Array, what: string, start: number): string {
    try {
      return strictUtf8.decode(bytes);
    } catch {
      const bad = decodeUtf8(bytes).segments.find((s) => s.invalid);
      const at = this.pos - bytes.length + (bad?.byteOffset ?? 0);
      throw new DecodeStop(at, `invalid UTF-8 in ${what} at offset ${start}: byte 0x${hex2(this.bytes[at] ?? 0)} at offset ${at}`);
    }
  }

  /** Stops when a container's next child has no byte left to start with. */
  needChild(what: string, start: number, missing: string): void {
    if (this.pos >= this.bytes.length) {
      throw new DecodeStop(this.bytes.length, `truncated: ${what} at offset ${start} needs ${missing}`);
    }
  }
}

export function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Date text of seconds and nanoseconds since 1970 (UTC), to the nanosecond; undefined out of range. */
export function isoTime(seconds: bigint, nanoseconds: number): string | undefined {
  const ms = seconds * 1000n;
  if (ms > 8_640_000_000_000_000n || ms < -8_640_000_000_000_000n) return undefined;
  const whole = new Date(Number(ms)).toISOString().replace(/\.000Z$/, '');
  if (nanoseconds === 0) return `${whole}Z`;
  return `${whole}.${String(nanoseconds).padStart(9, '0').replace(/0+$/, '')}Z`;
}
