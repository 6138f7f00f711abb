// The contract of a payload codec (MessagePack, CBOR, Protobuf): bytes to a DecodedMessage for the panel,
// and the composer's (or a held message's) JSON text back to bytes. Codecs are pure: no sockets, no
// state between calls; a Protobuf codec is made for one loaded schema and message type.
import type { CodecId, DecodedMessage } from '../../../shared/decode/decoded';

export interface PayloadCodec {
  readonly id: CodecId;
  /**
   * Decodes one payload. Never throws on bad input: a payload that does not decode gives a message
   * whose `error` says where (byte offset) and why, with what was decoded before it in the tree.
   */
  decode(payload: Uint8Array): DecodedMessage;
  /**
   * decode(payload).summary, built without the tree: rows are summarized by the page. Never throws on
   * bad input. Optional: decode serves without it.
   */
  summarize?(payload: Uint8Array): string;
  /**
   * The payload as editable JSON text (the codec's extended notation for binary, ext types, tags, 64-bit
   * integers), such that `encode(toEditableText(p))` gives back the same value. Throws a
   * SocketInspectorError when the payload does not decode.
   */
  toEditableText(payload: Uint8Array): string;
  /** Encodes the composer's JSON text; throws a SocketInspectorError naming the line and column of a mistake. */
  encode(text: string): Uint8Array;
}
