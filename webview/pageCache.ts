// The webview's cache of log entries, by pages of PAGE_ENTRIES consecutive seqs, least recently used
// evicted first. Entries arrive in packed batches (live tail, range pages, filtered lists) and are
// copied into their page's slots, so a cached batch never pins a large buffer.
import { type EntryBatch, batchPayload } from '../shared/entryBatch';

/** Seqs per page. */
export const PAGE_ENTRIES = 256;

/** One page of cached entries; slot i holds seq `base + i` when present[i] is 1. */
export class EntryPage {
  readonly present = new Uint8Array(PAGE_ENTRIES);
  readonly wallTime = new Float64Array(PAGE_ENTRIES);
  readonly length = new Uint32Array(PAGE_ENTRIES);
  readonly code = new Uint16Array(PAGE_ENTRIES);
  readonly dirKind = new Uint8Array(PAGE_ENTRIES);
  readonly preview: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(PAGE_ENTRIES);
  constructor(readonly base: number) {}
}

/** A cached entry as the log view reads it. */
export interface CachedEntry {
  readonly page: EntryPage;
  readonly slot: number;
}

/** LRU cache of entry pages. */
export class PageCache {
  private readonly pages = new Map<number, EntryPage>();

  constructor(private readonly maxPages = 512) {}

  /** Number of pages held. */
  get size(): number {
    return this.pages.size;
  }

  /** Stores every entry of a batch. */
  put(batch: EntryBatch): void {
    let page: EntryPage | undefined;
    for (let i = 0; i < batch.count; i++) {
      const seq = batch.seq[i]!;
      const base = seq - (seq % PAGE_ENTRIES);
      if (!page || page.base !== base) page = this.pageFor(base, true)!;
      const slot = seq - base;
      page.present[slot] = 1;
      page.wallTime[slot] = batch.wallTime[i]!;
      page.length[slot] = batch.length[i]!;
      page.code[slot] = batch.code[i]!;
      page.dirKind[slot] = batch.dirKind[i]!;
      page.preview[slot] = batchPayload(batch, i).slice();
    }
    this.evict();
  }

  /** Whether `seq` is cached (does not count as a use). */
  has(seq: number): boolean {
    const page = this.pages.get(seq - (seq % PAGE_ENTRIES));
    return page !== undefined && page.present[seq - page.base] === 1;
  }

  /** The cached entry for `seq`, marking its page as recently used. */
  get(seq: number): CachedEntry | undefined {
    const page = this.pageFor(seq - (seq % PAGE_ENTRIES), false);
    if (!page) return undefined;
    const slot = seq - page.base;
    return page.present[slot] === 1 ? { page, slot } : undefined;
  }

  /** Forgets every entry below `firstSeq`. */
  dropBelow(firstSeq: number): void {
    for (const [base, page] of this.pages) {
      if (base + PAGE_ENTRIES <= firstSeq) this.pages.delete(base);
      else if (base < firstSeq) for (let s = 0; s < firstSeq - base; s++) page.present[s] = 0;
    }
  }

  clear(): void {
    this.pages.clear();
  }

  private pageFor(base: number, create: boolean): EntryPage | undefined {
    let page = this.pages.get(base);
    if (page) {
      // Re-inserting moves the page to the most-recent end of the Map's order.
      this.pages.delete(base);
      this.pages.set(base, page);
      return page;
    }
    if (!create) return undefined;
    page = new EntryPage(base);
    this.pages.set(base, page);
    return page;
  }

  private evict(): void {
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
    }
  }
}
