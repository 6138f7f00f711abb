// The contract of a protocol layer (Socket.IO, MQTT, STOMP) on one connection: it speaks the protocol
// (answers pings and keep-alives, runs acknowledgement flows) and decodes logged messages for the panel.
// A layer only reads the connection's log through onDidAppend (synchronously, copying what it keeps)
// and sends through the connection; it never changes what is recorded.
import type { DecodedMessage, LayerId } from '../../../shared/decode/decoded';
import type { LayerSendForm } from '../../../shared/decode/layerForms';
import type { Direction, Kind } from '../../../shared/logModel';
import type { Event, IDisposable } from '../base/dispose';
import type { AckKeyReader } from '../timing/ackPairing';

/** One logged message as a layer's decoder sees it. */
export interface LayerDecodeInput {
  readonly payload: Uint8Array;
  readonly direction: Direction;
  readonly kind: Kind;
  /**
   * The layer's settings on this connection when known (as its factory's parseSettings returned them).
   * MQTT reads the protocol version here: only CONNECT says it on the wire.
   */
  readonly settings?: unknown;
}

/**
 * What a row shows of a message, without the tree: its summary, the fields a codec rule matches on, the
 * error (so no codec runs), and the inner payload (a view into the input: read it at once, never keep it).
 */
export type LayerSummary = Pick<DecodedMessage, 'summary' | 'fields' | 'error'> & { readonly innerPayload?: Uint8Array };

/** Decodes logged messages of one layer, for display; stateless. */
export interface LayerDecoder {
  readonly id: LayerId;
  /**
   * The message decoded, or undefined when it is not a message of this layer (a WebSocket ping, a
   * handshake). Never throws on bad input: a malformed packet gives `error` with the byte offset.
   * `innerPayload` is where the application payload lies (MQTT publish payload, STOMP body, a Socket.IO
   * binary attachment), for the connection's payload codec.
   */
  decode(input: LayerDecodeInput): (DecodedMessage & { readonly innerPayload?: Uint8Array }) | undefined;
  /**
   * What decode gives of the message for its row (summary, fields, error and innerPayload equal to
   * decode's), built without the tree: rows are summarized by the page. Optional: decode serves without it.
   */
  summarize?(input: LayerDecodeInput): LayerSummary | undefined;
  /**
   * For editing a held message (proxy) or a logged one in the composer: the packet as JSON text, such that
   * fromEditableText gives back an equal packet. Undefined where the packet cannot be edited as text.
   */
  toEditableText?(input: LayerDecodeInput): string | undefined;
  /** The edited JSON text encoded back to the bytes of one message; throws a SocketInspectorError naming the mistake. */
  fromEditableText?(text: string, input: LayerDecodeInput): Uint8Array;
  /**
   * For the Timing panel: a message's part in the layer's acknowledgements (a Socket.IO EVENT with an ack
   * id and its ACK), read from its header. Absent where the layer has none to time.
   */
  readonly ackKey?: AckKeyReader;
}

/** A layer speaking on one live connection. Dispose it to stop speaking (the connection stays). */
export interface LayerSession extends IDisposable {
  readonly id: LayerId;
  /** A short state for the toolbar: 'connecting', 'connected to /chat', 'CONNACK 0x86 Bad user name or password'. */
  readonly status: string;
  readonly onDidChangeStatus: Event<string>;
  /**
   * Encodes and sends what the composer's layer form says; resolves with the bytes written. Rejects with
   * a SocketInspectorError for a form of another layer or a mistake in a field (named in the message).
   */
  send(form: LayerSendForm): Promise<{ bytes: number }>;
  /**
   * The entry `seq` decoded with what this session learned from the messages around it (Socket.IO: a
   * binary event with its attachments joined, an attachment with its place); undefined where the
   * decoder alone says all there is.
   */
  decoded?(seq: number): DecodedMessage | undefined;
}
