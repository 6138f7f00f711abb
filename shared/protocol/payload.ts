// The payload slice of the panel protocol: one entry's full payload, to read, copy or save to a file.
// Host side: src/panel/payloadHandlers.ts.

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
}

/** Largest payload prefix a webview may ask for, in bytes. */
export const MAX_PAYLOAD_LIMIT = 64 * 1024 * 1024;

/** Payload requests the webview sends. */
export type PayloadRequests = {
  /** One entry's payload, up to `limit` bytes. */
  getPayload: { params: { seq: number; limit: number }; result: PayloadResult };
  /** Copies one entry's full payload to the clipboard. */
  copy: { params: { seq: number; as: 'text' | 'hex' | 'base64' }; result: { chars: number } };
  /** Saves one entry's full payload (however large) to a file the user picks; `saved` is false if they cancelled. */
  savePayload: { params: { seq: number }; result: { saved: boolean; bytes: number } };
};
