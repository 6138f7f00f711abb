// One entry's payload as the detail views read it: fixed pages fetched from the host on demand and kept
// in a small least-recently-used cache, so a view of a 256 MiB message holds a few pages, never the
// whole payload (as vscode-hexeditor pages files of any size). Views draw from `cached` synchronously
// and ask `load` for what is missing; a page that arrives for an entry no longer shown is dropped.
import { t } from './l10n';
import type { PayloadPage } from '../shared/protocol';

/** Bytes per page fetched from the host. */
export const PAYLOAD_PAGE_BYTES = 64 * 1024;
/** Pages kept per payload (4 MiB): a screen of Hex or Text needs one or two. */
const CACHED_PAGES = 64;
/** Most bytes one load returns: a quarter of the cache, so its pages are all still cached when they have arrived. */
export const MAX_LOAD = (CACHED_PAGES / 4) * PAYLOAD_PAGE_BYTES;

/** What a source needs from the host. */
export interface PayloadPageFetcher {
  getPayloadPage(seq: number, offset: number, length: number): Promise<PayloadPage>;
  findInPayload(seq: number, needle: Uint8Array, from: number, backwards: boolean): Promise<number>;
}

/** The paged payload of one entry. */
export class PayloadSource {
  /** Page index → bytes, oldest use first (Map keeps insertion order; a hit is re-inserted). */
  private readonly pages = new Map<number, Uint8Array>();
  private readonly inFlight = new Map<number, Promise<Uint8Array>>();
  private disposed = false;

  /**
   * @param total the payload's byte length
   * @param prefix bytes from offset 0 already fetched (whole pages of it are cached)
   */
  constructor(
    readonly seq: number,
    readonly total: number,
    private readonly fetcher: PayloadPageFetcher,
    prefix?: Uint8Array,
  ) {
    if (prefix) {
      const whole = Math.min(CACHED_PAGES, Math.floor(prefix.length / PAYLOAD_PAGE_BYTES));
      for (let i = 0; i < whole; i++) this.pages.set(i, prefix.subarray(i * PAYLOAD_PAGE_BYTES, (i + 1) * PAYLOAD_PAGE_BYTES));
      if (prefix.length === total && prefix.length % PAYLOAD_PAGE_BYTES && whole < CACHED_PAGES) {
        this.pages.set(whole, prefix.subarray(whole * PAYLOAD_PAGE_BYTES));
      }
    }
  }

  /** Bytes [offset, offset + length) clipped to the payload, if every page of them is cached; else undefined. */
  cached(offset: number, length: number): Uint8Array | undefined {
    const start = Math.max(0, Math.min(offset, this.total));
    const end = Math.min(this.total, start + Math.max(0, length));
    if (start === end) return new Uint8Array(0);
    const first = Math.floor(start / PAYLOAD_PAGE_BYTES);
    const last = Math.floor((end - 1) / PAYLOAD_PAGE_BYTES);
    if (first === last) {
      const page = this.hit(first);
      return page?.subarray(start - first * PAYLOAD_PAGE_BYTES, end - first * PAYLOAD_PAGE_BYTES);
    }
    const out = new Uint8Array(end - start);
    for (let p = first; p <= last; p++) {
      const page = this.hit(p);
      if (!page) return undefined;
      const from = Math.max(start, p * PAYLOAD_PAGE_BYTES);
      const to = Math.min(end, (p + 1) * PAYLOAD_PAGE_BYTES);
      out.set(page.subarray(from - p * PAYLOAD_PAGE_BYTES, to - p * PAYLOAD_PAGE_BYTES), from - start);
    }
    return out;
  }

  /** Bytes [offset, offset + length) clipped to the payload, fetching the pages not cached; at most MAX_LOAD bytes. */
  async load(offset: number, length: number): Promise<Uint8Array> {
    if (length > MAX_LOAD) throw new RangeError(t('A payload source loads at most {0} bytes at once', MAX_LOAD));
    const start = Math.max(0, Math.min(offset, this.total));
    const end = Math.min(this.total, start + Math.max(0, length));
    if (end > start) {
      const pending: Promise<Uint8Array>[] = [];
      for (let p = Math.floor(start / PAYLOAD_PAGE_BYTES); p <= Math.floor((end - 1) / PAYLOAD_PAGE_BYTES); p++) {
        if (!this.pages.has(p)) pending.push(this.fetch(p));
      }
      await Promise.all(pending);
    }
    const bytes = this.cached(start, end - start);
    if (bytes) return bytes;
    // Disposed while loading, or evicted by a concurrent load: read the range again.
    if (this.disposed) throw new Error(t('The entry is no longer shown'));
    return this.load(start, end - start);
  }

  /** Where `needle` next occurs at or after `from` (at or before it when `backwards`), or -1; searched on the host. */
  find(needle: Uint8Array, from: number, backwards: boolean): Promise<number> {
    return this.fetcher.findInPayload(this.seq, needle, from, backwards);
  }

  /** Drops the cache; pages still arriving are not kept. */
  dispose(): void {
    this.disposed = true;
    this.pages.clear();
    this.inFlight.clear();
  }

  private hit(index: number): Uint8Array | undefined {
    const page = this.pages.get(index);
    if (page) {
      this.pages.delete(index);
      this.pages.set(index, page);
    }
    return page;
  }

  private fetch(index: number): Promise<Uint8Array> {
    const running = this.inFlight.get(index);
    if (running) return running;
    const request = this.fetcher.getPayloadPage(this.seq, index * PAYLOAD_PAGE_BYTES, PAYLOAD_PAGE_BYTES).then(
      (r) => {
        this.inFlight.delete(index);
        const bytes = new Uint8Array(r.bytes);
        if (!this.disposed) {
          this.pages.set(index, bytes);
          while (this.pages.size > CACHED_PAGES) this.pages.delete(this.pages.keys().next().value!);
        }
        return bytes;
      },
      (e: unknown) => {
        this.inFlight.delete(index);
        throw e;
      },
    );
    this.inFlight.set(index, request);
    return request;
  }
}
