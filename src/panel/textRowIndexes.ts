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
import { RecentlyUsed } from '../core/base/recentlyUsed';
import type { EntryLog } from '../core/log/entryLog';

/** Row indexes kept per panel. */
const KEPT_INDEXES = 4;

/** An entry of a log. */
interface Key {
  readonly log: EntryLog;
  readonly seq: number;
}

interface Kept {
  readonly index: TextRowIndex;
  readonly total: number;
}

/** A panel's kept row indexes; `build` indexes a payload (indexTextRows; a test counts its calls). */
export class TextRowIndexes implements IDisposable {
  private readonly kept = new RecentlyUsed<Key, Kept>(KEPT_INDEXES, (a, b) => a.log === b.log && a.seq === b.seq);
  /** A clear subscription per log with a kept index. */
  private readonly clears = new Map<EntryLog, IDisposable>();

  constructor(private readonly build: (payload: Uint8Array) => TextRowIndex = indexTextRows) {}

  /** How many indexes are kept. */
  get size(): number {
    return this.kept.size;
  }

  /** The row index of entry `seq` of `log`, whose payload is `payload` (a view read just now, not kept). */
  rows(log: EntryLog, seq: number, payload: Uint8Array): TextRowsResult {
    this.drop((k) => !k.log.has(k.seq));
    let kept = this.kept.use({ log, seq });
    if (!kept) {
      kept = { index: this.build(payload), total: payload.length };
      this.kept.add({ log, seq }, kept);
      // The oldest may have gone, and its log's subscription with it.
      this.unsubscribeUnused();
      if (!this.clears.has(log)) this.clears.set(log, log.onDidClear(() => this.drop((k) => k.log === log)));
    }
    const { index } = kept;
    // Copies (2 × 8 bytes per 64 KiB of payload): the posted buffers are the transport's, the kept ones stay as they are.
    return { seq, total: kept.total, rows: index.rows, rowsBefore: index.rowsBefore.slice().buffer, firstStart: index.firstStart.slice().buffer };
  }

  dispose(): void {
    this.drop(() => true);
  }

  /** Drops the indexes `drop` says to, and the clear subscriptions of logs with none left. */
  private drop(drop: (k: Key) => boolean): void {
    this.kept.dropWhere(drop);
    this.unsubscribeUnused();
  }

  /** Ends the clear subscriptions of logs with no index kept. */
  private unsubscribeUnused(): void {
    for (const [log, sub] of this.clears) {
      if (this.kept.some((k) => k.log === log)) continue;
      sub.dispose();
      this.clears.delete(log);
    }
  }
}
