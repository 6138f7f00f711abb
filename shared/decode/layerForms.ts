// What the composer sends when a protocol layer is on: one form per layer. The host checks every field
// again before encoding (src/core/layers/<layer>/), and answers a mistake with a sentence naming it.

/** Socket.IO: emit an event to a namespace, optionally asking for an acknowledgement. */
export interface SocketIoEmitForm {
  readonly layer: 'socketio';
  /** The namespace ('/' by default); connected first if it is not yet. */
  readonly namespace?: string;
  readonly event: string;
  /** The arguments as JSON text of an array: `["hi", {"to": 3}]`. */
  readonly args: string;
  readonly ack?: boolean;
}

/** MQTT: publish, subscribe or unsubscribe. */
export type MqttForm =
  | {
      readonly layer: 'mqtt';
      readonly action: 'publish';
      readonly topic: string;
      /** The payload as the composer holds it, read in `format` (text, json, hex, base64). */
      readonly payload: string;
      readonly format: 'text' | 'json' | 'hex' | 'base64';
      readonly qos: 0 | 1 | 2;
      readonly retain?: boolean;
      /** MQTT 5 properties as JSON text of an object (`{"contentType": "application/json"}`). */
      readonly properties?: string;
    }
  | { readonly layer: 'mqtt'; readonly action: 'subscribe'; readonly topic: string; readonly qos: 0 | 1 | 2 }
  | { readonly layer: 'mqtt'; readonly action: 'unsubscribe'; readonly topic: string };

/** STOMP: any client frame, with its headers and body. */
export interface StompForm {
  readonly layer: 'stomp';
  readonly command: 'SEND' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'ACK' | 'NACK' | 'BEGIN' | 'COMMIT' | 'ABORT' | 'DISCONNECT';
  readonly destination?: string;
  /** Extra headers in order; `receipt` asks the broker for a RECEIPT. */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
}

export type LayerSendForm = SocketIoEmitForm | MqttForm | StompForm;
