// MQTT framing: each message is one control packet, fixed header included (a type byte, then the
// remaining length as a variable byte integer of 1 to 4 bytes, then that many bytes). Used to show a TCP
// connection's log packet by packet, and by the MQTT layer to read packets out of a stream (TCP chunks,
// or WebSocket messages that may hold several packets or part of one).
//
// A remaining length above the message limit is reported and the packet skipped without being held; a
// remaining length longer than 4 bytes is reported and its bytes dropped (the next byte is read as a
// new fixed header): MQTT has no way to find the next packet, so what follows is likely garbage too.
import { SocketInspectorError } from '../../../shared/errors';
import type { MessageSink } from './framerDecoder';
import { formatBytes, HeldBytes } from './heldBytes';

/** Most bytes of a fixed header: the type byte and a 4-byte remaining length. */
const MAX_HEADER = 5;

export class MqttPacketDecoder extends HeldBytes {
  /** Total size of the packet being held (header included); -1 while its header is incomplete. */
  private need = -1;
  /** Bytes of an oversized packet still to skip. */
  private skip = 0;

  constructor(emit: MessageSink, max: number, onError: ((e: SocketInspectorError) => void) | undefined) {
    super(emit, max, onError);
  }

  override takeRemainder(): Uint8Array {
    this.need = -1;
    this.skip = 0;
    return super.takeRemainder();
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - pos);
        this.skip -= k;
        pos += k;
        continue;
      }
      if (this.need < 0) {
        if (this.len === 0) {
          // The usual case: the whole header is in this chunk.
          const total = this.totalSize(chunk, pos, n);
          if (total === undefined) {
            this.hold(chunk, pos, Math.min(n, pos + MAX_HEADER));
            pos = Math.min(n, pos + MAX_HEADER);
            this.headerHeld();
            continue;
          }
          if (total < 0) {
            pos += -total;
            continue;
          }
          if (n - pos >= total) {
            this.emit(chunk.subarray(pos, pos + total));
            pos += total;
            continue;
          }
          this.need = total;
          this.ensure(total);
          continue;
        }
        // Completing a header held from earlier chunks, one byte at a time (at most 4 more).
        this.hold(chunk, pos, pos + 1);
        pos++;
        this.headerHeld();
        continue;
      }
      const take = Math.min(this.need - this.len, n - pos);
      this.hold(chunk, pos, pos + take);
      pos += take;
      if (this.len === this.need) {
        this.need = -1;
        this.emitHeld();
      }
    }
    this.throwDeferred();
  }

  /** After holding header bytes: decides the packet's size once the header is complete. */
  private headerHeld(): void {
    const total = this.totalSize(this.buf, 0, this.len);
    if (total === undefined) return;
    if (total < 0) {
      // A bad header: drop its bytes, keep what followed them.
      const rest = this.buf.slice(-total, this.len);
      this.reset();
      if (rest.length > 0) this.push(rest);
      return;
    }
    if (total > this.len) {
      this.need = total;
      this.ensure(total);
      return;
    }
    // Held more than the packet (a header and a short packet came in one hold): pass it on, keep the rest.
    const rest = this.buf.slice(total, this.len);
    this.emitHeld(total);
    if (rest.length > 0) this.push(rest);
  }

  /**
   * The size of the packet whose header starts at b[at] (header included); undefined when the header is
   * not complete before `end`; minus the bytes to drop after reporting a bad or oversized header (for an
   * oversized one, the rest is skipped through `skip`).
   */
  private totalSize(b: Uint8Array, at: number, end: number): number | undefined {
    let remaining = 0;
    let multiplier = 1;
    for (let i = 1; i < MAX_HEADER; i++) {
      if (at + i >= end) return undefined;
      const byte = b[at + i]!;
      remaining += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) {
        const total = 1 + i + remaining;
        if (total > this.max) {
          this.report(
            new SocketInspectorError(
              'PAYLOAD_TOO_LARGE',
              `An MQTT packet announces ${formatBytes(total)}, more than the message limit of ${formatBytes(this.max)}; those bytes were skipped.`,
            ),
          );
          this.skip = remaining;
          return -(1 + i);
        }
        return total;
      }
    }
    this.report(
      new SocketInspectorError('PROTOCOL', 'An MQTT remaining length is longer than 4 bytes (malformed fixed header); its 5 bytes were dropped and the next byte read as a new packet.'),
    );
    return -MAX_HEADER;
  }
}
