// The parts of ws's Receiver (ws 8.x, node_modules/ws/lib/receiver.js) that the receive path reaches
// into, declared once: inPlaceReassembly.ts wraps its consume(), plainFrameBypass.ts its write(), reads
// into the log (readIntoLog.ts) ask what it holds and waits for (receiverHolds, receiverAwaits), and
// wsReceiverProgress.ts reads where it stood when a connection ended. ws has no API for any of it.
// receiverOf() hands the receiver out only when every field has the type this module knows and ws emits
// its events synchronously (its default), which all depend on; otherwise nothing is changed and ws
// works as it always did. receiverMismatch() names what is missing (the self-test and
// test/unit/wsReceiverContract.test.ts say it out loud).
import type WebSocket from 'ws';

/** The Receiver fields and methods used. */
export interface ReceiverInternals {
  consume(n: number): Buffer;
  write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean;
  /** GET_INFO (0): waiting for the next frame's first bytes. */
  _state: number;
  /** Reads (or the rest of them) received and not yet parsed. */
  _buffers: Buffer[];
  _bufferedBytes: number;
  /** The current frame's opcode; a continuation frame carries its message's (1 text, 2 binary); 8 once a close frame was read. */
  _opcode: number;
  _fin: boolean;
  /** The current frame's payload length, once its header is read. */
  _payloadLength: number;
  _compressed: boolean;
  /** Opcode of a fragmented message in progress; 0 between messages. */
  _fragmented: number;
  /** Payloads of the message's earlier fragments. */
  _fragments: Buffer[];
  _errored: boolean;
  /** 0: no limit. */
  _maxPayload: number;
  _skipUTF8Validation: boolean;
  /** Whether 'message' is emitted while the caller that parsed it is still on the stack. */
  _allowSynchronousEvents: boolean;
  readonly writableLength: number;
  readonly writableEnded: boolean;
}

/** Receiver state: waiting for a frame's first bytes. */
export const GET_INFO = 0;
/** Receiver state: waiting for the rest of a frame's payload. */
export const GET_DATA = 4;
/** Receiver state: a compressed payload is being inflated (zlib holds it meanwhile). */
export const INFLATING = 5;

/** What each member must be; `true`: exactly the value true. */
const CONTRACT: ReadonlyArray<readonly [keyof ReceiverInternals, 'function' | 'number' | 'boolean' | 'array' | true]> = [
  ['consume', 'function'],
  ['write', 'function'],
  ['_state', 'number'],
  ['_buffers', 'array'],
  ['_bufferedBytes', 'number'],
  ['_opcode', 'number'],
  ['_fin', 'boolean'],
  ['_payloadLength', 'number'],
  ['_compressed', 'boolean'],
  ['_fragmented', 'number'],
  ['_fragments', 'array'],
  ['_errored', 'boolean'],
  ['_maxPayload', 'number'],
  ['_skipUTF8Validation', 'boolean'],
  ['writableLength', 'number'],
  ['_allowSynchronousEvents', true],
];

/** ws's receiver of `ws` as it is, whatever it holds. */
export function rawReceiver(ws: WebSocket): Partial<ReceiverInternals> | undefined {
  return (ws as unknown as { _receiver?: Partial<ReceiverInternals> })._receiver;
}

/**
 * What a receiver lacks of what the fast paths expect, one phrase each ("_fragments is not an array"),
 * or [] when it has everything.
 */
export function receiverMismatch(receiver: unknown): string[] {
  if (receiver === undefined || receiver === null || typeof receiver !== 'object') return ['the WebSocket has no _receiver'];
  const x = receiver as Record<string, unknown>;
  const problems: string[] = [];
  for (const [name, type] of CONTRACT) {
    const value = x[name];
    if (type === true) {
      if (value !== true) problems.push(`${name} is ${String(value)}, not true (ws must emit its events synchronously)`);
    } else if (type === 'array' ? !Array.isArray(value) : typeof value !== type) {
      problems.push(value === undefined ? `${name} is missing` : `${name} is not a${type === 'array' ? 'n array' : ` ${type}`}`);
    }
  }
  return problems;
}

/** ws's receiver, if it is one this module knows and it emits synchronously. */
export function receiverOf(ws: WebSocket): ReceiverInternals | undefined {
  const x = rawReceiver(ws);
  return receiverMismatch(x).length === 0 ? (x as ReceiverInternals) : undefined;
}

/**
 * Bytes ws still waits for to have the payload it is reading in one piece (0 between payloads).
 * Infinity inside a fragmented message: ws joins its fragments into a buffer of its own, so their
 * bytes are copied whatever they were read into.
 */
export function receiverAwaits(r: ReceiverInternals): number {
  if (r._fragmented !== 0) return Infinity;
  return r._state === GET_DATA ? Math.max(0, r._payloadLength - r._bufferedBytes) : 0;
}

/** Whether ws's receiver may still read bytes of `buffer`: unparsed reads, a message's fragments, a payload being inflated. */
export function receiverHolds(r: ReceiverInternals, buffer: ArrayBufferLike): boolean {
  if (r._state === INFLATING) return true;
  for (const b of r._buffers) if (b.buffer === buffer) return true;
  for (const b of r._fragments) if (b.buffer === buffer) return true;
  return false;
}

/** Node's Buffer constructor without argument checks: what ws itself makes its views with. */
export { FastBuffer } from './fastBuffer';
