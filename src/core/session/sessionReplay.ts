// What "replay" sends: the messages a recorded log sent, in order, with the original spacing if asked,
// and the bytes of a saved composer message. Pure; the caller owns the timers and the connection.
import type { KindName } from '../../../shared/logModel';
import { parseComposerInput } from '../../../shared/codecs/composerInput';
import { SocketInspectorError, isSocketInspectorError } from '../../../shared/errors';
import type { Session, SessionLog, SessionMessage } from './sessionFormat';
import { sessionEntryPayload } from './sessionLog';

/** Kinds that can be sent again. */
export type ReplayKind = Extract<KindName, 'text' | 'binary' | 'ping' | 'pong' | 'close' | 'data'>;
const REPLAYABLE: ReadonlySet<KindName> = new Set(['text', 'binary', 'ping', 'pong', 'close', 'data']);

/** One message to send again. */
export interface ReplayStep {
  /** Seq of the recorded entry. */
  readonly seq: number;
  /** Milliseconds to wait after the previous step (0 for the first, and without original timing). */
  readonly delayMs: number;
  readonly kind: ReplayKind;
  readonly payload: Uint8Array;
  /** Close code, for close steps that had one. */
  readonly code?: number;
}

export interface ReplayOptions {
  /** Wait between steps as long as the recording did (monotonic times). Default false. */
  readonly originalTiming?: boolean;
  /** Longest wait between two steps, so an idle hour in the recording is not replayed. Default none. */
  readonly maxDelayMs?: number;
}

/** The sent entries of a recorded log as steps to send again, in order. */
export function replaySteps(log: SessionLog, options: ReplayOptions = {}): ReplayStep[] {
  const steps: ReplayStep[] = [];
  let previousMono: number | undefined;
  for (const entry of log.entries) {
    if (entry.direction !== 'out' || !REPLAYABLE.has(entry.kind)) continue;
    let delayMs = 0;
    if (options.originalTiming && previousMono !== undefined) {
      // A hand-edited or merged log may go back in time; that means "no wait", not an error.
      delayMs = Math.max(0, entry.mono - previousMono);
      if (options.maxDelayMs !== undefined) delayMs = Math.min(delayMs, options.maxDelayMs);
    }
    previousMono = entry.mono;
    const step: { seq: number; delayMs: number; kind: ReplayKind; payload: Uint8Array; code?: number } = {
      seq: entry.seq,
      delayMs,
      kind: entry.kind as ReplayKind,
      payload: sessionEntryPayload(entry),
    };
    if (entry.code !== undefined && entry.code !== 0) step.code = entry.code;
    steps.push(step);
  }
  return steps;
}

/**
 * The bytes a saved composer message sends. Throws the codec's SocketInspectorError (INVALID_HEX,
 * INVALID_JSON…) with the message's place in the session prefixed: `messages[2] "login": Invalid hex…`.
 */
export function sessionMessageBytes(session: Session, index: number): Uint8Array {
  const message: SessionMessage | undefined = session.messages?.[index];
  if (!message) throw new SocketInspectorError('BAD_SESSION', `The session has no message ${index}`);
  try {
    return parseComposerInput(message.body, message.format, { escapes: message.escapes ?? false });
  } catch (e) {
    if (!isSocketInspectorError(e)) throw e;
    const label = message.name !== undefined ? ` ${JSON.stringify(message.name)}` : '';
    throw new SocketInspectorError(e.code, `messages[${index}]${label}: ${e.message}`, e.details, { cause: e });
  }
}
