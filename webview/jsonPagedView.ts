// The JSON tab for a big document: its bytes fetched from the host a MiB at a time, indexed a slice of a
// few milliseconds at a time (jsonIndex.ts), and shown as a tree whose visible rows (the expanded nodes,
// in document order) are virtualized with a scaled scroll, so a 64 MiB document opens at once and no task
// is long. Rows appear as the document is read; the root starts expanded.
import type { PayloadPageFetcher } from './payloadSource';
import type { ScrollGeometry } from './scrollScale';
import { ScrollPosition } from './scrollPosition';
import { h } from './domBuilder';
import { formatBytes } from './entryFormat';
import { JsonIndex, JsonKind } from './jsonIndex';
import { t } from './l10n';

/** Bytes asked of the host per request. */
const FETCH_BYTES = 1024 * 1024;
/** Requests in flight at once. */
const IN_FLIGHT = 3;
/** Time the index may take per task. */
const SLICE_MS = 8;
/** Bytes of a key or scalar shown in a row. */
const PREVIEW_BYTES = 240;
const INDENT_PX = 14;

const utf8 = new TextDecoder('utf-8');

/** The JSON tab of a big payload; dispose() stops reading it. */
export interface JsonView {
  readonly element: HTMLElement;
  dispose(): void;
}

/** A tree of the JSON payload `seq` of `total` bytes, of which `prefix` is already here. */
export function renderPagedJson(seq: number, total: number, prefix: Uint8Array, fetcher: PayloadPageFetcher): JsonView {
  return new PagedJson(seq, total, prefix, fetcher);
}

class PagedJson implements JsonView {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly list: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly resize: ResizeObserver;
  private readonly bytes: Uint8Array;
  private readonly index: JsonIndex;
  /** Bytes from 0 that are here (pages arrive in order of request, but are placed as they come). */
  private available: number;
  private nextFetch: number;
  private readonly arrived = new Map<number, number>();
  private inFlight = 0;
  /** Visible rows: node numbers in document order. */
  private rows = new Uint32Array(1024);
  private rowCount = 0;
  private readonly expanded = new Set<number>([0]);
  /** Nodes seen by the row builder so far, and, per depth, the last node there and whether its children show. */
  private seen = 0;
  private readonly path: number[] = [];
  private readonly showsChildren: boolean[] = [];
  private rowHeight = 0;
  private viewportHeight = 0;
  private readonly position = new ScrollPosition(() => this.geometry(), () => this.invalidate());
  private drawn = '';
  private frame = 0;
  private slice: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private disposed = false;
  private keyHost: HTMLElement | undefined;
  private readonly keyListener = (e: KeyboardEvent): void => this.position.onKey(e);

  constructor(private readonly seq: number, total: number, prefix: Uint8Array, private readonly fetcher: PayloadPageFetcher) {
    this.bytes = new Uint8Array(total);
    this.bytes.set(prefix.subarray(0, total));
    this.available = Math.min(prefix.length, total);
    this.nextFetch = this.available;
    this.index = new JsonIndex(this.bytes);
    this.status = h('div', { className: 'payload-note', testId: 'json-status' });
    this.list = h('div', { className: 'json-paged-rows', testId: 'detail-json', attrs: { role: 'tree' } });
    this.viewport = h('div', { className: 'text-paged-viewport' }, [this.list]);
    this.spacer = h('div', { className: 'text-paged-spacer' });
    this.scroller = h('div', { className: 'text-paged-scroller json-paged-scroller', attrs: { tabindex: '-1' } }, [this.viewport, this.spacer]);
    this.element = h('div', { className: 'payload-view text-paged' }, [this.status, this.scroller]);
    this.list.setAttribute('aria-busy', 'true');
    this.scroller.addEventListener('scroll', () => this.position.onScroll(this.scroller.scrollTop), { passive: true });
    this.scroller.addEventListener('wheel', (e) => this.position.onWheel(e), { passive: false });
    this.list.addEventListener('click', (e) => this.onClick(e));
    // Reading starts when the tab is first shown (the observer reports a size): an entry only passed
    // over on the Text tab costs nothing.
    this.resize = new ResizeObserver(() => this.invalidate());
    this.resize.observe(this.scroller);
    this.showStatus();
  }

  dispose(): void {
    this.disposed = true;
    this.resize.disconnect();
    this.keyHost?.removeEventListener('keydown', this.keyListener);
    cancelAnimationFrame(this.frame);
    if (this.slice !== undefined) clearTimeout(this.slice);
  }

  // ------------------------------------------------------------------------------------------------

  private start(): void {
    this.started = true;
    this.fetchMore();
    this.schedule();
  }

  private fetchMore(): void {
    const total = this.bytes.length;
    while (!this.disposed && this.inFlight < IN_FLIGHT && this.nextFetch < total) {
      const offset = this.nextFetch;
      const length = Math.min(FETCH_BYTES, total - offset);
      this.nextFetch += length;
      this.inFlight++;
      this.fetcher.getPayloadPage(this.seq, offset, length).then(
        (page) => {
          this.inFlight--;
          if (this.disposed) return;
          this.bytes.set(new Uint8Array(page.bytes), offset);
          this.arrived.set(offset, page.bytes.byteLength);
          for (let n = this.arrived.get(this.available); n !== undefined; n = this.arrived.get(this.available)) {
            this.arrived.delete(this.available);
            this.available += n;
          }
          this.fetchMore();
          this.schedule();
        },
        (e: unknown) => {
          this.inFlight--;
          if (this.disposed) return;
          this.index.error ??= e instanceof Error ? e.message : String(e);
          this.showStatus();
        },
      );
    }
  }

  /** Runs the next slice of the index in a task of its own, if there are bytes for it. */
  private schedule(): void {
    if (this.slice !== undefined || this.disposed || this.index.error !== undefined) return;
    if (this.index.offset >= this.available && !(this.available === this.bytes.length && !this.index.complete)) return;
    this.slice = setTimeout(() => {
      this.slice = undefined;
      const more = this.index.feed(this.available, SLICE_MS);
      this.addRows();
      this.showStatus();
      this.invalidate();
      if (more || (this.available === this.bytes.length && !this.index.complete && this.index.error === undefined && this.index.offset < this.available)) this.schedule();
    }, 0);
  }

  private showStatus(): void {
    const i = this.index;
    const total = this.bytes.length;
    let text: string;
    if (i.error) text = t('The payload is {0}; the tree shows what came before.', i.error);
    else if (i.complete) text = i.size === 1 ? t('1 value') : t('{0} values', i.size.toLocaleString('en-US'));
    else text = t('reading… {0} of {1} · {2} values so far', formatBytes(i.offset), formatBytes(total), i.size.toLocaleString('en-US'));
    this.status.textContent = text;
    this.status.classList.toggle('json-error', i.error !== undefined);
    if (i.complete || i.error) this.list.removeAttribute('aria-busy');
  }

  /** Appends the rows of nodes indexed since the last call that show (their parents are expanded and shown). */
  private addRows(): void {
    const i = this.index;
    for (let n = this.seen; n < i.size; n++) {
      const d = i.depth(n);
      const shown = d === 0 || this.showsChildren[d - 1] === true;
      this.path[d] = n;
      this.showsChildren[d] = shown && this.expanded.has(n);
      if (shown) this.pushRow(n);
    }
    this.seen = i.size;
  }

  private pushRow(node: number): void {
    if (this.rowCount === this.rows.length) {
      const grown = new Uint32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows[this.rowCount++] = node;
  }

  /** Opens or closes the container at row `row`. */
  private toggle(row: number): void {
    const i = this.index;
    const node = this.rows[row]!;
    const end = i.next(node);
    if (this.expanded.has(node)) {
      this.expanded.delete(node);
      // Its shown descendants are the rows after it with node numbers below its subtree's end.
      let last = row + 1;
      let hi = this.rowCount;
      while (last < hi) {
        const mid = (last + hi) >> 1;
        if (this.rows[mid]! < end) last = mid + 1;
        else hi = mid;
      }
      this.rows.copyWithin(row + 1, last, this.rowCount);
      this.rowCount -= last - (row + 1);
    } else {
      this.expanded.add(node);
      const added: number[] = [];
      // Children by their subtree ends; an expanded child's own shown rows follow it.
      const stack: number[] = [end];
      let n = node + 1;
      while (stack.length > 0) {
        if (n >= stack[stack.length - 1]!) {
          stack.pop();
          continue;
        }
        added.push(n);
        const next = i.next(n);
        if (this.expanded.has(n) && next > n + 1) {
          stack.push(next);
          n++;
        } else n = next;
        if (n >= i.size) break;
      }
      if (this.rowCount + added.length > this.rows.length) {
        const grown = new Uint32Array(Math.max(this.rows.length * 2, this.rowCount + added.length));
        grown.set(this.rows.subarray(0, this.rowCount));
        this.rows = grown;
      }
      this.rows.copyWithin(row + 1 + added.length, row + 1, this.rowCount);
      this.rows.set(added, row + 1);
      this.rowCount += added.length;
    }
    // Whether the nodes still being read show: recomputed down the open path.
    for (let d = 0; d < this.path.length; d++) {
      const shown = d === 0 || this.showsChildren[d - 1] === true;
      this.showsChildren[d] = shown && this.expanded.has(this.path[d]!);
    }
    this.drawn = '';
    this.invalidate();
  }

  private onClick(e: MouseEvent): void {
    const el = (e.target as HTMLElement).closest<HTMLElement>('.json-row');
    if (!el || el.dataset.container === undefined) return;
    // A click that ends a text selection selects, it does not toggle.
    if (document.getSelection()?.type === 'Range') return;
    this.toggle(Number(el.dataset.row));
  }

  private geometry(): ScrollGeometry {
    return { rowHeight: this.rowHeight, rowCount: this.rowCount, viewportHeight: this.viewportHeight };
  }

  private invalidate(): void {
    if (this.frame || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    if (this.disposed) return;
    if (!this.keyHost && this.element.parentElement) {
      this.keyHost = this.element.parentElement;
      this.keyHost.addEventListener('keydown', this.keyListener);
    }
    this.viewportHeight = this.scroller.clientHeight;
    if (this.viewportHeight === 0) return;
    if (!this.started) this.start();
    this.viewport.style.height = `${this.viewportHeight}px`;
    if (this.rowHeight === 0) {
      const probe = h('div', { className: 'json-row', text: 'M' });
      this.list.append(probe);
      this.rowHeight = probe.offsetHeight || 20;
      probe.remove();
    }
    const { first, end, offsetY } = this.position.apply(this.scroller, this.spacer);
    // Redrawn when the rows in view or what they show (a container's count while read) may have changed.
    const key = `${first}:${end}:${this.index.size}`;
    if (key !== this.drawn) {
      this.drawn = key;
      const els: HTMLElement[] = [];
      for (let r = first; r < end; r++) els.push(this.rowElement(r));
      this.list.replaceChildren(...els);
    }
    this.list.style.transform = `translateY(${offsetY}px)`;
  }

  private rowElement(row: number): HTMLElement {
    const i = this.index;
    const node = this.rows[row]!;
    const kind = i.kind(node);
    const depth = i.depth(node);
    const el = h('div', { className: 'json-row', testId: 'json-row', attrs: { role: 'treeitem', 'aria-level': String(depth + 1) } });
    el.dataset.row = String(row);
    el.style.paddingLeft = `${depth * INDENT_PX}px`;
    const container = kind === JsonKind.Object || kind === JsonKind.Array;
    const open = this.expanded.has(node);
    el.append(h('span', { className: `json-twisty codicon ${container ? (open ? 'codicon-chevron-down' : 'codicon-chevron-right') : ''}` }));
    if (container) {
      el.dataset.container = '';
      el.setAttribute('aria-expanded', String(open));
    }
    if (depth > 0) {
      const label = i.label(node);
      const member = i.isMember(node);
      el.append(h('span', { className: 'json-key', text: member ? this.keyText(label) : String(label) }), h('span', { className: 'json-punct', text: ': ' }));
    }
    if (container) {
      const count = i.count(node);
      const reading = i.isOpen(node) && !i.error;
      const shown = `${count.toLocaleString('en-US')}${reading ? '+' : ''}`;
      const noun = kind === JsonKind.Object ? (count === 1 ? t('{0} key', shown) : t('{0} keys', shown)) : count === 1 ? t('{0} item', shown) : t('{0} items', shown);
      el.append(
        h('span', { className: 'json-punct', text: kind === JsonKind.Object ? '{' : '[' }),
        h('span', { className: 'json-count', text: noun }),
        h('span', { className: 'json-punct', text: kind === JsonKind.Object ? '}' : ']' }),
      );
    } else {
      const raw = this.scalarText(i.start(node), kind);
      const cls = kind === JsonKind.String ? 'json-string' : kind === JsonKind.Number ? 'json-number' : raw === 'null' ? 'json-null' : 'json-boolean';
      el.append(h('span', { className: cls, text: raw }));
    }
    return el;
  }

  /** A key as text: its JSON string decoded when it is short, else its first bytes. */
  private keyText(at: number): string {
    const raw = this.scalarText(at, JsonKind.String);
    if (raw.endsWith('…')) return raw.slice(1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw;
    }
  }

  /** The source text of the scalar at `at`, cut after PREVIEW_BYTES with an ellipsis. */
  private scalarText(at: number, kind: JsonKind): string {
    const b = this.bytes;
    const limit = Math.min(this.available, at + PREVIEW_BYTES);
    let end = at + 1;
    if (kind === JsonKind.String) {
      let escaped = false;
      for (; end < limit; end++) {
        const x = b[end]!;
        if (escaped) escaped = false;
        else if (x === 0x5c) escaped = true;
        else if (x === 0x22) {
          end++;
          return utf8.decode(b.subarray(at, end));
        }
      }
      return utf8.decode(b.subarray(at, end)) + '…';
    }
    while (end < limit && b[end] !== 0x2c && b[end] !== 0x5d && b[end] !== 0x7d && b[end]! > 0x20) end++;
    return utf8.decode(b.subarray(at, end));
  }
}
