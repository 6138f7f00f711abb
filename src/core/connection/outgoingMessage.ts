// What the user composed (text, JSON, hex or base64), turned into what a connection of a given kind
// sends: a WebSocket text message for text and JSON, bytes otherwise. Checked once, sent to any number
// of connections (one, every peer of a broadcast, or each auto-reply).
import { validateComposerInput, type ComposerMessage } from '../../../shared/codecs/composerInput';
import type { Connection, ConnectionKind, WebSocketConnection } from './connectionTypes';
import { SocketInspectorError } from '../../../shared/errors';

/** A checked message: its bytes, and for a WebSocket text message the text as framed. */
export interface Outgoing {
  readonly bytes: Uint8Array;
  /** Set when it goes as a WebSocket text message. */
  readonly text?: string;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Checks `message` for connections of `kind`; throws the codec's SocketInspectorError (with position). */
export function prepareOutgoing(message: ComposerMessage, kind: ConnectionKind): Outgoing {
  const { format, input, escapes } = message;
  const checked = validateComposerInput(input, format, { escapes });
  if (!checked.ok) throw checked.error;
  if (kind !== 'ws' || (format !== 'text' && format !== 'json')) return { bytes: checked.bytes };
  // A WebSocket text message must be valid UTF-8; escapes such as \xFF can break that.
  try {
    return { bytes: checked.bytes, text: escapes ? fatalUtf8.decode(checked.bytes) : input };
  } catch {
    throw new SocketInspectorError(
      'INVALID_ESCAPE',
      'These escapes make invalid UTF-8, which a WebSocket text message cannot carry. Use the hex or base64 format to send the bytes as a binary message.',
    );
  }
}

/**
 * Sends a prepared message: as text when it has text, else as bytes; over a WebSocket in `fragments` frames
 * when more than 1. Throws NOT_OPEN like the connection.
 */
export function sendOutgoing(connection: Connection, outgoing: Outgoing, fragments = 1): void {
  if (fragments > 1) {
    if (connection.kind !== 'ws') {
      throw new SocketInspectorError('PROTOCOL', 'Sending a message in several frames is a WebSocket feature; a TCP connection sends the bytes as they are.');
    }
    const binary = outgoing.text === undefined;
    (connection as WebSocketConnection).sendFragmented(binary ? outgoing.bytes : new TextEncoder().encode(outgoing.text), { binary, fragments });
  } else if (outgoing.text !== undefined) connection.sendText(outgoing.text);
  else connection.sendBytes(outgoing.bytes);
}
