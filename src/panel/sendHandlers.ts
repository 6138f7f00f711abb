// The send feature of a panel (shared/protocol/send.ts): send what the composer holds (to the connection,
// every peer of a server, or one side of a proxy pair), and keep the composer's history and saved
// messages. The host checks the input again (the webview already did, but the host is the one that acts)
// and fails with a message a person understands.
import { RequestError, type RequestHandlers } from '../../shared/messageHandler';
import type { ComposerMessage, SendRequests } from '../../shared/protocol';
import { SocketInspectorError } from '../../shared/errors';
import type { FramerSpec } from '../../shared/framerSpec';
import type { Connection } from '../core/connection/connectionTypes';
import { prepareOutgoing, sendOutgoing } from '../core/connection/outgoingMessage';
import { encodeFramed } from '../core/framing/framerEncoder';
import type { PanelContext } from './panelContext';
import { requireServer } from './serverHandlers';
import type { PanelDecoding } from './panelDecoding';
import { encodeBase64 } from '../../shared/codecs/base64';

/** Throws NOT_OPEN unless the connection is open. */
export function requireOpen(connection: Connection, action: string): void {
  if (connection.state !== 'open') {
    const state = connection.state === 'idle' ? 'not open yet' : connection.state;
    throw new SocketInspectorError('NOT_OPEN', `Cannot ${action}: the connection is ${state}.`);
  }
}

/**
 * Sends a composer message: text and JSON as a WebSocket text message, hex and base64 as binary; on
 * TCP always the bytes, passed through `frame` when given (the panel's framer). WebSocket messages go in
 * `fragments` frames when that is more than 1. Returns the number of bytes sent. Throws the codec's error
 * (with position) or the framer's.
 */
export function sendComposerMessage(
  connection: Connection,
  message: ComposerMessage,
  { frame, fragments = 1 }: { frame?: (payload: Uint8Array) => Uint8Array; fragments?: number } = {},
): number {
  const outgoing = prepareOutgoing(message, connection.kind);
  if (frame) {
    const framed = frame(outgoing.bytes);
    requireOpen(connection, 'send');
    connection.sendBytes(framed);
    return framed.length;
  }
  requireOpen(connection, 'send');
  sendOutgoing(connection, outgoing, fragments);
  return outgoing.bytes.length;
}

/** Tells a live webview the composer's lists changed (a hidden one gets them with its next snapshot). */
export function postComposerLists(panel: PanelContext): void {
  if (panel.live) panel.events.sendEvent('composerLists', { history: [...panel.lists.history], saved: [...panel.lists.saved] });
}

/** Handlers of the send requests. */
export function sendHandlers(panel: PanelContext, decoding: Pick<PanelDecoding, 'encodeOutgoing'>): RequestHandlers<SendRequests> {
  return {
    send: ({ framed, fragments, broadcast, inject, encode, ...typed }) => {
      // Encoded by the panel's codec, the message goes on as its bytes (binary) through the same paths.
      const message = encode ? encodedMessage(typed, inject === 'toClient' ? 'in' : 'out', decoding) : typed;
      let result: { bytes: number; peers?: number };
      if (broadcast) result = requireServer(panel, 'broadcast').broadcast(message);
      else if (inject) result = { bytes: panel.proxy.inject(message, inject) };
      else {
        const framer = framed ? requireFramer(panel) : undefined;
        const bytes = sendComposerMessage(panel.connection, message, {
          ...(framer ? { frame: (payload: Uint8Array) => encodeFramed(framer, payload) } : {}),
          ...(fragments !== undefined ? { fragments } : {}),
        });
        result = { bytes };
      }
      panel.lists.recordSent(typed);
      postComposerLists(panel);
      return result;
    },
    saveMessage: ({ name, format, input, escapes }) => {
      const id = panel.lists.save(name, { format, input, escapes });
      postComposerLists(panel);
      return { id };
    },
    deleteSaved: ({ id }) => {
      if (!panel.lists.delete(id)) throw new RequestError({ message: 'That saved message no longer exists.', code: 'GONE' });
      postComposerLists(panel);
      return {};
    },
  };
}

function requireFramer(panel: PanelContext): FramerSpec {
  if (!panel.framer) {
    throw new RequestError({ message: 'Adding framing on send needs a framer: choose one under View as.', code: 'PROTOCOL' });
  }
  return panel.framer;
}

/** The composer's JSON, encoded with the panel's codec for messages of `direction`, as a base64 message. */
function encodedMessage(message: ComposerMessage, direction: 'in' | 'out', decoding: Pick<PanelDecoding, 'encodeOutgoing'>): ComposerMessage {
  if (message.format !== 'json') {
    throw new SocketInspectorError('PROTOCOL', `Encoding with the payload codec reads JSON: choose the JSON format (the input is ${message.format}).`);
  }
  return { format: 'base64', input: encodeBase64(decoding.encodeOutgoing(message.input, direction)), escapes: false };
}
