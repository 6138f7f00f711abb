// What a protocol layer (Socket.IO, MQTT, STOMP) or a payload codec (MessagePack, CBOR, Protobuf) makes
// of one logged message, as the panel shows it: a one-line summary for the row, a tree for the Decoded
// tab, named fields for the filter, and where decoding stopped. Decoding runs on the host, when rows
// are shown (never on ingest); the webview only draws these plain objects.

/** The protocol layers a connection can speak. */
export const LAYER_IDS = ['socketio', 'mqtt', 'stomp'] as const;
export type LayerId = (typeof LAYER_IDS)[number];

/** The payload codecs a message can be decoded with. */
export const CODEC_IDS = ['msgpack', 'cbor', 'protobuf'] as const;
export type CodecId = (typeof CODEC_IDS)[number];

/** One node of a decoded message's tree. */
export interface DecodedNode {
  /** Field name, array index or map key as text; '' for the root. */
  readonly key: string;
  /**
   * The type as the format names it: 'int', 'uint64', 'float64', 'str', 'bin', 'map', 'array',
   * 'ext 5', 'tag 1', 'chat.Message', 'enum chat.Kind', 'PUBLISH', 'header', …
   */
  readonly type: string;
  /** A leaf's value as text: strings JSON-quoted, binary as hex, big integers exact. */
  readonly value?: string;
  readonly children?: readonly DecodedNode[];
  /**
   * Only in a paged answer (treePaging.ts): how many children the node has when `children` holds just
   * the first of them (maybe none); getDecodedChildren gives the rest.
   */
  readonly childCount?: number;
  /** Bytes of the payload this node was decoded from, when known. */
  readonly offset?: number;
  readonly length?: number;
}

/** Where and why decoding stopped. */
export interface DecodeError {
  /** Byte offset in the payload where the input stopped making sense. */
  readonly offset: number;
  readonly message: string;
}

/** One message, decoded. */
export interface DecodedMessage {
  /** What decoded it: a LayerId, a CodecId, or 'protobuf-raw' (schema-less). */
  readonly format: string;
  /** One line for the row: `EVENT chat ["hi"] · ack 7`, `PUBLISH sensors/1 q1 · 12 B`. */
  readonly summary: string;
  readonly tree: DecodedNode;
  /** Named fields the filter understands (`event`, `topic`, `destination`, `type`, …), as text. */
  readonly fields: Readonly<Record<string, string>>;
  /** Set when decoding stopped early; the tree holds what was decoded before it. */
  readonly error?: DecodeError;
  /** The application payload inside a protocol packet, decoded by the connection's payload codec. */
  readonly inner?: DecodedMessage;
}

/** Most characters of a summary; longer ones end in '…'. */
export const SUMMARY_MAX_CHARS = 160;

/** Cuts a summary to SUMMARY_MAX_CHARS. */
export function clipSummary(text: string): string {
  const oneLine = text.replace(/[\r\n\t]+/g, ' ');
  return oneLine.length <= SUMMARY_MAX_CHARS ? oneLine : `${oneLine.slice(0, SUMMARY_MAX_CHARS - 1)}…`;
}
