// The STOMP frame as the layer handles it (command, headers in order, body bytes) and the words of
// the protocol: commands, versions, the WebSocket subprotocols that carry it.

/** One header as it appeared, name and value unescaped. */
export type StompHeader = readonly [name: string, value: string];

/** A STOMP frame: command, headers in wire order (duplicates kept), body bytes. */
export interface StompFrame {
  readonly command: string;
  readonly headers: readonly StompHeader[];
  readonly body: Uint8Array;
}

/** Frames a client sends (STOMP 1.2 §5, plus CONNECT's alias STOMP). */
export const CLIENT_COMMANDS = [
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
] as const;

/** Frames a server sends (STOMP 1.2 §6). */
export const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const;

const KNOWN_COMMANDS: ReadonlySet<string> = new Set<string>([...CLIENT_COMMANDS, ...SERVER_COMMANDS]);

/** Whether the command is one STOMP 1.0-1.2 defines. */
export function isKnownCommand(command: string): boolean {
  return KNOWN_COMMANDS.has(command);
}

/** The STOMP versions, oldest first. */
export type StompVersion = '1.0' | '1.1' | '1.2';

/**
 * The WebSocket subprotocols of STOMP, preferred first. A connection meant to speak STOMP offers all
 * three in Sec-WebSocket-Protocol; the one the server picks names the version it will speak.
 */
export const STOMP_SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'] as const;

/** The version a STOMP subprotocol names, or undefined for another subprotocol. */
export function versionOfSubprotocol(subprotocol: string | undefined): StompVersion | undefined {
  switch (subprotocol) {
    case 'v12.stomp':
      return '1.2';
    case 'v11.stomp':
      return '1.1';
    case 'v10.stomp':
      return '1.0';
    default:
      return undefined;
  }
}

/**
 * Whether header names and values of this frame use the escapes \r \n \c \\. STOMP 1.2 §"Value
 * Encoding": every frame except CONNECT and CONNECTED (and CONNECT's alias STOMP); 1.0 has none.
 */
export function usesHeaderEscapes(command: string, version: StompVersion = '1.2'): boolean {
  return version !== '1.0' && command !== 'CONNECT' && command !== 'CONNECTED' && command !== 'STOMP';
}

/** The value of a header: the first occurrence wins when it is repeated (STOMP 1.2 §"Repeated Header Entries"). */
export function headerValue(headers: readonly StompHeader[], name: string): string | undefined {
  for (const [n, v] of headers) if (n === name) return v;
  return undefined;
}
