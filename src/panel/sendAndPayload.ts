// What the panel asks of a connection and its log on the user's behalf: send what the composer holds,
// ping, close, read and copy payloads. Each checks its input again on the host (the webview already
// did, but the host is the one that acts) and fails with a message a person understands.
import { exactArrayBuffer } from '../../shared/entryBatch';
import { RequestError } from '../../shared/messageHandler';
import type { ComposerMessage, PayloadResult } from '../../shared/protocol';
import { encodeBase64 } from '../../shared/codecs/base64';
import { toHex } from '../../shared/codecs/hexDump';
import type { Connection, WebSocketConnection } from '../core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import type { EntryLog } from '../core/log/entryLog';
import { prepareOutgoing, sendOutgoing } from '../core/connection/outgoingMessage';

const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

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

/** The payload of `seq` in the log the panel shows, or a GONE error when the log no longer holds it. */
export function requirePayload(shown: { readonly log: EntryLog }, seq: number): Uint8Array {
  const payload = shown.log.payload(seq);
  if (!payload) {
    throw new RequestError({ message: `Entry #${seq} is no longer in the log (cleared or evicted by the retention limit).`, code: 'GONE' });
  }
  return payload;
}

/** An entry's columns and the first `limit` bytes of its payload, copied for posting. */
export function payloadResult(shown: { readonly log: EntryLog }, seq: number, limit: number): PayloadResult {
  const log = shown.log;
  const payload = requirePayload(shown, seq);
  return {
    seq,
    wallTime: log.wallTime(seq),
    direction: log.direction(seq)!,
    kind: log.kind(seq)!,
    code: log.code(seq),
    length: payload.length,
    payload: exactArrayBuffer(payload.subarray(0, limit)),
  };
}

/** A payload as the clipboard gets it: UTF-8 text, spaced hex pairs, or base64. */
export function payloadAs(payload: Uint8Array, as: 'text' | 'hex' | 'base64'): string {
  if (as === 'hex') return toHex(payload, ' ');
  if (as === 'base64') return encodeBase64(payload);
  return lenientUtf8.decode(payload);
}
