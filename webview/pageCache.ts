// The webview's cache of log entries, by pages of PAGE_ENTRIES consecutive seqs, least recently used
// evicted first. Entries arrive in packed batches (live tail, range pages, filtered lists) and are
// copied into their page's columns and its one byte slab, so a cached batch never pins a large buffer
// and an entry costs its preview bytes plus 24 (no object, no buffer per entry: issue #6 measures it).
import type { EntryBatch } from '../shared/entryBatch';

/** Seqs per page. */
export const PAGE_ENTRIES = 256;
/** A full page whose slab has more than this share unused gives it back. */
const TRIM_ABOVE = 1 / 8;

/** One page of cached entries; slot i holds seq `base + i` when present[i] is 1. */
export class EntryPage {
  readonly present = new Uint8Array(PAGE_ENTRIES);
  readonly wallTime = new Float64Array(PAGE_ENTRIES);
  readonly length = new Uint32Array(PAGE_ENTRIES);
  readonly code = new Uint16Array(PAGE_ENTRIES);
  readonly dirKind = new Uint8Array(PAGE_ENTRIES);
  /** Where each slot's preview lies in `slab`. */
  private readonly previewStart = new Uint32Array(PAGE_ENTRIES);
  private readonly previewLength = new Uint32Array(PAGE_ENTRIES);
  private slab = new Uint8Array(0);
  private used = 0;
  private filled = 0;
  constructor(private first: number) {}

  /** Seq of slot 0. */
  get base(): number {
    return this.first;
  }

  /**
   * Empties the page to hold the seqs from `base` instead, keeping its arrays and slab: under a flood
   * the cache evicts a page for every 256 entries that arrive, and a new page's seven arrays and slab
   * were fresh memory that the page had to fault in (bench/README.md, delivery).
   */
  reuse(base: number): this {
    this.first = base;
    this.present.fill(0);
    this.used = 0;
    this.filled = 0;
    return this;
  }

  /** The preview bytes of a slot (a view into the page's slab). */
  preview(slot: number): Uint8Array {
    const start = this.previewStart[slot]!;
    return this.slab.subarray(start, start + this.previewLength[slot]!);
  }

  /** Entries held. */
  get size(): number {
    return this.filled;
  }

  /** Bytes held by the page's arrays, for memory accounting. */
  get memoryBytes(): number {
    return PAGE_ENTRIES * 24 + this.slab.byteLength;
  }

  /**
   * Stores entries [from, to) of `batch`, all of this page; entries already held stay as they are
   * (seqs never change). Consecutive new entries are copied with one `set`: their carried bytes lie
   * side by side in the batch, so there is no view per entry (bench/: a view and a copy per entry were
   * a sixth of the webview's time at 100k entries/s).
   */
  putRange(batch: EntryBatch, from: number, to: number): void {
    const { seq, end, payload } = batch;
    let need = 0;
    for (let i = from; i < to; i++) {
      if (this.present[seq[i]! - this.base] === 1) continue;
      need += end[i]! - (i === 0 ? 0 : end[i - 1]!);
    }
    if (this.used + need > this.slab.length) this.grow(need, to - from);
    let i = from;
    while (i < to) {
      if (this.present[seq[i]! - this.base] === 1) {
        i++;
        continue;
      }
      const bytesFrom = i === 0 ? 0 : end[i - 1]!;
      for (; i < to && this.present[seq[i]! - this.base] !== 1; i++) {
        const slot = seq[i]! - this.base;
        const start = i === 0 ? 0 : end[i - 1]!;
        this.previewStart[slot] = this.used + (start - bytesFrom);
        this.previewLength[slot] = end[i]! - start;
        this.present[slot] = 1;
        this.wallTime[slot] = batch.wallTime[i]!;
        this.length[slot] = batch.length[i]!;
        this.code[slot] = batch.code[i]!;
        this.dirKind[slot] = batch.dirKind[i]!;
        this.filled++;
      }
      const bytesTo = end[i - 1]!;
      if (bytesTo > bytesFrom) this.slab.set(bytesFrom === 0 && bytesTo === payload.length ? payload : payload.subarray(bytesFrom, bytesTo), this.used);
      this.used += bytesTo - bytesFrom;
    }
    if (this.filled === PAGE_ENTRIES && this.slab.length - this.used > this.slab.length * TRIM_ABOVE) this.slab = this.slab.slice(0, this.used);
  }

  /** Forgets slots below `slot` (their bytes stay in the slab until the page goes). */
  dropBelow(slot: number): void {
    for (let s = 0; s < slot; s++) {
      if (this.present[s] === 1) this.filled--;
      this.present[s] = 0;
    }
  }

  /**
   * Makes room for `need` more bytes, sized for the slots still empty at the average entry size so far:
   * with steady traffic the slab is allocated about once, at about its final size.
   */
  private grow(need: number, entries: number): void {
    const empty = Math.max(0, PAGE_ENTRIES - this.filled - entries);
    const average = (this.used + need) / (this.filled + entries);
    const next = new Uint8Array(Math.ceil(this.used + need + empty * average));
    next.set(this.slab.subarray(0, this.used));
    this.slab = next;
  }
}

/** A cached entry as the log view reads it. */
export interface CachedEntry {
  readonly page: EntryPage;
  readonly slot: number;
}

/** Evicted pages kept for reuse (EntryPage.reuse). */
const SPARE_PAGES = 16;

/** LRU cache of entry pages. */
export class PageCache {
  private readonly pages = new Map<number, EntryPage>();
  private readonly spare: EntryPage[] = [];

  constructor(private readonly maxPages = 512) {}

  /** Number of pages held. */
  get size(): number {
    return this.pages.size;
  }

  /** Stores every entry of a batch. */
  put(batch: EntryBatch): void {
    let i = 0;
    while (i < batch.count) {
      const seq = batch.seq[i]!;
      const base = seq - (seq % PAGE_ENTRIES);
      let j = i + 1;
      while (j < batch.count && batch.seq[j]! >= base && batch.seq[j]! < base + PAGE_ENTRIES) j++;
      this.pageFor(base, true)!.putRange(batch, i, j);
      i = j;
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
      if (base + PAGE_ENTRIES <= firstSeq) this.release(base, page);
      else if (base < firstSeq) page.dropBelow(firstSeq - base);
    }
  }

  clear(): void {
    this.pages.clear();
    this.spare.length = 0;
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
    page = this.spare.pop()?.reuse(base) ?? new EntryPage(base);
    this.pages.set(base, page);
    return page;
  }

  private evict(): void {
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.release(oldest, this.pages.get(oldest)!);
    }
  }

  private release(base: number, page: EntryPage): void {
    this.pages.delete(base);
    if (this.spare.length < SPARE_PAGES) this.spare.push(page);
  }
}
