// How a connection's messages are to be read beyond bytes: the protocol layer it speaks and the codec
// its payloads are decoded with. Kept in session files (connection.layer, view.decode), chosen in the
// connect commands and the panel.
import type { CodecId, LayerId } from './decoded';

/**
 * Which payload codec applies to which messages. Rules are tried in order; the first that matches a
 * message decides. A rule without `direction`, `event` or `topic` matches every message.
 */
export interface CodecRule {
  readonly codec: CodecId;
  /** Only messages received ('in') or sent ('out'). */
  readonly direction?: 'in' | 'out';
  /** Socket.IO: only events of this name. */
  readonly event?: string;
  /** MQTT: only publishes whose topic matches this filter (`+` and `#` wildcards). */
  readonly topic?: string;
  /** Protobuf: the fully qualified message type (`chat.v1.Message`); absent decodes schema-less. */
  readonly messageType?: string;
}

/** The reading of a connection's messages. */
export interface DecodeSettings {
  /** The protocol layer; absent: none (raw WebSocket or TCP). */
  readonly layer?: LayerId;
  /** Whether a layer is detected from the wire when none is chosen (Socket.IO path, MQTT subprotocol, …); absent: on. */
  readonly detectLayer?: boolean;
  /** Payload codecs, first matching rule wins; empty or absent: payloads are shown as bytes/text/JSON. */
  readonly codecs?: readonly CodecRule[];
  /** Protobuf: the `.proto` files (workspace-relative or absolute) the message types come from. */
  readonly protoFiles?: readonly string[];
}
