// Splits a received byte stream into messages as it arrives. Built for the ingest path: a message that
// lies inside one chunk is passed on as a view of that chunk (no copy, no allocation beyond the view),
// single-byte delimiters are found with Node's native indexOf (memchr), and only the incomplete tail of a
// chunk is copied into a held buffer.
//
// The output never depends on how the stream was cut into chunks: the same bytes give the same messages
// and the same errors, in the same order, whether they come in one push or one byte at a time.
//
// maxMessageBytes bounds what is held. Past it the decoder reports an error and resynchronizes:
// - delimiter: a message longer than the limit is dropped; bytes are skipped up to and including the
//   next delimiter, and the message after it is read normally;
// - length prefix: a prefix announcing more than the limit is reported and the announced payload is
//   skipped without being held, so framing stays aligned when the length was genuine;
// - length prefix including its header, with a length smaller than the prefix: the prefix is dropped
//   and the next bytes are read as a new prefix;
// - fixed size: a size above the limit is refused when the decoder is created;
// - mqtt: see mqttPacketDecoder.ts.
//
// This file holds the contract and picks the decoder; the decoders are in delimiterDecoders.ts and
// lengthDecoders.ts, what they share in heldBytes.ts.
import { SocketInspectorError } from '../../../shared/errors';
import { MAX_FIXED_SIZE, validateFramerSpec, type FramerSpec } from '../../../shared/framerSpec';
import { ByteDelimiterDecoder, SequenceDelimiterDecoder } from './delimiterDecoders';
import { formatBytes } from './heldBytes';
import { FixedSizeDecoder, LengthPrefixDecoder } from './lengthDecoders';
import { MqttPacketDecoder } from './mqttPacketDecoder';

/** Receives each complete message; the view is valid only during the call (copy it to keep it). */
export type MessageSink = (message: Uint8Array) => void;

/**
 * Receives a complete message that lies inside the chunk being pushed, as `chunk[start, end)`, instead
 * of a view: no allocation per message, and a receiver can copy many such messages at once. Valid only
 * until push returns.
 */
export type SpanSink = (chunk: Uint8Array, start: number, end: number) => void;

/** Options of {@link createFramerDecoder}. */
export interface FramerDecoderOptions {
  /** Largest message held or passed on, in bytes (default 16 MiB). */
  readonly maxMessageBytes?: number;
  /**
   * Called for each framing error (the decoder has already resynchronized). Without it, the first
   * error of a push is thrown once the whole chunk has been consumed.
   */
  readonly onError?: (error: SocketInspectorError) => void;
  /**
   * When given, messages lying wholly inside a pushed chunk may be passed here instead of to onMessage
   * (in order with the others); messages assembled from several chunks still go to onMessage.
   */
  readonly onSpan?: SpanSink;
}

/** A stateful splitter of one direction of a byte stream. */
export interface FramerDecoder {
  /** Feeds received bytes; calls onMessage for every complete message (a view valid only during the call). */
  push(chunk: Uint8Array): void;
  /** Bytes held for an incomplete message. */
  readonly pending: number;
  /** Returns and forgets the incomplete tail (at close). */
  takeRemainder(): Uint8Array;
}

/** Default limit of one message. */
export const DEFAULT_MAX_MESSAGE_BYTES = MAX_FIXED_SIZE;

/** Creates a decoder for `spec`; throws BAD_FRAMER for an invalid spec or limit. */
export function createFramerDecoder(spec: FramerSpec, onMessage: MessageSink, options: FramerDecoderOptions = {}): FramerDecoder {
  const checked = validateFramerSpec(spec);
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new SocketInspectorError('BAD_FRAMER', `The message limit must be a whole number of bytes of at least 1, not ${max}.`);
  }
  const onError = options.onError;
  switch (checked.type) {
    case 'delimiter':
      return checked.delimiter.length === 1
        ? new ByteDelimiterDecoder(checked, onMessage, max, onError, options.onSpan)
        : new SequenceDelimiterDecoder(checked, onMessage, max, onError);
    case 'lengthPrefix':
      return new LengthPrefixDecoder(checked, onMessage, max, onError);
    case 'fixed':
      if (checked.size > max) {
        throw new SocketInspectorError(
          'BAD_FRAMER',
          `Fixed-size messages of ${formatBytes(checked.size)} are above the message limit of ${formatBytes(max)}.`,
        );
      }
      return new FixedSizeDecoder(checked, onMessage, max, onError);
    case 'mqtt':
      return new MqttPacketDecoder(onMessage, max, onError);
  }
}
