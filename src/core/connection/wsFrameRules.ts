// The RFC 6455 rules a WebSocket connection and a proxy pair both apply to what they send (close codes
// and reasons, control payloads, fragments) and to the close frames they see, in one place so the two
// refuse the same things with the same words.
import type WebSocket from 'ws';
import { SocketInspectorError } from '../../../shared/errors';
import { MAX_FRAGMENTS } from '../../../shared/wireFrames';

/** Close code of a close frame without a status: there is no code on the wire (RFC 6455 §7.1.5). */
export const NO_STATUS = 1005;

/** "1000" or `1000 "bye"`: a close code and its reason as the log words it. */
export function closeText(code: number, reason: Uint8Array): string {
  const text = new TextDecoder().decode(reason);
  return `${code}${text ? ` "${text}"` : ''}`;
}

/**
 * Checks a close code and reason the user wants to send; returns the reason's bytes. Any code a close
 * frame can carry (0-65535) is allowed, including those RFC 6455 reserves: this is a testing tool.
 */
export function validateClose(code: number, reason: string): Buffer {
  if (!Number.isInteger(code) || code < 0 || code > 65535) {
    throw new SocketInspectorError('PROTOCOL', `Close code ${code} cannot be sent: a close frame carries a code from 0 to 65535`);
  }
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length > 123) {
    throw new SocketInspectorError(
      'PROTOCOL',
      `The close reason is ${bytes.length} bytes in UTF-8; a close frame allows at most 123`,
    );
  }
  return bytes;
}

/** Checks a ping or pong payload (at most 125 bytes, RFC 6455 §5.5); returns our own copy of it. */
export function controlPayload(kind: 'ping' | 'pong', payload: Uint8Array | undefined): Buffer {
  const bytes = payload ? Buffer.from(payload) : Buffer.alloc(0);
  if (bytes.length > 125) {
    throw new SocketInspectorError('PROTOCOL', `A ${kind} payload can be at most 125 bytes (this one is ${bytes.length})`);
  }
  return bytes;
}

/** Checks how many frames the user wants a message sent in. */
export function checkFragments(fragments: number): void {
  if (!Number.isInteger(fragments) || fragments < 1 || fragments > MAX_FRAGMENTS) {
    throw new SocketInspectorError('PROTOCOL', `A message can be sent in 1 to ${MAX_FRAGMENTS} frames (not ${fragments})`);
  }
}

/** Splits `bytes` into `n` runs as even as possible (the first ones one byte longer); runs may be empty. */
export function splitEvenly(bytes: Uint8Array, n: number): Buffer[] {
  const base = Math.floor(bytes.length / n);
  const extra = bytes.length % n;
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const size = base + (i < extra ? 1 : 0);
    parts.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  return parts;
}

/** The ws internals read to see a close frame when it arrives rather than when the socket ends. */
interface WsCloseState {
  _closeFrameReceived?: boolean;
  _closeCode?: number;
  _closeMessage?: Buffer;
}

/** The close frame ws has just received (it calls close() on itself to answer it), if any. */
export function receivedCloseFrame(ws: WebSocket): { code: number; reason: Buffer } | undefined {
  const state = ws as unknown as WsCloseState;
  if (!state._closeFrameReceived) return undefined;
  return { code: state._closeCode ?? NO_STATUS, reason: state._closeMessage ?? Buffer.alloc(0) };
}
