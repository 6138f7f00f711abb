// The Text tab's row indexes (shared/codecs/textRows.ts) of the entries a panel's webview asked for last.
// Building one is a pass over the payload (0.26–0.32 s of the extension host for 256 MiB), and the tab asks
// again each time the entry is shown: a few are kept, the most recently asked for, like DecodedPages'
// trees. An index is row offsets only, built synchronously from a view into the log that is not kept.
// Seqs are not reused (a cleared log counts on), so a kept index is never given for another entry; it is
// still dropped once its entry is gone: on the log's clear, and at the next request after an eviction
// (the log announces none, and listening to its appends would slow its ingest).
import type { TextRowsResult } from '../../shared/protocol';
import { indexTextRows, type TextRowIndex } from '../../shared/codecs/textRows';
import type { IDisposable } from '../core/base/dispose';
import type { EntryLog } from '../core/log/entryLog';

/** Row indexes kept per panel. */
const KEPT_INDEXES = 4;

interface Kept {
  readonly log: EntryLog;
  readonly seq: number;
  readonly index: TextRowIndex;
  readonly total: number;
}

/** A panel's kept row indexes; `build` indexes a payload (indexTextRows; a test counts its calls). */
export class TextRowIndexes implements IDisposable {
  /** Least recently asked for first. */
  private kept: Kept[] = [];
  /** A clear subscription per log with a kept index. */
  private readonly clears = new Map<EntryLog, IDisposable>();

  constructor(private readonly build: (payload: Uint8Array) => TextRowIndex = indexTextRows) {}

  /** How many indexes are kept. */
  get size(): number {
    return this.kept.length;
  }

  /** The row index of entry `seq` of `log`, whose payload is `payload` (a view read just now, not kept). */
  rows(log: EntryLog, seq: number, payload: Uint8Array): TextRowsResult {
    this.keepOnly((k) => k.log.has(k.seq));
    let kept = this.kept.find((k) => k.log === log && k.seq === seq);
    if (kept) this.kept = [...this.kept.filter((k) => k !== kept), kept];
    else {
      kept = { log, seq, index: this.build(payload), total: payload.length };
      this.kept.push(kept);
      if (!this.clears.has(log)) this.clears.set(log, log.onDidClear(() => this.keepOnly((k) => k.log !== log)));
      const oldest = this.kept[0]!;
      if (this.kept.length > KEPT_INDEXES) this.keepOnly((k) => k !== oldest);
    }
    const { index } = kept;
    // Copies (2 × 8 bytes per 64 KiB of payload): the posted buffers are the transport's, the kept ones stay as they are.
    return { seq, total: kept.total, rows: index.rows, rowsBefore: index.rowsBefore.slice().buffer, firstStart: index.firstStart.slice().buffer };
  }

  dispose(): void {
    this.keepOnly(() => false);
  }

  /** Keeps the indexes `keep` says to, and the clear subscriptions of their logs only. */
  private keepOnly(keep: (k: Kept) => boolean): void {
    this.kept = this.kept.filter(keep);
    for (const [log, sub] of this.clears) {
      if (this.kept.some((k) => k.log === log)) continue;
      sub.dispose();
      this.clears.delete(log);
    }
  }
}
