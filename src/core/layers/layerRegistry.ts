// Every protocol layer the engine knows, by id: how to read its settings (from a session file or the
// connect command), how to recognize it on the wire, how to decode its packets, and how to start it on a
// live connection. The panel, the session files and the test runner find layers only through here.
import type { LayerId } from '../../../shared/decode/decoded';
import type { FramerSpecJson } from '../../../shared/framerSpec';
import type { Connection } from '../connection/connectionTypes';
import type { LayerDecoder, LayerSession } from './protocolLayer';

/** What a layer tells from the wire before anything is decoded. */
export interface LayerEvidence {
  /** WebSocket: the request URL's path and query (`/socket.io/?EIO=4&transport=websocket`). */
  readonly path?: string;
  /** WebSocket: the subprotocol the server chose (`mqtt`, `v12.stomp`). */
  readonly subprotocol?: string;
  /** The first message received, when there is one (Socket.IO's `0{"sid":…}`, STOMP's CONNECTED). */
  readonly firstMessage?: Uint8Array;
}

export interface LayerFactory<S = unknown> {
  readonly id: LayerId;
  /** Shown in pickers and the toolbar: 'Socket.IO', 'MQTT', 'STOMP'. */
  readonly label: string;
  /**
   * Checks settings JSON (a session file's `connection.layer`, minus `type`) and returns them typed;
   * throws a SocketInspectorError naming the field (`${path}.qos must be 0, 1 or 2`).
   */
  parseSettings(json: unknown, path: string): S;
  /** Settings fields whose values are secrets: kept in secret storage, never written to a file. */
  readonly secretFields: readonly (keyof S & string)[];
  /**
   * WebSocket subprotocols a connection must offer for this layer (Sec-WebSocket-Protocol: `mqtt`,
   * `v12.stomp`…); a session cannot add them once the connection exists. Absent: none needed.
   */
  readonly webSocketSubprotocols?: readonly string[];
  /** How a TCP stream of this layer is cut into its packets for the panel (MQTT: `{ type: 'mqtt' }`). */
  readonly tcpFramer?: FramerSpecJson;
  /** True when the wire says this layer is spoken (used when no layer was chosen, unless detection is off). */
  detect(evidence: LayerEvidence): boolean;
  readonly decoder: LayerDecoder;
  /** Starts speaking on a connection (before or after it opened); the session is disposed with it. */
  start(connection: Connection, settings: S): LayerSession;
}

const factories = new Map<LayerId, LayerFactory<never>>();

/** Registers a layer; each layer's module calls this once (src/core/layers/index.ts imports them all). */
export function registerLayer<S>(factory: LayerFactory<S>): void {
  factories.set(factory.id, factory as unknown as LayerFactory<never>);
}

/** The layer of that id; undefined when it is not registered. */
export function layerFactory(id: LayerId): LayerFactory<unknown> | undefined {
  return factories.get(id) as unknown as LayerFactory<unknown> | undefined;
}

/** Every registered layer, in registration order. */
export function layerFactories(): readonly LayerFactory<unknown>[] {
  return [...factories.values()] as unknown as LayerFactory<unknown>[];
}

/** The first layer whose detect() accepts the evidence. */
export function detectLayer(evidence: LayerEvidence): LayerFactory<unknown> | undefined {
  return layerFactories().find((f) => f.detect(evidence));
}

/**
 * WebSocket options that offer the subprotocols `layer` needs, unless the user named subprotocols of
 * their own (then theirs are sent as given).
 */
export function offerLayerSubprotocols<T extends { protocols?: string[] }>(options: T, layer: LayerId | undefined): T {
  const wanted = layer ? layerFactory(layer)?.webSocketSubprotocols : undefined;
  if (!wanted || wanted.length === 0 || (options.protocols && options.protocols.length > 0)) return options;
  return { ...options, protocols: [...wanted] };
}
