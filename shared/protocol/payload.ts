// The payload slice of the panel protocol: one entry's full payload, to read, copy or save to a file.
// Host side: src/panel/payloadHandlers.ts.
import type { AutoReplyOrigin } from '../logModel';

/** An entry's full payload (up to the requested limit) and its columns. */
export interface PayloadResult {
  readonly seq: number;
  readonly wallTime: number;
  readonly direction: number;
  readonly kind: number;
  readonly code: number;
  /** True byte length; `payload` holds at most the requested limit. */
  readonly length: number;
  readonly payload: ArrayBuffer;
  /** Set when the listener sent the entry by itself: which auto-reply rule, as it was then (rule 0: no longer known), or what of its recording a mock sent. */
  readonly autoReply?: AutoReplyOrigin;
}

/** Largest payload prefix a webview may ask for, in bytes. */
export const MAX_PAYLOAD_LIMIT = 64 * 1024 * 1024;

/** Largest page of a payload one getPayloadPage answers, in bytes. */
export const MAX_PAYLOAD_PAGE = 1024 * 1024;

/** Longest byte sequence findInPayload looks for. */
export const MAX_FIND_NEEDLE = 4096;

/** A page of an entry's payload: `bytes` holds the payload from `offset`, at most the length asked for. */
export interface PayloadPage {
  readonly seq: number;
  readonly offset: number;
  /** The payload's whole byte length. */
  readonly total: number;
  readonly bytes: ArrayBuffer;
}

/** Where the Text tab's rows are in a payload (shared/codecs/textRows.ts), per block of TEXT_INDEX_BLOCK bytes. */
export interface TextRowsResult {
  readonly seq: number;
  /** The payload's whole byte length. */
  readonly total: number;
  readonly rows: number;
  /** Float64Array: rows that start before each block. */
  readonly rowsBefore: ArrayBuffer;
  /** Float64Array: the first row start in or after each block. */
  readonly firstStart: ArrayBuffer;
}

/** Payload requests the webview sends. */
export type PayloadRequests = {
  /** One entry's payload, up to `limit` bytes. */
  getPayload: { params: { seq: number; limit: number }; result: PayloadResult };
  /** Bytes [offset, offset + length) of one entry's payload (clipped to its end): detail views page through payloads of any size. */
  getPayloadPage: { params: { seq: number; offset: number; length: number }; result: PayloadPage };
  /** The row index of one entry's payload for the Text tab: a few numbers per 64 KiB, never the bytes. */
  getTextRows: { params: { seq: number }; result: TextRowsResult };
  /**
   * The offset of the first occurrence of `needle` in one entry's payload at or after `from` (at or before it,
   * when `backwards`), or -1.
   */
  findInPayload: { params: { seq: number; needle: ArrayBuffer; from: number; backwards: boolean }; result: { offset: number } };
  /** Copies one entry's full payload, or bytes [offset, offset + length) of it, to the clipboard. */
  copy: { params: { seq: number; as: 'text' | 'hex' | 'base64'; offset?: number; length?: number }; result: { chars: number } };
  /** Saves one entry's full payload (however large) to a file the user picks; `saved` is false if they cancelled. */
  savePayload: { params: { seq: number }; result: { saved: boolean; bytes: number } };
};
