// The payload feature of a panel (shared/protocol/payload.ts): one entry's full payload, read for the
// detail pane, copied to the clipboard, or saved to a file; always from the log the webview shows (the
// framed view when a framer is chosen). The log reuses its memory for new entries, so a payload is read
// synchronously, and copied before anything is awaited.
import { exactArrayBuffer } from '../../shared/entryBatch';
import { RequestError, type RequestHandlers } from '../../shared/messageHandler';
import type { PayloadPage, PayloadRequests, PayloadResult } from '../../shared/protocol';
import { encodeBase64 } from '../../shared/codecs/base64';
import { toHex } from '../../shared/codecs/hexDump';
import type { EntryLog } from '../core/log/entryLog';
import { FORGOTTEN_AUTO_REPLY } from '../core/log/autoReplyRuns';
import type { PanelContext } from './panelContext';
import { payloadFileName } from './payloadFileName';
import type { TextRowIndexes } from './textRowIndexes';

const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The payload of `seq` in `log` as a view into the log's memory, or a GONE error when the log no longer holds it. */
export function requirePayload(log: EntryLog, seq: number): Uint8Array {
  const payload = log.payload(seq);
  if (!payload) {
    throw new RequestError({ message: `Entry #${seq} is no longer in the log (cleared or evicted by the retention limit).`, code: 'GONE' });
  }
  return payload;
}

/** An entry's columns and the first `limit` bytes of its payload, copied for posting. */
export function payloadResult(log: EntryLog, seq: number, limit: number): PayloadResult {
  const payload = requirePayload(log, seq);
  const result: PayloadResult = {
    seq,
    wallTime: log.wallTime(seq),
    direction: log.direction(seq)!,
    kind: log.kind(seq)!,
    code: log.code(seq),
    length: payload.length,
    payload: exactArrayBuffer(payload.subarray(0, limit)),
  };
  return log.isAutoReply(seq) ? { ...result, autoReply: log.autoReplyOrigin(seq) ?? FORGOTTEN_AUTO_REPLY } : result;
}

/** Bytes [offset, offset + length) of an entry's payload, clipped to its end, copied for posting. */
export function payloadPage(log: EntryLog, seq: number, offset: number, length: number): PayloadPage {
  const payload = requirePayload(log, seq);
  const start = Math.min(offset, payload.length);
  const end = Math.min(payload.length, start + length);
  return { seq, offset: start, total: payload.length, bytes: exactArrayBuffer(payload.subarray(start, end)) };
}

/**
 * Where `needle` first occurs in an entry's payload at or after `from` (or last occurs at or before it, when
 * `backwards`), or -1. Buffer's native search: a 256 MiB payload is scanned in tens of milliseconds.
 */
export function findInPayload(log: EntryLog, seq: number, needle: Uint8Array, from: number, backwards: boolean): number {
  const payload = requirePayload(log, seq);
  const haystack = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  if (backwards) return from < 0 ? -1 : haystack.lastIndexOf(needle, Math.min(from, payload.length));
  return from > payload.length - needle.length ? -1 : haystack.indexOf(needle, from);
}

/** A payload as the clipboard gets it: UTF-8 text, spaced hex pairs, or base64. */
export function payloadAs(payload: Uint8Array, as: 'text' | 'hex' | 'base64'): string {
  if (as === 'hex') return toHex(payload, ' ');
  if (as === 'base64') return encodeBase64(payload);
  return lenientUtf8.decode(payload);
}

/** Handlers of the payload requests; `textRows` keeps the Text tab's row indexes. */
export function payloadHandlers(panel: PanelContext, textRows: TextRowIndexes): RequestHandlers<PayloadRequests> {
  return {
    getPayload: ({ seq, limit }) => payloadResult(panel.log, seq, limit),
    getPayloadPage: ({ seq, offset, length }) => payloadPage(panel.log, seq, offset, length),
    // Synchronous: the payload is a view into the log, which may reuse the memory after an await.
    getTextRows: ({ seq }) => textRows.rows(panel.log, seq, requirePayload(panel.log, seq)),
    findInPayload: ({ seq, needle, from, backwards }) => ({
      offset: findInPayload(panel.log, seq, new Uint8Array(needle), from, backwards),
    }),
    copy: async ({ seq, as, offset = 0, length }) => {
      const payload = requirePayload(panel.log, seq);
      const text = payloadAs(payload.subarray(offset, length === undefined ? payload.length : offset + length), as);
      await panel.callbacks.writeClipboard(text);
      return { chars: text.length };
    },
    savePayload: async ({ seq }) => {
      const callbacks = panel.callbacks;
      if (!callbacks.savePayload) throw new RequestError({ message: 'Saving to a file is not available here.', code: 'UNSUPPORTED' });
      const log = panel.log;
      // A copy: the dialog waits for the user while traffic may evict the entry and reuse its memory.
      const payload = requirePayload(log, seq).slice();
      const name = payloadFileName(seq, log.direction(seq), log.kind(seq), payload);
      const saved = await callbacks.savePayload(payload, name);
      return { saved, bytes: payload.length };
    },
  };
}
