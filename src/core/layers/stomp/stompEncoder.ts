// A STOMP frame to its bytes: command, headers escaped as the version says, blank line, body, NUL.
import { SocketInspectorError } from '../../../../shared/errors';
import { headerValue, usesHeaderEscapes, type StompFrame, type StompVersion } from './stompFrame';
import { escapeHeader } from './stompHeaderEscapes';

const encoder = new TextEncoder();

function refuse(message: string): SocketInspectorError {
  return new SocketInspectorError('PROTOCOL', message);
}

/**
 * Encodes one frame. Throws a SocketInspectorError for what the frame cannot carry: a command that is
 * not letters, a header the version cannot escape, a NUL in a body without content-length.
 */
export function encodeStompFrame(frame: StompFrame, version: StompVersion = '1.2'): Uint8Array {
  if (!/^[A-Za-z]{1,64}$/.test(frame.command)) throw refuse(`The command ${JSON.stringify(frame.command)} is not a STOMP command (letters only)`);
  const escapes = usesHeaderEscapes(frame.command, version);
  let head = `${frame.command}\n`;
  for (const [name, value] of frame.headers) {
    if (name === '') throw refuse('A header name is empty');
    const n = escapes ? escapeHeader(name, version) : plain(name, true);
    const v = escapes ? escapeHeader(value, version) : plain(value, false);
    if (n === undefined || v === undefined) {
      const where = escapes ? `STOMP ${version} cannot escape a CR` : `${frame.command} frames${version === '1.0' ? ' in STOMP 1.0' : ''} have no header escapes, so they cannot carry CR, LF${n === undefined ? " or ':' in a name" : ''}`;
      throw refuse(`The header ${JSON.stringify(name)}: ${where}`);
    }
    head += `${n}:${v}\n`;
  }
  head += '\n';
  const nul = frame.body.indexOf(0);
  if (nul >= 0 && headerValue(frame.headers, 'content-length') === undefined) {
    throw refuse(`The body holds a NUL byte at ${nul}: add a content-length header, or the frame would end there`);
  }
  const headBytes = encoder.encode(head);
  const out = new Uint8Array(headBytes.length + frame.body.length + 1);
  out.set(headBytes);
  out.set(frame.body, headBytes.length);
  return out;
}

/** A header name or value of a frame without escapes, or undefined when it cannot go on the wire. */
function plain(text: string, isName: boolean): string | undefined {
  if (/[\r\n]/.test(text) || (isName && text.includes(':'))) return undefined;
  return text;
}
