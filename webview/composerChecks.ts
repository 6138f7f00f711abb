// Checks on what a user types into the composer's WebSocket controls, before anything is sent. No DOM:
// unit-tested in Node.
import { MAX_FRAGMENTS } from '../shared/wireFrames';
import { t } from './l10n';

/** Validates the close code a user typed for a WebSocket close frame: any code a frame can carry. */
export function closeCodeProblem(text: string): string | undefined {
  if (!/^\d+$/.test(text.trim())) return t('The close code must be a number.');
  const code = Number(text);
  if (code <= 65535) return undefined;
  return t('Close code {0} cannot be sent: a close frame carries a code from 0 to 65535.', code);
}

/** A note for close codes RFC 6455 does not allow in a close frame (they are sent anyway, for testing). */
export function closeCodeNote(code: number): string | undefined {
  const defined = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  return defined ? undefined : t('Close code {0} is not allowed on the wire by RFC 6455; sent anyway, as a test.', code);
}

/** Validates the Frames field: how many frames to send a message in. */
export function fragmentsProblem(text: string): string | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_FRAGMENTS) return undefined;
  return t('Frames must be a whole number from 1 to {0}.', MAX_FRAGMENTS);
}

/** Validates a ping or pong payload: a control frame carries at most 125 bytes. */
export function controlPayloadProblem(text: string): string | undefined {
  const n = new TextEncoder().encode(text).length;
  return n <= 125 ? undefined : t('A ping or pong payload can be at most 125 bytes in UTF-8 (this one is {0}).', n);
}

/** Backslash sequences that look like escapes (\r, \n, \t, \0, \xNN), in the order first typed, each once. */
export function escapeLookalikes(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\\(?:[rnt0]|x[0-9a-fA-F]{2})/g)) found.add(m[0]);
  return [...found];
}

/**
 * What to tell a user whose text holds escape-like sequences while Escapes is off: they go out as typed
 * (`PING\r\n` is 8 bytes, and a line-based server such as redis waits for the end of the line).
 */
export function escapesOffWarning(text: string): string | undefined {
  const seen = escapeLookalikes(text);
  if (seen.length === 0) return undefined;
  const shown = seen.slice(0, 5).join(' ') + (seen.length > 5 ? ' …' : '');
  return t('Escapes is off: {0} will be sent as typed, a backslash and a letter each. Tick Escapes to send the control characters.', shown);
}
